"""Where browsers report what the Content-Security-Policy blocked (its report-uri).

A report means a page tried something the policy forbids: a script, style, frame or
image from somewhere it should not come from. Usually that is a page or template that
needs its policy widened (a new video host, an inline style without a nonce), sometimes
an injected script; either way, someone should look. Each report is logged once, as a
WARNING of the "digihelp.csp" logger, naming the directive, what was blocked and the
page, with query strings dropped and the secrets of our own routes masked: the links
sent by SMS carry theirs in the path (an opt-out's or a shift answer's token, a
calendar feed's, an invitation's), found by resolving the path against the URL conf.

Browsers send either the older form (Content-Type application/csp-report, one
{"csp-report": {...}}) or the Reporting API's (application/reports+json, a list of
{"type": "csp-violation", "body": {...}}). Anyone may post here, so bodies are small,
counted per address (CSP_REPORT_RATE_LIMIT), and answered 204 with nothing to read.
"""

import json
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from lib.client_address import client_ip
from lib.ratelimit import hit

logger = logging.getLogger("digihelp.csp")

MOST_BYTES = 16 * 1024
MOST_REPORTS = 20  # in one Reporting API delivery
# The arguments of our routes (and Wagtail's) that are secrets or lead to one.
SECRET_ARGUMENTS = {"token", "uidb64"}


def masked_path(path: str) -> str:
    """`path` with the values of the secret arguments of the route it names masked."""
    language = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            match = resolve(path)
    except Resolver404:
        return path
    for name, value in match.kwargs.items():
        if name in SECRET_ARGUMENTS and value:
            path = path.replace(str(value), "…")
    return path


def safe_uri(value) -> str:
    """A reported address without its query or fragment, its secrets masked."""
    if not isinstance(value, str) or not value:
        return "-"
    parts = urlsplit(value[:2000])
    origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
    return (origin + masked_path(parts.path))[:300] or "-"


def violations(body: bytes, content_type: str) -> list[dict]:
    """The reports in a request body, in the older form's field names; ValueError when it
    is not a report at all."""
    data = json.loads(body)
    if content_type == "application/reports+json":
        if not isinstance(data, list):
            raise ValueError("expected a list of reports")
        found = []
        for item in data[:MOST_REPORTS]:
            if not isinstance(item, dict) or item.get("type") != "csp-violation":
                continue
            report = item.get("body")
            if isinstance(report, dict):
                found.append(
                    {
                        "document-uri": report.get("documentURL"),
                        "blocked-uri": report.get("blockedURL"),
                        "effective-directive": report.get("effectiveDirective"),
                        "disposition": report.get("disposition"),
                    }
                )
        return found
    report = data.get("csp-report") if isinstance(data, dict) else None
    if not isinstance(report, dict):
        raise ValueError('expected {"csp-report": {...}}')
    return [report]


@csrf_exempt
@require_POST
def csp_report(request):
    if not hit("csp-report", client_ip(request), settings.CSP_REPORT_RATE_LIMIT).allowed:
        return HttpResponse(status=429)
    try:
        too_long = int(request.headers.get("Content-Length") or 0) > MOST_BYTES
    except ValueError:
        return HttpResponse(status=400)
    if too_long:
        return HttpResponse(status=413)
    try:
        found = violations(request.body, request.content_type)
    except ValueError:  # json.JSONDecodeError and UnicodeDecodeError are ValueErrors
        return HttpResponse(status=400)
    for report in found:
        directive = report.get("effective-directive") or report.get("violated-directive")
        logger.warning(
            "Content-Security-Policy blocked %s under %s on %s%s",
            safe_uri(report.get("blocked-uri")),
            str(directive or "-")[:60],
            safe_uri(report.get("document-uri")),
            " (report only)" if report.get("disposition") == "report" else "",
        )
    return HttpResponse(status=204)
