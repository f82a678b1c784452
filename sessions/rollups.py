"""Daily rollups of help sessions, kept exact as sessions are stored and corrected.

    add_sessions([(session, services), ...])   # sessions.recording.store, same transaction
    before = contribution(session, services)   # sessions.recording.correct_session ...
    apply_change(before, contribution(session, new_services))
    rebuild(campaign_ids)                      # manage.py rebuild_rollups, demo data

Per campaign, commune and local day (Asia/Ho_Chi_Minh): the counts of DailyRollup
(citizens helped, minutes, priority groups, e-ID activations), one row per service given
(DailyServiceRollup: the sessions that included it, and those of them done) and one per
volunteer who logged (DailyVolunteerRollup); and per campaign, commune and volunteer over
the whole campaign (CampaignVolunteerRollup).
A province's 45-day campaign has about 3,000 daily rows however many sessions it logs,
so the dashboard reads thousands of rows where the sessions are millions.

Increments are upserts (INSERT ... ON CONFLICT DO UPDATE SET n = n + excluded.n), which
PostgreSQL and SQLite both apply atomically per row; keys are written in sorted order so
two batches never wait on each other's rows in opposite orders. A correction changes the
details of a session, never where or when it happened, so it only moves counts within
the rows the session is already in; a change in the Django admin may move a session to
other rows, and a deletion there counts it out (sessions.admin).
"""

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.apps import apps as installed_apps
from django.db import connection, transaction
from django.db.models import Count, DateField, F, Func, Max, Min, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from lib.bulk import insert_rows

# A session counts as an e-ID activation when one of these services was given and the
# outcome is "done": the account was created or raised to level 2 on the spot.
EID_SERVICE_CODES = frozenset({"eid_account", "eid_level_2"})
DONE = "done"
PRIORITY_GROUPS = ("elderly", "disability", "ethnic_minority")
DAILY_COUNTERS = (
    "sessions",
    "minutes",
    "timed_sessions",
    "elderly",
    "disability",
    "ethnic_minority",
    "priority",
    "eid_activations",
)
DAILY_KEY = ("campaign", "commune", "day")
SERVICE_KEY = ("campaign", "commune", "day", "service")
SERVICE_COUNTERS = ("sessions", "done")
VOLUNTEER_KEY = ("campaign", "commune", "day", "volunteer")
CAMPAIGN_VOLUNTEER_KEY = ("campaign", "commune", "volunteer")


def local_day(moment) -> date:
    """The day in Vietnam's time on which `moment` falls (the rollups' day)."""
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


# SQLite runs TruncDate with a time zone through a Python function for every row: over a
# million sessions that is most of the time. Where the zone keeps one UTC offset over the
# days concerned (Vietnam's has been +07:00 since 1975), plain SQL gives the same day.
OFFSET_CHECK_STEP = timedelta(minutes=30)
OFFSET_CHECK_LIMIT = timedelta(days=3 * 366)


def fixed_offset(zone, first: datetime, last: datetime) -> timedelta | None:
    """The zone's UTC offset if it is the same from `first` to `last` (a day more on
    each side), checked every half hour; None when it changes or the span is too long."""
    start, end = first - timedelta(days=1), last + timedelta(days=1)
    if end - start > OFFSET_CHECK_LIMIT:
        return None
    offsets = set()
    moment = start
    while moment <= end:
        offsets.add(moment.astimezone(zone).utcoffset())
        if len(offsets) > 1:
            return None
        moment += OFFSET_CHECK_STEP
    return offsets.pop() if offsets else None


def local_date(field_name: str, first: datetime | None = None, last: datetime | None = None):
    """The local day of a datetime field, as an expression: TruncDate in the default
    zone, or on SQLite, when the zone has one offset from `first` to `last`, SQLite's own
    date() with that offset, which gives the same day a hundred times faster."""
    zone = timezone.get_default_timezone()
    if connection.vendor == "sqlite" and first is not None and last is not None:
        offset = fixed_offset(zone, first, last)
        if offset is not None:
            return Func(
                F(field_name),
                Value(f"{int(offset.total_seconds()):+d} seconds"),
                function="date",
                output_field=DateField(),
            )
    return TruncDate(field_name, tzinfo=zone)


def is_eid_activation(outcome: str, service_codes) -> bool:
    return outcome == DONE and not EID_SERVICE_CODES.isdisjoint(service_codes)


class Deltas:
    """Changes to the three tables, summed per row key."""

    def __init__(self):
        self.daily: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(DAILY_COUNTERS))
        self.services: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
        self.volunteers: dict[tuple, int] = defaultdict(int)
        self.campaign_volunteers: dict[tuple, int] = defaultdict(int)

    def add(self, session, services, sign: int = 1, *, counted: bool = True) -> None:
        """Count `session` (with its ServiceType list) once more, or once less with
        sign=-1. counted=False leaves the volunteer's row alone (a correction)."""
        key = (session.campaign_id, session.commune_id, local_day(session.helped_at))
        minutes = session.minutes
        groups = [bool(getattr(session, name)) for name in PRIORITY_GROUPS]
        values = (
            1,
            minutes or 0,
            minutes is not None,
            *groups,
            any(groups),
            is_eid_activation(session.outcome, {service.code for service in services}),
        )
        row = self.daily[key]
        for position, value in enumerate(values):
            row[position] += sign * int(value)
        done = session.outcome == DONE
        for service in {service.pk for service in services}:
            counts = self.services[(*key, service)]
            counts[0] += sign
            counts[1] += sign * done
        if counted:
            self.volunteers[(*key, session.volunteer_id)] += sign
            self.campaign_volunteers[
                (session.campaign_id, session.commune_id, session.volunteer_id)
            ] += sign

    def minus(self, other: "Deltas") -> "Deltas":
        """What changes from `other` to this (both built with the same sessions)."""
        change = Deltas()
        for key in self.daily.keys() | other.daily.keys():
            change.daily[key] = [
                mine - theirs
                for mine, theirs in zip(
                    self.daily.get(key, [0] * len(DAILY_COUNTERS)),
                    other.daily.get(key, [0] * len(DAILY_COUNTERS)),
                    strict=True,
                )
            ]
        for key in self.services.keys() | other.services.keys():
            change.services[key] = [
                mine - theirs
                for mine, theirs in zip(
                    self.services.get(key, [0, 0]), other.services.get(key, [0, 0]), strict=True
                )
            ]
        for mine, theirs, changed in (
            (self.volunteers, other.volunteers, change.volunteers),
            (self.campaign_volunteers, other.campaign_volunteers, change.campaign_volunteers),
        ):
            for key in mine.keys() | theirs.keys():
                changed[key] = mine.get(key, 0) - theirs.get(key, 0)
        return change

    def apply(self) -> None:
        """Write the changes: rows that only grow are upserted, rows that shrink (they
        exist: the session being corrected is in them) are updated in place."""
        from sessions.models import (
            CampaignVolunteerRollup,
            DailyRollup,
            DailyServiceRollup,
            DailyVolunteerRollup,
        )

        for model, key_names, counters, rows in (
            (DailyRollup, DAILY_KEY, DAILY_COUNTERS, self.daily.items()),
            (DailyServiceRollup, SERVICE_KEY, SERVICE_COUNTERS, self.services.items()),
            (
                DailyVolunteerRollup,
                VOLUNTEER_KEY,
                ("sessions",),
                self.one_counter(self.volunteers),
            ),
            (
                CampaignVolunteerRollup,
                CAMPAIGN_VOLUNTEER_KEY,
                ("sessions",),
                self.one_counter(self.campaign_volunteers),
            ),
        ):
            growing, shrinking = [], []
            for key, values in sorted(rows):
                if not any(values):
                    continue
                (growing if min(values) >= 0 else shrinking).append((key, values))
            upsert(model, key_names, counters, growing)
            update(model, key_names, counters, shrinking)
            if shrinking:
                remove_empty(model, key_names, [key for key, _values in shrinking])

    @staticmethod
    def one_counter(counts: dict[tuple, int]):
        return ((key, [count]) for key, count in counts.items())


def contribution(session, services, *, volunteer: bool = False) -> Deltas:
    """What one stored session adds to the rollups, for a change to compare before and
    after. A correction leaves the volunteer, the commune and the day as they were;
    volunteer=True counts the volunteer's row too, for changes that may move them."""
    deltas = Deltas()
    deltas.add(session, services, counted=volunteer)
    return deltas


def remove_sessions(pairs) -> None:
    """Count sessions about to be deleted out: `pairs` of (HelpSession, ServiceTypes)."""
    deltas = Deltas()
    for session, services in pairs:
        deltas.add(session, services, sign=-1)
    deltas.apply()


def add_sessions(pairs) -> None:
    """Count newly stored sessions: `pairs` of (HelpSession, list of ServiceType)."""
    deltas = Deltas()
    for session, services in pairs:
        deltas.add(session, services)
    deltas.apply()


def apply_change(before: Deltas, after: Deltas) -> None:
    """A corrected session: move its counts from what it was to what it is."""
    after.minus(before).apply()


# SQL ------------------------------------------------------------------------------


def columns(model, names) -> list[str]:
    return [connection.ops.quote_name(model._meta.get_field(name).column) for name in names]


def key_parameters(key: tuple) -> list:
    return [connection.ops.adapt_datefield_value(v) if isinstance(v, date) else v for v in key]


def upsert(model, key_names, counters, rows) -> None:
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    keys, counts = columns(model, key_names), columns(model, counters)
    placeholders = ", ".join(["%s"] * (len(keys) + len(counts)))
    increments = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in counts)
    # Identifiers come from model metadata and are quoted; values go as parameters.
    sql = (
        f"INSERT INTO {table} ({', '.join(keys + counts)}) VALUES ({placeholders}) "  # noqa: S608
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {increments}"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[*key_parameters(key), *values] for key, values in rows])


def update(model, key_names, counters, rows) -> None:
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    keys, counts = columns(model, key_names), columns(model, counters)
    changes = ", ".join(f"{c} = {c} + %s" for c in counts)
    where = " AND ".join(f"{k} = %s" for k in keys)
    sql = f"UPDATE {table} SET {changes} WHERE {where}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[*values, *key_parameters(key)] for key, values in rows])


def remove_empty(model, key_names, keys) -> None:
    """Rows a change emptied (a service taken off its only session) go."""
    table = connection.ops.quote_name(model._meta.db_table)
    where = " AND ".join(f"{k} = %s" for k in columns(model, key_names))
    sql = f"DELETE FROM {table} WHERE sessions = 0 AND {where}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, [key_parameters(key) for key in keys])


# Rebuilding -----------------------------------------------------------------------

TABLES = (
    ("DailyRollup", DAILY_KEY, DAILY_COUNTERS),
    ("DailyServiceRollup", SERVICE_KEY, SERVICE_COUNTERS),
    ("DailyVolunteerRollup", VOLUNTEER_KEY, ("sessions",)),
    ("CampaignVolunteerRollup", CAMPAIGN_VOLUNTEER_KEY, ("sessions",)),
)


def counted_from_sessions(campaign_ids=None, *, apps=installed_apps) -> dict[str, list[tuple]]:
    """The rows each table should hold, counted from the sessions themselves: a few
    GROUP BY queries. Keys are (campaign id, commune id, day[, service or volunteer id])."""
    HelpSession = apps.get_model("help_sessions", "HelpSession")
    Through = HelpSession._meta.get_field("services").remote_field.through
    sessions = HelpSession.objects.order_by()
    links = Through.objects.order_by()
    if campaign_ids is not None:
        sessions = sessions.filter(campaign_id__in=campaign_ids)
        links = links.filter(helpsession__campaign_id__in=campaign_ids)
    span = sessions.aggregate(first=Min("helped_at"), last=Max("helped_at"))
    day = local_date("helped_at", span["first"], span["last"])
    link_day = local_date("helpsession__helped_at", span["first"], span["last"])
    key = ("campaign_id", "commune_id", "day")
    link_key = ("helpsession__campaign_id", "helpsession__commune_id", "day")

    eid = {
        tuple(row[:3]): row[3]
        for row in links.filter(servicetype__code__in=EID_SERVICE_CODES, helpsession__outcome=DONE)
        .annotate(day=link_day)
        .values(*link_key)
        .annotate(count=Count("helpsession_id", distinct=True))
        .values_list(*link_key, "count")
    }
    groups = {f"{name}_count": Count("pk", filter=Q(**{name: True})) for name in PRIORITY_GROUPS}
    daily = [
        (*row, eid.get(tuple(row[:3]), 0))
        for row in sessions.annotate(day=day)
        .values(*key)
        .annotate(
            count=Count("pk"),
            minutes_sum=Coalesce(Sum("minutes"), 0),
            timed=Count("minutes"),
            **groups,
            any_group=Count(
                "pk", filter=Q(elderly=True) | Q(disability=True) | Q(ethnic_minority=True)
            ),
        )
        .values_list(*key, "count", "minutes_sum", "timed", *groups, "any_group")
    ]
    services = list(
        links.annotate(day=link_day)
        .values(*link_key, "servicetype_id")
        .annotate(count=Count("pk"), done=Count("pk", filter=Q(helpsession__outcome=DONE)))
        .values_list(*link_key, "servicetype_id", "count", "done")
    )
    volunteers = list(
        sessions.annotate(day=day)
        .values(*key, "volunteer_id")
        .annotate(count=Count("pk"))
        .values_list(*key, "volunteer_id", "count")
    )
    campaign_volunteers: dict[tuple, int] = defaultdict(int)
    for campaign_id, commune_id, _day, volunteer_id, count in volunteers:
        campaign_volunteers[(campaign_id, commune_id, volunteer_id)] += count
    return {
        "DailyRollup": daily,
        "DailyServiceRollup": services,
        "DailyVolunteerRollup": volunteers,
        "CampaignVolunteerRollup": [(*key, count) for key, count in campaign_volunteers.items()],
    }


def stored_rows(campaign_ids=None, *, apps=installed_apps) -> dict[str, list[tuple]]:
    """The rows the tables hold now, in the shape of counted_from_sessions."""
    stored = {}
    for name, key_names, counters in TABLES:
        rows = apps.get_model("help_sessions", name).objects.order_by()
        if campaign_ids is not None:
            rows = rows.filter(campaign_id__in=campaign_ids)
        stored[name] = list(
            rows.values_list(*(f"{n}_id" if n != "day" else n for n in key_names), *counters)
        )
    return stored


def differences(campaign_ids=None) -> dict[str, int]:
    """Per table, how many rows differ between the rollups and the sessions (none when
    the rollups are exact). Rows counting nothing are no difference."""
    counted, stored = counted_from_sessions(campaign_ids), stored_rows(campaign_ids)
    found = {}
    for name, key_names, _counters in TABLES:
        width = len(key_names)

        def as_dict(rows, width=width):
            return {tuple(row[:width]): tuple(row[width:]) for row in rows if any(row[width:])}

        mine, theirs = as_dict(stored[name]), as_dict(counted[name])
        found[name] = sum(mine.get(key) != theirs.get(key) for key in mine.keys() | theirs.keys())
    return found


def rebuild(campaign_ids=None, *, apps=installed_apps) -> dict[str, int]:
    """Make the rollups of `campaign_ids` (every campaign when None) again from their
    sessions, in one transaction; returns the rows written per table.

    On PostgreSQL the sessions table is locked against writes meanwhile (reads go on),
    so no session stored during the rebuild is counted twice or missed. `apps` lets a
    migration run it with its historical models.
    """
    if campaign_ids is not None:
        campaign_ids = list(campaign_ids)
    HelpSession = apps.get_model("help_sessions", "HelpSession")
    written = {}
    with transaction.atomic():
        if connection.vendor == "postgresql":
            table = connection.ops.quote_name(HelpSession._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {table} IN SHARE MODE")
        for name, _key_names, _counters in TABLES:
            rows = apps.get_model("help_sessions", name).objects.all()
            if campaign_ids is not None:
                rows = rows.filter(campaign_id__in=campaign_ids)
            rows.delete()  # one DELETE: nothing refers to these rows
        counted = counted_from_sessions(campaign_ids, apps=apps)
        for name, key_names, counters in TABLES:
            model = apps.get_model("help_sessions", name)
            width = len(key_names)
            # An older migration's model may lack a counter added since: leave it out.
            kept = [i for i, c in enumerate(counters) if hasattr(model, c)]
            insert_rows(
                model,
                [*key_names, *(counters[i] for i in kept)],
                [
                    (*key_parameters(row[:width]), *(row[width + i] for i in kept))
                    for row in counted[name]
                ],
            )
            written[name] = len(counted[name])
    return written
