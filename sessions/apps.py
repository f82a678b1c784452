from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpSessionsConfig(AppConfig):
    name = "sessions"
    # "sessions" is taken by django.contrib.sessions.
    label = "help_sessions"
    verbose_name = _("Help sessions")
