import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from campaign.divisions import load_divisions
from campaign.models import Commune
from teams.models import Affiliation, Membership, Team, Volunteer

# Messages are read in English here; the Vietnamese ones are checked elsewhere.
pytestmark = pytest.mark.usefixtures("english")

VI_HEADER = "Mã xã,Xã/Phường,Tên tổ,Họ và tên,Số điện thoại,Vai trò,Thành phần,Đơn vị"
EN_HEADER = "commune_code,commune,team,full_name,phone,role,affiliation,organisation"


@pytest.fixture
def dong_kinh(lang_son):
    return Commune.objects.get(province=lang_son, name="Phường Đông Kinh")


def write_csv(tmp_path, text, name="members.csv", bom=False):
    path = tmp_path / name
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def write_xlsx(tmp_path, rows, name="members.xlsx"):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def run(path, *args, expect_exit=0):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_members", str(path), *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    assert code == expect_exit, out.getvalue() + err.getvalue()
    return out.getvalue(), err.getvalue()


def last_line(output):
    return output.strip().splitlines()[-1]


def snapshot():
    return (
        sorted(
            Volunteer.objects.values_list(
                "phone", "full_name", "affiliation", "organisation", "home_commune"
            )
        ),
        sorted(Team.objects.values_list("commune", "name")),
        sorted(Membership.objects.values_list("team__name", "volunteer__phone", "role")),
    )


def test_vietnamese_headers_and_values_import_teams_and_members(tmp_path, dong_kinh):
    path = write_csv(
        tmp_path,
        f"{VI_HEADER}\n"
        ",Phường Đông Kinh,Tổ công nghệ số 1,Nguyễn Văn An,0912 345 678,Tổ trưởng,Đoàn viên,Đoàn phường\n"
        ",Phường Đông Kinh,Tổ công nghệ số 1,Trần Thị Bình,091.234.5679,Thành viên,Sinh viên,ĐH Nông Lâm\n"
        ",Phường Đông Kinh,Tổ công nghệ số 1,Lý Văn Cường,+84 91 234 5670,Tổ phó,Công an,\n",
        bom=True,
    )
    out, err = run(path, "--province", "20")
    assert last_line(out) == "created: 3, updated: 0, unchanged: 0, skipped: 0"
    assert err == ""
    team = Team.objects.get()
    assert (team.commune, team.name) == (dong_kinh, "Tổ công nghệ số 1")
    an = Volunteer.objects.get(phone="+84912345678")
    assert (an.full_name, an.affiliation, an.organisation) == (
        "Nguyễn Văn An",
        Affiliation.YOUTH_UNION,
        "Đoàn phường",
    )
    assert an.home_commune == dong_kinh
    assert an.search_name == "nguyen van an"
    roles = dict(Membership.objects.values_list("volunteer__full_name", "role"))
    assert roles == {
        "Nguyễn Văn An": "leader",
        "Trần Thị Bình": "member",
        "Lý Văn Cường": "deputy",
    }
    assert Volunteer.objects.get(full_name="Lý Văn Cường").affiliation == Affiliation.POLICE


def test_english_headers_in_an_xlsx_file(tmp_path, dong_kinh):
    path = write_xlsx(
        tmp_path,
        [
            EN_HEADER.split(","),
            [
                dong_kinh.code,
                "",
                "Students of Lang Son",
                "Hoàng Thu Hà",
                912345678,
                "leader",
                "student",
                "ĐH",
            ],
            [
                int(dong_kinh.code),
                None,
                "Students of Lang Son",
                "Vi Văn Dũng",
                "0987654321",
                "Member",
                "Teacher",
                None,
            ],
        ],
    )
    out, _ = run(path)
    assert last_line(out) == "created: 2, updated: 0, unchanged: 0, skipped: 0"
    assert Volunteer.objects.get(phone="+84912345678").affiliation == Affiliation.STUDENT
    assert Volunteer.objects.get(phone="+84987654321").affiliation == Affiliation.TEACHER


def test_headers_match_without_case_accents_or_spacing(tmp_path, dong_kinh):
    path = write_csv(
        tmp_path,
        "MA XA, xa / phuong ,TEN TO,ho va ten,So Dien Thoai,VAI TRO,thanh phan,DON VI\n"
        f"{dong_kinh.code},,Tổ 1,Nguyễn An,0912345678,to truong,doan vien,\n",
    )
    out, _ = run(path)
    assert last_line(out) == "created: 1, updated: 0, unchanged: 0, skipped: 0"
    assert Membership.objects.get().role == "leader"


@pytest.mark.parametrize(
    "typed", ["Phường Đông Kinh", "phuong dong kinh", "Đông Kinh", "DONG KINH", " đông  kinh "]
)
def test_commune_is_found_by_name_with_or_without_diacritics_and_prefix(
    tmp_path, dong_kinh, typed
):
    path = write_csv(tmp_path, f"{VI_HEADER}\n,{typed},Tổ 1,Nguyễn An,0912345678,,,\n")
    run(path, "--province", "20")
    assert Team.objects.get().commune == dong_kinh


def test_unknown_and_ambiguous_communes_are_errors(tmp_path, provinces):
    load_divisions(["19"])  # Thái Nguyên has both Xã Văn Lang and Xã Văn Lăng
    path = write_csv(
        tmp_path,
        f"{VI_HEADER}\n"
        ",Xã Không Có,Tổ 1,Nguyễn An,0912345678,,,\n"
        ",van lang,Tổ 1,Trần Bình,0912345679,,,\n"
        "99999,,Tổ 1,Lê Cường,0912345670,,,\n",
    )
    out, err = run(path, "--province", "19", expect_exit=1)
    assert "line 2, Xã/Phường: no commune is called “Xã Không Có” here" in err
    assert "line 3, Xã/Phường: “van lang” could be " in err
    assert "Xã Văn Lang (" in err and "Xã Văn Lăng (" in err
    assert "give the commune code" in err
    assert "line 4, Mã xã: no commune has code 99999 in Thái Nguyên" in err
    assert last_line(out) == "created: 0, updated: 0, unchanged: 0, skipped: 3"
    assert not Team.objects.exists()


def test_a_name_shared_by_two_provinces_needs_the_province(tmp_path, lang_son):
    load_divisions(["08"])  # Tuyên Quang also has a Xã Thái Bình
    path = write_csv(tmp_path, f"{VI_HEADER}\n,Xã Thái Bình,Tổ 1,Nguyễn An,0912345678,,,\n")
    _, err = run(path, expect_exit=1)
    assert "“Xã Thái Bình” could be" in err
    run(path, "--province", "20")
    assert Team.objects.get().commune.province == lang_son


def test_a_commune_outside_the_chosen_province_is_unknown(tmp_path, cao_bang):
    other = cao_bang.communes.first()
    path = write_csv(tmp_path, f"{VI_HEADER}\n{other.code},,Tổ 1,Nguyễn An,0912345678,,,\n")
    _, err = run(path, "--province", "20", expect_exit=1)
    assert f"no commune has code {other.code} in Lạng Sơn" in err


def test_a_code_that_contradicts_the_name_is_an_error(tmp_path, dong_kinh):
    path = write_csv(
        tmp_path, f"{VI_HEADER}\n{dong_kinh.code},Xã Khác,Tổ 1,Nguyễn An,0912345678,,,\n"
    )
    _, err = run(path, "--province", "20", expect_exit=1)
    assert f"line 2, Xã/Phường: code {dong_kinh.code} is Phường Đông Kinh, not “Xã Khác”" in err


def test_phone_problems_name_line_column_and_reason(tmp_path, dong_kinh):
    path = write_csv(
        tmp_path,
        f"{VI_HEADER}\n"
        ",Đông Kinh,Tổ 1,Nguyễn An,024 3825 1234,,,\n"
        ",Đông Kinh,Tổ 1,Trần Bình,0891234567,,,\n"
        ",Đông Kinh,Tổ 1,Lê Cường,09123abc78,,,\n"
        ",Đông Kinh,Tổ 1,Vi Dũng,,,,\n",
    )
    _, err = run(path, "--province", "20", expect_exit=1)
    assert "line 2, Số điện thoại: “024 3825 1234” is a landline: it cannot receive SMS" in err
    assert "line 3, Số điện thoại: “0891234567” is not a valid Vietnamese phone number" in err
    assert "line 4, Số điện thoại: “09123abc78” has characters that are not digits" in err
    assert "line 5, Số điện thoại: the phone number is empty" in err


def test_old_eleven_digit_numbers_are_mapped_and_reported_as_warnings(tmp_path, dong_kinh):
    path = write_csv(tmp_path, f"{VI_HEADER}\n,Đông Kinh,Tổ 1,Nguyễn An,01662345678,,,\n")
    out, _ = run(path, "--province", "20")
    assert (
        "warning: line 2, Số điện thoại: old 11-digit number 01662345678 changed to 0362345678"
        in out
    )
    assert Volunteer.objects.get().phone == "+84362345678"


def test_an_exact_repeat_is_not_an_error_and_creates_nothing_new(tmp_path, dong_kinh):
    row = ",Đông Kinh,Tổ 1,Nguyễn An,0912345678,Tổ trưởng,,\n"
    path = write_csv(tmp_path, f"{VI_HEADER}\n{row}{row.replace('0912345678', '0912 345 678')}")
    out, err = run(path, "--province", "20")
    assert err == ""
    assert last_line(out) == "created: 1, updated: 0, unchanged: 1, skipped: 0"
    assert Membership.objects.count() == 1


def test_the_same_phone_with_another_name_is_an_error_on_the_later_row(tmp_path, dong_kinh):
    path = write_csv(
        tmp_path,
        f"{VI_HEADER}\n"
        ",Đông Kinh,Tổ 1,Nguyễn An,0912345678,,,\n"
        ",Đông Kinh,Tổ 2,Trần Bình,0912345678,,,\n",
    )
    _, err = run(path, "--province", "20", expect_exit=1)
    assert "line 3, Số điện thoại: 0912 345 678 is already Nguyễn An on line 2" in err
    assert err.count("error:") == 1  # only the later row is wrong


def test_one_person_in_two_teams_is_two_memberships(tmp_path, dong_kinh):
    path = write_csv(
        tmp_path,
        f"{VI_HEADER}\n,Đông Kinh,Tổ 1,Nguyễn An,0912345678,,,\n,Đông Kinh,Tổ 2,Nguyễn An,0912345678,Tổ trưởng,,\n",
    )
    run(path, "--province", "20")
    assert Volunteer.objects.count() == 1
    assert Membership.objects.count() == 2


def test_without_skip_invalid_any_bad_row_writes_nothing_and_exits_1(tmp_path, dong_kinh):
    path = write_csv(
        tmp_path,
        f"{VI_HEADER}\n,Đông Kinh,Tổ 1,Nguyễn An,0912345678,,,\n,Đông Kinh,Tổ 1,Trần Bình,123,,,\n",
    )
    out, _ = run(path, "--province", "20", expect_exit=1)
    assert "nothing was written" in out
    assert last_line(out) == "created: 0, updated: 0, unchanged: 0, skipped: 2"
    assert snapshot() == ([], [], [])


def test_with_skip_invalid_the_valid_rows_are_imported(tmp_path, dong_kinh):
    path = write_csv(
        tmp_path,
        f"{VI_HEADER}\n,Đông Kinh,Tổ 1,Nguyễn An,0912345678,,,\n,Đông Kinh,Tổ 1,Trần Bình,123,,,\n",
    )
    out, err = run(path, "--province", "20", "--skip-invalid")
    assert "line 3, Số điện thoại" in err
    assert last_line(out) == "created: 1, updated: 0, unchanged: 0, skipped: 1"
    assert list(Volunteer.objects.values_list("full_name", flat=True)) == ["Nguyễn An"]


def test_importing_the_same_file_twice_changes_nothing_the_second_time(tmp_path, dong_kinh):
    path = write_csv(
        tmp_path,
        f"{VI_HEADER}\n"
        ",Đông Kinh,Tổ 1,Nguyễn An,0912345678,Tổ trưởng,Đoàn viên,Đoàn phường\n"
        ",Đông Kinh,Tổ 2,Trần Bình,0912345679,,Sinh viên,\n",
    )
    run(path, "--province", "20")
    before = snapshot()
    out, _ = run(path, "--province", "20")
    assert last_line(out) == "created: 0, updated: 0, unchanged: 2, skipped: 0"
    assert snapshot() == before


def test_a_changed_name_or_role_updates_the_existing_rows(tmp_path, dong_kinh):
    first = write_csv(
        tmp_path, f"{VI_HEADER}\n,Đông Kinh,Tổ 1,Nguyen An,0912345678,,,\n", name="a.csv"
    )
    run(first, "--province", "20")
    fixed = write_csv(
        tmp_path, f"{VI_HEADER}\n,Đông Kinh,Tổ 1,Nguyễn An,0912345678,Tổ trưởng,,\n", name="b.csv"
    )
    out, _ = run(fixed, "--province", "20")
    assert last_line(out) == "created: 0, updated: 1, unchanged: 0, skipped: 0"
    volunteer = Volunteer.objects.get()
    assert volunteer.full_name == "Nguyễn An"
    assert Membership.objects.get().role == "leader"


def test_dry_run_reports_what_would_happen_and_writes_nothing(tmp_path, dong_kinh):
    path = write_csv(tmp_path, f"{VI_HEADER}\n,Đông Kinh,Tổ 1,Nguyễn An,0912345678,,,\n")
    out, _ = run(path, "--province", "20", "--dry-run")
    assert "dry run" in out
    assert last_line(out) == "created: 1, updated: 0, unchanged: 0, skipped: 0"
    assert snapshot() == ([], [], [])


def test_errors_file_lists_bad_rows_with_line_and_reason_and_can_be_imported_again(
    tmp_path, dong_kinh
):
    path = write_csv(
        tmp_path,
        f"{VI_HEADER}\n,Đông Kinh,Tổ 1,Nguyễn An,0912345678,,,\n\n,Đông Kinh,Tổ 1,Trần Bình,0912,,,\n",
    )
    errors = tmp_path / "errors.csv"
    run(path, "--province", "20", "--skip-invalid", "--errors", str(errors))
    text = errors.read_text(encoding="utf-8-sig")
    header, row = text.strip().splitlines()
    assert header == f"{VI_HEADER},Dòng,Lỗi"
    assert row.startswith(",Đông Kinh,Tổ 1,Trần Bình,0912,,,,4,")  # the blank line counts
    assert "Số điện thoại" in row
    errors.write_text(text.replace(",0912,", ",0912345679,"), encoding="utf-8-sig")
    out, _ = run(errors, "--province", "20")
    assert last_line(out) == "created: 1, updated: 0, unchanged: 0, skipped: 0"
    assert Volunteer.objects.count() == 2


def test_errors_file_can_be_an_xlsx_workbook(tmp_path, dong_kinh):
    path = write_csv(tmp_path, f"{VI_HEADER}\n,Đông Kinh,Tổ 1,,0912345678,,,\n")
    errors = tmp_path / "errors.xlsx"
    run(path, "--province", "20", "--errors", str(errors), expect_exit=1)
    rows = list(load_workbook(errors).active.values)
    assert rows[0][-2:] == ("Dòng", "Lỗi")
    assert rows[1][-2] == 2
    assert "Họ và tên: the name is empty" in rows[1][-1]


def test_missing_columns_are_named_on_line_1(tmp_path, provinces):
    path = write_csv(tmp_path, "Họ và tên,Tên tổ\nNguyễn An,Tổ 1\n")
    out, err = run(path, expect_exit=1)
    assert "line 1, Số điện thoại: this column is missing" in err
    assert "line 1, Mã xã / Xã/Phường: give the commune's code or its name" in err
    assert last_line(out) == "created: 0, updated: 0, unchanged: 0, skipped: 1"


def test_an_unknown_column_is_ignored_with_a_warning(tmp_path, dong_kinh):
    path = write_csv(
        tmp_path, f"{VI_HEADER},Ghi chú\n,Đông Kinh,Tổ 1,Nguyễn An,0912345678,,,,xin chào\n"
    )
    out, _ = run(path, "--province", "20")
    assert "warning: line 1, Ghi chú: column not recognised" in out


def test_unknown_role_and_affiliation_values_are_errors(tmp_path, dong_kinh):
    path = write_csv(
        tmp_path, f"{VI_HEADER}\n,Đông Kinh,Tổ 1,Nguyễn An,0912345678,Chủ tịch,Nông dân,\n"
    )
    _, err = run(path, "--province", "20", expect_exit=1)
    assert "line 2, Vai trò: “Chủ tịch” is not a role" in err
    assert "line 2, Thành phần: “Nông dân” is not an affiliation" in err


def test_semicolon_separated_csv_from_excel_is_read(tmp_path, dong_kinh):
    path = write_csv(
        tmp_path, VI_HEADER.replace(",", ";") + "\n;Đông Kinh;Tổ 1;Nguyễn An;0912345678;;;\n"
    )
    out, _ = run(path, "--province", "20")
    assert last_line(out) == "created: 1, updated: 0, unchanged: 0, skipped: 0"


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("members.txt", b"hello", "only .xlsx and .csv"),
        ("members.xlsx", b"not a workbook", "not a readable .xlsx"),
        ("members.csv", "Số điện thoại\n".encode("utf-16"), "not UTF-8"),
    ],
)
def test_unreadable_files_are_refused_naming_the_file(tmp_path, provinces, name, content, says):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError, match=says):
        run(path)


def test_a_missing_file_and_a_bad_province_are_named(tmp_path, provinces):
    with pytest.raises(CommandError, match=r"FILE: .* does not exist"):
        run(tmp_path / "nope.csv")
    path = write_csv(tmp_path, f"{VI_HEADER}\n")
    with pytest.raises(CommandError, match="--province: unknown province code 999"):
        run(path, "--province", "999")
    with pytest.raises(CommandError, match=r"--errors: .* must end in \.csv or \.xlsx"):
        run(path, "--errors", str(tmp_path / "errors.txt"))


def test_a_person_without_a_team_is_registered_alone(tmp_path, dong_kinh):
    path = write_csv(
        tmp_path,
        f"{VI_HEADER}\n,Đông Kinh,,Nguyễn An,0912345678,,Sinh viên,\n,Đông Kinh,,Nguyễn An,0912345678,,Sinh viên,\n",
    )
    out, _ = run(path, "--province", "20")
    assert last_line(out) == "created: 1, updated: 0, unchanged: 1, skipped: 0"
    volunteer = Volunteer.objects.get()
    assert (volunteer.home_commune, volunteer.affiliation) == (dong_kinh, Affiliation.STUDENT)
    assert not Team.objects.exists() and not Membership.objects.exists()
    out, _ = run(path, "--province", "20")
    assert last_line(out) == "created: 0, updated: 0, unchanged: 2, skipped: 0"
    renamed = write_csv(
        tmp_path, f"{VI_HEADER}\n,Đông Kinh,,Nguyễn Văn An,0912345678,,,\n", name="b.csv"
    )
    out, _ = run(renamed, "--province", "20")
    assert last_line(out) == "created: 0, updated: 1, unchanged: 0, skipped: 0"


ZALO_HEADER = f"{VI_HEADER},Nhận tin qua Zalo"


def consent():
    return dict(Volunteer.objects.values_list("full_name", "zalo_consent"))


def test_the_zalo_column_records_each_persons_consent(tmp_path, dong_kinh):
    path = write_csv(
        tmp_path,
        f"{ZALO_HEADER}\n"
        ",Đông Kinh,Tổ 1,Nguyễn An,0912345678,,,,Có\n"
        ",Đông Kinh,Tổ 1,Trần Bình,0912345679,,,,không\n"
        ",Đông Kinh,Tổ 1,Lê Cường,0912345670,,,,x\n"
        ",Đông Kinh,Tổ 1,Vi Dũng,0912345671,,,,\n",
    )
    _, err = run(path, "--province", "20")
    assert err == ""
    assert consent() == {"Nguyễn An": True, "Trần Bình": False, "Lê Cường": True, "Vi Dũng": True}


def test_a_file_without_the_zalo_column_keeps_what_is_stored(tmp_path, dong_kinh):
    run(write_csv(tmp_path, f"{ZALO_HEADER}\n,Đông Kinh,Tổ 1,Trần Bình,0912345679,,,,Không\n"))
    path = write_csv(tmp_path, f"{VI_HEADER}\n,Đông Kinh,Tổ 1,Trần Bình,0912345679,,,\n", "b.csv")
    out, _ = run(path, "--province", "20")
    assert last_line(out) == "created: 0, updated: 0, unchanged: 1, skipped: 0"
    assert consent() == {"Trần Bình": False}


def test_a_person_who_withdraws_consent_is_updated(tmp_path, dong_kinh):
    run(write_csv(tmp_path, f"{VI_HEADER}\n,Đông Kinh,Tổ 1,Trần Bình,0912345679,,,\n"))
    path = write_csv(
        tmp_path, f"{ZALO_HEADER}\n,Đông Kinh,Tổ 1,Trần Bình,0912345679,,,,Khong\n", "b.csv"
    )
    out, _ = run(path, "--province", "20")
    assert last_line(out) == "created: 0, updated: 1, unchanged: 0, skipped: 0"
    assert consent() == {"Trần Bình": False}


def test_an_unreadable_or_contradicting_zalo_answer_is_an_error(tmp_path, dong_kinh):
    path = write_csv(
        tmp_path,
        f"{ZALO_HEADER}\n"
        ",Đông Kinh,Tổ 1,Nguyễn An,0912345678,,,,Có lẽ\n"
        ",Đông Kinh,Tổ 1,Trần Bình,0912345679,,,,Có\n"
        ",Đông Kinh,Tổ 2,Trần Bình,0912345679,,,,Không\n",
    )
    out, err = run(path, "--province", "20", expect_exit=1)
    assert "line 2, Nhận tin qua Zalo: “Có lẽ” is not an answer: use Có or Không" in err
    assert "line 4, Nhận tin qua Zalo: line 3 says “Có” for the same person" in err
    assert "nothing was written" in out
    assert snapshot() == ([], [], [])
