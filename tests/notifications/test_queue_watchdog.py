"""check_task_queue: tells a queue that runs tasks from one that stopped (the watchdog
restarts the worker when it fails)."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_q.models import Schedule, Task

SWEEP = "notifications: sweep the SMS outbox"


def finished(minutes_ago, *, success=True, name="sweep"):
    stopped = timezone.now() - timedelta(minutes=minutes_ago)
    Task.objects.create(
        id=f"{name}-{minutes_ago}-{success}", name=name,
        func="notifications.tasks.sweep_outbox", started=stopped - timedelta(seconds=1),
        stopped=stopped, success=success,
    )  # fmt: skip


def check(*args):
    out = StringIO()
    call_command("check_task_queue", *args, stdout=out)
    return out.getvalue()


def test_the_sweep_is_scheduled_by_the_migrations(db):
    assert Schedule.objects.filter(name=SWEEP, minutes=1).exists()


def test_a_queue_that_finished_a_task_a_minute_ago_is_ok(db):
    finished(9)
    finished(1)
    assert re.match(r"ok: the last task finished 6\d s ago", check())


def test_a_failed_task_also_shows_the_queue_is_running(db):
    finished(1, success=False)
    assert check().startswith("ok")


def test_a_queue_that_finished_nothing_for_longer_than_allowed_fails(db):
    finished(7)
    with pytest.raises(CommandError, match="no task for 7 minutes"):
        check()
    assert check("--max-minutes", "10").startswith("ok")


def test_a_queue_that_never_finished_a_task_fails(db):
    with pytest.raises(CommandError, match="has not finished a task yet"):
        check()


def test_nothing_scheduled_means_nothing_to_check(db):
    Schedule.objects.all().delete()
    assert "nothing to check" in check()


def test_a_too_short_limit_is_refused_naming_the_option(db):
    with pytest.raises(CommandError, match="--max-minutes: at least 2"):
        check("--max-minutes", "1")
