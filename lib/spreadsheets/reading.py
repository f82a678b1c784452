"""Reading the spreadsheets organisers fill in: the first sheet of an .xlsx or .csv
file with the line number of each row, and the cells people type (text, dates, whole
numbers) read the way they type them."""

import csv
import io
import re
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.utils.translation import gettext as _
from import_export.formats.base_formats import XLSX

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")  # strptime reads 1/2/2026 as well as 01/02/2026
# 12345, and 12.345 or 12,345 or 12 345 as Vietnamese and English spreadsheets group digits.
WHOLE_NUMBER = re.compile(r"\d+|\d{1,3}(?:[., ]\d{3})+")
LARGEST = 2**31 - 1


# The apostrophe our .csv files put before a cell that would run as a formula
# (lib.spreadsheets.writing.formula_safe), taken off again when the file comes back.
FORMULA_GUARD = re.compile(r"^'(?=[=+\-@\t\r])")


def as_typed(cell: str) -> str:
    """A .csv cell as it was before formula_safe guarded it."""
    return FORMULA_GUARD.sub("", cell, count=1)


class UnreadableFile(ValueError):
    pass


@dataclass
class Sheet:
    headers: list[str]
    rows: list[tuple[int, list]]  # (spreadsheet line, cell values)


def read_sheet(filename: str, content: bytes) -> Sheet:
    """The rows of the first sheet of an .xlsx or .csv file, with their line numbers."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        try:
            dataset = XLSX().create_dataset(content)
        except Exception as error:  # noqa: BLE001 - any unreadable workbook
            raise UnreadableFile(
                _("%(name)s is not a readable .xlsx workbook (%(error)s)")
                % {"name": filename, "error": error}
            ) from None
        headers = ["" if h is None else str(h) for h in dataset.headers or []]
        rows = [(number, list(row)) for number, row in enumerate(dataset, start=2)]
        return Sheet(headers, rows)
    if suffix == ".csv":
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UnreadableFile(
                _("%(name)s is not UTF-8 text: save it as “CSV UTF-8” and try again")
                % {"name": filename}
            ) from None
        # Read with the csv module, not tablib: tablib drops blank lines, and then the
        # line numbers in our messages would not be the ones the organiser sees.
        # Excel in a Vietnamese locale may separate with ";": the header line tells.
        first_line = text.split("\n", 1)[0]
        delimiter = max(",;\t", key=first_line.count)
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        headers, rows = [], []
        try:
            for values in reader:
                if reader.line_num == 1 and not headers:
                    headers = [as_typed(value) for value in values]
                else:
                    rows.append((reader.line_num, [as_typed(value) for value in values]))
        except csv.Error as error:  # e.g. a cell over the csv module's 128 KiB limit
            raise UnreadableFile(
                _("%(name)s, line %(line)s: not readable as CSV (%(error)s)")
                % {"name": filename, "line": reader.line_num, "error": error}
            ) from None
        return Sheet(headers, rows)
    raise UnreadableFile(
        _("%(name)s: only .xlsx and .csv files can be imported") % {"name": filename}
    )


def clean_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # NUL is never meant, and PostgreSQL cannot store it.
    return " ".join(str(value).replace("\x00", "").split())


def any_value(values) -> bool:
    return any(clean_text(value) for value in values)


def read_date(value) -> date | None:
    """A date cell (Excel date, dd/mm/yyyy, d/m/yyyy or yyyy-mm-dd), None when empty.

    Raises ValueError for anything else.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = clean_text(value)
    if not text:
        return None
    for pattern in DATE_FORMATS:
        try:
            return date(*time.strptime(text, pattern)[:3])
        except ValueError:
            continue
    raise ValueError(text)


def show_date(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def read_count(value) -> int | None:
    """A cell holding a whole number of at least zero; None when empty.

    Raises ValueError for anything else."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(value)
        value = int(value)
    if isinstance(value, int):
        if not 0 <= value <= LARGEST:
            raise ValueError(value)
        return value
    text = clean_text(value)
    if not text:
        return None
    if not WHOLE_NUMBER.fullmatch(text):
        raise ValueError(text)
    number = int(re.sub(r"\D", "", text))
    if number > LARGEST:
        raise ValueError(text)
    return number
