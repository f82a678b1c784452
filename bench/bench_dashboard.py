"""The organiser dashboard over a million help sessions (issue: organiser dashboard).

Figures
- dashboard_1m_sqlite_ms and dashboard_1m_postgres_ms: Lạng Sơn's campaign, 65
  communes, BENCH_DASHBOARD_SESSIONS (1,000,000) help sessions over its first 30 days
  by 8,800 volunteers, with the roster (8,775 shifts, check-ins on those past), 30,000
  SMS, weekly commune reports and a 16-point readiness checklist; the median of
  RENDERINGS renderings of the province dashboard for an organiser, through the test
  client. Baseline: the same figures with the help sessions aggregated from the sessions
  themselves (sessions.dashboard.figures.RawSource), no template, in the same run. Every
  rendering counts the SMS again (by their campaign tags; nothing is cached).
- dashboard_speedup_vs_naive: that baseline over our time, on PostgreSQL (on SQLite when
  no PostgreSQL answers); dashboard_speedup_vs_naive_sqlite on SQLite.
- dashboard_national_reduced_{engine}_ms: the national view of 34 provinces and 3,321
  communes with BENCH_NATIONAL_SESSIONS (300,000) more sessions in the other 33
  provinces, for a superuser. Baseline: the same per-province figures from the
  sessions. The page reads one rollup row per commune and day, as many at ten million
  sessions as here.
- dashboard_rollup_upkeep_500_{engine}_ms: storing a 500-log batch (the sync API's
  largest) through sessions.recording with its rollups, beside the same batch without.
- dashboard_rollup_rebuild_1m_{engine}_s: `rebuild_rollups` over the million sessions.

The sessions go in through lib.bulk.insert_rows (COPY on PostgreSQL) and their rollups
through sessions.rollups.rebuild (the tests check that rebuilt and incremental rollups
agree with the sessions). Everything made here is deleted at the end.
"""

import os
import random
import statistics
import time as clock
import uuid
from datetime import time, timedelta
from unittest import mock

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench import Figure, stopwatch
from campaign.divisions import load_divisions
from campaign.models import (
    Campaign,
    Commune,
    CommuneReport,
    Indicator,
    IndicatorTarget,
    Province,
    ReadinessCheck,
    ReadinessCriterion,
    Role,
    ServiceType,
    campaign_tag,
)
from lib.bulk import chunks, insert_rows
from notifications.models import Message
from sessions import rollups
from sessions.dashboard.figures import Filters, RawSource, build
from sessions.models import (
    CampaignVolunteerRollup,
    DailyRollup,
    DailyServiceRollup,
    DailyVolunteerRollup,
    HelpSession,
)
from sessions.recording import record_sessions
from teams.models import Assignment, Broadcast, Shift, ShiftSignup, Volunteer
from teams.rota.coverage import local_midnight
from teams.rota.roster import WeeklySlot, generate_roster

POSTGRES_FIGURES = [
    "dashboard_1m_postgres_ms",
    "dashboard_speedup_vs_naive",
    "dashboard_national_reduced_postgres_ms",
    "dashboard_rollup_upkeep_500_postgres_ms",
    "dashboard_rollup_rebuild_1m_postgres_s",
]
SESSIONS = int(os.environ.get("BENCH_DASHBOARD_SESSIONS", "1000000"))
NATIONAL_SESSIONS = int(os.environ.get("BENCH_NATIONAL_SESSIONS", "300000"))
VOLUNTEERS = 8800
DAYS_SO_FAR = 30
RENDERINGS = 9
NAIVE_RENDERINGS = 3
BATCH = 500
UPKEEP_TURNS = 8
CHUNK = 100_000
PHONE_PREFIX = "+8470"  # none of the other benchmarks' numbers
USERNAME = "bench-dashboard-"
CAMPAIGN_NAME = "Bench: 45 ngày đêm"
SLOTS = [
    WeeklySlot(weekday, time(start), time(end), place)
    for weekday in range(7)
    for start, end, place in [
        (7, 11, "Bộ phận một cửa"),
        (13, 17, "Bộ phận một cửa"),
        (18, 21, "Nhà văn hóa thôn"),
    ]
]
SERVICE_WEIGHTS = {
    "eid_account": 30, "eid_level_2": 25, "portal_account": 12, "online_application": 15,
    "online_payment": 8, "certified_copy": 4, "account_safety": 10, "queue_number_app": 5,
    "smartphone_basics": 9, "other": 2,
}  # fmt: skip
OUTCOMES = ["done"] * 15 + ["partly_done"] * 3 + ["referred", "needs_follow_up"]


def median_ms(render, times: int) -> float:
    samples = []
    for _ in range(times):
        start = clock.perf_counter()
        render()
        samples.append((clock.perf_counter() - start) * 1000)
    return statistics.median(samples)


# Making a province's worth of data ----------------------------------------------------


@transaction.atomic
def make_campaign(province, today, rng, *, targets=True):
    campaign = Campaign.objects.create(
        name=CAMPAIGN_NAME,
        province=province,
        start=today - timedelta(days=DAYS_SO_FAR - 1),
        status=Campaign.Status.ACTIVE,
        sms_brand="SỞ TT&TT",
    )
    campaign.add_all_communes()
    if targets:
        indicators = {i.code: i for i in Indicator.objects.filter(province__isnull=True)}
        made = []
        for number, row in enumerate(campaign.campaign_communes.order_by("pk")):
            if number % 13 == 5:
                continue  # a few communes without a target
            for code, value in (
                ("citizens_helped", rng.randrange(15_000, 30_000)),
                ("eid_level_2", rng.randrange(5_000, 12_000)),
                ("online_application_rate", 30),
                ("records_digitised", 900),
                ("online_payments", 400),
            ):
                made.append(
                    IndicatorTarget(campaign_commune=row, indicator=indicators[code], value=value)
                )
        IndicatorTarget.objects.bulk_create(made, batch_size=2000)
    return campaign


@transaction.atomic
def make_volunteers(campaign, communes, count, first_number) -> dict[int, list[int]]:
    """Volunteers living and assigned in `communes`; commune pk -> their pks."""
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    empty = Volunteer._meta.get_field("languages").get_db_prep_save([], connection)
    phones = [f"{PHONE_PREFIX}{first_number + n:07d}" for n in range(count)]
    insert_rows(
        Volunteer,
        ["full_name", "search_name", "phone", "affiliation", "organisation", "home_commune",
         "languages", "skills", "active", "created_at", "updated_at"],
        [
            (f"Tình nguyện viên {n}", f"tinh nguyen vien {n}", phone, "student", "",
             communes[n % len(communes)].pk, empty, empty, True, stamp, stamp)
            for n, phone in enumerate(phones)
        ],
    )  # fmt: skip
    people: dict[int, list[int]] = {}
    for chunk in chunks(phones, 2000):
        for pk, commune_id in Volunteer.objects.filter(phone__in=chunk).values_list(
            "pk", "home_commune_id"
        ):
            people.setdefault(commune_id, []).append(pk)
    insert_rows(
        Assignment,
        ["volunteer", "campaign", "commune", "created_at"],
        [(pk, campaign.pk, commune, stamp) for commune, pks in people.items() for pk in pks],
    )
    return people


@transaction.atomic
def make_sessions(campaign, people, count, today, rng, *, first_id) -> int:
    """`count` help sessions over the campaign's days so far, in COPY-sized chunks,
    each with one or two services. Returns the next free id."""
    now = timezone.now()
    services = dict(ServiceType.objects.filter(code__in=SERVICE_WEIGHTS).values_list("code", "pk"))
    codes, weights = list(SERVICE_WEIGHTS), list(SERVICE_WEIGHTS.values())
    adapt = connection.ops.adapt_datetimefield_value
    # Every minute from 07:00 to 20:00 of every day so far, adapted once.
    moments = [
        adapt(moment)
        for days_ago in range(DAYS_SO_FAR)
        for minute in range(13 * 60)
        if (
            moment := local_midnight(today - timedelta(days=days_ago))
            + timedelta(hours=7, minutes=minute)
        )
        <= now
    ]
    communes = list(people)
    # Bigger and smaller communes: how many of the sessions each gets.
    sizes = [rng.uniform(0.4, 2.0) for _ in communes]
    # Volunteers on duty in a commune on a day: about a third of its people.
    next_id = first_id
    done = 0
    while done < count:
        size = min(CHUNK, count - done)
        rows, links = [], []
        # In the order of the (campaign, commune, time) index, which then grows in runs.
        picked = sorted(
            zip(
                rng.choices(communes, sizes, k=size),
                (rng.randrange(len(moments)) for _ in range(size)),
                strict=True,
            )
        )
        picked_services = rng.choices(codes, weights, k=size * 2)
        for n, (commune, moment_index) in enumerate(picked):
            crew = people[commune]
            day_number = moment_index // 780
            volunteer = crew[(day_number * 7 + rng.randrange(max(1, len(crew) // 3))) % len(crew)]
            moment = moments[moment_index]
            flags = rng.random()
            rows.append(
                (
                    next_id,
                    f"{next_id:032x}",
                    volunteer,
                    campaign.pk,
                    commune,
                    moment,
                    (5, 10, 10, 15, 15, 20, 30, 45)[next_id % 8],
                    "",
                    flags < 0.3,
                    flags > 0.96,
                    0.2 < flags < 0.65,
                    "",
                    "",
                    OUTCOMES[next_id % len(OUTCOMES)],
                    "",
                    "",
                    "",
                    "bench",
                    moment,
                )
            )
            first = picked_services[2 * n]
            links.append((next_id, services[first]))
            if next_id % 4 == 0 and picked_services[2 * n + 1] != first:
                links.append((next_id, services[picked_services[2 * n + 1]]))
            next_id += 1
        insert_rows(
            HelpSession,
            ["id", "uuid", "volunteer", "campaign", "commune", "helped_at", "minutes",
             "procedure", "elderly", "disability", "ethnic_minority", "age_band", "gender",
             "outcome", "note", "citizen_phone", "follow_up", "content_digest", "created_at"],
            rows,
        )  # fmt: skip
        insert_rows(HelpSession.services.through, ["helpsession", "servicetype"], links)
        done += size
    return next_id


class FastLoading:
    """While the data is made: on SQLite a larger page cache and no foreign-key lookups
    on each row, on PostgreSQL no foreign-key triggers queued for each row copied (the
    rows are made consistent here; it needs a superuser, and is skipped without one).
    Everything is put back, and the tables analysed, before anything is timed."""

    def __enter__(self):
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA cache_size = -262144")
                cursor.execute("PRAGMA foreign_keys = OFF")
            elif connection.vendor == "postgresql":
                try:
                    with transaction.atomic():
                        cursor.execute("SET session_replication_role = replica")
                except DatabaseError:
                    pass

    def __exit__(self, *exc):
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA foreign_keys = ON")
                cursor.execute("PRAGMA cache_size = -2000")
            elif connection.vendor == "postgresql":
                cursor.execute("SET session_replication_role = DEFAULT")
        analyse()


def analyse() -> None:
    """Fresh planner statistics, as a database that took its rows over weeks has; on
    PostgreSQL also the visibility map autovacuum keeps, without which no index-only
    scan is possible right after a bulk load."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)" if connection.vendor == "postgresql" else "ANALYZE")


def reset_session_ids() -> None:
    """After rows written with their own ids, new sessions take the next ones."""
    if connection.vendor != "postgresql":
        return
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [HelpSession]):
            cursor.execute(sql)


@transaction.atomic
def make_roster(campaign, communes, people, today) -> int:
    generate_roster(campaign, SLOTS, communes=communes)
    now = timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)
    adapt = connection.ops.adapt_datetimefield_value
    rows = []
    for number, (shift, commune, starts, ends) in enumerate(
        Shift.objects.filter(campaign=campaign).values_list(
            "pk", "commune_id", "starts_at", "ends_at"
        )
    ):
        crew = people[commune]
        past = ends < now
        for place in range(2 if number % 3 else 1):
            volunteer = crew[(number * 2 + place) % len(crew)]
            checked_in = adapt(starts + timedelta(minutes=10)) if past else None
            checked_out = adapt(ends - timedelta(minutes=15)) if past and place == 0 else None
            rows.append((shift, volunteer, "confirmed", checked_in, checked_out, stamp))
    rows = list({(r[0], r[1]): r for r in rows}.values())
    insert_rows(
        ShiftSignup,
        ["shift", "volunteer", "status", "checked_in_at", "checked_out_at", "created_at"],
        rows,
    )
    return len(rows)


@transaction.atomic
def make_messages(campaign, rng) -> int:
    """Two reminders for many sign-ups and one campaign-wide broadcast, in every state."""
    broadcast = Broadcast.objects.create(
        form_token=uuid.uuid4(),
        campaign=campaign,
        text="Chiến dịch 45 ngày đêm: cảm ơn các bạn tình nguyện viên",
        brand="SỞ TT&TT",
        encoding="UCS-2",
        segments_per_message=2,
        recipient_count=VOLUNTEERS,
    )
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    types = ContentType.objects.get_for_models(ShiftSignup, Broadcast)
    statuses = ["delivered"] * 6 + ["sent", "undelivered", "failed", "queued", "cancelled"]
    rows = []
    signups = ShiftSignup.objects.filter(shift__campaign=campaign).values_list(
        "pk", "shift__commune_id"
    )
    for pk, commune_id in list(signups)[:10_500]:
        tag = campaign_tag(campaign.pk, commune_id)
        for when in ("evening", "two-hours"):
            rows.append(
                ("shift_reminder", f"bench:{pk}:{when}", types[ShiftSignup].pk, str(pk), 1, tag)
            )
    for n in range(VOLUNTEERS):
        rows.append(
            ("broadcast", f"bench:broadcast:{n}", types[Broadcast].pk, str(broadcast.pk), 2,
             broadcast.message_tag)
        )  # fmt: skip
    insert_rows(
        Message,
        ["recipient", "text", "language", "kind", "idempotency_key", "status", "urgent",
         "provider", "provider_message_id", "encoding", "segment_count", "attempts",
         "last_error_code", "last_error_reason", "subject_type", "subject_id", "tag",
         "created_at", "updated_at"],
        [
            ("+84912000000", "Nhắc ca trực", "vi", kind, key, rng.choice(statuses), False,
             "console", "", "UCS-2", segments, 1, "", "", content_type, subject, tag, stamp,
             stamp)
            for kind, key, content_type, subject, segments, tag in rows
        ],
    )  # fmt: skip
    return len(rows)


@transaction.atomic
def make_reports_and_readiness(campaign, today, rng) -> int:
    reports = []
    for cc in campaign.campaign_communes.order_by("pk"):
        end = campaign.start + timedelta(days=6)
        rate = rng.uniform(0.5, 2)
        while end < today:
            received = rng.randrange(300, 1200)
            reports.append(
                CommuneReport(
                    campaign_commune=cc,
                    period_start=end - timedelta(days=6),
                    period_end=end,
                    applications_received=received,
                    applications_online=round(received * min(rate, 95) / 100),
                    records_digitised=rng.randrange(50, 300),
                    payments_online=rng.randrange(10, 120),
                )
            )
            rate *= rng.uniform(2, 4)
            end += timedelta(days=7)
    CommuneReport.objects.bulk_create(reports)
    criteria = ReadinessCriterion.objects.bulk_create(
        ReadinessCriterion(campaign=campaign, position=n, text=f"Tiêu chí {n}")
        for n in range(1, 17)
    )
    ReadinessCheck.objects.bulk_create(
        ReadinessCheck(campaign_commune=cc, criterion=criterion, met_on=today)
        for cc in campaign.campaign_communes.all()
        for criterion in criteria[: rng.randrange(8, 17)]
    )
    return len(reports)


# The naive national view -------------------------------------------------------------


def naive_national(campaigns, first, last, today):
    """The national view's per-province figures aggregated from the sessions."""
    week_start = today - timedelta(days=6)
    sessions = HelpSession.objects.filter(
        campaign__in=campaigns,
        helped_at__gte=local_midnight(min(first, week_start)),
        helped_at__lt=local_midnight(max(last, today) + timedelta(days=1)),
    ).order_by()
    window = Q(helped_at__gte=local_midnight(first)) & Q(
        helped_at__lt=local_midnight(last + timedelta(days=1))
    )
    per_commune = list(
        sessions.values("campaign__province_id", "campaign_id", "commune_id").annotate(
            helped=Count("pk", filter=window),
            minutes_sum=Coalesce(Sum("minutes", filter=window), 0),
            groups=Count(
                "pk",
                filter=window & (Q(elderly=True) | Q(disability=True) | Q(ethnic_minority=True)),
            ),
            today_count=Count("pk", filter=Q(helped_at__gte=local_midnight(today))),
            week_count=Count("pk", filter=Q(helped_at__gte=local_midnight(week_start))),
        )
    )
    eid = list(
        sessions.filter(window, outcome="done", services__code__in=rollups.EID_SERVICE_CODES)
        .values("campaign__province_id")
        .annotate(count=Count("pk", distinct=True))
    )
    return per_commune, eid


# Running it --------------------------------------------------------------------------


def run(context):
    engine = context["engine"]
    rng = random.Random(65)
    today = timezone.localdate()
    load_divisions()
    figures = []
    province = Province.objects.get(code="20")
    campaign = make_campaign(province, today, rng)
    communes = list(campaign.communes.order_by("name", "pk"))
    people = make_volunteers(campaign, communes, VOLUNTEERS, 0)
    signups = make_roster(campaign, communes, people, today)
    next_id = (HelpSession.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    with stopwatch() as made, FastLoading():
        next_id = make_sessions(campaign, people, SESSIONS, today, rng, first_id=next_id)
    reset_session_ids()
    messages = make_messages(campaign, rng)
    reports = make_reports_and_readiness(campaign, today, rng)
    with stopwatch() as rebuilt:
        written = rollups.rebuild([campaign.pk])
    analyse()
    print(
        f"  {SESSIONS:,} sessions in {made['seconds']:.1f} s, rollups "
        f"{written} in {rebuilt['seconds']:.1f} s",
        flush=True,
    )

    user = get_user_model().objects.create_user(username=f"{USERNAME}organiser")
    Role.objects.create(user=user, kind=Role.Kind.ORGANISER, province=province)
    client = Client()
    client.force_login(user)
    url = reverse("help_sessions:dashboard", args=[campaign.pk])

    def render_page():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    render_page()  # warm up: templates, URL resolver, connection
    ours = median_ms(render_page, RENDERINGS)

    naive = median_ms(
        lambda: build(campaign, user, Filters(), source=RawSource()), NAIVE_RENDERINGS
    )
    sizes = (
        f"{len(communes)} communes, {SESSIONS:,} sessions, {VOLUNTEERS:,} volunteers, "
        f"{signups:,} sign-ups, {messages:,} SMS, {reports} reports"
    )
    figures.append(
        Figure(
            f"dashboard_1m_{engine}_ms",
            round(ours, 1),
            "ms",
            baseline="the same figures aggregated from the sessions, no template",
            baseline_value=round(naive, 1),
            target="< 300" if engine == "postgres" else "< 1000",
            note=f"{sizes}; median of {RENDERINGS} renderings of the province dashboard",
        )
    )
    from bench.__main__ import postgres_answers

    speedup_names = ["dashboard_speedup_vs_naive_sqlite"] if engine == "sqlite" else []
    if engine == "postgres" or not postgres_answers():
        speedup_names.append("dashboard_speedup_vs_naive")
    for name in speedup_names:
        figures.append(
            Figure(
                name,
                round(naive / ours, 1),
                "×",
                baseline="aggregating the sessions on each request",
                baseline_value=1,
                target="",
                note=f"on {'PostgreSQL' if engine == 'postgres' else 'SQLite'}, {sizes}",
            )
        )
    figures.append(
        Figure(
            f"dashboard_rollup_rebuild_1m_{engine}_s",
            round(rebuilt["seconds"], 2),
            "s",
            note=f"rebuild_rollups over {SESSIONS:,} sessions: "
            + ", ".join(f"{count:,} {table}" for table, count in written.items()),
        )
    )

    # What keeping the rollups costs a sync batch.
    someone = Volunteer.objects.get(pk=people[communes[0].pk][0])
    stamp = timezone.now() - timedelta(minutes=5)

    def batch():
        return [
            {
                "uuid": str(uuid.uuid4()),
                "commune": communes[0].code,
                "helped_at": stamp.isoformat(),
                "services": rng.sample(list(SERVICE_WEIGHTS), 2),
                "priority_groups": ["elderly"] if rng.random() < 0.3 else [],
                "minutes": 10,
            }
            for _ in range(BATCH)
        ]

    record_sessions(someone, batch())  # warm up
    samples = {True: [], False: []}
    for _ in range(UPKEEP_TURNS):  # in turns, so that neither runs on a warmer machine
        for keeping in (True, False):
            logs = batch()
            with mock.patch.object(
                rollups, "add_sessions", rollups.add_sessions if keeping else lambda pairs: None
            ):
                start = clock.perf_counter()
                record_sessions(someone, logs)
                samples[keeping].append((clock.perf_counter() - start) * 1000)
    with_rollups, without = statistics.median(samples[True]), statistics.median(samples[False])
    rollups.rebuild([campaign.pk])  # the batches stored without their rollups
    figures.append(
        Figure(
            f"dashboard_rollup_upkeep_500_{engine}_ms",
            round(with_rollups, 1),
            "ms",
            baseline="the same batch stored without rollups",
            baseline_value=round(without, 1),
            target="",
            note=f"record_sessions of {BATCH} logs, median of {UPKEEP_TURNS} each, in turns",
        )
    )

    # The national view, at reduced scale: every province, fewer sessions.
    others = []
    for other in Province.objects.exclude(pk=province.pk).order_by("code"):
        others.append(make_campaign(other, today, rng))
    other_communes = list(Commune.objects.exclude(province=province).order_by("pk"))
    national_people: dict[int, list[int]] = {}
    by_campaign = {}
    for number, other in enumerate(others):
        mine = [c for c in other_communes if c.province_id == other.province_id]
        crew = make_volunteers(other, mine, len(mine) * 3, VOLUNTEERS + number * 1000)
        national_people.update(crew)
        by_campaign[other.pk] = crew
    share = NATIONAL_SESSIONS // max(len(others), 1)
    next_id = HelpSession.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1
    with FastLoading():
        for other in others:
            next_id = make_sessions(
                other, by_campaign[other.pk], share, today, rng, first_id=next_id
            )
    reset_session_ids()
    rollups.rebuild([other.pk for other in others])
    analyse()
    admin = get_user_model().objects.create_user(
        username=f"{USERNAME}admin", is_superuser=True, is_staff=True
    )
    client.force_login(admin)
    national_url = reverse("help_sessions:dashboard_national")

    def render_national():
        response = client.get(national_url)
        assert response.status_code == 200, response.status_code

    render_national()
    national_ms = median_ms(render_national, RENDERINGS)
    all_campaigns = [campaign, *others]
    first = today - timedelta(days=44)
    naive_national_ms = median_ms(
        lambda: naive_national(all_campaigns, first, today, today), NAIVE_RENDERINGS
    )
    rollup_rows = DailyRollup.objects.count()
    figures.append(
        Figure(
            f"dashboard_national_reduced_{engine}_ms",
            round(national_ms, 1),
            "ms",
            baseline="the same per-province figures aggregated from the sessions",
            baseline_value=round(naive_national_ms, 1),
            target="< 1000",
            note=(
                f"34 provinces, {Commune.objects.count():,} communes, "
                f"{SESSIONS + share * len(others):,} sessions, {rollup_rows:,} daily "
                f"rollup rows; median of {RENDERINGS} renderings"
            ),
        )
    )

    clean_up([campaign, *others])
    return figures


def clean_up(campaigns) -> None:
    """Delete what run() made, in bulk: the sessions first, with plain DELETEs."""
    ids = [c.pk for c in campaigns]
    quote = connection.ops.quote_name
    through = quote(HelpSession.services.through._meta.db_table)
    sessions = quote(HelpSession._meta.db_table)
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        # Identifiers come from model metadata; values go as parameters.
        cursor.execute(
            f"DELETE FROM {through} WHERE helpsession_id IN "  # noqa: S608
            f"(SELECT id FROM {sessions} WHERE campaign_id IN ({placeholders}))",
            ids,
        )
        cursor.execute(f"DELETE FROM {sessions} WHERE campaign_id IN ({placeholders})", ids)  # noqa: S608
    for model in (
        DailyRollup,
        DailyServiceRollup,
        DailyVolunteerRollup,
        CampaignVolunteerRollup,
    ):
        model.objects.filter(campaign_id__in=ids).delete()
    Message.objects.filter(idempotency_key__startswith="bench:").delete()
    Broadcast.objects.filter(campaign_id__in=ids).delete()
    ShiftSignup.objects.filter(shift__campaign_id__in=ids).delete()
    Shift.objects.filter(campaign_id__in=ids).delete()
    Assignment.objects.filter(campaign_id__in=ids).delete()
    Volunteer.objects.filter(phone__startswith=PHONE_PREFIX).delete()
    Campaign.objects.filter(pk__in=ids).delete()
    get_user_model().objects.filter(username__startswith=USERNAME).delete()
