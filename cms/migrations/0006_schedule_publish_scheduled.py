"""Pages scheduled by editors go live (and expire) on time: the task queue runs
Wagtail's `publish_scheduled` every minute (catch-up is off in Q_CLUSTER; one run
publishes everything that is due)."""

from django.db import migrations

NAME = "cms: publish scheduled pages"


def schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.update_or_create(
        name=NAME,
        defaults={
            "func": "cms.tasks.publish_scheduled_pages",
            "schedule_type": "I",  # minutes
            "minutes": 1,
            "repeats": -1,
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0005_unaccent_search_configuration"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
