"""What browsers report of the content security policy: logged once each, with no
secrets, and nothing else accepted."""

import json
import logging

import pytest

URL = "/csp-report"
SHIFT_LINK = "https://digihelp.example.vn/ca/41/AbCdEf0123456789-_XyZ:sig/?lang=vi#top"


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


def test_tokens_in_the_path_of_a_reported_page_are_masked(client, caplog):
    client.post(
        URL,
        old_form(**{"document-uri": SHIFT_LINK, "blocked-uri": "inline"}),
        content_type="application/csp-report",
    )
    [message] = logged(caplog)
    assert message == (
        "Content-Security-Policy blocked inline under script-src-elem on "
        "https://digihelp.example.vn/ca/41/…/"
    )
    assert "AbCdEf" not in message and "lang=vi" not in message


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
