"""Import teams and their members from an organiser's spreadsheet.

One row is one person in one team:

    Mã xã | Xã/Phường | Tên tổ | Họ và tên | Số điện thoại | Vai trò | Thành phần | Đơn vị
    | Nhận tin qua Zalo

"Nhận tin qua Zalo" (optional) is the person's consent to shift messages by Zalo: Có or
Không. Left empty, a new person is registered with it given (as on the volunteer form)
and a known person keeps what is stored.

Headers and values are matched in English or Vietnamese, with or without diacritics.
Every row is validated first; problems carry the spreadsheet line (header = line 1), the
column and the reason (lib.spreadsheets.tables). Then the valid rows are compared in
memory with what the database holds (a few queries for the whole file) and written in
bulk, inside one transaction. Importing the same file again changes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaign.commune_names import CODE_OR_NAME, COMMUNE_COLUMNS, CommuneIndex, resolve_commune
from campaign.models import Commune, Province
from lib.bulk import chunks, insert_rows
from lib.spreadsheets.reading import Sheet, clean_text
from lib.spreadsheets.tables import Cells, ImportReport, SheetImport, Table
from lib.text import compact_key, fold
from notifications.phones import InvalidPhone, national, normalise_mobile
from teams.models import Affiliation, Membership, Team, Volunteer

# Field -> (the header we write, every header we accept, folded and without spaces).
COLUMNS = {
    **COMMUNE_COLUMNS,
    "team": ("Tên tổ", {"team", "tento", "to", "tendoi", "doi"}),
    "full_name": ("Họ và tên", {"fullname", "name", "hovaten", "hoten"}),
    "phone": ("Số điện thoại", {"phone", "sodienthoai", "dienthoai", "sdt", "mobile"}),
    "role": ("Vai trò", {"role", "vaitro", "chucvu"}),
    "affiliation": ("Thành phần", {"affiliation", "thanhphan"}),
    "organisation": ("Đơn vị", {"organisation", "organization", "donvi"}),
    "zalo_consent": (
        "Nhận tin qua Zalo",
        {"zaloconsent", "zalo", "nhantinquazalo", "nhantinzalo", "dongyzalo", "dongynhantinzalo"},
    ),
}
REQUIRED = ("team", "full_name", "phone")
TABLE = Table(COLUMNS, required=REQUIRED, one_of=(CODE_OR_NAME,))
TEAM_TOO_LONG = gettext_lazy("the team name is longer than 200 characters")
NAME_TOO_LONG = gettext_lazy("the name is longer than 200 characters")
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
YES_NO = {
    **dict.fromkeys(["co", "x", "yes", "y", "true", "1", "dongy"], True),
    **dict.fromkeys(["khong", "no", "n", "false", "0", "khongdongy"], False),
}
YES_NO_WORDS = {True: "Có", False: "Không"}  # as the spreadsheets write them
BATCH = 1000
QUERY_CHUNK = 2000


def read_phone(cells: Cells) -> str | None:
    """The row's mobile number in E.164, None after a problem; a warning when it was
    typed in an old form (an eleven-digit number, say)."""
    try:
        mobile = normalise_mobile(cells("phone") if cells("phone") is not None else "")
    except InvalidPhone as error:
        cells.problem("phone", str(error))
        return None
    if mobile.warning:
        cells.warning("phone", mobile.warning)
    return mobile.e164


def read_yes_no(cells: Cells, name: str) -> bool | None:
    """Có or Không (in either language, with or without diacritics); None when empty."""
    text = cells.text(name)
    if not text:
        return None
    answer = YES_NO.get(compact_key(text))
    if answer is None:
        cells.problem(name, _("“%(value)s” is not an answer: use Có or Không") % {"value": text})
    return answer


def choice(raw, values: dict[str, str], default: str) -> str | None:
    """The value a cell names among `values` (keyed by compact_key), `default` when
    empty, None when it names none of them."""
    text = clean_text(raw)
    if not text:
        return default
    return values.get(compact_key(text))


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
    zalo_consent: bool | None  # None: the row does not say

    def identity(self):
        return (
            self.commune.pk,
            self.team.casefold(),
            fold(self.full_name),
            self.phone,
            self.role,
            self.affiliation,
            self.organisation,
            self.zalo_consent,
        )


@dataclass
class Earlier:
    """The rows of the file already checked, to find the same row or person again."""

    identities: set = field(default_factory=set)
    by_phone: dict[str, Row] = field(default_factory=dict)
    by_phone_and_team: dict[tuple, Row] = field(default_factory=dict)

    def add(self, row: Row) -> None:
        self.identities.add(row.identity())
        self.by_phone.setdefault(row.phone, row)
        self.by_phone_and_team[(row.phone, row.commune.pk, row.team.casefold())] = row


@dataclass
class Existing:
    """What the database holds for the rows' communes and people, as plain values."""

    teams: dict[tuple, int]  # (commune pk, folded name) -> team pk
    volunteers: dict[str, tuple]  # phone -> (pk, name, affiliation, organisation, home, zalo)
    memberships: dict[tuple, tuple]  # (team pk, volunteer pk) -> (membership pk, role)


@dataclass
class Plan:
    """What the import will write. New rows are plain values: model instances would
    cost more than the INSERTs themselves."""

    new_teams: dict[tuple, str] = field(default_factory=dict)  # (commune, folded) -> name
    new_volunteers: dict[str, tuple] = field(default_factory=dict)  # phone -> values
    changed_volunteers: dict[str, Volunteer] = field(default_factory=dict)
    new_memberships: dict[tuple, str] = field(default_factory=dict)  # (team, phone) -> role
    changed_memberships: dict[int, Membership] = field(default_factory=dict)


class MemberImport(SheetImport):
    """One import of one sheet. `communes` limits where rows may point (a user's scope)."""

    table = TABLE

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

    # Validation -----------------------------------------------------------------------

    def commune_index(self) -> CommuneIndex:
        communes = Commune.objects.all() if self.communes is None else self.communes
        if self.province is not None:
            communes = communes.filter(province=self.province)
        return CommuneIndex(communes.only("pk", "code", "name", "province_id"))

    def validate(self, positions: dict[str, int], report: ImportReport) -> tuple[list[Row], int]:
        """The valid rows (first occurrences) and how many rows repeated an earlier one."""
        index = self.commune_index()
        earlier = Earlier()
        valid: list[Row] = []
        repeats = 0
        for cells in TABLE.rows(self.sheet, positions, report, self.progress):
            row = self.read_row(cells, index)
            if row is None:
                continue
            if row.identity() in earlier.identities:
                repeats += 1
                continue
            check_against_earlier(cells, row, earlier)
            if cells.ok:
                earlier.add(row)
                valid.append(row)
        return valid, repeats

    def read_row(self, cells: Cells, index: CommuneIndex) -> Row | None:
        """The row's values, or None after its problems."""
        where = self.province.name if self.province else _("the communes you may import into")
        commune = resolve_commune(cells, index, cells.problem, where)
        team = cells.text(  # empty: a volunteer not in a team yet
            "team",
            longest=200,
            too_long=gettext_lazy("the team name is longer than 200 characters"),
        )
        full_name = cells.text(
            "full_name",
            longest=200,
            too_long=gettext_lazy("the name is longer than 200 characters"),
        )
        if not full_name:
            cells.problem("full_name", _("the name is empty"))
        phone = read_phone(cells)
        role = choice(cells("role"), ROLE_VALUES, Membership.Role.MEMBER)
        if role is None:
            cells.problem(
                "role",
                _("“%(value)s” is not a role: use Tổ trưởng, Tổ phó or Thành viên")
                % {"value": cells.text("role")},
            )
        affiliation = choice(cells("affiliation"), AFFILIATION_VALUES, "")
        if affiliation is None:
            cells.problem(
                "affiliation",
                _(
                    "“%(value)s” is not an affiliation: use Sinh viên, Đoàn viên, "
                    "Doanh nghiệp, Cán bộ, Người dân, Công an, Giáo viên or Khác"
                )
                % {"value": cells.text("affiliation")},
            )
        organisation = cells.text("organisation")[:200]
        zalo_consent = read_yes_no(cells, "zalo_consent")
        if not cells.ok:
            return None
        return Row(
            cells.line,
            commune,
            team,
            full_name,
            phone,
            role,
            affiliation,
            organisation,
            zalo_consent,
        )

    # Writing --------------------------------------------------------------------------

    def plan(self, rows: list[Row], report: ImportReport):
        """Compare the rows with the database: what exists is read as plain tuples (a
        few queries for the whole file); model instances are made only for what is
        created or changed."""
        existing = existing_records(rows)
        now = timezone.now()
        plan = Plan()
        for row in rows:
            plan_row(row, existing, plan, report, now)
        return plan, existing, now

    def write(self, planned) -> None:
        """Write the difference in bulk."""
        plan, existing, now = planned
        self.insert_new(
            plan.new_teams,
            plan.new_volunteers,
            plan.new_memberships,
            existing.teams,
            existing.volunteers,
            now,
        )
        Volunteer.objects.bulk_update(
            plan.changed_volunteers.values(),
            [
                "full_name",
                "search_name",
                "affiliation",
                "organisation",
                "home_commune",
                "zalo_consent",
                "updated_at",
            ],
            batch_size=BATCH,
        )
        Membership.objects.bulk_update(
            plan.changed_memberships.values(), ["role"], batch_size=BATCH
        )

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
             "home_commune", "zalo_consent", "languages", "skills", "active", "created_at",
             "updated_at"],
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
        pk, full_name, affiliation, organisation, home_commune_id, zalo_consent = existing
        affiliation_now = row.affiliation or affiliation
        organisation_now = row.organisation or organisation
        home_now = home_commune_id or row.commune.pk
        zalo_now = zalo_consent if row.zalo_consent is None else row.zalo_consent
        if (full_name, affiliation, organisation, home_commune_id, zalo_consent) == (
            row.full_name,
            affiliation_now,
            organisation_now,
            home_now,
            zalo_now,
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
            zalo_consent=zalo_now,
        )


def check_against_earlier(cells: Cells, row: Row, earlier: Earlier) -> None:
    """Problems for a row that contradicts an earlier row of the file about the same
    person: another name for the number, the same team twice, another affiliation."""
    first = earlier.by_phone.get(row.phone)
    if first and fold(first.full_name) != fold(row.full_name):
        cells.problem(
            "phone",
            _("%(phone)s is already %(name)s on line %(line)s")
            % {"phone": national(row.phone), "name": first.full_name, "line": first.line},
        )
    same_team = row.team and earlier.by_phone_and_team.get(
        (row.phone, row.commune.pk, row.team.casefold())
    )
    if same_team:
        cells.problem(
            "team",
            _("%(name)s is already in this team on line %(line)s")
            % {"name": row.full_name, "line": same_team.line},
        )
    if not first or not cells.ok:
        return
    for name in ("affiliation", "organisation"):
        mine, theirs = getattr(row, name), getattr(first, name)
        if mine and theirs and mine != theirs:
            cells.problem(
                name,
                _("line %(line)s says “%(other)s” for the same person")
                % {"line": first.line, "other": theirs},
            )
    if None not in (row.zalo_consent, first.zalo_consent) and row.zalo_consent != (
        first.zalo_consent
    ):
        cells.problem(
            "zalo_consent",
            _("line %(line)s says “%(other)s” for the same person")
            % {"line": first.line, "other": YES_NO_WORDS[first.zalo_consent]},
        )


def existing_records(rows: list[Row]) -> Existing:
    """The teams of the rows' communes, the volunteers with their numbers and those
    volunteers' memberships: a few queries for the whole file."""
    commune_ids = {row.commune.pk for row in rows}
    teams = {
        (commune_id, name.casefold()): pk
        for pk, commune_id, name in Team.objects.filter(commune_id__in=commune_ids).values_list(
            "pk", "commune_id", "name"
        )
    }
    volunteers = {}
    for chunk in chunks(sorted({row.phone for row in rows}), QUERY_CHUNK):
        for pk, phone, *rest in Volunteer.objects.filter(phone__in=chunk).values_list(
            "pk",
            "phone",
            "full_name",
            "affiliation",
            "organisation",
            "home_commune_id",
            "zalo_consent",
        ):
            volunteers[phone] = (pk, *rest)
    memberships = {}
    for chunk in chunks([v[0] for v in volunteers.values()], QUERY_CHUNK):
        for pk, team_id, volunteer_id, role in Membership.objects.filter(
            volunteer_id__in=chunk
        ).values_list("pk", "team_id", "volunteer_id", "role"):
            memberships[(team_id, volunteer_id)] = (pk, role)
    return Existing(teams, volunteers, memberships)


def plan_row(row: Row, existing: Existing, plan: Plan, report: ImportReport, now) -> None:
    """Add what `row` creates or changes to `plan`, and count it in `report`."""
    team_key = (row.commune.pk, row.team.casefold())
    team_pk = existing.teams.get(team_key)
    if row.team and team_pk is None and team_key not in plan.new_teams:
        plan.new_teams[team_key] = row.team
    volunteer = existing.volunteers.get(row.phone)
    changed = plan_volunteer(row, volunteer, plan, report, now)
    if not row.team:
        if volunteer is not None:
            report.updated += changed
            report.unchanged += not changed
        return
    membership = None
    if team_pk is not None and volunteer is not None:
        membership = existing.memberships.get((team_pk, volunteer[0]))
    if membership is None:
        key = (team_key, row.phone)
        if key not in plan.new_memberships:
            plan.new_memberships[key] = row.role
            report.created += 1
        return
    pk, role = membership
    if role != row.role:
        plan.changed_memberships[pk] = Membership(pk=pk, role=row.role)
        changed = True
    report.updated += changed
    report.unchanged += not changed


def plan_volunteer(row: Row, existing: tuple | None, plan: Plan, report: ImportReport, now):
    """Plan the row's person: new, changed, or as stored. Returns whether it changes a
    stored volunteer; a new person in no team is counted here."""
    if existing is None:
        if not row.team:  # the person alone, in no team
            if row.phone in plan.new_volunteers:
                report.unchanged += 1
            else:
                report.created += 1
        if row.phone not in plan.new_volunteers:
            plan.new_volunteers[row.phone] = (
                row.full_name,
                Volunteer.search_key(row.full_name),
                row.phone,
                row.affiliation or Affiliation.OTHER,
                row.organisation,
                row.commune.pk,
                row.zalo_consent is not False,
            )
        return False
    if row.phone in plan.changed_volunteers:
        return False
    volunteer = MemberImport.changed_volunteer(existing, row)
    if volunteer is None:
        return False
    volunteer.updated_at = now
    plan.changed_volunteers[row.phone] = volunteer
    return True
