"""Every indicator of a campaign's communes, for the days chosen and the period before.

    board = indicator_figures(campaign, commune_ids, first, last)
    board.rows[commune_id][0].achieved, board.rows[commune_id][0].progress.percent
    board.totals[0].achieved, board.totals[0].change

What each indicator counts (campaign.Indicator):
- from the logs: the citizens helped, or those helped with its service (only the
  sessions done when it says so), from the daily rollups;
- from the commune reports: the sum of a figure over the reports whose period ends in
  the days chosen, or a rate of two such sums (applications online, or online end to
  end, of those received); without a report there is no figure, never 0 %;
- imported figures are not counted here yet: they show no figure.

Progress is what was achieved against the commune's target for the indicator (no target,
or a target of 0, is "no target"). The totals add up the communes' counts; a rate is
that of the summed reports; a total's target is the sum of the communes' targets for a
count, and none for a rate (communes' rates are not added): its `met` says how many
communes met theirs. The previous period has the same length and ends the day before the
first day chosen; a period wholly before the campaign has no figures.

Speed: five queries whatever the number of communes (the indicators, the targets, the
two rollups, the reports), none of which reads help sessions.
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property

from django.db.models import F, Q, Sum

from campaign.models import CommuneReport, Indicator, IndicatorTarget
from sessions.dashboard.progress import Progress
from sessions.models import DailyRollup, DailyServiceRollup

Source = Indicator.Source
Field = Indicator.ReportField
REPORT_SUMS = (
    "applications_received",
    "applications_online",
    "applications_end_to_end",
    "records_digitised",
    "payments_online",
)
CURRENT, PREVIOUS = "current", "previous"


def previous_period(first: date, last: date, campaign_start: date) -> tuple[date, date] | None:
    """The days of the same length just before `first`; None when all before the campaign."""
    length = (last - first).days + 1
    before = (first - timedelta(days=length), first - timedelta(days=1))
    return None if before[1] < campaign_start else (max(before[0], campaign_start), before[1])


@dataclass
class Reported:
    """The sums of one commune's reports in one period, and how many reports there were."""

    reports: int = 0
    sums: dict = field(default_factory=lambda: dict.fromkeys(REPORT_SUMS, None))

    def add(self, values: dict, reports: int = 1) -> None:
        """Add a report's figures (or the sums of `reports` reports)."""
        self.reports += reports
        for name in REPORT_SUMS:
            if values[name] is not None:
                self.sums[name] = (self.sums[name] or 0) + values[name]

    def figure(self, report_field: str):
        """The indicator's figure from these reports; None without any."""
        if not self.reports:
            return None
        received = self.sums["applications_received"] or 0
        if report_field == Field.ONLINE_RATE:
            return rate(self.sums["applications_online"], received)
        if report_field == Field.END_TO_END_RATE:
            return rate(self.sums["applications_end_to_end"], received)
        return self.sums[report_field]


def rate(part, whole) -> Decimal | None:
    if part is None or not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


@dataclass
class IndicatorProgress:
    """One indicator in one commune (or all of them together)."""

    indicator: Indicator
    achieved: int | Decimal | None  # None: nothing to count it from (no report)
    previous: int | Decimal | None
    target: Decimal | None
    met: int = 0  # totals: the communes that met their target
    with_target: int = 0  # totals: the communes that have one
    # Totals of a count: what the communes with a target achieved, against their targets.
    achieved_towards_target: int | None = None

    @cached_property
    def progress(self) -> Progress:
        if self.achieved_towards_target is not None:
            return Progress(self.achieved_towards_target, self.target)
        return Progress(self.achieved, self.target)

    @property
    def change(self):
        """Achieved now less achieved in the previous period; None when either is unknown."""
        if self.achieved is None or self.previous is None:
            return None
        return self.achieved - self.previous


@dataclass
class IndicatorBoard:
    indicators: list[Indicator]
    rows: dict[int, list[IndicatorProgress]]  # by commune pk, in the indicators' order
    totals: list[IndicatorProgress]
    previous: tuple[date, date] | None  # the days compared with


def indicator_figures(
    campaign, commune_ids, first: date, last: date, *, logged_now=None, reports=None
) -> IndicatorBoard:
    """The indicators of `campaign` (those offered in its province) for `commune_ids`.

    A caller that has read them already may pass the citizens helped in the days chosen
    per commune (`logged_now`) and the reports ending in them (`reports`, dicts of
    REPORT_FIELDS): when there is no period before to compare with, they are not read
    again."""
    commune_ids = list(commune_ids)
    indicators = list(Indicator.objects.offered_in(campaign.province_id))
    before = previous_period(first, last, campaign.start)
    periods = {CURRENT: (first, last)}
    if before is not None:
        periods[PREVIOUS] = before
    targets = {
        (commune_id, indicator_id): value
        for commune_id, indicator_id, value in IndicatorTarget.objects.filter(
            campaign_commune__campaign=campaign, campaign_commune__commune_id__in=commune_ids
        ).values_list("campaign_commune__commune_id", "indicator_id", "value")
    }
    logged = logged_counts(campaign, commune_ids, indicators, periods, logged_now)
    if reports is None or PREVIOUS in periods:
        reports = read_reports(campaign, commune_ids, periods)
    reported = reported_sums(reports, periods)

    # Written for speed: a province's 65 communes by 8 indicators run through here.
    kinds = [(i, i.pk, i.source, i.report_field) for i in indicators]
    compared = PREVIOUS in periods
    no_report = Reported()

    def figure(pk, source, report_field, commune_id, period):
        if source == Source.SESSIONS:
            return logged.get((commune_id, pk, period), 0)
        if source == Source.REPORTS:
            return reported.get((commune_id, period), no_report).figure(report_field)
        return None

    rows = {
        commune_id: [
            IndicatorProgress(
                indicator,
                figure(pk, source, report_field, commune_id, CURRENT),
                figure(pk, source, report_field, commune_id, PREVIOUS) if compared else None,
                targets.get((commune_id, pk)),
            )
            for indicator, pk, source, report_field in kinds
        ]
        for commune_id in commune_ids
    }
    totals = [
        total(indicator, [rows[c][n] for c in commune_ids], reported, commune_ids, periods)
        for n, indicator in enumerate(indicators)
    ]
    return IndicatorBoard(indicators, rows, totals, before)


def logged_counts(campaign, commune_ids, indicators, periods, logged_now=None) -> dict:
    """{(commune, indicator, period): count} for the indicators from the logs: one query
    on the daily rollups (none when `logged_now` has them) and one on the per-service
    rollups, whatever the communes."""
    counted = defaultdict(int)
    from_logs = [i for i in indicators if i.source == Source.SESSIONS]
    if not from_logs or not commune_ids:
        return counted
    everyone = [i for i in from_logs if i.service_id is None]
    in_period = {name: Q(day__range=days) for name, days in periods.items()}
    if everyone:
        sums = {} if logged_now is None else {CURRENT: logged_now}
        to_read = {name: q for name, q in in_period.items() if name not in sums}
        if to_read:
            rows = (
                DailyRollup.objects.filter(campaign=campaign, commune_id__in=commune_ids)
                .order_by()
                .values("commune_id")
                .annotate(**{name: Sum("sessions", filter=q) for name, q in to_read.items()})
            )
            for row in rows:
                for name in to_read:
                    sums.setdefault(name, {})[row["commune_id"]] = row[name] or 0
        for name, by_commune in sums.items():
            for commune_id, value in by_commune.items():
                for indicator in everyone:
                    counted[(commune_id, indicator.pk, name)] = value
    by_service = [i for i in from_logs if i.service_id is not None]
    if by_service:
        count_by_service(counted, campaign, commune_ids, by_service, in_period, periods)
    return counted


def count_by_service(counted, campaign, commune_ids, indicators, in_period, periods) -> None:
    """Add to `counted` the sessions (all, or done only) of each indicator's service."""
    sums = {}
    for name, q in in_period.items():
        sums[f"{name}_all"] = Sum("sessions", filter=q)
        sums[f"{name}_done"] = Sum("done", filter=q)
    rows = (
        DailyServiceRollup.objects.filter(
            campaign=campaign,
            commune_id__in=commune_ids,
            service_id__in={i.service_id for i in indicators},
            day__range=(
                min(days[0] for days in periods.values()),
                max(days[1] for days in periods.values()),
            ),
        )
        .order_by()
        .values("commune_id", "service_id")
        .annotate(**sums)
    )
    by_service = defaultdict(list)
    for indicator in indicators:
        by_service[indicator.service_id].append(indicator)
    for row in rows:
        for indicator in by_service[row["service_id"]]:
            which = "done" if indicator.done_only else "all"
            for name in in_period:
                counted[(row["commune_id"], indicator.pk, name)] = row[f"{name}_{which}"] or 0


REPORT_FIELDS = ("commune_id", "period_end", *REPORT_SUMS)


def read_reports(campaign, commune_ids, periods) -> list[dict]:
    """The reports ending in any of the periods, as dicts of REPORT_FIELDS: one query."""
    if not commune_ids:
        return []
    last_days = Q()
    for days in periods.values():
        last_days |= Q(period_end__range=days)
    return list(
        CommuneReport.objects.filter(
            campaign_commune__campaign=campaign,
            campaign_commune__commune_id__in=commune_ids,
        )
        .filter(last_days)
        .annotate(commune_id=F("campaign_commune__commune_id"))
        .values(*REPORT_FIELDS)
    )


def reported_sums(reports, periods) -> dict:
    """{(commune, period): Reported} from the reports."""
    reported = defaultdict(Reported)
    for report in reports:
        for name, (first, last) in periods.items():
            if first <= report["period_end"] <= last:
                reported[(report["commune_id"], name)].add(report)
    return reported


def total(indicator, progresses, reported, commune_ids, periods) -> IndicatorProgress:
    """The communes together: counts added up, a rate from the summed reports."""
    aimed = [p for p in progresses if p.target]  # a target of 0 is no target
    met = sum(1 for p in aimed if p.achieved is not None and p.achieved >= p.target)
    with_target = len(aimed)
    if indicator.source == Source.REPORTS and indicator.is_rate:
        together = {}
        for name in periods:
            combined = Reported()
            for commune_id in commune_ids:
                mine = reported.get((commune_id, name))
                if mine is not None and mine.reports:
                    combined.add(mine.sums, mine.reports)
            together[name] = combined.figure(indicator.report_field)
        return IndicatorProgress(
            indicator, together[CURRENT], together.get(PREVIOUS), None, met, with_target
        )
    achieved = added([p.achieved for p in progresses])
    previous = added([p.previous for p in progresses]) if PREVIOUS in periods else None
    target = sum((p.target for p in aimed), Decimal(0)) or None
    towards = added([p.achieved for p in aimed]) if aimed else None
    return IndicatorProgress(
        indicator, achieved, previous, target, met, with_target, achieved_towards_target=towards
    )


def added(values):
    """The sum of the known values; None when none is known."""
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def of_one(board: IndicatorBoard, commune_id) -> IndicatorBoard:
    """The board of one of `board`'s communes: its own figures are its totals."""
    own = board.rows.get(commune_id, [])
    totals = [
        replace(p, met=int(p.progress.is_met), with_target=int(p.progress.has_target)) for p in own
    ]
    rows = {commune_id: own} if own else {}
    return IndicatorBoard(board.indicators, rows, totals, board.previous)
