"""Import teams and their members from an organiser's spreadsheet.

One row is one person in one team:

    Mã xã | Xã/Phường | Tên tổ | Họ và tên | Số điện thoại | Vai trò | Thành phần | Đơn vị

Headers and values are matched in English or Vietnamese, with or without diacritics.
Every row is validated first; problems carry the spreadsheet line (header = line 1), the
column and the reason. Then the valid rows are compared in memory with what the database
holds (a few queries for the whole file) and written in bulk, inside one transaction.
Importing the same file again changes nothing.
"""

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export.formats.base_formats import XLSX

from campaign.models import Commune, Province
from lib.bulk import chunks, insert_rows
from lib.text import compact_key, fold
from notifications.phones import InvalidPhone, normalise_mobile
from teams.models import Affiliation, Membership, Team, Volunteer

# Field -> (the header we write, every header we accept, folded and without spaces).
COLUMNS = {
    "commune_code": ("Mã xã", {"communecode", "maxa", "maxaphuong", "madonvi"}),
    "commune": ("Xã/Phường", {"commune", "xaphuong", "xa", "phuong", "phuongxa"}),
    "team": ("Tên tổ", {"team", "tento", "to", "tendoi", "doi"}),
    "full_name": ("Họ và tên", {"fullname", "name", "hovaten", "hoten"}),
    "phone": ("Số điện thoại", {"phone", "sodienthoai", "dienthoai", "sdt", "mobile"}),
    "role": ("Vai trò", {"role", "vaitro", "chucvu"}),
    "affiliation": ("Thành phần", {"affiliation", "thanhphan"}),
    "organisation": ("Đơn vị", {"organisation", "organization", "donvi"}),
}
REQUIRED = ("team", "full_name", "phone")
ROLE_VALUES = {
    **{compact_key(value): value for value in Membership.Role.values},
    "totruong": Membership.Role.LEADER,
    "truong": Membership.Role.LEADER,
    "topho": Membership.Role.DEPUTY,
    "pho": Membership.Role.DEPUTY,
    "thanhvien": Membership.Role.MEMBER,
}
AFFILIATION_VALUES = {
    **{compact_key(value): value for value in Affiliation.values},
    "sinhvien": Affiliation.STUDENT,
    "doanvien": Affiliation.YOUTH_UNION,
    "doanthanhnien": Affiliation.YOUTH_UNION,
    "doanhnghiep": Affiliation.BUSINESS,
    "canbo": Affiliation.OFFICIAL,
    "nguoidan": Affiliation.RESIDENT,
    "congan": Affiliation.POLICE,
    "giaovien": Affiliation.TEACHER,
    "khac": Affiliation.OTHER,
}
COMMUNE_PREFIXES = ("xa ", "phuong ", "dac khu ", "thi tran ")
ERROR_HEADER = "Lỗi"
LINE_HEADER = "Dòng"
BATCH = 1000
QUERY_CHUNK = 2000


class UnreadableFile(ValueError):
    pass


@dataclass
class Sheet:
    headers: list[str]
    rows: list[tuple[int, list]]  # (spreadsheet line, cell values)


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
                    headers = values
                else:
                    rows.append((reader.line_num, values))
        except csv.Error as error:  # e.g. a cell over the csv module's 128 KiB limit
            raise UnreadableFile(
                _("%(name)s, line %(line)s: not readable as CSV (%(error)s)")
                % {"name": filename, "line": reader.line_num, "error": error}
            ) from None
        return Sheet(headers, rows)
    raise UnreadableFile(
        _("%(name)s: only .xlsx and .csv files can be imported") % {"name": filename}
    )


def match_headers(
    headers: list[str], columns: dict = COLUMNS, required: tuple = REQUIRED
) -> tuple[dict[str, int], list[Problem], list[Problem]]:
    """Field name -> column index, plus errors (missing columns) and warnings (ignored).

    `columns` and `required` default to the registry's; other imports pass their own,
    in the same shape, with the commune's code and name among them.
    """
    accepted = {key: name for name, (_header, keys) in columns.items() for key in keys}
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
    for name in required:
        if name not in positions:
            errors.append(Problem(1, columns[name][0], _("this column is missing")))
    if "commune_code" not in positions and "commune" not in positions:
        errors.append(
            Problem(
                1,
                f"{columns['commune_code'][0]} / {columns['commune'][0]}",
                _("give the commune's code or its name"),
            )
        )
    return positions, errors, warnings


def clean_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # NUL is never meant, and PostgreSQL cannot store it.
    return " ".join(str(value).replace("\x00", "").split())


class CommuneIndex:
    """Finds a commune by official code, or by name with or without diacritics and prefix."""

    def __init__(self, communes: Iterable[Commune]):
        self.by_code, self.by_name = {}, {}
        for commune in communes:
            self.by_code[commune.code] = commune
            folded = fold(commune.name)
            names = {folded}
            for prefix in COMMUNE_PREFIXES:
                if folded.startswith(prefix):
                    names.add(folded.removeprefix(prefix))
            for name in names:
                self.by_name.setdefault(name, []).append(commune)

    def by_official_code(self, raw) -> Commune | None:
        text = clean_text(raw)
        # ASCII only: "²" passes isdigit() but not int(), and int() refuses 4,300 digits.
        if not (text.isascii() and text.isdigit()):
            return None
        return self.by_code.get(text.lstrip("0").rjust(5, "0"))

    def named(self, raw) -> list[Commune]:
        return self.by_name.get(fold(clean_text(raw)), [])


def resolve_commune(cell, index: CommuneIndex, problem, where: str) -> Commune | None:
    """The commune a row names by code and/or name, or None after calling `problem`.

    `where` names the communes looked in, for the message when a code is unknown.
    """
    code, name = clean_text(cell("commune_code")), clean_text(cell("commune"))
    if code:
        commune = index.by_official_code(code)
        if commune is None:
            problem(
                "commune_code",
                _("no commune has code %(code)s in %(where)s") % {"code": code, "where": where},
            )
            return None
        if name and commune not in index.named(name):
            problem(
                "commune",
                _("code %(code)s is %(official)s, not “%(name)s”")
                % {"code": code, "official": commune.name, "name": name},
            )
            return None
        return commune
    if not name:
        problem("commune", _("give the commune's code or its name"))
        return None
    matches = index.named(name)
    if not matches:
        problem("commune", _("no commune is called “%(name)s” here") % {"name": name})
        return None
    if len(matches) > 1:
        problem(
            "commune",
            _("“%(name)s” could be %(choices)s: give the commune code")
            % {
                "name": name,
                "choices": ", ".join(f"{c.name} ({c.code})" for c in matches),
            },
        )
        return None
    return matches[0]


@dataclass
class Row:
    line: int
    commune: Commune
    team: str
    full_name: str
    phone: str
    role: str
    affiliation: str
    organisation: str

    def identity(self):
        return (
            self.commune.pk,
            self.team.casefold(),
            fold(self.full_name),
            self.phone,
            self.role,
            self.affiliation,
            self.organisation,
        )


class MemberImport:
    """One import of one sheet. `communes` limits where rows may point (a user's scope)."""

    def __init__(
        self,
        sheet: Sheet,
        *,
        province: Province | None = None,
        communes=None,
        progress: Callable[[int, int, int], None] | None = None,
    ):
        self.sheet = sheet
        self.province = province
        self.communes = communes
        self.progress = progress or (lambda done, total, errors: None)

    def run(
        self, *, dry_run: bool = False, skip_invalid: bool = False, on_written=None
    ) -> ImportReport:
        """Check, then write (unless `dry_run`). `on_written(report)` is called in the
        transaction that writes, so the audit trail records the import with it."""
        report, rows, repeats = checked_rows(self.sheet, self.validate, skip_invalid=skip_invalid)
        if rows is None:
            return report
        report.unchanged = repeats  # exact repeats of earlier rows add nothing
        self.on_written = on_written
        self.write(rows, report, dry_run=dry_run)
        return report

    # Validation -----------------------------------------------------------------------

    def commune_index(self) -> CommuneIndex:
        communes = Commune.objects.all() if self.communes is None else self.communes
        if self.province is not None:
            communes = communes.filter(province=self.province)
        return CommuneIndex(communes.only("pk", "code", "name", "province_id"))

    def validate(self, positions: dict[str, int], report: ImportReport) -> tuple[list[Row], int]:
        """The valid rows (first occurrences) and how many rows repeated an earlier one."""
        index = self.commune_index()
        header = {name: self.sheet.headers[i] for name, i in positions.items()}
        seen_rows: dict[tuple, int] = {}
        first_by_phone: dict[str, Row] = {}
        by_phone_and_team: dict[tuple, Row] = {}
        valid: list[Row] = []
        repeats = 0
        total = len(self.sheet.rows)
        for done, (line, values) in enumerate(self.sheet.rows, start=1):
            if done % 500 == 0:
                self.progress(done, total, len(report.errors))
            if not any_value(values):
                continue

            cell, problem, problems = row_reader(line, values, positions, header, COLUMNS)

            commune = self.resolve_commune(cell, index, problem)
            team = clean_text(cell("team"))  # empty: a volunteer not in a team yet
            if len(team) > 200:
                problem("team", _("the team name is longer than 200 characters"))
            full_name = clean_text(cell("full_name"))
            if not full_name:
                problem("full_name", _("the name is empty"))
            elif len(full_name) > 200:
                problem("full_name", _("the name is longer than 200 characters"))
            phone = ""
            try:
                mobile = normalise_mobile(cell("phone") if cell("phone") is not None else "")
                phone = mobile.e164
                if mobile.warning:
                    report.warnings.append(Problem(line, header["phone"], mobile.warning))
            except InvalidPhone as error:
                problem("phone", str(error))
            role = self.choice(cell("role"), ROLE_VALUES, Membership.Role.MEMBER)
            if role is None:
                problem(
                    "role",
                    _("“%(value)s” is not a role: use Tổ trưởng, Tổ phó or Thành viên")
                    % {"value": clean_text(cell("role"))},
                )
            affiliation = self.choice(cell("affiliation"), AFFILIATION_VALUES, "")
            if affiliation is None:
                problem(
                    "affiliation",
                    _(
                        "“%(value)s” is not an affiliation: use Sinh viên, Đoàn viên, "
                        "Doanh nghiệp, Cán bộ, Người dân, Công an, Giáo viên or Khác"
                    )
                    % {"value": clean_text(cell("affiliation"))},
                )
            organisation = clean_text(cell("organisation"))[:200]
            if problems:
                report.errors += problems
                continue

            row = Row(line, commune, team, full_name, phone, role, affiliation, organisation)
            identity = row.identity()
            if identity in seen_rows:
                repeats += 1
                continue
            earlier = first_by_phone.get(phone)
            if earlier and fold(earlier.full_name) != fold(full_name):
                problem(
                    "phone",
                    _("%(phone)s is already %(name)s on line %(line)s")
                    % {"phone": phone, "name": earlier.full_name, "line": earlier.line},
                )
            same_team = team and by_phone_and_team.get((phone, commune.pk, team.casefold()))
            if same_team:
                problem(
                    "team",
                    _("%(name)s is already in this team on line %(line)s")
                    % {"name": full_name, "line": same_team.line},
                )
            if earlier and not problems:
                for name in ("affiliation", "organisation"):
                    mine, theirs = getattr(row, name), getattr(earlier, name)
                    if mine and theirs and mine != theirs:
                        problem(
                            name,
                            _("line %(line)s says “%(other)s” for the same person")
                            % {"line": earlier.line, "other": theirs},
                        )
            if problems:
                report.errors += problems
                continue
            seen_rows[identity] = line
            first_by_phone.setdefault(phone, row)
            by_phone_and_team[(phone, commune.pk, team.casefold())] = row
            valid.append(row)
        self.progress(total, total, len(report.errors))
        return valid, repeats

    def resolve_commune(self, cell, index: CommuneIndex, problem) -> Commune | None:
        where = self.province.name if self.province else _("the communes you may import into")
        return resolve_commune(cell, index, problem, where)

    @staticmethod
    def choice(raw, values: dict[str, str], default: str) -> str | None:
        text = clean_text(raw)
        if not text:
            return default
        return values.get(compact_key(text))

    # Writing --------------------------------------------------------------------------

    def write(self, rows: list[Row], report: ImportReport, *, dry_run: bool) -> None:
        """Compare the rows with the database and write the difference in bulk.

        What exists is read as plain tuples (a few queries for the whole file); model
        instances are made only for what is created or changed.
        """
        commune_ids = {row.commune.pk for row in rows}
        teams = {
            (commune_id, name.casefold()): pk
            for pk, commune_id, name in Team.objects.filter(
                commune_id__in=commune_ids
            ).values_list("pk", "commune_id", "name")
        }
        volunteers = {}  # phone -> (pk, full_name, affiliation, organisation, home_commune_id)
        for chunk in chunks(sorted({row.phone for row in rows}), QUERY_CHUNK):
            for pk, phone, *rest in Volunteer.objects.filter(phone__in=chunk).values_list(
                "pk", "phone", "full_name", "affiliation", "organisation", "home_commune_id"
            ):
                volunteers[phone] = (pk, *rest)
        memberships = {}  # (team pk, volunteer pk) -> (membership pk, role)
        for chunk in chunks([v[0] for v in volunteers.values()], QUERY_CHUNK):
            for pk, team_id, volunteer_id, role in Membership.objects.filter(
                volunteer_id__in=chunk
            ).values_list("pk", "team_id", "volunteer_id", "role"):
                memberships[(team_id, volunteer_id)] = (pk, role)

        now = timezone.now()
        # New rows are planned as plain values: model instances would cost more than the
        # INSERTs themselves.
        new_teams: dict[tuple, str] = {}  # (commune pk, folded name) -> name
        new_volunteers: dict[str, tuple] = {}  # phone -> column values
        changed_volunteers: dict[str, Volunteer] = {}
        new_memberships: dict[tuple, str] = {}  # (team key, phone) -> role
        changed_memberships: dict[int, Membership] = {}
        for row in rows:
            team_key = (row.commune.pk, row.team.casefold())
            team_pk = teams.get(team_key)
            if row.team and team_pk is None and team_key not in new_teams:
                new_teams[team_key] = row.team
            existing = volunteers.get(row.phone)
            changed = False
            if existing is None:
                if not row.team:  # the person alone, in no team
                    if row.phone in new_volunteers:
                        report.unchanged += 1
                    else:
                        report.created += 1
                if row.phone not in new_volunteers:
                    new_volunteers[row.phone] = (
                        row.full_name,
                        Volunteer.search_key(row.full_name),
                        row.phone,
                        row.affiliation or Affiliation.OTHER,
                        row.organisation,
                        row.commune.pk,
                    )
            elif row.phone not in changed_volunteers:
                volunteer = self.changed_volunteer(existing, row)
                if volunteer is not None:
                    volunteer.updated_at = now
                    changed_volunteers[row.phone] = volunteer
                    changed = True
            if not row.team:
                if existing is not None:
                    report.updated += changed
                    report.unchanged += not changed
                continue
            membership = None
            if team_pk is not None and existing is not None:
                membership = memberships.get((team_pk, existing[0]))
            if membership is None:
                key = (team_key, row.phone)
                if key not in new_memberships:
                    new_memberships[key] = row.role
                    report.created += 1
                continue
            pk, role = membership
            if role != row.role:
                changed_memberships[pk] = Membership(pk=pk, role=row.role)
                changed = True
            if changed:
                report.updated += 1
            else:
                report.unchanged += 1

        if dry_run:
            return
        with transaction.atomic():
            self.insert_new(new_teams, new_volunteers, new_memberships, teams, volunteers, now)
            Volunteer.objects.bulk_update(
                changed_volunteers.values(),
                [
                    "full_name",
                    "search_name",
                    "affiliation",
                    "organisation",
                    "home_commune",
                    "updated_at",
                ],
                batch_size=BATCH,
            )
            Membership.objects.bulk_update(
                changed_memberships.values(), ["role"], batch_size=BATCH
            )
            if getattr(self, "on_written", None):
                self.on_written(report)
        report.written = True

    @staticmethod
    def insert_new(new_teams, new_volunteers, new_memberships, teams, volunteers, now):
        """INSERT the new rows with executemany, then read back their keys.

        bulk_create would spend most of an import preparing each value through the
        compiler; these rows hold plain strings and numbers, so the values are passed
        as they are (the timestamp and the empty lists prepared once, by their fields).
        """
        created = connection.ops.adapt_datetimefield_value(now)
        empty_list = Volunteer._meta.get_field("languages").get_db_prep_save([], connection)
        insert_rows(
            Team,
            ["commune", "name", "village", "created_at"],
            [(commune_id, name, "", created) for (commune_id, _key), name in new_teams.items()],
        )
        if new_teams:
            commune_ids = {commune_id for commune_id, _name in new_teams}
            teams.update(
                ((commune_id, name.casefold()), pk)
                for pk, commune_id, name in Team.objects.filter(
                    commune_id__in=commune_ids
                ).values_list("pk", "commune_id", "name")
            )
        insert_rows(
            Volunteer,
            ["full_name", "search_name", "phone", "affiliation", "organisation",
             "home_commune", "languages", "skills", "active", "created_at", "updated_at"],
            [
                (*values, empty_list, empty_list, True, created, created)
                for values in new_volunteers.values()
            ],
        )  # fmt: skip
        volunteer_pks = {phone: v[0] for phone, v in volunteers.items()}
        for chunk in chunks(list(new_volunteers), QUERY_CHUNK):
            volunteer_pks.update(
                Volunteer.objects.filter(phone__in=chunk).values_list("phone", "pk")
            )
        insert_rows(
            Membership,
            ["team", "volunteer", "role", "created_at"],
            [
                (teams[team_key], volunteer_pks[phone], role, created)
                for (team_key, phone), role in new_memberships.items()
            ],
        )

    @staticmethod
    def changed_volunteer(existing: tuple, row: Row) -> Volunteer | None:
        """A Volunteer carrying what `row` changes in the stored one, or None."""
        pk, full_name, affiliation, organisation, home_commune_id = existing
        affiliation_now = row.affiliation or affiliation
        organisation_now = row.organisation or organisation
        home_now = home_commune_id or row.commune.pk
        if (full_name, affiliation, organisation, home_commune_id) == (
            row.full_name,
            affiliation_now,
            organisation_now,
            home_now,
        ):
            return None
        return Volunteer(
            pk=pk,
            phone=row.phone,
            full_name=row.full_name,
            search_name=Volunteer.search_key(row.full_name),
            affiliation=affiliation_now,
            organisation=organisation_now,
            home_commune_id=home_now,
        )


def checked_rows(sheet, validate, *, skip_invalid: bool, columns=COLUMNS, required=REQUIRED):
    """The steps every sheet import starts with: count the rows, match the headers, check
    each row with `validate(positions, report)` (which returns the good rows and how
    many exact repeats it dropped).

    Returns (report, rows, repeats); rows is None when the import stops here (columns
    missing, or errors without `skip_invalid`), with every row counted as skipped.
    """
    report = ImportReport(rows=sum(1 for _line, values in sheet.rows if any_value(values)))
    positions, header_errors, report.warnings = match_headers(sheet.headers, columns, required)
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


def row_reader(line: int, values, positions: dict, header: dict, columns: dict):
    """For one row of a sheet: cell(name), its value in that column (None when the sheet
    has no such column or the row is short); problem(name, message), which adds a Problem
    naming the line and the column as the sheet heads it; and the list it adds them to."""
    problems: list[Problem] = []

    def cell(name):
        position = positions.get(name)
        return values[position] if position is not None and position < len(values) else None

    def problem(name, message):
        problems.append(Problem(line, header.get(name, columns[name][0]), message))

    return cell, problem, problems


def any_value(values) -> bool:
    return any(clean_text(value) for value in values)


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
    lines = [
        [*values, line, "; ".join(reasons[line])] for line, values in sheet.rows if line in reasons
    ]
    if 1 in reasons:  # header problems: say so on a line of its own
        lines.insert(0, [""] * len(sheet.headers) + [1, "; ".join(reasons[1])])
    width = len(headers)
    lines = [(row + [""] * width)[:width] for row in lines]
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        worksheet = book.create_sheet()
        worksheet.append(headers)
        for row in lines:
            worksheet.append(row)
        book.save(path)
    else:
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(headers)
            writer.writerows(lines)
    return len(lines)
