from django.contrib import admin

from sessions.models import ApiToken, HelpSession


@admin.register(HelpSession)
class HelpSessionAdmin(admin.ModelAdmin):
    list_display = ["helped_at", "commune", "volunteer", "outcome", "campaign"]
    list_filter = ["campaign", "outcome", "services"]
    date_hierarchy = "helped_at"
    search_fields = ["uuid", "volunteer__search_name", "commune__name"]
    list_select_related = ["commune", "volunteer", "campaign"]
    raw_id_fields = ["volunteer", "commune", "campaign", "shift"]
    # The citizen's number is shown to nobody here; the purge and erase_contact remove it.
    exclude = ["citizen_phone"]
    readonly_fields = ["uuid", "content_digest", "created_at", "contact_consent_at"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "created_at", "last_used_at", "revoked_at"]
    raw_id_fields = ["user"]
    # Keys are made by `manage.py create_api_token`, which shows the key once.
    readonly_fields = ["created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False
