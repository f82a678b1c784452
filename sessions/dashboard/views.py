"""The organisers' dashboard pages: a campaign at a glance, its exports, the printable
weekly report, and the national view.

Organisers, coordinators and superusers only (others get a 403); a campaign none of
whose communes the user may see is a 404. The figures come from sessions.dashboard.figures,
which scopes them to the user's communes; exports are written to the audit trail.
"""

from datetime import timedelta

from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from campaign import audit
from campaign.access import campaign_staff_required, visible_campaign, visible_campaigns
from campaign.models import AuditEvent, CampaignCommune, Commune
from lib.numbers import plain
from lib.spreadsheets.writing import CONTENT_TYPES, csv_lines, workbook
from sessions.dashboard import charts
from sessions.dashboard.figures import Filters, build, national
from sessions.dashboard.forms import MOST_DAYS, DashboardFilterForm
from sessions.models import HelpSession
from sessions.rollups import PRIORITY_GROUPS
from teams.rota.coverage import week_of

NATIONAL_DAYS = 45


def communes_of(campaign, user):
    """The campaign's communes `user` may see, for the commune filter."""
    return (
        Commune.objects.visible_to(user)
        .filter(pk__in=CampaignCommune.objects.filter(campaign=campaign).values("commune"))
        .order_by("name", "pk")
    )


def filtered_board(request, campaign):
    """The filter form and the board it asks for (None when the filters are invalid)."""
    form = DashboardFilterForm(request.GET, communes=communes_of(campaign, request.user))
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    first, last = data.get("date_from"), data.get("date_to")
    # One end given: the other is the campaign's own, unless that makes no range.
    if first and not last:
        last = max(first, campaign.end)
    if last and not first:
        first = min(last, campaign.start)
    if first and last and (last - first).days >= MOST_DAYS:
        first = last - timedelta(days=MOST_DAYS - 1)
    filters = Filters(commune=data.get("commune"), first=first, last=last)
    return form, build(campaign, request.user, filters)


def rate_target(board):
    """The target line of the rate chart: the communes' common target, if they share one."""
    targets = {row.online.target for row in board.communes}
    if len(targets) == 1:
        return next(iter(targets))
    return None


def priority_labels() -> dict[str, str]:
    labels = {
        name: str(capfirst(HelpSession._meta.get_field(name).verbose_name))
        for name in PRIORITY_GROUPS
    }
    labels["priority"] = _("In any priority group")
    return labels


def chart_context(board) -> dict:
    for row in board.communes:
        row.sparkline = charts.sparkline(row.rate_series, target=row.online.target)
    largest_service = max((count for _service, count in board.services), default=0)
    labels = priority_labels()
    groups = [(labels[name], count) for name, count in board.priority_groups]
    largest_group = max((count for _label, count in groups), default=0)
    return {
        "daily_chart": charts.daily_chart(
            [(day, c.sessions, c.eid_activations) for day, c in board.chart_days]
        ),
        "rate_chart": charts.rate_chart(board.rate_series, target=rate_target(board)),
        "rate_chart_target": rate_target(board),
        "services": [
            (service, count, charts.bar_width(count, largest_service))
            for service, count in board.services
        ],
        "groups": [
            (label, count, charts.bar_width(count, largest_group)) for label, count in groups
        ],
    }


@campaign_staff_required
def dashboard_latest(request):
    """The dashboard of the most recent campaign the user may see."""
    campaign = visible_campaigns(request.user).order_by("-start", "-pk").first()
    if campaign is None:
        return render(request, "sessions/dashboard.html", {"campaign": None})
    return redirect("help_sessions:dashboard", campaign_id=campaign.pk)


@campaign_staff_required
def dashboard(request, campaign_id):
    campaign = visible_campaign(request.user, campaign_id)
    form, board = filtered_board(request, campaign)
    context = {"campaign": campaign, "filter_form": form, "board": board}
    if board is None:
        return render(request, "sessions/dashboard.html", context, status=400)
    context.update(chart_context(board))
    query = request.GET.copy()
    context["query"] = query.urlencode()
    query.pop("commune", None)
    context["board_query"] = query.urlencode()
    context["week"] = week_of(campaign, None)
    return render(request, "sessions/dashboard.html", context)


# Exports ------------------------------------------------------------------------


def commune_table(board) -> tuple[list[str], list[list]]:
    """One row per commune: its rank, then every indicator (achieved, target, share of
    the target met), then its latest report, readiness, time and shifts."""
    indicators = board.indicators.indicators
    headers = [_("Rank"), _("Commune code"), _("Commune")]
    for indicator in indicators:
        unit = " (%)" if indicator.is_rate else ""
        headers += [
            f"{indicator.label}{unit}",
            _("%(indicator)s: target") % {"indicator": indicator.label} + unit,
            _("%(indicator)s: target met (%%)") % {"indicator": indicator.label},
        ]
    headers += [
        _("Citizens helped today"),
        _("Citizens helped in the last 7 days"),
        _("Latest report up to"),
        _("Applications received"),
        _("Applications filed online"),
        _("Readiness criteria met"),
        _("Readiness criteria"),
        _("Time with citizens (hours)"),
        _("Places held on shifts"),
        _("Places needed on shifts"),
        _("Understaffed shifts"),
    ]
    rows = []
    for row in board.communes:
        report = row.latest_report
        figures = []
        for item in row.indicators:
            figures += [plain(item.achieved), plain(item.target), rounded(item.progress.percent)]
        rows.append(
            [
                row.rank,
                row.commune.code,
                row.commune.name,
                *figures,
                row.today.sessions,
                row.last_7_days.sessions,
                report.period_end.isoformat() if report else None,
                report.applications_received if report else None,
                report.applications_online if report else None,
                row.readiness_met if board.criteria_count else None,
                board.criteria_count or None,
                row.counts.hours,
                row.coverage.held,
                row.coverage.needed,
                row.coverage.understaffed,
            ]
        )
    return headers, rows


def daily_table(board) -> tuple[list[str], list[list]]:
    labels = priority_labels()
    services = [service for service, _count in board.services]
    headers = [
        _("Day"),
        _("Citizens helped"),
        pgettext("heading", "e-ID activations"),
        *(labels[name] for name in (*PRIORITY_GROUPS, "priority")),
        _("Minutes with citizens"),
        _("Citizens helped so far"),
        *(service.label for service in services),
    ]
    rows, so_far = [], 0
    for day, counts in board.daily:
        so_far += counts.sessions
        rows.append(
            [
                day.isoformat(),
                counts.sessions,
                counts.eid_activations,
                *(getattr(counts, name) for name in (*PRIORITY_GROUPS, "priority")),
                counts.minutes,
                so_far,
                *(board.service_days.get((service.pk, day), 0) for service in services),
            ]
        )
    return headers, rows


def rounded(value, places=1):
    return None if value is None else round(value, places)


def as_text(value) -> str:
    return "" if value is None else str(value)


TABLES = {"communes": commune_table, "daily": daily_table}
FILE_NAMES = {"communes": "tien-do-xa", "daily": "theo-ngay"}


@campaign_staff_required
def dashboard_export(request, campaign_id, table, file_format):
    campaign = visible_campaign(request.user, campaign_id)
    form, board = filtered_board(request, campaign)
    if board is None:
        return render(
            request,
            "sessions/dashboard.html",
            {"campaign": campaign, "filter_form": form, "board": None},
            status=400,
        )
    headers, rows = TABLES[table](board)
    names = {"communes": _("Commune progress"), "daily": _("Daily figures")}
    audit.record(
        AuditEvent.Action.EXPORT,
        _("%(table)s of %(campaign)s, %(rows)d rows (.%(format)s)")
        % {
            "table": names[table],
            "campaign": campaign.name,
            "rows": len(rows),
            "format": file_format,
        },
        actor=request.user,
        province=campaign.province,
        details={
            "campaign": campaign.pk,
            "table": table,
            "filters": {k: v for k, v in request.GET.items() if v},
            "rows": len(rows),
            "format": file_format,
        },
    )
    if file_format == "csv":
        response = StreamingHttpResponse(
            csv_lines(
                headers, ([as_text(v) for v in row] for row in rows), translation.get_language()
            ),
            content_type=CONTENT_TYPES["csv"],
        )
    else:
        response = HttpResponse(
            workbook(headers, rows, numbers=True), content_type=CONTENT_TYPES["xlsx"]
        )
    filename = f"{FILE_NAMES[table]}-{campaign.pk}-{timezone.localdate():%Y%m%d}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# The weekly report ----------------------------------------------------------------


@campaign_staff_required
def weekly_report(request, campaign_id):
    """One week of the campaign on a page to print: the week's figures beside those of
    the campaign so far, every commune's progress at the end of the week."""
    campaign = visible_campaign(request.user, campaign_id)
    week = week_of(campaign, request.GET.get("week"))
    form = DashboardFilterForm(
        {"commune": request.GET.get("commune", "")},
        communes=communes_of(campaign, request.user),
    )
    commune = form.cleaned_data.get("commune") if form.is_valid() else None
    this_week = build(
        campaign, request.user, Filters(commune=commune, first=week.monday, last=week.sunday)
    )
    so_far = build(
        campaign,
        request.user,
        Filters(commune=commune, first=min(campaign.start, week.monday), last=week.sunday),
    )
    in_week = {row.commune.pk: row for row in this_week.communes}
    return render(
        request,
        "sessions/dashboard_weekly.html",
        {
            "campaign": campaign,
            "week": week,
            "commune": commune,
            "this_week": this_week,
            "so_far": so_far,
            "rows": [(row, in_week[row.commune.pk]) for row in so_far.communes],
            "indicator_rows": list(
                zip(this_week.indicators.totals, so_far.indicators.totals, strict=True)
            ),
            "generated_at": timezone.localtime(),
        },
    )


# The national view ----------------------------------------------------------------


@campaign_staff_required
def national_view(request):
    form = DashboardFilterForm(request.GET)
    today = timezone.localdate()
    if not form.is_valid():
        return render(
            request,
            "sessions/dashboard_national.html",
            {"filter_form": form, "board": None},
            status=400,
        )
    first, last = form.cleaned_data.get("date_from"), form.cleaned_data.get("date_to")
    last = last or (first + timedelta(days=NATIONAL_DAYS - 1) if first else today)
    first = first or last - timedelta(days=NATIONAL_DAYS - 1)
    board = national(request.user, first, last)
    chart = charts.daily_chart(
        [(day, c.sessions, c.eid_activations) for day, c in board.chart_days]
    )
    return render(
        request,
        "sessions/dashboard_national.html",
        {"filter_form": form, "board": board, "daily_chart": chart},
    )
