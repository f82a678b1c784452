from django.apps import AppConfig
from django.db.models.signals import post_migrate


class WiringConfig(AppConfig):
    """The wiring as an app, for what must happen once every app is there: the queue's
    timetable (config/schedules.py) written after each `migrate`, and the header's roles
    (config/navigation.py) read on sign-in."""

    name = "config"
    verbose_name = "Digihelp"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from config.navigation import remember_roles

        user_logged_in.connect(remember_roles, dispatch_uid="config.navigation")
        post_migrate.connect(
            write_schedules, sender=self.apps.get_app_config("django_q"), weak=False
        )


def write_schedules(sender, using="default", **kwargs):
    from django.utils import timezone

    from config.schedules import sync_schedules

    sync_schedules(timezone.now(), using=using)
