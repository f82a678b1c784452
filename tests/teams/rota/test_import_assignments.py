import io
from datetime import date, datetime

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from campaign.divisions import load_divisions
from campaign.models import Campaign, Commune, Province
from lib.spreadsheets.reading import read_sheet
from teams.models import Assignment, Volunteer
from teams.rota.assignment_import import AssignmentImport

# Messages are read in English here, as in the registry import's tests.
pytestmark = pytest.mark.usefixtures("english")

VI_HEADER = "Số điện thoại,Mã xã,Xã/Phường,Từ ngày,Đến ngày"
EN_HEADER = "phone,commune_code,commune,from,to"


@pytest.fixture
def campaign(lang_son):
    campaign = Campaign.objects.create(
        name="45 ngày đêm", province=lang_son, start=date(2026, 12, 1), sms_brand="X"
    )
    campaign.add_all_communes()
    return campaign  # 1 December 2026 to 15 January 2027


@pytest.fixture
def dong_kinh(lang_son):
    return Commune.objects.get(province=lang_son, name="Phường Đông Kinh")


@pytest.fixture
def an(db):
    return Volunteer.objects.create(full_name="Nguyễn Văn An", phone="+84912345678")


@pytest.fixture
def binh(db):
    return Volunteer.objects.create(full_name="Trần Thị Bình", phone="+84912345679")


def write_csv(tmp_path, text, name="assignments.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(path, campaign, *args, expect_exit=0):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(
            "import_assignments",
            str(path),
            "--campaign",
            str(campaign.pk),
            *args,
            stdout=out,
            stderr=err,
        )
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    assert code == expect_exit, out.getvalue() + err.getvalue()
    return out.getvalue(), err.getvalue()


def last_line(output):
    return output.strip().splitlines()[-1]


def saved():
    return sorted(
        Assignment.objects.values_list("volunteer__phone", "commune__name", "starts_on", "ends_on")
    )


def test_a_universitys_200_students_spread_over_20_communes_in_one_step(
    tmp_path, campaign, lang_son, django_assert_max_num_queries
):
    communes = list(Commune.objects.filter(province=lang_son).order_by("code")[:20])
    lines = [EN_HEADER]
    for number in range(200):
        phone = f"+8491234{number:04d}"
        Volunteer.objects.create(full_name=f"Sinh viên {number}", phone=phone)
        dates = [",", "05/12/2026,20/12/2026", "2026-12-21,2027-01-10"][number % 3]
        lines.append(f"0{phone[3:]},{communes[number % 20].code},,{dates}")
    path = write_csv(tmp_path, "\n".join(lines) + "\n")

    sheet = read_sheet(path.name, path.read_bytes())
    with django_assert_max_num_queries(12):  # whatever the number of rows
        report = AssignmentImport(sheet, campaign).run()
    assert report.summary() == "created: 200, updated: 0, unchanged: 0, skipped: 0"
    assert Assignment.objects.filter(campaign=campaign).count() == 200
    for commune in communes:
        assert commune.assignments.count() == 10
    first = Assignment.objects.get(volunteer__phone="+84912340000")
    assert (first.commune, first.starts_on, first.ends_on) == (communes[0], None, None)
    second = Assignment.objects.get(volunteer__phone="+84912340001")
    assert (second.starts_on, second.ends_on) == (date(2026, 12, 5), date(2026, 12, 20))

    out, err = run(path, campaign)
    assert err == ""
    assert last_line(out) == "created: 0, updated: 0, unchanged: 200, skipped: 0"
    assert Assignment.objects.count() == 200


def test_vietnamese_headers_and_commune_names_without_diacritics(
    tmp_path, campaign, dong_kinh, an
):
    path = write_csv(tmp_path, f"{VI_HEADER}\n0912 345 678,,dong kinh,01/12/2026,10/12/2026\n")
    out, err = run(path, campaign)
    assert err == ""
    assert last_line(out) == "created: 1, updated: 0, unchanged: 0, skipped: 0"
    assert saved() == [("+84912345678", "Phường Đông Kinh", date(2026, 12, 1), date(2026, 12, 10))]
    assert Assignment.objects.get().campaign == campaign


def test_headers_match_without_case_accents_or_spacing(tmp_path, campaign, dong_kinh, an):
    path = write_csv(
        tmp_path, f"SO DIEN THOAI, ma xa ,TU NGAY,den ngay\n0912345678,{dong_kinh.code},,\n"
    )
    out, _ = run(path, campaign)
    assert last_line(out) == "created: 1, updated: 0, unchanged: 0, skipped: 0"


def test_dates_are_read_as_dd_mm_yyyy_d_m_yyyy_and_iso_and_empty_means_the_campaigns(
    tmp_path, campaign, lang_son, an
):
    communes = list(Commune.objects.filter(province=lang_son).order_by("code")[:4])
    path = write_csv(
        tmp_path,
        f"{EN_HEADER}\n"
        f"0912345678,{communes[0].code},,05/12/2026,20/12/2026\n"
        f"0912345678,{communes[1].code},,3/1/2027,\n"
        f"0912345678,{communes[2].code},,2026-12-10,2027-01-15\n"
        f"0912345678,{communes[3].code},,,\n",
    )
    run(path, campaign)
    dates = {
        a.commune_id: (a.starts_on, a.ends_on)
        for a in Assignment.objects.filter(campaign=campaign)
    }
    assert dates == {
        communes[0].pk: (date(2026, 12, 5), date(2026, 12, 20)),
        communes[1].pk: (date(2027, 1, 3), None),
        communes[2].pk: (date(2026, 12, 10), date(2027, 1, 15)),
        communes[3].pk: (None, None),
    }
    assignment = Assignment.objects.get(commune=communes[3])
    assert assignment.covers(date(2026, 12, 1)) and assignment.covers(date(2027, 1, 15))


def test_date_cells_of_an_xlsx_workbook_are_read(tmp_path, campaign, dong_kinh, an, binh):
    book = Workbook()
    sheet = book.active
    sheet.append(["phone", "commune_code", "from", "to"])
    # A workbook's date cells hold no time zone.
    sheet.append([912345678, dong_kinh.code, date(2026, 12, 3), datetime(2026, 12, 20)])  # noqa: DTZ001
    sheet.append(["0912345679", int(dong_kinh.code), "4/12/2026", None])
    path = tmp_path / "assignments.xlsx"
    book.save(path)
    out, _ = run(path, campaign)
    assert last_line(out) == "created: 2, updated: 0, unchanged: 0, skipped: 0"
    assert saved() == [
        ("+84912345678", "Phường Đông Kinh", date(2026, 12, 3), date(2026, 12, 20)),
        ("+84912345679", "Phường Đông Kinh", date(2026, 12, 4), None),
    ]


def test_each_kind_of_error_names_its_line_column_and_reason(tmp_path, campaign, dong_kinh, an):
    campaign.campaign_communes.filter(commune__name="Xã Ba Sơn").delete()
    path = write_csv(
        tmp_path,
        f"{VI_HEADER}\n"
        "0987654321,,Đông Kinh,,\n"  # 2: nobody has this number
        "024 3825 1234,,Đông Kinh,,\n"  # 3: a landline
        "0912345678,,Xã Không Có,,\n"  # 4: no such commune
        "0912345678,99999,,,\n"  # 5: no such code
        "0912345678,,Ba Sơn,,\n"  # 6: not taking part
        "0912345678,,Đông Kinh,20/12/2026,10/12/2026\n"  # 7: ends before it starts
        "0912345678,,Đông Kinh,30/11/2026,16/01/2027\n"  # 8: outside the campaign
        "0912345678,,Đông Kinh,31/12,\n"  # 9: not a date
        "0912345678,,Đông Kinh,,\n",  # 10: valid
    )
    out, err = run(path, campaign, expect_exit=1)
    assert (
        "error: line 2, Số điện thoại: no volunteer has this number: "
        "import them with the registry first" in err
    )
    assert "error: line 3, Số điện thoại: “024 3825 1234” is a landline" in err
    assert "error: line 4, Xã/Phường: no commune is called “Xã Không Có” here" in err
    assert "error: line 5, Mã xã: no commune has code 99999 in Lạng Sơn" in err
    assert "error: line 6, Xã/Phường: Xã Ba Sơn does not take part in 45 ngày đêm" in err
    assert (
        "error: line 7, Đến ngày: the assignment ends on 10/12/2026, "
        "before it starts on 20/12/2026" in err
    )
    assert (
        "error: line 8, Từ ngày: 30/11/2026 is outside the campaign (01/12/2026 to 15/01/2027)"
        in err
    )
    assert "error: line 8, Đến ngày: 16/01/2027 is outside the campaign" in err
    assert "error: line 9, Từ ngày: “31/12” is not a date: write it as dd/mm/yyyy" in err
    assert "line 10" not in err
    assert "nothing was written" in out
    assert last_line(out) == "created: 0, updated: 0, unchanged: 0, skipped: 9"
    assert not Assignment.objects.exists()


def test_a_commune_not_taking_part_is_named_on_the_code_column_when_given_by_code(
    tmp_path, campaign, dong_kinh, an
):
    campaign.campaign_communes.filter(commune=dong_kinh).delete()
    path = write_csv(tmp_path, f"{EN_HEADER}\n0912345678,{dong_kinh.code},,,\n")
    _, err = run(path, campaign, expect_exit=1)
    assert "line 2, commune_code: Phường Đông Kinh does not take part in 45 ngày đêm" in err


def test_an_ambiguous_commune_name_asks_for_the_code(tmp_path, provinces, an):
    load_divisions(["19"])  # Thái Nguyên has both Xã Văn Lang and Xã Văn Lăng
    thai_nguyen = Campaign.objects.create(
        name="Thái Nguyên", province=Province.objects.get(code="19"), start=date(2026, 12, 1)
    )
    thai_nguyen.add_all_communes()
    path = write_csv(tmp_path, f"{EN_HEADER}\n0912345678,,van lang,,\n")
    _, err = run(path, thai_nguyen, expect_exit=1)
    assert "line 2, commune: “van lang” could be " in err
    assert "Xã Văn Lang (" in err and "Xã Văn Lăng (" in err


def test_the_same_volunteer_and_commune_with_overlapping_dates_is_an_error_on_the_later_row(
    tmp_path, campaign, dong_kinh, an
):
    path = write_csv(
        tmp_path,
        f"{EN_HEADER}\n"
        "0912345678,,Đông Kinh,01/12/2026,15/12/2026\n"
        "0912345678,,Đông Kinh,10/12/2026,20/12/2026\n"
        "0912345678,,Đông Kinh,16/12/2026,31/12/2026\n",
    )
    _, err = run(path, campaign, expect_exit=1)
    assert err.count("error:") == 1
    assert (
        "error: line 3, from: Nguyễn Văn An is already assigned to Phường Đông Kinh "
        "from 01/12/2026 to 15/12/2026 on line 2" in err
    )


def test_an_exact_repeat_is_not_an_error(tmp_path, campaign, dong_kinh, an):
    path = write_csv(
        tmp_path,
        f"{EN_HEADER}\n"
        "0912345678,,Đông Kinh,01/12/2026,15/12/2026\n"
        f"0912 345 678,{dong_kinh.code},,2026-12-01,15/12/2026\n"
        "0912345678,,Đông Kinh,16/12/2026,\n",
    )
    out, err = run(path, campaign)
    assert err == ""
    assert last_line(out) == "created: 2, updated: 0, unchanged: 1, skipped: 0"
    assert saved() == [
        ("+84912345678", "Phường Đông Kinh", date(2026, 12, 1), date(2026, 12, 15)),
        ("+84912345678", "Phường Đông Kinh", date(2026, 12, 16), None),
    ]


def test_dates_overlapping_a_saved_assignment_are_an_error(tmp_path, campaign, dong_kinh, an):
    Assignment.objects.create(volunteer=an, campaign=campaign, commune=dong_kinh)
    path = write_csv(tmp_path, f"{EN_HEADER}\n0912345678,,Đông Kinh,10/12/2026,20/12/2026\n")
    _, err = run(path, campaign, expect_exit=1)
    assert (
        "line 2, from: Nguyễn Văn An is already assigned to Phường Đông Kinh "
        "from 01/12/2026 to 15/01/2027 in this campaign" in err
    )


def test_with_skip_invalid_the_valid_rows_are_imported(tmp_path, campaign, dong_kinh, an):
    path = write_csv(tmp_path, f"{EN_HEADER}\n0912345678,,Đông Kinh,,\n0987654321,,Đông Kinh,,\n")
    out, err = run(path, campaign, "--skip-invalid")
    assert "line 3, phone: no volunteer has this number" in err
    assert last_line(out) == "created: 1, updated: 0, unchanged: 0, skipped: 1"
    assert Assignment.objects.get().volunteer == an


def test_dry_run_reports_what_would_happen_and_writes_nothing(tmp_path, campaign, dong_kinh, an):
    path = write_csv(tmp_path, f"{EN_HEADER}\n0912345678,,Đông Kinh,,\n")
    out, _ = run(path, campaign, "--dry-run")
    assert "dry run: nothing was written" in out
    assert last_line(out) == "created: 1, updated: 0, unchanged: 0, skipped: 0"
    assert not Assignment.objects.exists()


def test_errors_file_lists_bad_rows_with_line_and_reason(tmp_path, campaign, dong_kinh, an):
    path = write_csv(
        tmp_path, f"{VI_HEADER}\n0912345678,,Đông Kinh,,\n\n0987654321,,Đông Kinh,,\n"
    )
    errors = tmp_path / "errors.csv"
    out, _ = run(path, campaign, "--skip-invalid", "--errors", str(errors))
    assert "1 rows with problems written to" in out
    header, row = errors.read_text(encoding="utf-8-sig").strip().splitlines()
    assert header == f"{VI_HEADER},Dòng,Lỗi"
    assert row.startswith("0987654321,,Đông Kinh,,,4,")  # the blank line counts
    assert "Số điện thoại: no volunteer has this number" in row


def test_missing_columns_are_named_on_line_1(tmp_path, campaign):
    path = write_csv(tmp_path, "Họ và tên,Từ ngày\nNguyễn An,01/12/2026\n")
    out, err = run(path, campaign, expect_exit=1)
    assert "line 1, Số điện thoại: this column is missing" in err
    assert "line 1, Mã xã / Xã/Phường: give the commune's code or its name" in err
    assert "warning: line 1, Họ và tên: column not recognised" in out
    assert last_line(out) == "created: 0, updated: 0, unchanged: 0, skipped: 1"


def test_bad_parameters_are_named(tmp_path, campaign):
    path = write_csv(tmp_path, f"{EN_HEADER}\n")
    with pytest.raises(CommandError, match=r"FILE: .* does not exist"):
        run(tmp_path / "nope.csv", campaign)
    with pytest.raises(CommandError, match="--campaign: no campaign has id 999"):
        call_command("import_assignments", str(path), "--campaign", "999")
    with pytest.raises(CommandError, match="--campaign: abc is not a campaign id"):
        call_command("import_assignments", str(path), "--campaign", "abc")
    with pytest.raises(CommandError, match=r"--errors: .* must end in \.csv or \.xlsx"):
        run(path, campaign, "--errors", str(tmp_path / "errors.txt"))
