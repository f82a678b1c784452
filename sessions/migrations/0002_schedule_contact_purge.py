"""Citizens' phone numbers past their campaign's retention period are erased daily at
02:00 local time (catch-up is off in Q_CLUSTER; the next run erases whatever is due)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import migrations

NAME = "help sessions: erase citizens' numbers past retention"
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
AT = time(2, 0)


def next_run_at(now: datetime) -> datetime:
    local = now.astimezone(LOCAL)
    run = datetime.combine(local.date(), AT, tzinfo=LOCAL)
    return run if run > local else run + timedelta(days=1)


def schedule_purge(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.update_or_create(
        name=NAME,
        defaults={
            "func": "sessions.contacts.purge_task",
            "schedule_type": "D",
            "repeats": -1,
            "next_run": next_run_at(datetime.now(LOCAL)),
        },
    )


def unschedule_purge(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("help_sessions", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(schedule_purge, unschedule_purge)]
