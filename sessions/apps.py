from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpSessionsConfig(AppConfig):
    name = "sessions"
    # "sessions" is taken by django.contrib.sessions.
    label = "help_sessions"
    verbose_name = _("Help sessions")

    def ready(self):
        from notifications import kinds
        from sessions.followups import KIND, VALUES
        from teams.broadcasts.message_log import KINDS

        kinds.register(KIND, KINDS[KIND], VALUES)
