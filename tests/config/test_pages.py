import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

MISSING = "!!MISSING"


@pytest.mark.django_db
def test_home_page_is_served_in_vietnamese_at_the_root(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Bình dân học vụ số" in html
    assert "Hướng dẫn cho người dân" in html  # "Guides for citizens", translated
    assert MISSING not in html


@pytest.mark.django_db
def test_home_page_is_served_in_english_under_en(client):
    response = client.get("/en/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Digital literacy for all" in html
    assert "Guides for citizens" in html
    assert MISSING not in html


@pytest.mark.django_db
def test_sign_in_page_speaks_vietnamese_by_default_and_english_under_en(client):
    vietnamese = client.get(reverse("login")).content.decode()
    assert "Đăng nhập" in vietnamese
    assert "Mật khẩu" in vietnamese
    with_prefix = client.get("/en/accounts/login/").content.decode()
    assert "Sign in" in with_prefix
    assert "Password" in with_prefix


def test_signing_in_leads_to_the_communes_one_looks_after(
    client, coordinator, coordinated_communes
):
    response = client.post(
        reverse("login"),
        {"username": "coordinator", "password": "correct horse battery staple"},
        REMOTE_ADDR="203.0.113.5",
        follow=True,
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("desk:today")
    html = response.content.decode()
    for commune in coordinated_communes:
        assert commune.name in html
    assert "Điều phối viên xã" in html  # "Commune coordinator"
    assert MISSING not in html


def test_overview_shows_no_other_communes_to_a_coordinator(client, coordinator, lang_son):
    client.force_login(coordinator)
    html = client.get(reverse("campaign:overview")).content.decode()
    other = lang_son.communes.order_by("-code").first()
    assert other.name not in html


def test_overview_needs_a_signed_in_user(client, provinces):
    response = client.get(reverse("campaign:overview"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_wrong_password_is_refused_with_a_message(client, coordinator):
    response = client.post(
        reverse("login"),
        {"username": "coordinator", "password": "wrong"},
        REMOTE_ADDR="203.0.113.5",
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_signing_out_ends_the_session(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_site_has_a_favicon_and_app_icons(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("icons/favicon.ico")
    html = client.get("/accounts/login/").content.decode()
    for icon in ("icons/favicon.ico", "icons/favicon.svg", "icons/apple-touch-icon.png"):
        assert icon in html
        assert finders.find(icon), icon
