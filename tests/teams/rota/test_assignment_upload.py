"""Organisers assign many volunteers at once from a spreadsheet, checked before it is written."""

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaign.models import Campaign, Commune
from teams.models import Assignment, Volunteer

pytestmark = pytest.mark.usefixtures("english")

MISSING = "!!MISSING"
HEADER = "Số điện thoại,Mã xã,Xã/Phường,Từ ngày,Đến ngày"


@pytest.fixture
def campaign(lang_son):
    campaign = Campaign.objects.create(
        name="45 ngày đêm", province=lang_son, start=date(2026, 12, 1), sms_brand="X"
    )
    campaign.add_all_communes()
    return campaign


@pytest.fixture
def dong_kinh(lang_son):
    return Commune.objects.get(province=lang_son, name="Phường Đông Kinh")


@pytest.fixture
def an(db):
    return Volunteer.objects.create(full_name="Nguyễn Văn An", phone="+84912345678")


@pytest.fixture
def binh(db):
    return Volunteer.objects.create(full_name="Trần Thị Bình", phone="+84912345679")


def url():
    return reverse("teams:assignment_import")


def upload(*lines, name="assignments.csv"):
    text = "\n".join([HEADER, *lines]) + "\n"
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def good_file(dong_kinh):
    return upload(
        f"0912345678,{dong_kinh.code},,01/12/2026,10/12/2026",
        f"0912345679,,{dong_kinh.name},,",
    )


def bad_file(dong_kinh):
    return upload(
        f"0912345678,{dong_kinh.code},,01/12/2026,10/12/2026",
        f"0900000000,{dong_kinh.code},,,",
        f"0912345679,{dong_kinh.code},,31/12/2027,",
    )


def post(client, campaign, file, button, skip=False):
    data = {"campaign": campaign.pk, "file": file, button: ""}
    if skip:
        data["skip_invalid"] = "on"
    return client.post(url(), data)


def test_the_route_and_the_link_from_the_assignment_form(client, organiser, campaign):
    assert reverse("teams:assignment_import").endswith("/teams/assignments/import/")
    client.force_login(organiser)
    response = client.get(reverse("teams:assignment_new"))
    assert url() in response.content.decode()
    assert "Assign many from a spreadsheet" in response.content.decode()
    page = client.get(url())
    assert page.status_code == 200
    assert MISSING not in page.content.decode()


def test_check_writes_nothing_and_lists_the_problems_by_line(
    client, organiser, campaign, dong_kinh, an, binh
):
    client.force_login(organiser)
    response = post(client, campaign, bad_file(dong_kinh), "check")
    assert response.status_code == 200
    page = response.content.decode()
    assert MISSING not in page
    assert not Assignment.objects.exists()
    problems = {(p.line, p.column) for p in response.context["report"].errors}
    assert problems == {(3, "Số điện thoại"), (4, "Từ ngày")}
    assert "<td>3</td><td>Số điện thoại</td>" in page
    assert "no volunteer has this number" in page
    assert "<td>4</td><td>Từ ngày</td>" in page


def test_check_of_a_good_file_shows_the_counts(client, organiser, campaign, dong_kinh, an, binh):
    client.force_login(organiser)
    response = post(client, campaign, good_file(dong_kinh), "check")
    report = response.context["report"]
    assert (report.rows, report.created, report.skipped) == (2, 2, 0)
    assert "2 rows: 2 to create, 0 unchanged, 0 skipped." in response.content.decode()
    assert not Assignment.objects.exists()


def test_import_creates_the_assignments(client, organiser, campaign, dong_kinh, an, binh):
    client.force_login(organiser)
    response = post(client, campaign, good_file(dong_kinh), "import")
    assert response.status_code == 302
    assert response.url == url()
    assert sorted(
        Assignment.objects.values_list("volunteer__full_name", "commune", "starts_on", "ends_on")
    ) == [
        ("Nguyễn Văn An", dong_kinh.pk, date(2026, 12, 1), date(2026, 12, 10)),
        ("Trần Thị Bình", dong_kinh.pk, None, None),
    ]
    assert all(a.campaign == campaign for a in Assignment.objects.all())
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "2 created, 0 unchanged, 0 skipped" in message
    page = client.get(url()).content.decode()
    assert MISSING not in page


def test_a_file_with_an_error_imports_nothing_without_skip(
    client, organiser, campaign, dong_kinh, an, binh
):
    client.force_login(organiser)
    response = post(client, campaign, bad_file(dong_kinh), "import")
    assert response.status_code == 200
    assert not Assignment.objects.exists()
    page = response.content.decode()
    assert "Nothing can be imported while rows have errors" in page
    assert "<td>3</td>" in page
    assert MISSING not in page


def test_with_skip_the_valid_rows_are_imported(client, organiser, campaign, dong_kinh, an, binh):
    client.force_login(organiser)
    response = post(client, campaign, bad_file(dong_kinh), "import", skip=True)
    assert response.status_code == 302
    assert list(Assignment.objects.values_list("volunteer", "commune")) == [(an.pk, dong_kinh.pk)]
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "1 created, 0 unchanged, 2 skipped" in message


def test_an_unreadable_file_is_a_form_error_naming_it(client, organiser, campaign):
    client.force_login(organiser)
    broken = SimpleUploadedFile("students.xlsx", b"not a workbook")
    response = post(client, campaign, broken, "check")
    assert response.status_code == 200
    assert "students.xlsx" in " ".join(response.context["form"].errors["file"])
    other = SimpleUploadedFile("students.pdf", b"%PDF")
    response = post(client, campaign, other, "check")
    assert "students.pdf" in " ".join(response.context["form"].errors["file"])
    assert not Assignment.objects.exists()


def test_only_organisers_of_the_campaign(
    client, coordinator, organiser, make_user, cao_bang, campaign, dong_kinh, an, binh
):
    client.force_login(coordinator)
    assert client.get(url()).status_code == 403
    assert post(client, campaign, good_file(dong_kinh), "import").status_code == 403
    assert not Assignment.objects.exists()
    Campaign.objects.create(name="Cao Bằng", province=cao_bang, start=date(2026, 12, 1))
    other = make_user("other", kind="organiser", province=cao_bang)
    client.force_login(other)
    response = post(client, campaign, good_file(dong_kinh), "import")
    assert response.status_code == 200
    assert "campaign" in response.context["form"].errors
    assert not Assignment.objects.exists()


def test_anonymous_is_sent_to_sign_in(client, campaign):
    response = client.get(url())
    assert response.status_code == 302
    assert reverse("login") in response.url or "login" in response.url
