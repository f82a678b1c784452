"""Numbers and progress as the dashboard shows them: digits grouped and the decimal comma
in Vietnamese (1.234.567 and 25,4 %), as usual in English (1,234,567 and 25.4 %).

The commune table shows a progress and a small chart in every row of a province's
communes, so those two are drawn here in Python rather than through included templates.
"""

from django import template
from django.urls import reverse
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language, gettext

register = template.Library()

_separators: dict[str, dict[int, str]] = {}


def separators() -> dict[int, str]:
    """A str.translate table from Python's "1,234.5" to the language's own."""
    language = get_language() or ""
    table = _separators.get(language)
    if table is None:
        table = str.maketrans(
            {
                ",": formats.get_format("THOUSAND_SEPARATOR"),
                ".": formats.get_format("DECIMAL_SEPARATOR"),
            }
        )
        _separators[language] = table
    return table


def grouped(value, decimals: int, table=None) -> str:
    return f"{value:,.{decimals}f}".translate(table or separators())


@register.filter
def number(value, decimals=0):
    """A count, digits grouped; empty for None."""
    if value is None or value == "":
        return ""
    return grouped(value, int(decimals))


@register.filter
def percent(value):
    """A share in per cent, to one decimal, with its sign: "25,4 %"; empty for None."""
    if value is None:
        return ""
    return f"{grouped(float(value), 1)}\u00a0%"


@register.simple_tag
def progress(progress):
    """What was achieved, of the target, the share met and a bar (sessions.dashboard
    Progress); "no target" beside what was achieved when there is none."""
    if not progress.has_target:
        return format_html(
            '<span class="achieved">{}</span><br><span class="no-target">{}</span>',
            number(progress.achieved),
            gettext("no target"),
        )
    share, table = progress.percent, separators()
    return format_html(
        '<span class="achieved">{}</span> <span class="of">/ {}</span><br>'
        '<span class="share{}">{} %</span>'
        '<svg width="80" height="6" aria-hidden="true" class="meter">'
        '<rect width="80" height="6" class="meter-track"/>'
        '<rect width="{}" height="6" class="meter-fill"/></svg>',
        grouped(progress.achieved, 0, table),
        grouped(progress.target, 0, table),
        " met" if progress.is_met else "",
        grouped(share, 1, table),
        f"{min(max(share, 0), 100) * 0.8:.1f}",
    )


@register.simple_tag
def sparkline(line):
    """One commune's rate over its reports (sessions.charts.sparkline), or nothing."""
    if line is None or not line.points:
        return ""
    target = ""
    if line.target_y is not None:
        target = format_html(
            '<line x1="0" x2="{}" y1="{}" y2="{}" class="target"/>',
            line.width,
            line.target_y,
            line.target_y,
        )
    return format_html(
        '<svg width="{}" height="{}" viewBox="0 0 {} {}" aria-hidden="true" class="sparkline">'
        '{}<polyline points="{}" class="line"/>'
        '<circle cx="{}" cy="{}" r="2.5" class="dot"/></svg>',
        line.width,
        line.height,
        line.width,
        line.height,
        target,
        line.points,
        line.last[0],
        line.last[1],
    )


@register.simple_tag
def online_rate(row):
    """A commune's online-application rate from its latest report, against its target
    (sessions.dashboard.CommuneRow), and the rate over time drawn small."""
    rate, online = row.rate, row.online
    if not rate.has_report:
        shown = format_html('<span class="no-report">{}</span>', gettext("no report"))
    elif rate.percent is None:
        shown = gettext("no applications")
    else:
        shown = format_html(
            '<span class="share{}">{}</span>',
            " met" if online.is_met else "",
            percent(rate.percent),
        )
    if online.has_target:
        target = format_html(
            "<small>{}</small>",
            gettext("target %(target)s") % {"target": percent(online.target)},
        )
    else:
        target = format_html('<small class="no-target">{}</small>', gettext("no target"))
    return format_html("{}<br>{}{}", shown, target, sparkline(row.sparkline))


@register.simple_tag
def other_targets(row):
    """A commune's other targets, each with what the reports say of it."""
    items = []
    for item in row.other_targets:
        progress, table = item.progress, separators()
        if not item.measured:
            said = format_html(
                "{} <small>({})</small>",
                grouped(progress.target, 0, table),
                gettext("not measured here"),
            )
        elif progress.achieved is None:
            said = format_html(
                "{} <small>({})</small>", grouped(progress.target, 0, table), gettext("no report")
            )
        elif progress.has_target:
            said = format_html(
                "{} / {} <small>({})</small>",
                grouped(progress.achieved, 0, table),
                grouped(progress.target, 0, table),
                percent(progress.percent),
            )
        else:
            said = format_html(
                "{} <small>({})</small>",
                grouped(progress.achieved, 0, table),
                gettext("no target"),
            )
        items.append(format_html("<div>{}: {}</div>", item.name, said))
    if not items:
        return "–"
    return format_html_join("", "{}", ((item,) for item in items))


@register.simple_tag
def commune_rows(board, board_query=""):
    """Every row of the commune table (sessions.dashboard.Board.communes): written here in
    one pass, a province's 65 rows costing a few milliseconds instead of the tens a
    template loop takes."""
    query = f"&{board_query}" if board_query else ""
    table = separators()
    rows = []
    for row in board.communes:
        if board.criteria_count:
            ready = format_html(
                '<a href="{}">{} / {}</a>',
                reverse("campaign:commune_readiness", args=[board.campaign.pk, row.commune.pk]),
                row.readiness_met,
                board.criteria_count,
            )
        else:
            ready = format_html('<span class="no-target">{}</span>', gettext("no checklist"))
        rows.append(
            format_html(
                '<tr><td class="number rank">{}</td>'
                '<th scope="row"><a href="?commune={}{}">{}</a> <small>({})</small></th>'
                '<td class="number">{}</td><td class="number">{} / {}</td>'
                '<td class="number">{}</td><td class="number">{}</td><td>{}</td>'
                '<td class="number">{}</td></tr>',
                row.rank,
                row.commune.pk,
                query,
                row.commune.name,
                row.commune.code,
                progress(row.citizens),
                grouped(row.today.sessions, 0, table),
                grouped(row.last_7_days.sessions, 0, table),
                progress(row.eid),
                online_rate(row),
                other_targets(row),
                ready,
            )
        )
    if not rows:
        return format_html(
            '<tr><td colspan="8">{}</td></tr>',
            gettext("No commune of this campaign that you look after."),
        )
    return format_html_join("\n", "{}", ((row,) for row in rows))
