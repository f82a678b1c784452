"""What is kept only for a while (teams.retention) is removed every night at 02:30
local time (catch-up is off in Q_CLUSTER)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import migrations

NAME = "teams: purge expired records"
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
AT = time(2, 30)


def next_run_at(now: datetime) -> datetime:
    local = now.astimezone(LOCAL)
    run = datetime.combine(local.date(), AT, tzinfo=LOCAL)
    return run if run > local else run + timedelta(days=1)


def schedule_purge(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name=NAME,
        defaults={
            "func": "teams.retention.purge_expired_records",
            "schedule_type": "D",
            "repeats": -1,
            "next_run": next_run_at(datetime.now(LOCAL)),
        },
    )


def unschedule_purge(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("teams", "0007_schedule_understaffed_warning")]

    operations = [migrations.RunPython(schedule_purge, unschedule_purge)]
