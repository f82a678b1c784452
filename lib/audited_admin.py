"""Edits made in the Django admin, announced for the audit trail.

Every app's ModelAdmin mixes in `AuditedAdmin`; `campaign.audit` receives the signal
and writes the event. The signal lives here, below every app, because the apps that
must not import `campaign` (notifications) have admin pages too.

The admin's add and change pages run in one transaction, and so does each deletion
here, so the event is written with the change or not at all. Inline rows added, changed
or deleted with their parent are named in the parent's event by type and field, never
by their text (which may hold a name).
"""

import copy

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.dispatch import Signal

# sender: the model; request, instance, operation ("created", "changed", "deleted"),
# before: a copy of the instance as it was before the change, related: inline changes.
admin_changed = Signal()

INLINE_OPERATIONS = {"added": "created", "changed": "changed", "deleted": "deleted"}


def before_of(instance):
    return copy.copy(instance)


def inline_changes(message) -> list[dict]:
    """The inline rows of an admin change message: their type, what happened, which
    fields; the rows' own text (their __str__) is left out."""
    if not isinstance(message, list):
        return []
    found = []
    for entry in message:
        for operation, data in entry.items():
            if isinstance(data, dict) and "name" in data:
                found.append(
                    {
                        "operation": INLINE_OPERATIONS.get(operation, operation),
                        "type": str(data["name"]),
                        "fields": [str(name) for name in data.get("fields", [])],
                    }
                )
    return found


class AuditedAdmin:
    """Mix into a ModelAdmin before admin.ModelAdmin: its edits reach the audit trail."""

    def get_object(self, request, object_id, from_field=None):
        instance = super().get_object(request, object_id, from_field)
        if instance is not None:
            # Taken before the form writes the posted values into the instance.
            instance._audit_before = before_of(instance)
        return instance

    def announce(self, request, instance, operation, message=None):
        admin_changed.send(
            sender=type(instance),
            request=request,
            instance=instance,
            operation=operation,
            before=getattr(instance, "_audit_before", None) if operation == "changed" else None,
            related=inline_changes(message),
        )

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self.announce(request, obj, "created", message)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self.announce(request, obj, "changed", message)
        obj._audit_before = before_of(obj)
        return entry

    # Deletions are announced where they happen, in their transaction: the admin logs
    # them (log_deletions) before it deletes, outside any transaction for a bulk action.
    def delete_model(self, request, obj):
        with transaction.atomic():
            self.announce(request, obj, "deleted")
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for instance in queryset:
                self.announce(request, instance, "deleted")
            super().delete_queryset(request, queryset)


def scrub_history(model, pks, text: str) -> int:
    """The admin's change history names objects by their text: replace it with `text`
    (a person's data erased on request)."""
    content_type = ContentType.objects.get_for_model(model)
    return LogEntry.objects.filter(
        content_type=content_type, object_id__in=[str(pk) for pk in pks]
    ).update(object_repr=text)
