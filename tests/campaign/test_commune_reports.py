"""Communes' official figures: entered by coordinators, imported from a spreadsheet with the
registry's error reporting, and read back by the dashboard."""

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from campaign.models import Campaign, CampaignCommune, Commune, CommuneReport

pytestmark = pytest.mark.usefixtures("english")

MISSING = "!!MISSING"
VI_HEADER = (
    "Mã xã,Xã/Phường,Từ ngày,Đến ngày,Hồ sơ tiếp nhận,Hồ sơ trực tuyến,Hồ sơ số hóa,"
    "Thanh toán trực tuyến,Ghi chú"
)
EN_HEADER = "commune_code,commune,from,to,applications_received,applications_online"


@pytest.fixture
def campaign(lang_son):
    campaign = Campaign.objects.create(
        name="45 ngày đêm", province=lang_son, start=date(2026, 11, 1), sms_brand="X"
    )
    campaign.add_all_communes()
    return campaign  # 1 November to 16 December 2026


@pytest.fixture
def dong_kinh(lang_son):
    return Commune.objects.get(province=lang_son, name="Phường Đông Kinh")


@pytest.fixture
def luong_van_tri(lang_son):
    return Commune.objects.get(province=lang_son, name="Phường Lương Văn Tri")


@pytest.fixture
def mine(coordinated_communes):
    return coordinated_communes[0]


@pytest.fixture
def elsewhere(lang_son, coordinated_communes):
    return lang_son.communes.exclude(pk__in=[c.pk for c in coordinated_communes]).first()


def reports():
    return sorted(
        CommuneReport.objects.values_list(
            "campaign_commune__commune__name",
            "period_start",
            "period_end",
            "applications_received",
            "applications_online",
            "records_digitised",
            "payments_online",
        )
    )


def write_csv(tmp_path, text, name="reports.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(path, campaign, *args, expect_exit=0):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(
            "import_commune_reports",
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


# The model ------------------------------------------------------------------------


def test_the_database_refuses_more_applications_online_than_received(campaign, dong_kinh):
    cc = CampaignCommune.objects.get(campaign=campaign, commune=dong_kinh)
    with pytest.raises(IntegrityError), transaction.atomic():
        CommuneReport.objects.create(
            campaign_commune=cc,
            period_start=date(2026, 11, 1),
            period_end=date(2026, 11, 7),
            applications_received=10,
            applications_online=11,
        )


def test_the_rate_is_online_over_received_and_none_without_applications(campaign, dong_kinh):
    cc = CampaignCommune.objects.get(campaign=campaign, commune=dong_kinh)
    assert (
        CommuneReport(
            campaign_commune=cc, applications_received=400, applications_online=101
        ).online_rate
        == 25.25
    )
    assert (
        CommuneReport(
            campaign_commune=cc, applications_received=0, applications_online=0
        ).online_rate
        is None
    )


# The import -----------------------------------------------------------------------


def test_a_week_of_reports_is_imported_and_importing_it_again_changes_nothing(
    tmp_path, campaign, dong_kinh, luong_van_tri
):
    path = write_csv(
        tmp_path,
        f"{VI_HEADER}\n"
        f"{dong_kinh.code},,01/11/2026,07/11/2026,1.250,9,300,,tuần 1\n"
        f',Lương Văn Tri,2026-11-01,2026-11-07,800,"208",,12,\n'
        f"{dong_kinh.code},,08/11/2026,14/11/2026,1 100,286,,,\n",
    )
    out, _ = run(path, campaign)
    assert last_line(out) == "created: 3, updated: 0, unchanged: 0, skipped: 0"
    assert reports() == [
        ("Phường Lương Văn Tri", date(2026, 11, 1), date(2026, 11, 7), 800, 208, None, 12),
        ("Phường Đông Kinh", date(2026, 11, 1), date(2026, 11, 7), 1250, 9, 300, None),
        ("Phường Đông Kinh", date(2026, 11, 8), date(2026, 11, 14), 1100, 286, None, None),
    ]
    assert set(CommuneReport.objects.values_list("source", flat=True)) == {"import"}
    out, _ = run(path, campaign)
    assert last_line(out) == "created: 0, updated: 0, unchanged: 3, skipped: 0"


def test_a_report_imported_again_with_other_figures_is_updated(tmp_path, campaign, dong_kinh):
    run(
        write_csv(tmp_path, f"{EN_HEADER}\n{dong_kinh.code},,1/11/2026,7/11/2026,100,9\n"),
        campaign,
    )
    out, _ = run(
        write_csv(tmp_path, f"{EN_HEADER}\n{dong_kinh.code},,1/11/2026,7/11/2026,100,12\n"),
        campaign,
    )
    assert last_line(out) == "created: 0, updated: 1, unchanged: 0, skipped: 0"
    assert CommuneReport.objects.get().applications_online == 12


def test_an_empty_from_means_a_report_of_one_day(tmp_path, campaign, dong_kinh):
    run(write_csv(tmp_path, f"{EN_HEADER}\n{dong_kinh.code},,,03/11/2026,40,10\n"), campaign)
    report = CommuneReport.objects.get()
    assert report.period_start == report.period_end == date(2026, 11, 3)


def test_each_kind_of_error_names_its_line_column_and_reason(
    tmp_path, campaign, dong_kinh, cao_bang
):
    in_cao_bang = cao_bang.communes.first()
    tomorrow = timezone.localdate() + timedelta(days=1)
    path = write_csv(
        tmp_path,
        f"{VI_HEADER}\n"
        f"99999,,01/11/2026,07/11/2026,10,1,,,\n"
        f"{in_cao_bang.code},,01/11/2026,07/11/2026,10,1,,,\n"
        f"{dong_kinh.code},,07/11/2026,01/11/2026,10,1,,,\n"
        f"{dong_kinh.code},,31/11/2026,,10,1,,,\n"
        f"{dong_kinh.code},,01/11/2026,07/11/2026,10,11,,,\n"
        f"{dong_kinh.code},,01/11/2026,07/11/2026,mười,1.5,-3,,\n"
        f"{dong_kinh.code},,01/11/2026,{tomorrow:%d/%m/%Y},10,1,,,\n"
        f"{dong_kinh.code},,01/11/2026,07/11/2026,,1,,,\n",
    )
    out, err = run(path, campaign, expect_exit=1)
    lines = err.strip().splitlines()
    assert lines == [
        "error: line 2, Mã xã: no commune has code 99999 in Lạng Sơn",
        f"error: line 3, Mã xã: no commune has code {in_cao_bang.code} in Lạng Sơn",
        "error: line 4, Đến ngày: the report ends on 01/11/2026, before it starts on 07/11/2026",
        "error: line 5, Từ ngày: “31/11/2026” is not a date: write it as dd/mm/yyyy",
        "error: line 5, Đến ngày: give the last day the report covers",
        "error: line 6, Hồ sơ trực tuyến: 11 filed online is more than the 10 received",
        "error: line 7, Hồ sơ tiếp nhận: “mười” is not a whole number of zero or more",
        "error: line 7, Hồ sơ trực tuyến: “1.5” is not a whole number of zero or more",
        "error: line 7, Hồ sơ số hóa: “-3” is not a whole number of zero or more",
        f"error: line 8, Đến ngày: {tomorrow:%d/%m/%Y} is in the future",
        "error: line 9, Hồ sơ tiếp nhận: this figure is required",
    ]
    assert "8 rows have errors: nothing was written" in out
    assert last_line(out) == "created: 0, updated: 0, unchanged: 0, skipped: 8"
    assert reports() == []


def test_overlapping_periods_of_one_commune_are_refused(tmp_path, campaign, dong_kinh):
    run(
        write_csv(tmp_path, f"{EN_HEADER}\n{dong_kinh.code},,01/11/2026,07/11/2026,10,1\n"),
        campaign,
    )
    path = write_csv(
        tmp_path,
        f"{EN_HEADER}\n"
        f"{dong_kinh.code},,05/11/2026,12/11/2026,10,1\n"
        f"{dong_kinh.code},,08/11/2026,14/11/2026,10,1\n"
        f"{dong_kinh.code},,14/11/2026,20/11/2026,10,1\n"
        f"{dong_kinh.code},,08/11/2026,14/11/2026,10,2\n"
        f"{dong_kinh.code},,08/11/2026,14/11/2026,10,1\n",
    )
    _, err = run(path, campaign, expect_exit=1)
    assert err.strip().splitlines() == [
        "error: line 2, from: Phường Đông Kinh already has a report from 01/11/2026 to "
        "07/11/2026: periods must not overlap",
        "error: line 4, from: line 3 reports Phường Đông Kinh from 08/11/2026 to "
        "14/11/2026: periods must not overlap",
        "error: line 5, to: line 3 already reports Phường Đông Kinh up to 14/11/2026",
    ]  # line 6 repeats line 3 exactly: not an error


def test_skip_invalid_dry_run_and_the_errors_file_work_as_in_the_registry(
    tmp_path, campaign, dong_kinh
):
    path = write_csv(
        tmp_path,
        f"{VI_HEADER}\n{dong_kinh.code},,01/11/2026,07/11/2026,10,1,,,\n"
        f"{dong_kinh.code},,08/11/2026,14/11/2026,10,20,,,\n",
    )
    out, _ = run(path, campaign, "--dry-run", "--skip-invalid")
    assert "dry run: nothing was written" in out
    assert last_line(out) == "created: 1, updated: 0, unchanged: 0, skipped: 1"
    assert reports() == []
    errors = tmp_path / "errors.xlsx"
    out, _ = run(path, campaign, "--skip-invalid", "--errors", str(errors))
    assert "1 rows with problems written to" in out
    assert len(reports()) == 1
    from openpyxl import load_workbook

    rows = list(load_workbook(errors).active.iter_rows(values_only=True))
    assert rows[0][-2:] == ("Dòng", "Lỗi")
    assert rows[1][-2] == 3 and "more than the 10 received" in rows[1][-1]


def test_an_xlsx_workbook_with_number_and_date_cells_is_read(tmp_path, campaign, dong_kinh):
    book = Workbook()
    sheet = book.active
    sheet.append(VI_HEADER.split(","))
    sheet.append([dong_kinh.code, "", date(2026, 11, 1), date(2026, 11, 7), 1250, 300.0, 4, 0, ""])
    path = tmp_path / "bao-cao.xlsx"
    book.save(path)
    out, _ = run(path, campaign)
    assert last_line(out) == "created: 1, updated: 0, unchanged: 0, skipped: 0"
    assert reports() == [
        ("Phường Đông Kinh", date(2026, 11, 1), date(2026, 11, 7), 1250, 300, 4, 0)
    ]


def test_missing_columns_and_bad_parameters_are_named(tmp_path, campaign):
    path = write_csv(tmp_path, "Mã xã,Đến ngày\n05977,07/11/2026\n")
    _out, err = run(path, campaign, expect_exit=1)
    assert "line 1, Hồ sơ tiếp nhận: this column is missing" in err
    assert "line 1, Hồ sơ trực tuyến: this column is missing" in err
    with pytest.raises(CommandError, match="--campaign: no campaign has id 999"):
        call_command("import_commune_reports", str(path), "--campaign", "999")
    with pytest.raises(CommandError, match=r"FILE: .* does not exist"):
        run(tmp_path / "nope.csv", campaign)


# In the browser -------------------------------------------------------------------


def upload(*lines):
    text = "\n".join([EN_HEADER, *lines]) + "\n"
    return SimpleUploadedFile("reports.csv", text.encode("utf-8"), content_type="text/csv")


def test_a_coordinator_checks_then_imports_reports_of_their_communes_only(
    client, coordinator, campaign, mine, elsewhere
):
    client.force_login(coordinator)
    url = reverse("teams:report_import")
    good = f"{mine.code},,01/11/2026,07/11/2026,100,25"
    outside = f"{elsewhere.code},,01/11/2026,07/11/2026,100,25"
    response = client.post(
        url, {"campaign": campaign.pk, "file": upload(good, outside), "check": ""}
    )
    html = response.content.decode()
    assert MISSING not in html
    assert (
        f"no commune has code {elsewhere.code} in the communes of Lạng Sơn you look after" in html
    )
    assert reports() == []
    response = client.post(url, {"campaign": campaign.pk, "file": upload(good), "import": ""})
    assert response.status_code == 302
    assert response["Location"] == reverse("campaign:report_list", args=[campaign.pk])
    [saved] = CommuneReport.objects.all()
    assert saved.entered_by == coordinator and saved.source == "import"


def test_a_coordinator_enters_a_report_and_mistakes_are_named(
    client, coordinator, campaign, mine, elsewhere
):
    client.force_login(coordinator)
    url = reverse("campaign:commune_reports", args=[campaign.pk, mine.pk])
    response = client.get(url)
    assert response.status_code == 200 and MISSING not in response.content.decode()
    assert response.context["form"].initial["period_start"] == campaign.start
    fields = {
        "period_start": "2026-11-01",
        "period_end": "2026-11-07",
        "applications_received": "200",
        "applications_online": "50",
        "records_digitised": "",
        "payments_online": "7",
        "note": "",
    }
    assert client.post(url, fields).status_code == 302
    report = CommuneReport.objects.get()
    assert (report.online_rate, report.entered_by, report.source) == (25, coordinator, "form")
    response = client.get(url)
    assert response.context["form"].initial["period_start"] == date(2026, 11, 8)
    response = client.post(
        url, {**fields, "period_start": "2026-11-07", "period_end": "2026-11-10"}
    )
    assert "There is already a report from 01/11/2026 to 07/11/2026" in response.content.decode()
    response = client.post(
        url,
        {
            **fields,
            "period_start": "2026-11-08",
            "period_end": "2026-11-09",
            "applications_online": "300",
        },
    )
    assert "More applications filed online than received in all." in response.content.decode()
    edit = reverse("campaign:commune_report_edit", args=[campaign.pk, mine.pk, report.pk])
    assert client.post(edit, {**fields, "applications_online": "60"}).status_code == 302
    assert CommuneReport.objects.get().applications_online == 60  # its own period is no clash
    assert client.post(edit, {"delete": ""}).status_code == 302
    assert not CommuneReport.objects.exists()
    other = reverse("campaign:commune_reports", args=[campaign.pk, elsewhere.pk])
    assert client.get(other).status_code == 404


def test_the_list_shows_each_commune_s_latest_report(client, organiser, campaign, dong_kinh):
    cc = CampaignCommune.objects.get(campaign=campaign, commune=dong_kinh)
    for end, online in ((date(2026, 11, 7), 4), (date(2026, 11, 14), 90)):
        CommuneReport.objects.create(
            campaign_commune=cc,
            period_start=end - timedelta(days=6),
            period_end=end,
            applications_received=360,
            applications_online=online,
        )
    client.force_login(organiser)
    response = client.get(reverse("campaign:report_list", args=[campaign.pk]))
    html = response.content.decode()
    assert MISSING not in html
    assert "08/11/2026 – 14/11/2026" in html and "25.0 %" in html
    assert "no report" in html  # the other communes


# Online end to end ------------------------------------------------------------------

E2E_HEADER = (
    "Mã xã,Xã/Phường,Từ ngày,Đến ngày,Hồ sơ tiếp nhận,Hồ sơ trực tuyến,Hồ sơ trực tuyến toàn trình"
)


def test_applications_online_end_to_end_are_imported_and_checked(tmp_path, campaign, dong_kinh):
    path = write_csv(
        tmp_path,
        f"{E2E_HEADER}\n"
        f"{dong_kinh.code},,01/11/2026,07/11/2026,200,50,20\n"
        f"{dong_kinh.code},,08/11/2026,14/11/2026,200,50,51\n"
        f"{dong_kinh.code},,15/11/2026,21/11/2026,200,50,\n",
    )
    _, err = run(path, campaign, expect_exit=1)
    assert err.strip().splitlines() == [
        "error: line 3, Hồ sơ trực tuyến toàn trình: 51 online end to end is more than the "
        "50 filed online"
    ]
    run(path, campaign, "--skip-invalid")
    saved = dict(CommuneReport.objects.values_list("period_end", "applications_end_to_end"))
    assert saved == {date(2026, 11, 7): 20, date(2026, 11, 21): None}  # empty: not reported
    first = CommuneReport.objects.get(period_end=date(2026, 11, 7))
    assert first.end_to_end_rate == 10  # 20 of the 200 received
    assert CommuneReport.objects.get(period_end=date(2026, 11, 21)).end_to_end_rate is None


def test_the_database_refuses_more_end_to_end_than_filed_online(campaign, dong_kinh):
    cc = CampaignCommune.objects.get(campaign=campaign, commune=dong_kinh)
    with pytest.raises(IntegrityError), transaction.atomic():
        CommuneReport.objects.create(
            campaign_commune=cc,
            period_start=date(2026, 11, 1),
            period_end=date(2026, 11, 7),
            applications_received=10,
            applications_online=5,
            applications_end_to_end=6,
        )


def test_a_coordinator_enters_the_end_to_end_figure(client, coordinator, campaign, mine):
    client.force_login(coordinator)
    url = reverse("campaign:commune_reports", args=[campaign.pk, mine.pk])
    fields = {
        "period_start": "2026-11-01",
        "period_end": "2026-11-07",
        "applications_received": "200",
        "applications_online": "50",
        "applications_end_to_end": "60",
        "note": "",
    }
    response = client.post(url, fields)
    assert "More applications online end to end than filed online." in response.content.decode()
    assert client.post(url, {**fields, "applications_end_to_end": "30"}).status_code == 302
    page = client.get(url).content.decode()
    assert "30&nbsp;(15.0&nbsp;%)" in page
