"""What every spreadsheet import shares: its columns, matched by their headers in
English or Vietnamese, with or without diacritics; each row read cell by cell, every
problem naming the spreadsheet line (the header is line 1), the column as the sheet
heads it, and the reason; the report of an import; and the file of the rows with errors,
which can be fixed and imported again.

An import declares its columns once:

    COLUMNS = {"phone": ("Số điện thoại", {"phone", "sodienthoai", "sdt"}), ...}
    TABLE = Table(COLUMNS, required=("phone",))

then checks each row, and the table collects the problems:

    for cells in TABLE.rows(sheet, positions, report):
        day = cells.date("starts_on")  # None, or a problem for the row
        if not cells.ok:
            continue
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from lib.spreadsheets.reading import Sheet, any_value, clean_text, read_count, read_date
from lib.spreadsheets.writing import csv_file, workbook
from lib.text import compact_key

# Columns -> (the header we write, every header we accept, folded and without spaces).
Columns = dict[str, tuple[str, set[str]]]
ERROR_HEADER = "Lỗi"
LINE_HEADER = "Dòng"


@dataclass
class Problem:
    line: int
    column: str
    message: str

    def __str__(self):
        where = _("line %(line)s") % {"line": self.line}
        if self.column:
            where += f", {self.column}"
        return f"{where}: {self.message}"


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    written: bool = False

    @property
    def invalid_lines(self) -> set[int]:
        return {problem.line for problem in self.errors}

    def summary(self) -> str:
        return (
            f"created: {self.created}, updated: {self.updated}, "
            f"unchanged: {self.unchanged}, skipped: {self.skipped}"
        )


@dataclass(frozen=True)
class OneOf:
    """At least one of these columns must be in the header; `message` says so."""

    names: tuple[str, ...]
    message: str


class Cells:
    """One row of a sheet: cells("name") is its value in that column (None when the sheet
    has no such column or the row is short); the typed readers add a problem, naming the
    line and the column, when the value is not what the column holds."""

    def __init__(self, line: int, values: list, positions: dict[str, int], names: dict):
        self.line = line
        self.values = values
        self.positions = positions
        self.names = names  # column -> its header in this sheet, else the one we write
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def __call__(self, name: str):
        position = self.positions.get(name)
        if position is None or position >= len(self.values):
            return None
        return self.values[position]

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, name: str, message: str) -> None:
        self.problems.append(Problem(self.line, self.names[name], message))

    def warning(self, name: str, message: str) -> None:
        self.warnings.append(Problem(self.line, self.names[name], message))

    def text(self, name: str, *, longest: int | None = None, too_long="") -> str:
        """The cell as single-spaced text; a problem (`too_long`, a lazy translation,
        which costs nothing while the text fits) past `longest` characters."""
        text = clean_text(self(name))
        if longest is not None and len(text) > longest:
            self.problem(name, str(too_long))
        return text

    def date(self, name: str) -> date | None:
        """The cell as a date, None when empty or not a date (a problem then)."""
        try:
            return read_date(self(name))
        except ValueError:
            self.problem(
                name,
                _("“%(value)s” is not a date: write it as dd/mm/yyyy")
                % {"value": clean_text(self(name))},
            )
            return None

    def count(self, name: str) -> int | None:
        """The cell as a whole number of zero or more, None when empty or not one."""
        try:
            return read_count(self(name))
        except ValueError:
            self.problem(
                name,
                _("“%(value)s” is not a whole number of zero or more")
                % {"value": clean_text(self(name))},
            )
            return None


class Table:
    """The columns of one kind of import, and the steps every import starts with."""

    def __init__(self, columns: Columns, *, required: tuple = (), one_of: tuple = ()):
        self.columns = columns
        self.required = required
        self.one_of = one_of

    def match(self, headers: list[str]) -> tuple[dict[str, int], list[Problem], list[Problem]]:
        """Column -> its index, plus errors (missing columns) and warnings (ignored ones)."""
        accepted = {key: name for name, (_header, keys) in self.columns.items() for key in keys}
        positions, errors, warnings = {}, [], []
        for index, header in enumerate(headers):
            key = compact_key(header or "")
            name = accepted.get(key)
            if name is None:
                if key and header not in (ERROR_HEADER, LINE_HEADER):
                    warnings.append(
                        Problem(1, header, _("column not recognised, its values are ignored"))
                    )
                continue
            if name in positions:
                errors.append(Problem(1, header, _("the same column appears twice in the header")))
                continue
            positions[name] = index
        for name in self.required:
            if name not in positions:
                errors.append(Problem(1, self.columns[name][0], _("this column is missing")))
        for group in self.one_of:
            if not any(name in positions for name in group.names):
                names = " / ".join(self.columns[name][0] for name in group.names)
                errors.append(Problem(1, names, str(group.message)))
        return positions, errors, warnings

    def check(self, sheet: Sheet, validate, *, skip_invalid: bool):
        """Count the rows, match the headers, check each row with
        `validate(positions, report)` (which returns the good rows and how many exact
        repeats it dropped).

        Returns (report, rows, repeats); rows is None when the import stops here
        (columns missing, or errors without `skip_invalid`), every row then skipped.
        """
        report = ImportReport(rows=sum(1 for _line, values in sheet.rows if any_value(values)))
        positions, header_errors, report.warnings = self.match(sheet.headers)
        if header_errors:
            report.errors = header_errors
            report.skipped = report.rows
            return report, None, 0
        rows, repeats = validate(positions, report)
        if report.errors and not skip_invalid:
            report.skipped = report.rows
            return report, None, 0
        report.skipped = len(report.invalid_lines)
        return report, rows, repeats

    def rows(
        self,
        sheet: Sheet,
        positions: dict[str, int],
        report: ImportReport,
        progress: Callable[[int, int, int], None] | None = None,
    ) -> Iterator[Cells]:
        """The rows with any value, as Cells; each row's problems and warnings reach
        `report` when the next row is asked for. `progress(done, total, errors)` is told
        every 500 rows and at the end."""
        names = {name: header for name, (header, _keys) in self.columns.items()}
        names.update({name: sheet.headers[index] for name, index in positions.items()})
        total = len(sheet.rows)
        for done, (line, values) in enumerate(sheet.rows, start=1):
            if progress is not None and done % 500 == 0:
                progress(done, total, len(report.errors))
            if not any_value(values):
                continue
            cells = Cells(line, values, positions, names)
            yield cells
            report.errors += cells.problems
            report.warnings += cells.warnings
        if progress is not None:
            progress(total, total, len(report.errors))


class SheetImport:
    """One import of one sheet, in the steps every import takes: check every row
    (`validate`, through `table`), count what the valid rows change (`plan`), and unless
    it is a dry run write that (`write`) in one transaction with `on_written(report)`,
    so the audit trail records the import with its rows. Importing the same sheet again
    changes nothing."""

    table: Table
    sheet: Sheet

    def validate(self, positions: dict[str, int], report: ImportReport) -> tuple[list, int]:
        """The valid rows (first occurrences), and how many rows repeated an earlier one."""
        raise NotImplementedError

    def plan(self, rows: list, report: ImportReport):
        """What `rows` create or change, counted in `report`; handed to `write`."""
        raise NotImplementedError

    def write(self, plan) -> None:
        raise NotImplementedError

    def run(
        self, *, dry_run: bool = False, skip_invalid: bool = False, on_written=None
    ) -> ImportReport:
        report, rows, repeats = self.table.check(
            self.sheet, self.validate, skip_invalid=skip_invalid
        )
        if rows is None:
            return report
        report.unchanged = repeats  # exact repeats of earlier rows add nothing
        plan = self.plan(rows, report)
        if dry_run:
            return report
        with transaction.atomic():
            self.write(plan)
            if on_written is not None:
                on_written(report)
        report.written = True
        return report


def write_errors_file(path: Path, sheet: Sheet, report: ImportReport) -> int:
    """Write the rows with problems, each with its reasons, in the format of `path`.

    The file keeps the original columns, so it can be fixed and imported again; the two
    added columns (line and reason) are ignored by the import. Returns the rows written.
    """
    reasons: dict[int, list[str]] = {}
    for problem in report.errors:
        text = f"{problem.column}: {problem.message}" if problem.column else problem.message
        reasons.setdefault(problem.line, []).append(text)
    headers = [*sheet.headers, LINE_HEADER, ERROR_HEADER]
    columns = len(sheet.headers)
    # A row may be shorter than the header (its last cells empty): the line and the
    # reason still go under their own headers.
    lines = [
        [*(list(values) + [""] * columns)[:columns], line, "; ".join(reasons[line])]
        for line, values in sheet.rows
        if line in reasons
    ]
    if 1 in reasons:  # header problems: say so on a line of its own
        lines.insert(0, [""] * columns + [1, "; ".join(reasons[1])])
    width = len(headers)
    lines = [(row + [""] * width)[:width] for row in lines]
    if path.suffix.lower() == ".xlsx":
        path.write_bytes(workbook(headers, lines, numbers=True))
    else:
        path.write_bytes(csv_file(headers, lines))
    return len(lines)
