"""The error pages: in the site's layout and the request's language, saying what
happened and offering a way forward (config/errors.py)."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cms.models import HomePage, SupportContact
from config.errors import server_error


@pytest.fixture
def hotline(db):
    contact = SupportContact.objects.create(name="Tổng đài hỗ trợ", phone="1900 1234")
    HomePage.objects.update(hotline=contact)
    return contact


def test_a_missing_page_says_so_in_vietnamese_with_ways_forward_and_the_hotline(client, hotline):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    page = response.content.decode()
    assert '<html lang="vi">' in page and 'class="site-header"' in page
    assert "Không tìm thấy trang này" in page
    assert f'href="{reverse("login")}"' in page
    assert 'href="tel:19001234"' in page
    assert "Not Found" not in page


def test_under_en_the_missing_page_speaks_english(client, hotline):
    page = client.get("/en/no-such-page/").content.decode()
    assert '<html lang="en">' in page
    assert "This page cannot be found" in page


def test_a_wrong_link_from_an_sms_says_what_to_do_next(client, db):
    response = client.get(reverse("teams:shift_answer", args=[1, "not-the-token"]))
    assert response.status_code == 404
    assert "SMS" in response.content.decode()


def test_a_volunteer_on_a_staff_page_is_told_why_and_led_to_their_shifts(client, volunteer):
    from teams.models import Volunteer

    Volunteer.objects.create(full_name="Nông Văn Minh", phone="+84912345678", user=volunteer)
    client.force_login(volunteer)
    response = client.get(reverse("teams:team_list"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Trang này không dành cho tài khoản của bạn" in page
    assert f'href="{reverse("teams:my_shifts")}"' in page
    assert "Forbidden" not in page


def test_staff_are_led_to_their_campaigns(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("help_sessions:log"))  # a volunteer's page
    assert response.status_code == 404
    assert f'href="{reverse("campaign:overview")}"' in response.content.decode()


@pytest.mark.expect_error_log  # Django logs a request for a host it does not serve
def test_a_request_it_cannot_read_gets_the_400_page(client, db):
    response = client.get("/", HTTP_HOST="not-our-host.example")
    assert response.status_code == 400
    assert "Không đọc được yêu cầu này" in response.content.decode()


def test_the_500_page_reads_nothing_from_the_database_and_speaks_the_language(db):
    request = RequestFactory().get("/")
    with translation.override("vi"), CaptureQueriesContext(connection) as queries:
        response = server_error(request)
    assert response.status_code == 500
    page = response.content.decode()
    assert '<html lang="vi">' in page
    assert "Có lỗi ở phía chúng tôi" in page
    assert len(queries) == 0
