from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("SMS and notifications")

    def ready(self):
        from notifications import kinds

        # send_sms and send_zalo: names its own template, if any.
        kinds.register("operator_test", _("Test message"))
