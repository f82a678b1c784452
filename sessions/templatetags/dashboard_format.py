"""Numbers and progress as the dashboard shows them: digits grouped and the decimal comma
in Vietnamese (1.234.567 and 25,4 %), as usual in English (1,234,567 and 25.4 %).

The commune table shows a progress and a small chart in every row of a province's
communes, so its rows are written here in Python rather than through included templates.
"""

from html import escape

from django import template
from django.urls import reverse
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext, pgettext

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
def target(value):
    """A target as it was typed: 450, 35,5 (no trailing zeros); empty for None."""
    if value is None or value == "":
        return ""
    decimals = next((n for n in range(3) if value * 10**n == int(value * 10**n)), 2)
    return grouped(value, decimals)


@register.filter
def figure(value, indicator):
    """An indicator's value: a share in per cent for a rate, a count otherwise; "–" when
    there is nothing to show."""
    if value is None:
        return "–"
    return percent_text(value) if indicator.is_rate else grouped(value, 0)


@register.filter
def change(value, indicator):
    """A change from the period before, with its sign: "+12", "−3,5 %", "0"."""
    if value is None:
        return "–"
    sign = "+" if value > 0 else "\u2212" if value < 0 else ""
    return sign + figure(abs(value), indicator)


@register.filter
def percent(value):
    """A share in per cent, to one decimal, with its sign: "25,4 %"; empty for None."""
    return percent_text(value)


def percent_text(value, table=None) -> str:
    if value is None:
        return ""
    return f"{grouped(float(value), 1, table)}\u00a0%"


# The commune table ------------------------------------------------------------------
#
# Written as plain strings: a province's 65 rows hold about a thousand values, and
# format_html's per-value checks cost more than the rest of the table. Every text that
# comes from data or translations goes through escape() (the standard library's, which
# Django's own escape calls); numbers are written by grouped(), digits and separators
# only.


def progress_html(progress, table, labels) -> str:
    """What was achieved, of the target, the share met and a bar (sessions.dashboard.figures
    Progress); "no target" beside what was achieved when there is none."""
    if not progress.has_target:
        achieved = "" if progress.achieved is None else grouped(progress.achieved, 0, table)
        return (
            f'<span class="achieved">{achieved}</span><br>'
            f'<span class="no-target">{labels["no target"]}</span>'
        )
    share = progress.percent
    met = " met" if progress.is_met else ""
    return (
        f'<span class="achieved">{grouped(progress.achieved, 0, table)}</span> '
        f'<span class="of">/ {grouped(progress.target, 0, table)}</span><br>'
        f'<span class="share{met}">{grouped(share, 1, table)}\u00a0%</span>'
        '<svg width="80" height="6" aria-hidden="true" class="meter">'
        '<rect width="80" height="6" class="meter-track"/>'
        f'<rect width="{min(max(share, 0), 100) * 0.8:.1f}" height="6" class="meter-fill"/></svg>'
    )


@register.simple_tag
def progress(progress):
    """A Progress as the commune table shows it, for other pages' tables."""
    return mark_safe(progress_html(progress, separators(), row_labels()))  # noqa: S308


def sparkline_html(line) -> str:
    """One commune's rate over its reports (sessions.dashboard.charts.sparkline), or nothing."""
    if line is None or not line.points:
        return ""
    target = ""
    if line.target_y is not None:
        target = (
            f'<line x1="0" x2="{line.width}" y1="{line.target_y}" y2="{line.target_y}" '
            'class="target"/>'
        )
    return (
        f'<svg width="{line.width}" height="{line.height}" '
        f'viewBox="0 0 {line.width} {line.height}" aria-hidden="true" class="sparkline">'
        f'{target}<polyline points="{escape(line.points)}" class="line"/>'
        f'<circle cx="{line.last[0]}" cy="{line.last[1]}" r="2.5" class="dot"/></svg>'
    )


def online_rate_html(row, table, labels) -> str:
    """A commune's online-application rate from its latest report, against its target
    (sessions.dashboard.figures.CommuneRow), and the rate over time drawn small."""
    rate, online = row.rate, row.online
    if not rate.has_report:
        shown = f'<span class="no-report">{labels["no report"]}</span>'
    elif rate.percent is None:
        shown = labels["no applications"]
    else:
        met = " met" if online.is_met else ""
        shown = f'<span class="share{met}">{percent_text(rate.percent, table)}</span>'
    if online.has_target:
        said = gettext("target %(target)s") % {"target": percent_text(online.target, table)}
        target = f"<small>{escape(said)}</small>"
    else:
        target = f'<small class="no-target">{labels["no target"]}</small>'
    return f"{shown}<br>{target}{sparkline_html(row.sparkline)}"


def other_targets_html(row, table, labels) -> str:
    """A commune's other indicators with a target, each with what it achieved."""
    items = []
    for item in row.other_targets:
        progress = item.progress
        if item.indicator.is_rate:
            target = percent_text(progress.target, table)
        else:
            target = grouped(progress.target, 0, table)
        if progress.achieved is None:
            said = f"{target} <small>({labels['no report']})</small>"
        else:
            achieved = (
                percent_text(progress.achieved, table)
                if item.indicator.is_rate
                else grouped(progress.achieved, 0, table)
            )
            met = " met" if progress.is_met else ""
            said = (
                f'<span class="share{met}">{achieved}</span> / {target} '
                f"<small>({percent_text(progress.percent, table)})</small>"
            )
        items.append(f"<div>{escape(item.indicator.label)}: {said}</div>")
    return "".join(items) if items else "–"


def coverage_html(coverage, table, labels) -> str:
    """A commune's places held of those needed on its shifts, and how many are short."""
    if not coverage.needed:
        return f'<span class="no-target">{labels["no shifts"]}</span>'
    short = ""
    if coverage.understaffed:
        said = ngettext(
            "%(count)s shift short", "%(count)s shifts short", coverage.understaffed
        ) % {"count": grouped(coverage.understaffed, 0, table)}
        short = f'<br><small class="short">{escape(said)}</small>'
    return (
        f"{percent_text(coverage.percent, table)}<br>"
        f'<small class="of">{grouped(coverage.held, 0, table)} / '
        f"{grouped(coverage.needed, 0, table)}</small>{short}"
    )


def row_labels() -> dict[str, str]:
    """The words the table repeats, translated and escaped once per table (each written
    out in full, for makemessages to find)."""
    return {
        "no target": escape(gettext("no target")),
        "no report": escape(gettext("no report")),
        "no applications": escape(gettext("no applications")),
        "no checklist": escape(gettext("no checklist")),
        "no shifts": escape(gettext("no shifts")),
        # The column headings, which a phone shows beside each value (table.stack-on-phone).
        "Rank": escape(gettext("Rank")),
        "Citizens helped": escape(gettext("Citizens helped")),
        "Today / 7 days": escape(gettext("Today / 7 days")),
        "e-ID activations": escape(pgettext("heading", "e-ID activations")),
        "Applications filed online": escape(gettext("Applications filed online")),
        "Other targets": escape(gettext("Other indicators")),
        "Shift coverage": escape(gettext("Shift coverage")),
        "Readiness": escape(gettext("Readiness")),
    }


@register.simple_tag
def commune_rows(board, board_query=""):
    """Every row of the commune table (sessions.dashboard.figures.Board.communes), in one pass."""
    query = escape(f"&{board_query}") if board_query else ""
    table, labels = separators(), row_labels()
    rows = []
    for row in board.communes:
        commune = row.commune
        if board.criteria_count:
            readiness_url = reverse(
                "campaign:commune_readiness", args=[board.campaign.pk, commune.pk]
            )
            ready = (
                f'<a href="{escape(readiness_url)}">{row.readiness_met} / '
                f"{board.criteria_count}</a>"
            )
        else:
            ready = f'<span class="no-target">{labels["no checklist"]}</span>'
        rows.append(
            f'<tr><td class="number rank" data-label="{labels["Rank"]}">{row.rank}</td>'
            f'<th scope="row"><a href="?commune={commune.pk}{query}">{escape(commune.name)}</a> '
            f"<small>({escape(commune.code)})</small></th>"
            f'<td class="number" data-label="{labels["Citizens helped"]}">'
            f"{progress_html(row.citizens, table, labels)}</td>"
            f'<td class="number" data-label="{labels["Today / 7 days"]}">'
            f"{grouped(row.today.sessions, 0, table)} / "
            f"{grouped(row.last_7_days.sessions, 0, table)}</td>"
            f'<td class="number" data-label="{labels["e-ID activations"]}">'
            f"{progress_html(row.eid, table, labels)}</td>"
            f'<td class="number" data-label="{labels["Applications filed online"]}">'
            f"{online_rate_html(row, table, labels)}</td>"
            f'<td data-label="{labels["Other targets"]}">'
            f"{other_targets_html(row, table, labels)}</td>"
            f'<td class="number" data-label="{labels["Shift coverage"]}">'
            f"{coverage_html(row.coverage, table, labels)}</td>"
            f'<td class="number" data-label="{labels["Readiness"]}">{ready}</td></tr>'
        )
    if not rows:
        return format_html(
            '<tr><td colspan="9">{}</td></tr>',
            gettext("No commune of this campaign that you look after."),
        )
    return mark_safe("\n".join(rows))  # noqa: S308 -- every value escaped or a number
