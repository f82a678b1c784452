"""Everything the task queue runs on a timetable, in one list.

`migrate` writes this list into django-q2's Schedule table (config.apps): a schedule is
found by its name, created when missing, and given the function and period written here
when they differ. A daily run's next time is worked out in Vietnam's time. Catch-up is
off in Q_CLUSTER, so downtime never replays missed runs (they send SMS).
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class Timetable:
    name: str
    func: str  # a function of an app's tasks.py
    every_minutes: int | None = None
    daily_at: time | None = None  # local time in Vietnam

    def next_run(self, now: datetime) -> datetime:
        """When the next run is due after `now`."""
        if self.daily_at is None:
            return now
        local = now.astimezone(VIETNAM)
        run = datetime.combine(local.date(), self.daily_at, tzinfo=VIETNAM)
        return run if run > local else run + timedelta(days=1)


SCHEDULES = [
    Timetable(
        "notifications: sweep the SMS outbox", "notifications.tasks.sweep_outbox", every_minutes=1
    ),
    Timetable(
        "cms: publish scheduled pages", "cms.tasks.publish_scheduled_pages", every_minutes=1
    ),
    Timetable(
        "help sessions: erase citizens' numbers past retention",
        "sessions.tasks.purge_citizen_contacts",
        daily_at=time(2, 0),
    ),
    Timetable(
        "teams: purge expired records", "teams.tasks.purge_expired_records", daily_at=time(2, 30)
    ),
    Timetable(
        "teams: warn coordinators of understaffed shifts",
        "teams.tasks.warn_understaffed",
        daily_at=time(17, 0),
    ),
]


def sync_schedules(now: datetime, using: str = "default") -> None:
    """Make django-q2's Schedule rows say what SCHEDULES says."""
    from django_q.models import Schedule

    for each in SCHEDULES:
        wanted = {
            "func": each.func,
            "schedule_type": Schedule.MINUTES if each.every_minutes else Schedule.DAILY,
            "minutes": each.every_minutes,
            "repeats": -1,
        }
        schedule = Schedule.objects.using(using).filter(name=each.name).first()
        if schedule is None:
            Schedule.objects.using(using).create(
                name=each.name, next_run=each.next_run(now), **wanted
            )
            continue
        changed = {field for field, value in wanted.items() if getattr(schedule, field) != value}
        if each.daily_at is not None and (
            schedule.next_run is None
            or schedule.next_run.astimezone(VIETNAM).time() != each.daily_at
        ):
            schedule.next_run = each.next_run(now)
            changed.add("next_run")
        if changed:
            for field, value in wanted.items():
                setattr(schedule, field, value)
            schedule.save(using=using, update_fields=sorted(changed))
