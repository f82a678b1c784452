"""A campaign's targets imported from a spreadsheet, and downloaded as one (issue 18)."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from campaign.models import (
    AuditEvent,
    Campaign,
    CampaignCommune,
    Commune,
    Indicator,
    IndicatorTarget,
)
from campaign.target_import import read_number
from lib.spreadsheets.reading import read_sheet

pytestmark = pytest.mark.usefixtures("english")

HEADER = "Mã xã,Xã/Phường,Người dân được hỗ trợ,Online-application rate,records_digitised"


@pytest.fixture
def campaign(lang_son):
    campaign = Campaign.objects.create(
        name="45 ngày đêm", province=lang_son, start=date(2026, 11, 1), sms_brand="X"
    )
    campaign.add_all_communes()
    return campaign


@pytest.fixture
def dong_kinh(lang_son):
    return Commune.objects.get(province=lang_son, name="Phường Đông Kinh")


def run(path, campaign, *args, expect_exit=0):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(
            "import_targets", str(path), "--campaign", str(campaign.pk), *args,
            stdout=out, stderr=err,
        )  # fmt: skip
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    assert code == expect_exit, out.getvalue() + err.getvalue()
    return out.getvalue(), err.getvalue()


def write_csv(tmp_path, text, name="targets.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def stored():
    return {
        (name, code): value
        for name, code, value in IndicatorTarget.objects.values_list(
            "campaign_commune__commune__name", "indicator__code", "value"
        )
    }


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("2.000", Decimal(2000)),
        ("1.234.567", Decimal(1234567)),
        ("35,5", Decimal("35.5")),
        ("35.5", Decimal("35.5")),
        ("1.234,5", Decimal("1234.5")),
        ("0.125", Decimal("0.125")),  # no thousands start with 0
        (" 450 ", Decimal(450)),
        (12, Decimal(12)),
        (12.5, Decimal("12.5")),
        ("", None),
        (None, None),
    ],
)
def test_numbers_are_read_the_vietnamese_or_the_english_way(typed, number):
    assert read_number(typed) == number


def test_targets_are_set_and_importing_again_changes_nothing(tmp_path, campaign, dong_kinh):
    path = write_csv(
        tmp_path,
        f'{HEADER}\n{dong_kinh.code},,2.000,"35,5",\n,Xã Bắc Sơn,450,40,600\n',
    )
    out, err = run(path, campaign)
    assert err == ""
    assert out.strip().splitlines()[-1] == "created: 5, updated: 0, unchanged: 0, skipped: 0"
    assert stored() == {
        ("Phường Đông Kinh", "citizens_helped"): Decimal(2000),
        ("Phường Đông Kinh", "online_application_rate"): Decimal("35.5"),
        ("Xã Bắc Sơn", "citizens_helped"): Decimal(450),
        ("Xã Bắc Sơn", "online_application_rate"): Decimal(40),
        ("Xã Bắc Sơn", "records_digitised"): Decimal(600),
    }
    out, _ = run(path, campaign)
    assert out.strip().splitlines()[-1] == "created: 0, updated: 0, unchanged: 5, skipped: 0"
    # A changed number changes that target; an empty cell leaves one as it is.
    path = write_csv(tmp_path, f"{HEADER}\n{dong_kinh.code},,2500,,\n", "again.csv")
    out, _ = run(path, campaign)
    assert out.strip().splitlines()[-1] == "created: 0, updated: 1, unchanged: 0, skipped: 0"
    assert stored()[("Phường Đông Kinh", "citizens_helped")] == 2500
    assert stored()[("Phường Đông Kinh", "online_application_rate")] == Decimal("35.5")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).count() == 3


def test_each_bad_value_names_its_line_column_and_reason(tmp_path, campaign, dong_kinh, cao_bang):
    outside = cao_bang.communes.first()
    path = write_csv(
        tmp_path,
        f"{HEADER}\n"
        f"{dong_kinh.code},,100,150,\n"
        f",Xã Bắc Sơn,12.5,-1,nhiều\n"
        f"{outside.code},,10,,\n"
        f",Xã Bình Gia,10,,0.125\n"
        f",Xã Cai Kinh,10,,\n"
        f",Xã Cai Kinh,20,,\n",
    )
    out, err = run(path, campaign, expect_exit=1)
    assert err.strip().splitlines() == [
        "error: line 2, Online-application rate: A rate is at most 100 %.",
        "error: line 3, Người dân được hỗ trợ: This indicator counts: its target is a whole "
        "number.",
        "error: line 3, Online-application rate: A target cannot be below zero.",
        "error: line 3, records_digitised: “nhiều” is not a number",
        f"error: line 4, Mã xã: no commune has code {outside.code} in Lạng Sơn",
        "error: line 5, records_digitised: This indicator counts: its target is a whole number.",
        "error: line 7, Xã/Phường: line 6 already sets the targets of Xã Cai Kinh",
    ]
    assert "nothing was written" in out
    assert not IndicatorTarget.objects.exists()


def test_an_organiser_downloads_checks_and_imports_targets(client, organiser, campaign, dong_kinh):
    row = CampaignCommune.objects.get(campaign=campaign, commune=dong_kinh)
    IndicatorTarget.objects.create(
        campaign_commune=row,
        indicator=Indicator.objects.get(code="end_to_end_rate"),
        value=Decimal("12.5"),
    )
    client.force_login(organiser)
    download = client.get(reverse("campaign:targets_export", args=[campaign.pk, "xlsx"]))
    assert download.status_code == 200
    sheet = read_sheet("targets.xlsx", download.content)
    assert sheet.headers[:3] == ["Mã xã", "Xã/Phường", "Người dân được hỗ trợ"]
    assert len(sheet.rows) == 65
    url = reverse("campaign:targets_import", args=[campaign.pk])
    page = client.get(url).content.decode()
    assert "Tỷ lệ hồ sơ trực tuyến toàn trình" in page  # the columns it reads
    # The download imports back as it is.
    upload = SimpleUploadedFile("targets.xlsx", download.content)
    response = client.post(url, {"campaign": campaign.pk, "file": upload, "check": ""})
    assert "65 rows: 0 targets to set, 0 to change, 1 unchanged; 0 rows skipped." in " ".join(
        response.content.decode().split()
    )
    csv = f"{HEADER}\n{dong_kinh.code},,300,,\n".encode()
    response = client.post(
        url,
        {"campaign": campaign.pk, "file": SimpleUploadedFile("t.csv", csv), "import": ""},
    )
    assert response.status_code == 302
    assert stored()[("Phường Đông Kinh", "citizens_helped")] == 300


def test_a_coordinator_may_not_import_targets(client, coordinator, campaign):
    client.force_login(coordinator)
    assert client.get(reverse("campaign:targets_import", args=[campaign.pk])).status_code == 403
    export = reverse("campaign:targets_export", args=[campaign.pk, "csv"])
    assert client.get(export).status_code == 403
