"""Export teams and their members in the layout `teams.registry.importing` reads.

One row per person per team, with the import's Vietnamese headers and the Vietnamese
words it understands for roles and affiliations, so an export can be edited and
imported again; importing an unedited export changes nothing. A volunteer in no team
gets one row with an empty team, in their home commune.
"""

import tablib
from django.db.models import CharField, Value
from import_export import resources
from import_export.fields import Field

from lib.spreadsheets.writing import spreadsheet
from teams.models import Affiliation, Membership, Volunteer
from teams.registry.importing import COLUMNS, YES_NO_WORDS

# The words the import reads back (see teams.registry.importing.ROLE_VALUES, AFFILIATION_VALUES).
# They are spreadsheet values, the same whatever the user's language.
ROLE_WORDS = {
    Membership.Role.LEADER: "Tổ trưởng",
    Membership.Role.DEPUTY: "Tổ phó",
    Membership.Role.MEMBER: "Thành viên",
}
AFFILIATION_WORDS = {
    Affiliation.STUDENT: "Sinh viên",
    Affiliation.YOUTH_UNION: "Đoàn viên",
    Affiliation.BUSINESS: "Doanh nghiệp",
    Affiliation.OFFICIAL: "Cán bộ",
    Affiliation.RESIDENT: "Người dân",
    Affiliation.POLICE: "Công an",
    Affiliation.TEACHER: "Giáo viên",
    Affiliation.OTHER: "Khác",
}


class MemberResource(resources.Resource):
    """One row per person per team, from the plain rows `member_rows` reads.

    Each field is named for its column in teams.registry.importing.COLUMNS and headed by the
    header the import writes.
    """

    commune_code = Field(attribute="commune_code", column_name=COLUMNS["commune_code"][0])
    commune = Field(attribute="commune", column_name=COLUMNS["commune"][0])
    team = Field(attribute="team", column_name=COLUMNS["team"][0])
    full_name = Field(attribute="full_name", column_name=COLUMNS["full_name"][0])
    phone = Field(attribute="phone", column_name=COLUMNS["phone"][0])
    role = Field(attribute="role", column_name=COLUMNS["role"][0])
    affiliation = Field(attribute="affiliation", column_name=COLUMNS["affiliation"][0])
    organisation = Field(attribute="organisation", column_name=COLUMNS["organisation"][0])
    zalo_consent = Field(attribute="zalo_consent", column_name=COLUMNS["zalo_consent"][0])

    def dehydrate_role(self, row):
        return ROLE_WORDS.get(row["role"], "")

    def dehydrate_affiliation(self, row):
        return AFFILIATION_WORDS.get(row["affiliation"], "")

    def dehydrate_zalo_consent(self, row):
        return YES_NO_WORDS[row["zalo_consent"]]


# The values each row needs, in the order of COLUMNS, read as plain tuples: building
# model instances would cost ten times more than the whole rest of the export.
MEMBERSHIP_VALUES = (
    "team__commune__code",
    "team__commune__name",
    "team__name",
    "volunteer__full_name",
    "volunteer__phone",
    "role",
    "volunteer__affiliation",
    "volunteer__organisation",
    "volunteer__zalo_consent",
)
NO_TEAM = Value("", output_field=CharField())
VOLUNTEER_VALUES = (
    "home_commune__code",
    "home_commune__name",
    "no_team",
    "full_name",
    "phone",
    "no_team",
    "affiliation",
    "organisation",
    "zalo_consent",
)
CHUNK = 2000


def member_rows(communes):
    """The memberships of teams in `communes`, then the volunteers living there in no
    team, as dicts keyed by the names of COLUMNS: two queries in all."""
    names = list(COLUMNS)
    memberships = (
        Membership.objects.filter(team__commune__in=communes)
        .order_by("team__commune__code", "team__name", "volunteer__full_name", "pk")
        .values_list(*MEMBERSHIP_VALUES)
    )
    for values in memberships.iterator(chunk_size=CHUNK):
        yield dict(zip(names, values, strict=True))
    without_team = (
        Volunteer.objects.filter(home_commune__in=communes, memberships__isnull=True)
        .annotate(no_team=NO_TEAM)
        .order_by("home_commune__code", "full_name", "pk")
        .values_list(*VOLUNTEER_VALUES)
    )
    for values in without_team.iterator(chunk_size=CHUNK):
        yield dict(zip(names, values, strict=True))


def member_dataset(communes) -> tablib.Dataset:
    return MemberResource().export(member_rows(communes))


def render_dataset(dataset: tablib.Dataset, file_format: str) -> bytes:
    return spreadsheet(file_format, dataset.headers, dataset)


def export_members(communes, file_format: str) -> bytes:
    """The members of teams in `communes` (a Commune queryset) as an .xlsx or .csv file."""
    return render_dataset(member_dataset(communes), file_format)
