import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from campaign.models import Commune
from lib.spreadsheets.reading import read_sheet
from lib.spreadsheets.writing import workbook
from lib.text import compact_key
from teams.models import Affiliation, Membership, Team, Volunteer
from teams.registry.exporting import AFFILIATION_WORDS, ROLE_WORDS, export_members
from teams.registry.importing import (
    AFFILIATION_VALUES,
    COLUMNS,
    ROLE_VALUES,
    MemberImport,
)

# Messages are read in English here; the Vietnamese ones are checked elsewhere.
pytestmark = pytest.mark.usefixtures("english")

HEADERS = [header for header, _keys in COLUMNS.values()]
VI_HEADER = ",".join(HEADERS)


@pytest.fixture
def dong_kinh(lang_son):
    return Commune.objects.get(province=lang_son, name="Phường Đông Kinh")


@pytest.fixture
def cao_bang_commune(cao_bang):
    return cao_bang.communes.order_by("code").first()


def import_text(text, **options):
    return MemberImport(read_sheet("members.csv", text.encode()), **options).run()


@pytest.fixture
def members(dong_kinh, cao_bang_commune):
    """Two teams in Đông Kinh and one in Cao Bằng, every role and several affiliations."""
    report = import_text(
        f"{VI_HEADER}\n"
        f"{dong_kinh.code},,Tổ công nghệ số 1,Nguyễn Văn An,0912345678,Tổ trưởng,Đoàn viên,Đoàn phường\n"
        f"{dong_kinh.code},,Tổ công nghệ số 1,Trần Thị Bình,0912345679,Tổ phó,Sinh viên,ĐH Nông Lâm\n"
        f"{dong_kinh.code},,Tổ công nghệ số 1,Lý Văn Cường,0912345670,,Công an,\n"
        f"{dong_kinh.code},,Tổ công nghệ số 2,Nguyễn Văn An,0912345678,Thành viên,,\n"
        f"{dong_kinh.code},,Tổ công nghệ số 2,Hoàng Thu Hà,0987654321,,Giáo viên,THCS Đông Kinh\n"
        f"{cao_bang_commune.code},,Tổ Cao Bằng,Nông Văn Dũng,0961234567,Tổ trưởng,Cán bộ,UBND\n"
    )
    assert report.created == 6 and report.written, report.errors
    Volunteer.objects.filter(full_name="Lý Văn Cường").update(zalo_consent=False)  # SMS only
    return report


def snapshot():
    return (
        sorted(
            Volunteer.objects.values_list(
                "phone",
                "full_name",
                "affiliation",
                "organisation",
                "home_commune",
                "zalo_consent",
                "updated_at",
            )
        ),
        sorted(Team.objects.values_list("pk", "commune", "name")),
        sorted(Membership.objects.values_list("pk", "team", "volunteer", "role")),
    )


def rows_of(content, file_format):
    if file_format == "csv":
        text = content.decode("utf-8-sig")
        return [line.split(",") for line in text.splitlines()]
    sheet = load_workbook(io.BytesIO(content)).active
    return [["" if value is None else str(value) for value in row] for row in sheet.values]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_headers_are_the_import_headers(members, file_format):
    content = export_members(Commune.objects.all(), file_format)
    assert rows_of(content, file_format)[0] == HEADERS


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_importing_an_unedited_export_changes_nothing(members, file_format):
    before = snapshot()
    content = export_members(Commune.objects.all(), file_format)
    report = MemberImport(read_sheet(f"export.{file_format}", content)).run()
    assert report.errors == []
    assert report.summary() == "created: 0, updated: 0, unchanged: 6, skipped: 0"
    assert snapshot() == before


def test_an_edited_export_imports_the_edit(members, dong_kinh):
    content = export_members(Commune.objects.all(), "csv").decode("utf-8-sig")
    edited = content.replace(
        "Hoàng Thu Hà,+84987654321,Thành viên", "Hoàng Thu Hà,+84987654321,Tổ phó"
    )
    report = MemberImport(read_sheet("export.csv", edited.encode("utf-8-sig"))).run()
    assert report.summary() == "created: 0, updated: 1, unchanged: 5, skipped: 0"
    assert Membership.objects.get(volunteer__full_name="Hoàng Thu Hà").role == "deputy"


def test_rows_carry_the_vietnamese_words_the_import_reads(members, dong_kinh):
    rows = rows_of(export_members(Commune.objects.filter(pk=dong_kinh.pk), "csv"), "csv")
    assert rows[1:] == [
        [
            dong_kinh.code,
            "Phường Đông Kinh",
            "Tổ công nghệ số 1",
            "Lý Văn Cường",
            "+84912345670",
            "Thành viên",
            "Công an",
            "",
            "Không",
        ],
        [
            dong_kinh.code,
            "Phường Đông Kinh",
            "Tổ công nghệ số 1",
            "Nguyễn Văn An",
            "+84912345678",
            "Tổ trưởng",
            "Đoàn viên",
            "Đoàn phường",
            "Có",
        ],
        [
            dong_kinh.code,
            "Phường Đông Kinh",
            "Tổ công nghệ số 1",
            "Trần Thị Bình",
            "+84912345679",
            "Tổ phó",
            "Sinh viên",
            "ĐH Nông Lâm",
            "Có",
        ],
        [
            dong_kinh.code,
            "Phường Đông Kinh",
            "Tổ công nghệ số 2",
            "Hoàng Thu Hà",
            "+84987654321",
            "Thành viên",
            "Giáo viên",
            "THCS Đông Kinh",
            "Có",
        ],
        [
            dong_kinh.code,
            "Phường Đông Kinh",
            "Tổ công nghệ số 2",
            "Nguyễn Văn An",
            "+84912345678",
            "Thành viên",
            "Đoàn viên",
            "Đoàn phường",
            "Có",
        ],
    ]


def test_every_role_and_affiliation_has_a_word_the_import_reads_back():
    assert set(ROLE_WORDS) == set(Membership.Role.values)
    assert set(AFFILIATION_WORDS) == set(Affiliation.values)
    for role, word in ROLE_WORDS.items():
        assert ROLE_VALUES[compact_key(word)] == role
    for affiliation, word in AFFILIATION_WORDS.items():
        assert AFFILIATION_VALUES[compact_key(word)] == affiliation


def test_csv_is_utf8_with_a_byte_order_mark_so_excel_keeps_the_diacritics(members):
    content = export_members(Commune.objects.all(), "csv")
    assert content.startswith(b"\xef\xbb\xbf")
    assert "Nguyễn Văn An" in content.decode("utf-8-sig")


def test_a_volunteer_in_no_team_has_one_row_with_an_empty_team(members, dong_kinh):
    Volunteer.objects.create(
        full_name="Vi Thị Lan", phone="+84356789012", home_commune=dong_kinh, affiliation="student"
    )
    rows = rows_of(export_members(Commune.objects.filter(pk=dong_kinh.pk), "csv"), "csv")
    assert [
        dong_kinh.code,
        "Phường Đông Kinh",
        "",
        "Vi Thị Lan",
        "+84356789012",
        "",
        "Sinh viên",
        "",
        "Có",
    ] in rows
    assert len(rows) == 1 + 5 + 1


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_volunteer_in_no_team_survives_the_round_trip(members, dong_kinh, file_format):
    Volunteer.objects.create(
        full_name="Vi Thị Lan", phone="+84356789012", home_commune=dong_kinh, affiliation="student"
    )
    before = snapshot()
    content = export_members(Commune.objects.all(), file_format)
    report = MemberImport(read_sheet(f"export.{file_format}", content)).run()
    assert report.errors == []
    assert report.summary() == "created: 0, updated: 0, unchanged: 7, skipped: 0"
    assert snapshot() == before


def test_only_the_given_communes_are_exported(members, dong_kinh, cao_bang_commune):
    rows = rows_of(export_members(Commune.objects.filter(pk=cao_bang_commune.pk), "csv"), "csv")
    assert [row[3] for row in rows[1:]] == ["Nông Văn Dũng"]


def test_export_costs_the_same_few_queries_whatever_its_size(
    members, dong_kinh, django_assert_max_num_queries
):
    team = Team.objects.create(commune=dong_kinh, name="Tổ lớn")
    volunteers = Volunteer.objects.bulk_create(
        Volunteer(full_name=f"Người {n}", search_name=f"nguoi {n}", phone=f"+8491300{n:04d}")
        for n in range(300)
    )
    Membership.objects.bulk_create(Membership(team=team, volunteer=v) for v in volunteers)
    with django_assert_max_num_queries(3):
        content = export_members(Commune.objects.all(), "xlsx")
    assert len(rows_of(content, "xlsx")) == 1 + 6 + 300


def test_an_unknown_format_is_refused(members):
    with pytest.raises(ValueError, match="xlsx or csv"):
        export_members(Commune.objects.all(), "ods")


# The management command ---------------------------------------------------------------


def export_command(*args):
    out = io.StringIO()
    call_command("export_members", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_command_writes_the_format_its_file_name_says_and_imports_back(tmp_path, members, suffix):
    path = tmp_path / f"members.{suffix}"
    assert export_command(str(path)).strip() == f"6 rows written to {path}"
    before = snapshot()
    out = io.StringIO()
    call_command("import_members", str(path), stdout=out)
    assert out.getvalue().strip().splitlines()[-1] == (
        "created: 0, updated: 0, unchanged: 6, skipped: 0"
    )
    assert snapshot() == before


def test_command_exports_one_province(tmp_path, members):
    path = tmp_path / "cao-bang.csv"
    export_command(str(path), "--province", "4")
    rows = path.read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) == 2
    assert "Nông Văn Dũng" in rows[1]


def test_command_names_a_bad_file_name_or_province(tmp_path, provinces):
    with pytest.raises(CommandError, match=r"OUT: .*members\.ods must end in \.csv or \.xlsx"):
        export_command(str(tmp_path / "members.ods"))
    with pytest.raises(CommandError, match="--province: unknown province code 999"):
        export_command(str(tmp_path / "members.csv"), "--province", "999")
    with pytest.raises(CommandError, match="--province: province 01 is not loaded"):
        export_command(str(tmp_path / "members.csv"), "--province", "01")


def test_the_workbook_keeps_text_as_typed_and_every_column_of_every_row():
    content = workbook(
        ["Mã xã", "Họ và tên", "Đơn vị"],
        [
            ["06637", "  Lê <Văn> & Cường", "ĐH\x01 Nông Lâm"],
            ["00001", "Nguyễn An", ""],
            ["00002", None, None],
        ],
    )
    sheet = read_sheet("members.xlsx", content)
    assert sheet.headers == ["Mã xã", "Họ và tên", "Đơn vị"]
    assert sheet.rows == [
        (2, ["06637", "  Lê <Văn> & Cường", "ĐH Nông Lâm"]),
        (3, ["00001", "Nguyễn An", None]),
        (4, ["00002", None, None]),
    ]
    book = load_workbook(io.BytesIO(content))
    assert book.active.freeze_panes == "A2"
    assert book.active["A1"].font.b
