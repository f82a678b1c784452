from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignConfig(AppConfig):
    name = "campaign"
    verbose_name = _("Campaigns and geography")

    def ready(self):
        from campaign.audit import record_admin_change
        from lib.audited_admin import admin_changed

        # Edits in the Django admin land in the audit trail, whatever the app.
        admin_changed.connect(record_admin_change, dispatch_uid="campaign.audit.admin")
