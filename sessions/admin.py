from django.contrib import admin

from lib.audited_admin import AuditedAdmin
from sessions import rollups
from sessions.models import ApiToken, HelpSession


@admin.register(HelpSession)
class HelpSessionAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["helped_at", "commune", "volunteer", "outcome", "campaign"]
    list_filter = ["campaign", "outcome", "services"]
    date_hierarchy = "helped_at"
    search_fields = ["uuid", "volunteer__search_name", "commune__name"]
    list_select_related = ["commune", "volunteer", "campaign"]
    raw_id_fields = ["volunteer", "commune", "campaign", "shift"]
    # The citizen's number is shown to nobody here; the purge and erase_contact remove it.
    exclude = ["citizen_phone"]
    readonly_fields = ["uuid", "content_digest", "created_at", "contact_consent_at"]

    # The dashboard's daily rollups follow every change made here (sessions.rollups).

    def save_model(self, request, obj, form, change):
        if change:
            stored = HelpSession.objects.get(pk=obj.pk)
            obj.counted_before = rollups.contribution(
                stored, list(stored.services.all()), volunteer=True
            )
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        session = form.instance
        rollups.apply_change(
            getattr(session, "counted_before", None) or rollups.Deltas(),
            rollups.contribution(session, list(session.services.all()), volunteer=True),
        )

    def delete_model(self, request, obj):
        rollups.remove_sessions([(obj, list(obj.services.all()))])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        rollups.remove_sessions(
            (session, list(session.services.all()))
            for session in queryset.prefetch_related("services")
        )
        super().delete_queryset(request, queryset)


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "user", "created_at", "last_used_at", "revoked_at"]
    raw_id_fields = ["user"]
    # Keys are made by `manage.py create_api_token`, which shows the key once.
    readonly_fields = ["created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False
