"""The task queue's timetable (config/schedules.py) reaches django-q2 on every migrate."""

from datetime import datetime, time
from importlib import import_module

import pytest
from django.utils import timezone
from django_q.models import Schedule

from config.schedules import SCHEDULES, VIETNAM, sync_schedules


@pytest.mark.parametrize("timetable", SCHEDULES, ids=lambda each: each.name)
def test_every_scheduled_function_is_a_task_the_queue_can_import(timetable):
    module, name = timetable.func.rsplit(".", 1)
    assert module.endswith(".tasks")
    assert callable(getattr(import_module(module), name))


def test_migrate_writes_every_schedule_once(db):
    names = [each.name for each in SCHEDULES]
    assert sorted(Schedule.objects.values_list("name", flat=True)) == sorted(names)
    for each in SCHEDULES:
        schedule = Schedule.objects.get(name=each.name)
        assert schedule.func == each.func
        assert schedule.repeats == -1


def test_a_schedule_left_with_an_old_function_is_mended_and_keeps_its_next_run(db):
    sweep = SCHEDULES[0]
    schedule = Schedule.objects.get(name=sweep.name)
    schedule.func = "notifications.sending.sweep_outbox"
    schedule.save()
    next_run = schedule.next_run
    sync_schedules(timezone.now())
    schedule.refresh_from_db()
    assert (schedule.func, schedule.next_run) == (sweep.func, next_run)


def test_a_daily_run_moved_to_another_hour_gets_its_next_run_at_that_hour(db):
    daily = next(each for each in SCHEDULES if each.daily_at == time(17, 0))
    schedule = Schedule.objects.get(name=daily.name)
    schedule.next_run = datetime(2026, 12, 8, 9, 0, tzinfo=VIETNAM)
    schedule.save()
    sync_schedules(datetime(2026, 12, 7, 18, 0, tzinfo=VIETNAM))
    schedule.refresh_from_db()
    assert schedule.next_run == datetime(2026, 12, 8, 17, 0, tzinfo=VIETNAM)


def test_a_missing_schedule_is_created_with_its_next_local_run(db):
    Schedule.objects.all().delete()
    sync_schedules(datetime(2026, 12, 7, 1, 0, tzinfo=VIETNAM))
    purge = Schedule.objects.get(func="sessions.tasks.purge_citizen_contacts")
    assert purge.schedule_type == Schedule.DAILY
    assert purge.next_run == datetime(2026, 12, 7, 2, 0, tzinfo=VIETNAM)
    assert Schedule.objects.count() == len(SCHEDULES)
