"""The campaign dashboard's figures: help sessions measured against commune targets.

    board = build(campaign, user, Filters(commune=None, first=None, last=None))
    board.totals.sessions, board.today.sessions, board.communes[0].citizens.percent

Everything is scoped before it is counted: the communes are those of the campaign that
`user` may see (`campaign.access`), so a coordinator's dashboard is made of their
communes only. Help sessions are read from the daily rollups (sessions.rollups), a few
thousand rows for a province's campaign, never from the sessions themselves; the same
figures can be computed from the sessions (RawSource) to check the rollups or to time
what they save.

Targets and progress
    progress = achieved / target, for the whole campaign, with what was achieved in
    the days chosen. A commune without a target (or with a target of 0) shows "no
    target", never 0 % or a division by zero.

Online-application rate
    From the communes' official reports (campaign.CommuneReport): a report counts when
    its period ends within the days chosen; a commune's rate is that of its latest such
    report (applications online / received); without one it shows "no report". The
    rate of several communes adds up their latest reports.

Ranking
    By the share of the citizens target met (citizens helped / target), highest first.
    Communes with the same share share a rank and the next rank skips (1, 2, 2, 4).
    Communes without a citizens target come last and share the last rank. Ranks are
    among all the communes the user may see, whatever commune is chosen.

Speed
    A province's dashboard costs about a dozen queries, none of which reads help
    sessions: the rollups (a row per commune and day), the roster (one query for each
    commune's coverage and the hours), the reports, and the SMS (one count per status
    over the messages' campaign tags). The national view reads the daily rollups alone.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.db import connection
from django.db.models import (
    Count,
    FloatField,
    Func,
    Max,
    Min,
    Q,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from campaign.access import visible_campaigns, visible_communes
from campaign.models import (
    Campaign,
    CampaignCommune,
    CommuneReport,
    ServiceType,
    campaign_tag,
    target_of,
)
from lib.text import fold
from notifications.models import Message
from sessions.dashboard.indicators import (
    REPORT_SUMS,
    IndicatorBoard,
    indicator_figures,
    of_one,
)
from sessions.dashboard.progress import Progress
from sessions.models import (
    CampaignVolunteerRollup,
    DailyRollup,
    DailyServiceRollup,
    DailyVolunteerRollup,
    HelpSession,
)
from sessions.rollups import (
    DAILY_COUNTERS,
    DONE,
    EID_SERVICE_CODES,
    PRIORITY_GROUPS,
    local_date,
)
from teams.models import Shift, ShiftSignup
from teams.rota.coverage import local_midnight

WEEK = 7
# The indicators the commune table has a column for; the others are listed together.
CITIZENS, EID, ONLINE_RATE = "citizens_helped", "eid_level_2", "online_application_rate"
IN_COLUMNS = (CITIZENS, EID, ONLINE_RATE)

# Counting -------------------------------------------------------------------------


@dataclass
class Counts:
    """Help sessions counted: the columns of DailyRollup, summed."""

    sessions: int = 0
    minutes: int = 0
    timed_sessions: int = 0
    elderly: int = 0
    disability: int = 0
    ethnic_minority: int = 0
    priority: int = 0
    eid_activations: int = 0

    def add(self, values) -> None:
        """Add one row of DAILY_COUNTERS values (written out: it runs for every row)."""
        sessions, minutes, timed, elderly, disability, minority, priority, eid = values
        self.sessions += sessions
        self.minutes += minutes
        self.timed_sessions += timed
        self.elderly += elderly
        self.disability += disability
        self.ethnic_minority += minority
        self.priority += priority
        self.eid_activations += eid

    def values(self) -> tuple[int, ...]:
        """The counts in the order add() takes them: the fields' order (written out:
        dataclasses.astuple copies each value deeply, ten times slower)."""
        return (
            self.sessions,
            self.minutes,
            self.timed_sessions,
            self.elderly,
            self.disability,
            self.ethnic_minority,
            self.priority,
            self.eid_activations,
        )

    @property
    def hours(self) -> Decimal:
        """Time spent with citizens, in hours to one decimal."""
        return (Decimal(self.minutes) / 60).quantize(Decimal("0.1"))


@dataclass
class Rate:
    """An online-application rate from official reports: online / received."""

    online: int = 0
    received: int = 0
    reports: int = 0

    @property
    def percent(self) -> float | None:
        if not self.received:
            return None
        return self.online * 100 / self.received

    @property
    def has_report(self) -> bool:
        return self.reports > 0


@dataclass
class Coverage:
    """Places on the live shifts: held of those needed, and how many shifts are short."""

    held: int = 0
    needed: int = 0
    shifts: int = 0
    understaffed: int = 0

    @property
    def percent(self) -> float | None:
        return self.held * 100 / self.needed if self.needed else None

    def add(self, other: "Coverage") -> None:
        self.held += other.held
        self.needed += other.needed
        self.shifts += other.shifts
        self.understaffed += other.understaffed


@dataclass
class CommuneRow:
    """One commune's figures. Its progress is worked out once, when first asked for, after
    the counting is done."""

    commune: object
    campaign_commune: CampaignCommune
    counts: Counts = field(default_factory=Counts)
    today: Counts = field(default_factory=Counts)
    last_7_days: Counts = field(default_factory=Counts)
    rate: Rate = field(default_factory=Rate)
    latest_report: CommuneReport | None = None
    rate_series: list[tuple[date, float]] = field(default_factory=list)
    readiness_met: int = 0
    coverage: Coverage = field(default_factory=Coverage)  # places on its shifts
    rank: int | None = None
    sparkline: object = None  # the rate over time, drawn (sessions.dashboard.charts.sparkline)

    # The campaign's indicators in this commune, in their order (sessions.dashboard.
    # indicators); the three the table has columns for are also read by name below.
    indicators: list = field(default_factory=list)

    def indicator(self, code: str):
        return next((p for p in self.indicators if p.indicator.code == code), None)

    def target_of(self, code: str):
        found = self.indicator(code)
        return found.target if found else None

    @cached_property
    def citizens(self) -> Progress:
        return Progress(self.counts.sessions, self.target_of(CITIZENS))

    @cached_property
    def eid(self) -> Progress:
        found = self.indicator(EID)
        return found.progress if found else Progress(None, None)

    @cached_property
    def online(self) -> Progress:
        return Progress(self.rate.percent, self.target_of(ONLINE_RATE))

    @cached_property
    def other_targets(self) -> list:
        """The other indicators this commune has a target for (IndicatorProgress)."""
        return [
            p
            for p in self.indicators
            if p.indicator.code not in IN_COLUMNS and p.progress.has_target
        ]


def rank(rows: list[CommuneRow]) -> list[CommuneRow]:
    """`rows` in rank order, each with `rank` set (see the module's docstring)."""
    ranked = [row for row in rows if row.citizens.share is not None]
    unranked = [row for row in rows if row.citizens.share is None]
    ranked.sort(key=lambda row: (-row.citizens.share, fold(row.commune.name), row.commune.pk))
    previous, position = None, 0
    for number, row in enumerate(ranked, start=1):
        if row.citizens.share != previous:
            position, previous = number, row.citizens.share
        row.rank = position
    unranked.sort(key=lambda row: (fold(row.commune.name), row.commune.pk))
    for row in unranked:
        row.rank = len(ranked) + 1
    return ranked + unranked


# Where the sessions are counted from --------------------------------------------------


class RollupSource:
    """The daily rollups: what the dashboard reads."""

    def daily(self, campaign, commune_ids, first, last):
        """{(commune id, day): the DAILY_COUNTERS values}."""
        rows = (
            DailyRollup.objects.filter(
                campaign=campaign, commune_id__in=commune_ids, day__range=(first, last)
            )
            .order_by()  # the model's ordering would join three tables to sort by them
            .values_list("commune_id", "day", *DAILY_COUNTERS)
        )
        return {(row[0], row[1]): row[2:] for row in rows}

    def services(self, campaign, commune_ids, first, last):
        """{(service id, day): sessions that included the service}."""
        rows = (
            DailyServiceRollup.objects.filter(
                campaign=campaign, commune_id__in=commune_ids, day__range=(first, last)
            )
            .values("service_id", "day")
            .annotate(count=Sum("sessions"))
            .order_by()
            .values_list("service_id", "day", "count")
        )
        return {(service, day): count for service, day, count in rows if count}

    def volunteers(self, campaign, commune_ids, spans: dict[str, tuple[date, date]]):
        """{name: volunteers who logged a session in the span}, for each named span: a
        SELECT DISTINCT each, which the database hashes (COUNT(DISTINCT) would sort)."""
        rows = DailyVolunteerRollup.objects.filter(
            campaign=campaign, commune_id__in=commune_ids, sessions__gt=0
        )
        logged = DailyRollup.objects.filter(campaign=campaign, sessions__gt=0).aggregate(
            first=Min("day"), last=Max("day")
        )
        counted = {}
        for name, (first, last) in spans.items():
            if logged["first"] is None:
                counted[name] = 0
            elif first <= logged["first"] and logged["last"] <= last:
                # Every day the campaign logged: one row per volunteer and commune.
                counted[name] = (
                    CampaignVolunteerRollup.objects.filter(
                        campaign=campaign, commune_id__in=commune_ids, sessions__gt=0
                    )
                    .values("volunteer_id")
                    .distinct()
                    .count()
                )
            else:
                counted[name] = (
                    rows.filter(day__range=(first, last)).values("volunteer_id").distinct().count()
                )
        return counted


class RawSource:
    """The help sessions themselves, aggregated on each request: the naive way, kept to
    check the rollups against and to measure what they save."""

    @staticmethod
    def sessions(campaign, commune_ids, first, last):
        return HelpSession.objects.filter(
            campaign=campaign,
            commune_id__in=commune_ids,
            helped_at__gte=local_midnight(first),
            helped_at__lt=local_midnight(last + timedelta(days=1)),
        ).order_by()

    @staticmethod
    def local_day(field_name, first, last):
        return local_date(
            field_name, local_midnight(first), local_midnight(last + timedelta(days=1))
        )

    def daily(self, campaign, commune_ids, first, last):
        sessions = self.sessions(campaign, commune_ids, first, last)
        day = self.local_day("helped_at", first, last)
        eid = {
            (row["commune_id"], row["day"]): row["count"]
            for row in sessions.filter(outcome=DONE, services__code__in=EID_SERVICE_CODES)
            .annotate(day=day)
            .values("commune_id", "day")
            .annotate(count=Count("pk", distinct=True))
        }
        rows = (
            sessions.annotate(day=day)
            .values("commune_id", "day")
            .annotate(
                n=Count("pk"),
                minutes_sum=Coalesce(Sum("minutes"), 0),
                timed=Count("minutes"),
                **{f"{name}_n": Count("pk", filter=Q(**{name: True})) for name in PRIORITY_GROUPS},
                any_group=Count(
                    "pk", filter=Q(elderly=True) | Q(disability=True) | Q(ethnic_minority=True)
                ),
            )
        )
        return {
            (row["commune_id"], row["day"]): (
                row["n"],
                row["minutes_sum"],
                row["timed"],
                *(row[f"{name}_n"] for name in PRIORITY_GROUPS),
                row["any_group"],
                eid.get((row["commune_id"], row["day"]), 0),
            )
            for row in rows
        }

    def services(self, campaign, commune_ids, first, last):
        Through = HelpSession.services.through
        rows = (
            Through.objects.filter(
                helpsession__in=self.sessions(campaign, commune_ids, first, last).values("pk")
            )
            .annotate(day=self.local_day("helpsession__helped_at", first, last))
            .values("servicetype_id", "day")
            .annotate(count=Count("pk"))
            .order_by()
            .values_list("servicetype_id", "day", "count")
        )
        return {(service, day): count for service, day, count in rows}

    def volunteers(self, campaign, commune_ids, spans):
        first = min(span[0] for span in spans.values())
        last = max(span[1] for span in spans.values())
        return self.sessions(campaign, commune_ids, first, last).aggregate(
            **{
                name: Count(
                    "volunteer_id",
                    distinct=True,
                    filter=Q(
                        helped_at__gte=local_midnight(span[0]),
                        helped_at__lt=local_midnight(span[1] + timedelta(days=1)),
                    ),
                )
                for name, span in spans.items()
            }
        )


# Other parts of the campaign --------------------------------------------------------


class SecondsBetween(Func):
    """Seconds from the second datetime to the first, worked out by the database itself
    (Django's own datetime subtraction calls into Python for every row on SQLite). For
    the two databases Digihelp runs on."""

    arity = 2
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 86400.0)",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(self, compiler, connection, **extra):
        # date_part gives a double; EXTRACT gives a numeric since PostgreSQL 14, whose
        # sum over a campaign's sign-ups took twice as long.
        return self.as_sql(
            compiler,
            connection,
            template="date_part('epoch', %(expressions)s)",
            arg_joiner=" - ",
            **extra,
        )


def roster_figures(campaign, commune_ids, first, last) -> tuple[dict[int, Coverage], Decimal]:
    """Over the campaign's shifts starting within the days, in one query: for each commune,
    the places held of those needed on the live shifts and how many of them are short;
    and the hours volunteers were checked in, as teams.rota.attendance counts them (check-out,
    or the shift's end, minus check-in)."""
    holds = Q(signups__status__in=ShiftSignup.HOLDS_A_PLACE)
    per_shift = (
        Shift.objects.filter(
            campaign=campaign,
            commune_id__in=commune_ids,
            starts_at__gte=local_midnight(first),
            starts_at__lt=local_midnight(last + timedelta(days=1)),
        )
        .order_by()
        .annotate(
            held=Count("signups", filter=holds),
            worked=Sum(
                SecondsBetween(
                    Coalesce("signups__checked_out_at", "ends_at"), "signups__checked_in_at"
                ),
                filter=Q(signups__checked_in_at__isnull=False),
            ),
        )
        .values("commune_id", "held", "volunteers_needed", "worked", "cancelled_at")
    )
    inner, params = per_shift.query.sql_with_params()
    commune, held, needed, worked, cancelled = (
        connection.ops.quote_name(name)
        for name in ("commune_id", "held", "volunteers_needed", "worked", "cancelled_at")
    )
    live = f"{cancelled} IS NULL"
    # The inner query is Django's own, with its parameters; nothing here comes from input.
    sql = (
        f"SELECT {commune}, COALESCE(SUM(CASE WHEN {live} THEN {held} END), 0), "  # noqa: S608
        f"COALESCE(SUM(CASE WHEN {live} THEN {needed} END), 0), "
        f"COUNT(CASE WHEN {live} THEN 1 END), "
        f"COUNT(CASE WHEN {live} AND {held} < {needed} THEN 1 END), "
        f"COALESCE(SUM({worked}), 0) FROM ({inner}) per_shift GROUP BY {commune}"
    )
    coverage, seconds = {}, 0.0
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for commune_id, *counts, worked_seconds in cursor.fetchall():
            coverage[commune_id] = Coverage(*(int(value) for value in counts))
            seconds += float(worked_seconds)
    hours = Decimal(max(seconds, 0)) / 3600
    return coverage, hours.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


SENT = (Message.Status.SENT, Message.Status.DELIVERED, Message.Status.UNDELIVERED)
FAILED = (Message.Status.FAILED, Message.Status.UNDELIVERED)
WAITING = (Message.Status.QUEUED, Message.Status.SENDING, Message.Status.UNKNOWN)


@dataclass
class Sms:
    messages: int = 0
    sent: int = 0
    delivered: int = 0
    failed: int = 0
    waiting: int = 0
    segments: int = 0


def sms_counted(campaign, commune_ids, whole_campaign: bool, first, last) -> Sms:
    """The campaign's SMS queued within the days, by outcome: follow-ups for citizens,
    shift invitations and reminders, assignment notices and broadcasts, about the
    communes chosen, found by their tags (campaign_tag). Broadcasts to the whole campaign
    count when every commune is. One count per status over the (tag, created_at) index,
    made on every rendering, so a delivery report shows at once.

    "sent" is every message the provider took (delivered, not yet or undelivered),
    "failed" those refused or not delivered, "waiting" those not handed over yet;
    cancelled ones (the number had opted out) cost no segment.
    """
    tags = [campaign_tag(campaign.pk, commune_id) for commune_id in sorted(commune_ids)]
    if whole_campaign:
        tags.append(campaign_tag(campaign.pk))
    # The index holds status and segments too, so it answers alone; one count per status
    # is cheaper than a filtered count per figure.
    by_status = (
        Message.objects.filter(
            tag__in=tags,
            created_at__gte=local_midnight(first),
            created_at__lt=local_midnight(last + timedelta(days=1)),
        )
        .order_by()
        .values("status")
        .annotate(messages=Count("status"), segments=Sum("segment_count"))
        .values_list("status", "messages", "segments")
    )
    sms = Sms()
    for status, messages, segments in by_status:
        sms.messages += messages
        sms.sent += messages if status in SENT else 0
        sms.delivered += messages if status == Message.Status.DELIVERED else 0
        sms.failed += messages if status in FAILED else 0
        sms.waiting += messages if status in WAITING else 0
        sms.segments += (segments or 0) if status != Message.Status.CANCELLED else 0
    return sms


# The dashboard --------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    commune: object = None  # a Commune among the user's, or None for all of them
    first: date | None = None
    last: date | None = None


@dataclass
class Board:
    campaign: Campaign
    first: date
    last: date
    today_date: date
    communes: list[CommuneRow]  # the communes shown, in rank order
    ranked_among: int  # how many communes the ranks are among
    totals: Counts
    today: Counts
    last_7_days: Counts
    daily: list[tuple[date, Counts]]
    services: list[tuple[ServiceType, int]]
    service_days: dict[tuple[int, date], int]
    active_volunteers: dict[str, int]
    volunteer_hours: Decimal
    coverage: Coverage
    sms: Sms
    rate: Rate
    rate_series: list[tuple[date, float]]
    criteria_count: int
    indicators: IndicatorBoard  # of the communes shown, with the period before to compare

    @property
    def chart_days(self) -> list[tuple[date, Counts]]:
        """The daily series up to today: days still to come have nothing to show."""
        return [(day, counts) for day, counts in self.daily if day <= self.today_date]

    @property
    def priority_groups(self) -> list[tuple[str, int]]:
        return [(name, getattr(self.totals, name)) for name in (*PRIORITY_GROUPS, "priority")]

    @property
    def citizens(self) -> Progress:
        """The communes shown together: citizens helped against the sum of their targets
        (communes without a target left out of both)."""
        with_target = [row for row in self.communes if row.citizens.has_target]
        return Progress(
            sum(row.counts.sessions for row in with_target),
            sum(row.citizens.target for row in with_target) or None,
        )

    @property
    def eid(self) -> Progress:
        found = next((p for p in self.indicators.totals if p.indicator.code == EID), None)
        return found.progress if found else Progress(None, None)


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


@dataclass(frozen=True)
class Days:
    """The days a board shows, and the days it counts besides: today and the last 7."""

    first: date
    last: date
    today: date

    @property
    def week_start(self) -> date:
        return self.today - timedelta(days=WEEK - 1)

    @property
    def span(self) -> tuple[date, date]:
        """From the first day counted to the last."""
        return min(self.first, self.week_start), max(self.last, self.today)


def build(campaign: Campaign, user, filters: Filters, *, source=None, now=None) -> Board:
    """The dashboard of `campaign` as `user` may see it. `filters.first` and `last`
    default to the campaign's own days."""
    source = source or RollupSource()
    today = timezone.localdate(now or timezone.now())
    days = Days(filters.first or campaign.start, filters.last or campaign.end, today)
    rows = commune_rows(campaign, user)
    if filters.commune is None:
        shown_ids = list(rows)
    else:
        shown_ids = [filters.commune.pk] if filters.commune.pk in rows else []
    shown = set(shown_ids)
    totals, today_counts, week_counts, by_day = count_sessions(
        source, campaign, rows, shown_ids, days
    )
    service_days, services = service_figures(source, campaign, shown_ids, days)
    # Active volunteers in the days chosen, today and the last 7 days: a DISTINCT each,
    # from the campaign-wide rows when the days cover all the campaign logged.
    spans = {
        "window": (days.first, days.last),
        "today": (today, today),
        "last_7_days": (days.week_start, today),
    }
    active = (
        source.volunteers(campaign, shown_ids, spans) if shown_ids else dict.fromkeys(spans, 0)
    )
    rate, rate_series, reports = report_figures(rows, shown, days)
    # Every indicator of every commune the user sees (the ranks are among them all).
    every = indicator_figures(
        campaign,
        list(rows),
        days.first,
        days.last,
        logged_now={commune_id: row.counts.sessions for commune_id, row in rows.items()},
        reports=reports,
    )
    for commune_id, progresses in every.rows.items():
        rows[commune_id].indicators = progresses
    indicators = every if shown == set(rows) else of_one(every, next(iter(shown), None))
    coverage_of, hours = roster_figures(campaign, shown_ids, days.first, days.last)
    coverage = Coverage()
    for commune_id, counted in coverage_of.items():
        rows[commune_id].coverage = counted
        coverage.add(counted)
    ordered = rank(list(rows.values()))
    whole_campaign = bool(shown_ids) and len(shown_ids) == campaign.campaign_communes.count()
    return Board(
        campaign=campaign,
        first=days.first,
        last=days.last,
        today_date=today,
        communes=[row for row in ordered if row.commune.pk in shown],
        ranked_among=len(ordered),
        totals=totals,
        today=today_counts,
        last_7_days=week_counts,
        daily=[(day, by_day.get(day, Counts())) for day in days_between(days.first, days.last)],
        services=services,
        service_days=service_days,
        active_volunteers=active,
        volunteer_hours=hours,
        coverage=coverage,
        sms=sms_counted(campaign, shown_ids, whole_campaign, days.first, days.last),
        rate=rate,
        rate_series=rate_series,
        criteria_count=campaign.readiness_criteria.count(),
        indicators=indicators,
    )


def commune_rows(campaign: Campaign, user) -> dict[int, CommuneRow]:
    """A row for each of the campaign's communes `user` may see, by commune pk."""
    campaign_communes = (
        CampaignCommune.objects.filter(
            campaign=campaign, commune__in=visible_communes(user).values("pk")
        )
        .select_related("commune")
        .annotate(met=Count("readiness_checks"))
    )
    return {
        cc.commune_id: CommuneRow(cc.commune, cc, readiness_met=cc.met) for cc in campaign_communes
    }


def count_sessions(source, campaign, rows, shown_ids, days: Days):
    """Help sessions per commune and day into each row (the window, today and the last
    seven days), and the shown communes' totals and days."""
    shown = set(shown_ids)
    by_day: dict[date, Counts] = defaultdict(Counts)
    for (commune_id, day), values in source.daily(campaign, list(rows), *days.span).items():
        row = rows[commune_id]
        if days.first <= day <= days.last:
            row.counts.add(values)
            if commune_id in shown:
                by_day[day].add(values)
        if days.week_start <= day <= days.today:
            row.last_7_days.add(values)
        if day == days.today:
            row.today.add(values)
    totals, today_counts, week_counts = Counts(), Counts(), Counts()
    for commune_id in shown_ids:
        row = rows[commune_id]
        totals.add(row.counts.values())
        week_counts.add(row.last_7_days.values())
        today_counts.add(row.today.values())
    return totals, today_counts, week_counts, by_day


def service_figures(source, campaign, shown_ids, days: Days):
    """Sessions per service and day, and the catalogue with each service's total."""
    service_days = source.services(campaign, shown_ids, days.first, days.last) if shown_ids else {}
    by_service: dict[int, int] = defaultdict(int)
    for (service_id, _day), count in service_days.items():
        by_service[service_id] += count
    catalogue = ServiceType.objects.filter(
        Q(active=True, province__isnull=True)
        | Q(active=True, province_id=campaign.province_id)
        | Q(pk__in=list(by_service))
    ).order_by("position", "code")
    return service_days, [(service, by_service.get(service.pk, 0)) for service in catalogue]


def report_figures(rows, shown: set, days: Days) -> tuple[Rate, list, list[dict]]:
    """Official reports: the latest of each commune within the days into its row, the
    shown communes' online rate together and over time, and the reports as the
    indicators read them (sessions.dashboard.indicators.REPORT_FIELDS)."""
    row_of = {row.campaign_commune.pk: row for row in rows.values()}
    reports = CommuneReport.objects.filter(
        campaign_commune__in=list(row_of), period_end__range=(days.first, days.last)
    ).order_by("period_end")
    series_totals: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    as_read = []
    for report in reports:
        row = row_of[report.campaign_commune_id]
        report.campaign_commune = row.campaign_commune  # loaded already: no query later
        row.latest_report = report
        as_read.append(
            {
                "commune_id": row.commune.pk,
                "period_end": report.period_end,
                **{name: getattr(report, name) for name in REPORT_SUMS},
            }
        )
        if report.online_rate is not None:
            row.rate_series.append((report.period_end, report.online_rate))
        if row.commune.pk in shown:
            pair = series_totals[report.period_end]
            pair[0] += report.applications_online
            pair[1] += report.applications_received
    rate = Rate()
    for row in rows.values():
        if row.latest_report is None:
            continue
        latest = row.latest_report
        row.rate = Rate(latest.applications_online, latest.applications_received, 1)
        if row.commune.pk in shown:
            rate.online += row.rate.online
            rate.received += row.rate.received
            rate.reports += 1
    rate_series = [
        (day, online * 100 / received)
        for day, (online, received) in sorted(series_totals.items())
        if received
    ]
    return rate, rate_series, as_read


# The national view ----------------------------------------------------------------


@dataclass
class ProvinceRow:
    province: object
    campaigns: list = field(default_factory=list)
    communes: int = 0
    communes_with_target: int = 0
    communes_met_target: int = 0
    citizens_target: int = 0
    citizens_of_communes_with_target: int = 0
    counts: Counts = field(default_factory=Counts)
    today: int = 0
    last_7_days: int = 0
    rate: Rate = field(default_factory=Rate)

    @property
    def citizens(self) -> Progress:
        return Progress(self.citizens_of_communes_with_target, self.citizens_target or None)


@dataclass
class NationalBoard:
    first: date
    last: date
    today_date: date
    provinces: list[ProvinceRow]
    totals: Counts
    today: int
    last_7_days: int
    daily: list[tuple[date, Counts]]
    rate: Rate

    @property
    def chart_days(self) -> list[tuple[date, Counts]]:
        return [(day, counts) for day, counts in self.daily if day <= self.today_date]

    @property
    def communes(self) -> int:
        return sum(row.communes for row in self.provinces)


def national(user, first: date, last: date, *, now=None) -> NationalBoard:
    """Every province in which `user` sees a campaign, side by side, from the rollups
    alone: a few grouped queries over one row per commune and day, however many
    sessions the provinces have logged."""
    days = Days(first, last, timezone.localdate(now or timezone.now()))
    campaigns = list(visible_campaigns(user).select_related("province"))
    visible = visible_communes(user).values("pk")
    provinces: dict[int, ProvinceRow] = {}
    for campaign in sorted(campaigns, key=lambda c: (c.province.code, c.start)):
        row = provinces.setdefault(campaign.province_id, ProvinceRow(campaign.province))
        row.campaigns.append(campaign)
    province_of = {campaign.pk: campaign.province_id for campaign in campaigns}

    targets = {}
    for cc_id, campaign_id, commune_id, target in (
        CampaignCommune.objects.filter(campaign__in=[c.pk for c in campaigns], commune__in=visible)
        .annotate(citizens_target=target_of(CITIZENS))
        .values_list("pk", "campaign_id", "commune_id", "citizens_target")
    ):
        targets[(campaign_id, commune_id)] = (cc_id, target)
        row = provinces[province_of[campaign_id]]
        row.communes += 1
        if target:
            row.communes_with_target += 1
            row.citizens_target += target

    rollups = DailyRollup.objects.filter(
        campaign__in=[c.pk for c in campaigns], commune__in=visible, day__range=days.span
    ).order_by()
    totals, today_total, week_total = national_counts(
        rollups, days, lambda campaign_id: provinces[province_of[campaign_id]], targets
    )
    campaign_of_cc = {cc: key[0] for key, (cc, _t) in targets.items()}
    rate = national_rate(
        campaign_of_cc, days, lambda campaign_id: provinces[province_of[campaign_id]]
    )
    return NationalBoard(
        first=first,
        last=last,
        today_date=days.today,
        provinces=sorted(provinces.values(), key=lambda row: row.province.code),
        totals=totals,
        today=today_total,
        last_7_days=week_total,
        daily=national_days(rollups, days),
        rate=rate,
    )


def national_counts(rollups, days: Days, province_row, targets) -> tuple[Counts, int, int]:
    """Each province's sessions in the days, today and in the last 7 days, and whether
    its communes met their targets; returns the totals of all of them."""
    window = Q(day__range=(days.first, days.last))
    per_commune = rollups.values("campaign_id", "commune_id").annotate(
        **{f"{name}_sum": Coalesce(Sum(name, filter=window), 0) for name in DAILY_COUNTERS},
        today_sessions=Coalesce(Sum("sessions", filter=Q(day=days.today)), 0),
        week_sessions=Coalesce(
            Sum("sessions", filter=Q(day__range=(days.week_start, days.today))), 0
        ),
    )
    totals, today_total, week_total = Counts(), 0, 0
    for item in per_commune:
        row = province_row(item["campaign_id"])
        values = [item[f"{name}_sum"] for name in DAILY_COUNTERS]
        row.counts.add(values)
        totals.add(values)
        row.today += item["today_sessions"]
        row.last_7_days += item["week_sessions"]
        today_total += item["today_sessions"]
        week_total += item["week_sessions"]
        _cc, target = targets.get((item["campaign_id"], item["commune_id"]), (None, None))
        if target:
            row.citizens_of_communes_with_target += item["sessions_sum"]
            row.communes_met_target += item["sessions_sum"] >= target
    return totals, today_total, week_total


def national_days(rollups, days: Days) -> list[tuple[date, Counts]]:
    """Every province's sessions, day by day."""
    by_day = {
        item["day"]: item
        for item in rollups.filter(day__range=(days.first, days.last))
        .values("day")
        .annotate(**{f"{name}_sum": Sum(name) for name in DAILY_COUNTERS})
    }
    daily = []
    for day in days_between(days.first, days.last):
        counts = Counts()
        if day in by_day:
            counts.add([by_day[day][f"{name}_sum"] for name in DAILY_COUNTERS])
        daily.append((day, counts))
    return daily


def national_rate(campaign_of_cc: dict, days: Days, province_row) -> Rate:
    """The latest report of each commune within the days, added up per province and
    over all of them."""
    latest: dict[int, tuple] = {}
    for cc_id, online, received in (
        CommuneReport.objects.filter(
            campaign_commune_id__in=list(campaign_of_cc),
            period_end__range=(days.first, days.last),
        )
        .order_by("period_end")
        .values_list("campaign_commune_id", "applications_online", "applications_received")
    ):
        latest[cc_id] = (online, received)
    rate = Rate()
    for cc_id, (online, received) in latest.items():
        for item in (province_row(campaign_of_cc[cc_id]).rate, rate):
            item.online += online
            item.received += received
            item.reports += 1
    return rate
