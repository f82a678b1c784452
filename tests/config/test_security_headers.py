"""Security headers: the content security policy on our pages and the admin's, the
other headers every answer carries, and production settings that pass check --deploy."""

import json
from html.parser import HTMLParser

import pytest
from django.http import HttpResponse
from django.template import engines
from django.test import Client, RequestFactory

from config.security import ContentSecurityPolicyMiddleware
from teams.models import Volunteer
from tests.config.test_configuration import PRODUCTION, run_django

SYNC = "/api/v1/help-sessions/sync"


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def assert_security_headers(response):
    csp = policy(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"][0] == "'self'"
    assert "'unsafe-inline'" not in csp["script-src"]
    assert "'unsafe-inline'" not in csp["style-src"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["report-uri"] == ["/csp-report"]
    assert csp["frame-src"] == [
        "https://www.youtube.com",
        "https://www.youtube-nocookie.com",
        "https://player.vimeo.com",
    ]
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions


@pytest.fixture
def mai(make_user, lang_son):
    account = make_user("mai")
    commune = lang_son.communes.order_by("code").first()
    Volunteer.objects.create(
        full_name="Nông Thị Mai", phone="+84912345678", home_commune=commune, user=account
    )
    return account


class InlineCode(HTMLParser):
    """Inline scripts and styles, and style attributes, as a browser would meet them."""

    def __init__(self):
        super().__init__()
        self.found, self.nonces = [], set()
        self._open = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "style" in attributes:
            self.found.append(f"style attribute on <{tag}>")
        is_data = attributes.get("type") in ("application/json", "application/ld+json")
        if (tag == "script" and not attributes.get("src") and not is_data) or tag == "style":
            self._open = tag
            if attributes.get("nonce"):
                self.nonces.add(attributes["nonce"])
            else:
                self.found.append(f"<{tag}> without a nonce")

    def handle_endtag(self, tag):
        self._open = None


def inline_code(response) -> InlineCode:
    parser = InlineCode()
    parser.feed(response.content.decode())
    return parser


def test_a_public_page_carries_every_security_header(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert_security_headers(response)


def test_the_api_carries_the_security_headers(client, mai):
    client.force_login(mai)
    response = client.post(SYNC, {"sessions": []}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert_security_headers(response)
    unsigned = Client().get("/api/v1/services")
    assert unsigned.status_code == 401
    assert_security_headers(unsigned)


def test_the_log_page_carries_the_security_headers_and_no_inline_code(client, mai):
    client.force_login(mai)
    response = client.get("/log/")
    assert response.status_code == 200
    assert_security_headers(response)
    assert inline_code(response).found == []
    worker = client.get("/log/sw.js")
    assert "/static/sessions/log.css" in worker.content.decode()  # its style works offline


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/teams/account/reset/"])
def test_public_pages_have_no_inline_code_without_a_nonce(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    assert inline_code(response).found == []


def test_the_nonce_in_the_header_is_the_one_inline_code_carries():
    template = engines["django"].from_string(
        '<script nonce="{{ request.csp_nonce }}">go()</script>'
        '<style nonce="{{ request.csp_nonce }}">p{margin:0}</style>'
    )

    def view(request):
        return HttpResponse(template.render({}, request))

    middleware = ContentSecurityPolicyMiddleware(view)
    nonces = []
    for _ in range(2):
        response = middleware(RequestFactory().get("/huong-dan/"))
        [nonce] = inline_code(response).nonces
        csp = policy(response)
        assert f"'nonce-{nonce}'" in csp["script-src"]
        assert f"'nonce-{nonce}'" in csp["style-src"]
        nonces.append(nonce)
    assert nonces[0] != nonces[1]  # a new one for every answer


def test_a_page_that_uses_no_nonce_names_none(client, db):
    assert "nonce" not in client.get("/")["Content-Security-Policy"]


# Wagtail's admin templates leave optional variables undefined.
@pytest.mark.ignore_template_errors
@pytest.mark.parametrize("path", ["/admin/login/", "/django-admin/login/"])
def test_the_admin_gets_its_own_policy_that_allows_its_inline_code(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    csp = policy(response)
    assert csp["script-src"] == ["'self'", "'unsafe-inline'"]
    assert csp["style-src"] == ["'self'", "'unsafe-inline'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'self'"]
    assert csp["report-uri"] == ["/csp-report"]
    assert not any(source.startswith("'nonce-") for source in csp["script-src"])
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]


def test_static_files_need_no_policy(client, db):
    response = client.get("/static/sessions/log.js")
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response


# Production settings, as deploy/digihelp.env.example sets them.
DEPLOYED = {
    **PRODUCTION,
    "REDIS_URL": "redis://redis.internal:6379/0",
    "CSRF_TRUSTED_ORIGINS": "https://digihelp.example.vn",
    "TRUSTED_PROXY_COUNT": "1",
    "SYNC_RATE_LIMIT": "120/m",
    "LINK_RATE_LIMIT": "300/10m",
    "WRONG_LINK_RATE_LIMIT": "20/15m",
}
SHOW_SECURITY = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({name: getattr(s, name) for name in ["
    "'SESSION_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'SESSION_COOKIE_SAMESITE', "
    "'CSRF_COOKIE_SECURE', 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', "
    "'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_REFERRER_POLICY', 'X_FRAME_OPTIONS', "
    "'SYNC_RATE_LIMIT', 'LINK_RATE_LIMIT', 'WRONG_LINK_RATE_LIMIT']}))"
)


def test_deployed_settings_pass_check_deploy_with_no_warnings():
    result = run_django(["check", "--deploy", "--fail-level", "WARNING"], DEPLOYED)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deployed_settings_keep_cookies_and_transport_safe():
    result = run_django([], DEPLOYED, code=SHOW_SECURITY)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_REFERRER_POLICY": "strict-origin-when-cross-origin",
        "X_FRAME_OPTIONS": "DENY",
        "SYNC_RATE_LIMIT": [120, 60],
        "LINK_RATE_LIMIT": [300, 600],
        "WRONG_LINK_RATE_LIMIT": [20, 900],
    }
