from django.contrib import admin

from lib.audited_admin import AuditedAdmin
from notifications.models import Message, MessageAttempt, OptOut


class MessageAttemptInline(admin.TabularInline):
    model = MessageAttempt
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in MessageAttempt._meta.fields]


@admin.register(Message)
class MessageAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["recipient", "kind", "status", "segment_count", "attempts", "created_at"]
    list_filter = ["status", "kind", "encoding", "last_error_code"]
    search_fields = ["recipient", "idempotency_key", "provider_message_id"]
    readonly_fields = [f.name for f in Message._meta.fields]
    inlines = [MessageAttemptInline]

    def has_add_permission(self, request):
        return False  # messages are queued through notifications.outbox


@admin.register(OptOut)
class OptOutAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["phone", "source", "created_at", "ended_at"]
    list_filter = ["source"]
    search_fields = ["phone"]
