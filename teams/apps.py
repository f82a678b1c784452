from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = _("Teams and volunteers")

    def ready(self):
        from notifications.signals import opt_out_changed
        from teams.registry.trail import record_opt_out

        # Opt-outs recorded by the link, the webhooks or the send itself, in the trail.
        opt_out_changed.connect(record_opt_out, dispatch_uid="teams.registry.trail.opt_out")

        from teams.notices import register_kinds

        register_kinds()
