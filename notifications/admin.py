from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lib.audited_admin import AuditedAdmin
from notifications import kinds, zalo
from notifications.models import (
    Message,
    MessageAttempt,
    OptOut,
    ZaloConnection,
    ZaloTemplate,
    ZaloTemplateParam,
)
from notifications.providers import ProviderError


class MessageAttemptInline(admin.TabularInline):
    model = MessageAttempt
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in MessageAttempt._meta.fields]


@admin.register(Message)
class MessageAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = [
        "recipient",
        "kind",
        "channel",
        "status",
        "segment_count",
        "attempts",
        "created_at",
    ]
    list_filter = ["channel", "status", "fallback_reason", "kind", "encoding", "last_error_code"]
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


class ZaloTemplateForm(forms.ModelForm):
    kind = forms.ChoiceField(
        label=capfirst(gettext_lazy("kind of notification")), choices=kinds.choices
    )

    class Meta:
        model = ZaloTemplate
        fields = ["kind", "template_id", "name", "status"]


class ZaloTemplateParamForm(forms.ModelForm):
    field = forms.ChoiceField(
        label=capfirst(gettext_lazy("filled with")), choices=kinds.field_choices
    )

    class Meta:
        model = ZaloTemplateParam
        fields = ["name", "field", "max_length"]

    def __init__(self, *args, kind: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        known = kinds.KINDS.get(kind or "")
        if known is not None and known.fields:  # the kind's own values, not every kind's
            self.fields["field"].choices = [
                (name, str(label)) for name, label in known.fields.items()
            ]

    def clean(self):
        cleaned = super().clean()
        kind = kinds.KINDS.get(self.kind or "")
        field = cleaned.get("field")
        if kind is not None and field and field not in kind.fields:
            raise ValidationError(
                {
                    "field": _("A notification of kind “%(kind)s” has no value “%(field)s”.")
                    % {"kind": kind.label, "field": field}
                }
            )
        return cleaned


class ZaloTemplateParamFormSet(BaseInlineFormSet):
    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "kind": self.instance.kind}


class ZaloTemplateParamInline(admin.TabularInline):
    model = ZaloTemplateParam
    form = ZaloTemplateParamForm
    formset = ZaloTemplateParamFormSet
    extra = 1


@admin.register(ZaloTemplate)
class ZaloTemplateAdmin(AuditedAdmin, admin.ModelAdmin):
    form = ZaloTemplateForm
    list_display = ["template_id", "kind_label", "name", "status", "status_checked_at"]
    list_filter = ["status"]
    search_fields = ["template_id", "name", "kind"]
    inlines = [ZaloTemplateParamInline]
    actions = ["check_with_zalo"]

    @admin.display(description=gettext_lazy("kind of notification"), ordering="kind")
    def kind_label(self, template):
        return kinds.label(template.kind)

    @admin.action(description=gettext_lazy("Ask Zalo for the templates' review status"))
    def check_with_zalo(self, request, queryset):
        if not zalo.enabled():
            self.message_user(request, _("Zalo is off or not connected."), messages.ERROR)
            return
        client = zalo.Zalo()
        for template in queryset:
            try:
                status = client.template_status(template.template_id)
            except ProviderError as error:
                self.message_user(
                    request,
                    _("Template %(id)s: Zalo did not answer (%(reason)s).")
                    % {"id": template.template_id, "reason": error.reason},
                    messages.WARNING,
                )
                continue
            ZaloTemplate.objects.filter(pk=template.pk).update(
                status=status, status_checked_at=timezone.now()
            )
            self.message_user(
                request,
                _("Template %(id)s: %(status)s.")
                % {"id": template.template_id, "status": ZaloTemplate.Status(status).label},
            )


@admin.register(ZaloConnection)
class ZaloConnectionAdmin(admin.ModelAdmin):
    """What the connection holds, to look at: tokens are never shown."""

    list_display = ["refreshed_at", "access_token_expires_at", "quota_day", "remaining_quota"]
    fields = [
        "connected_at",
        "refreshed_at",
        "access_token_expires_at",
        "quota_day",
        "daily_quota",
        "remaining_quota",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # manage.py zalo_connect
