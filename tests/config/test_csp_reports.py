"""What browsers report of the content security policy: logged once each, with no
secrets, and nothing else accepted."""

import json
import logging

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from notifications.links import opt_out_token, opt_out_url
from teams.rota.links import shift_token

URL = "/csp-report"
SITE = "https://digihelp.example.vn"


def old_form(**fields):
    report = {
        "document-uri": "https://digihelp.example.vn/log/?commune=20&token=secret",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "blocked-uri": "https://evil.example.com/x.js?session=secret",
        "disposition": "enforce",
        **fields,
    }
    return json.dumps({"csp-report": report})


def logged(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "digihelp.csp"]


@pytest.fixture(autouse=True)
def warnings_kept(caplog):
    caplog.set_level(logging.WARNING, logger="digihelp.csp")


def test_a_report_is_logged_once_without_query_strings(client, caplog):
    response = client.post(URL, old_form(), content_type="application/csp-report")
    assert response.status_code == 204 and response.content == b""
    assert logged(caplog) == [
        "Content-Security-Policy blocked https://evil.example.com/x.js under script-src-elem "
        "on https://digihelp.example.vn/log/"
    ]


def secret_links():
    """Pages whose address holds a secret, as SMS and e-mails carry them: (the address,
    the secret, the address as it may be logged)."""
    shift = reverse("teams:shift_answer", args=[41, shift_token(41)])
    with translation.override("en"):
        shift_in_english = reverse("teams:shift_answer", args=[41, shift_token(41)])
    opt_out = opt_out_url(7).removeprefix(settings.SITE_URL)
    feed = reverse("teams:calendar_feed", args=["k3y-0f-the-feed_2026"])
    return [
        (shift, shift_token(41), shift.replace(shift_token(41), "…")),
        (shift_in_english, shift_token(41), "/en/teams/s/41/…/"),
        (opt_out, opt_out_token(7), opt_out.replace(opt_out_token(7), "…")),
        (feed, "k3y-0f-the-feed_2026", "/teams/calendar/….ics"),
    ]


def test_the_secrets_in_the_paths_of_our_links_are_masked(client, caplog):
    for path, secret, shown in secret_links():
        caplog.clear()
        report = {"document-uri": f"{SITE}{path}?lang=vi#top", "blocked-uri": "inline"}
        client.post(URL, old_form(**report), content_type="application/csp-report")
        [message] = logged(caplog)
        assert message == (
            f"Content-Security-Policy blocked inline under script-src-elem on {SITE}{shown}"
        )
        assert secret not in message and "lang=vi" not in message


def test_other_pages_are_logged_as_they_are(client, caplog):
    guide = "/huong-dan/tao-va-kich-hoat-tai-khoan-vneid/"
    client.post(
        URL, old_form(**{"document-uri": SITE + guide}), content_type="application/csp-report"
    )
    assert logged(caplog)[0].endswith(f"on {SITE}{guide}")


def test_reports_of_the_reporting_api_are_read_too(client, caplog):
    body = [
        {
            "type": "csp-violation",
            "body": {
                "documentURL": "https://digihelp.example.vn/huong-dan/",
                "blockedURL": "https://ads.example.com/frame",
                "effectiveDirective": "frame-src",
                "disposition": "report",
            },
        },
        {"type": "deprecation", "body": {"id": "something-old"}},
    ]
    response = client.post(URL, json.dumps(body), content_type="application/reports+json")
    assert response.status_code == 204
    assert logged(caplog) == [
        "Content-Security-Policy blocked https://ads.example.com/frame under frame-src on "
        "https://digihelp.example.vn/huong-dan/ (report only)"
    ]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("not json", "application/csp-report"),
        (json.dumps({"something": "else"}), "application/csp-report"),
        (json.dumps(["a list"]), "application/json"),
        (json.dumps({"csp-report": "a string"}), "application/csp-report"),
        (json.dumps({"csp-report": {}}), "application/reports+json"),
        (b"\xff\xfe", "application/json"),
    ],
)
def test_what_is_not_a_report_is_refused_and_not_logged(client, caplog, body, content_type):
    assert client.post(URL, body, content_type=content_type).status_code == 400
    assert logged(caplog) == []


def test_a_report_too_large_is_refused_unread(client, caplog):
    body = old_form(**{"script-sample": "x" * 20_000})
    assert client.post(URL, body, content_type="application/csp-report").status_code == 413
    assert logged(caplog) == []


def test_reports_are_only_posted(client):
    assert client.get(URL).status_code == 405


def test_reports_are_limited_per_address(client, caplog, settings):
    settings.CSP_REPORT_RATE_LIMIT = (2, 600)
    answers = [
        client.post(URL, old_form(), content_type="application/csp-report").status_code
        for _ in range(3)
    ]
    assert answers == [204, 204, 429]
    assert len(logged(caplog)) == 2
