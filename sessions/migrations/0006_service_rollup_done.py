from django.db import migrations, models


def count_done(apps, schema_editor):
    """The sessions already logged, counted again with their outcome."""
    from sessions.rollups import rebuild

    rebuild(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("help_sessions", "0005_daily_volunteer_active"),
    ]

    operations = [
        migrations.AddField(
            model_name="dailyservicerollup",
            name="done",
            field=models.PositiveIntegerField(default=0, verbose_name="of which done"),
        ),
        migrations.RunPython(count_done, migrations.RunPython.noop),
    ]
