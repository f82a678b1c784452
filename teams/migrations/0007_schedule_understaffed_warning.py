"""The warning about tomorrow's short shifts goes to coordinators daily at 17:00 local
time (catch-up is off in Q_CLUSTER, so downtime never replays old warnings)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import migrations

NAME = "teams: warn coordinators of understaffed shifts"
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
AT = time(17, 0)


def next_run_at(now: datetime) -> datetime:
    """The next 17:00 in Vietnam after `now`, as an aware datetime."""
    local = now.astimezone(LOCAL)
    run = datetime.combine(local.date(), AT, tzinfo=LOCAL)
    return run if run > local else run + timedelta(days=1)


def schedule_warning(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name=NAME,
        defaults={
            "func": "teams.staffing.warn_understaffed",
            "schedule_type": "D",  # daily, from next_run
            "repeats": -1,
            "next_run": next_run_at(datetime.now(LOCAL)),
        },
    )


def unschedule_warning(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("teams", "0006_calendar_feeds"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(schedule_warning, unschedule_warning)]
