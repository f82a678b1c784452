"""The audit trail: one call wherever personal data leaves or is erased, and wherever
volunteers, teams, shifts, help sessions, opt-outs or settings change.

record(AuditEvent.Action.EXPORT, "Help sessions, 1,204 rows (.xlsx)", actor=user,
       province=campaign.province, details={"filters": {...}})

record_change(volunteer, "changed", actor=user, before=before)

Call it inside the transaction that makes the change, so that the trail and the data
never disagree. A change names its fields: old and new values for the others, only
"changed" for the personal ones (names, phone numbers, notes, a citizen's
circumstances), so the trail itself holds no personal data.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from campaign.models import AuditEvent, Province, Role
from lib.moments import iso

# Fields whose values never enter the trail, whatever the model; a model can name more
# in an `AUDIT_PERSONAL_FIELDS` attribute.
PERSONAL_FIELDS = frozenset(
    {
        "full_name",
        "first_name",
        "last_name",
        "email",
        "username",
        "password",
        "phone",
        "citizen_phone",
        "recipient",
        "organisation",
        "languages",
        "skills",
        "note",
        "text",
        # A citizen's circumstances, as a help session records them.
        "age_band",
        "gender",
        "elderly",
        "disability",
        "ethnic_minority",
    }
)
# Bookkeeping that changes with every save and says nothing about the change.
IGNORED_FIELDS = frozenset({"id", "created_at", "updated_at", "corrected_at"})

# What happened to the object, as the page shows it.
OPERATIONS = {
    "created": pgettext_lazy("what happened to a record", "created"),
    "changed": pgettext_lazy("what happened to a record", "changed"),
    "deleted": pgettext_lazy("what happened to a record", "deleted"),
    "cancelled": gettext_lazy("cancelled"),
    "corrected": gettext_lazy("corrected"),
    "generated": gettext_lazy("generated"),
    "imported": gettext_lazy("imported"),
    "opted_out": gettext_lazy("opted out"),
    "opted_in": gettext_lazy("opted back in"),
    "erased": gettext_lazy("erased"),
    "exported": gettext_lazy("exported"),
}


def subject_label(instance_or_model) -> str:
    """The name an event gives an object's type: the model's label, "teams.volunteer"."""
    return instance_or_model._meta.label_lower


def personal_fields_of(model) -> frozenset:
    return PERSONAL_FIELDS | frozenset(getattr(model, "AUDIT_PERSONAL_FIELDS", ()))


def plain(value):
    """A value as JSON holds it."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, date):  # a datetime too
        return iso(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    return str(value)


def snapshot(instance) -> dict:
    """The audited fields of `instance` as they are now: foreign keys by their id,
    fields nobody edits (digests, tokens) and bookkeeping left out."""
    return {
        field.name: plain(field.value_from_object(instance))
        for field in instance._meta.concrete_fields
        if field.editable and field.name not in IGNORED_FIELDS
    }


def changed_fields(model, before: dict | None, after: dict | None) -> dict:
    """Field -> {"from": old, "to": new}, or {"changed": True} for personal fields."""
    before, after = before or {}, after or {}
    personal = personal_fields_of(model)
    changes = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old == new or (not before and new in (None, "", [], {})):
            continue
        changes[name] = {"changed": True} if name in personal else {"from": old, "to": new}
    return changes


def related(instance, path: str):
    for name in path.split("."):
        if instance is None:
            return None
        instance = getattr(instance, name, None)
    return instance


COMMUNE_PATHS = (
    "commune",
    "home_commune",
    "team.commune",
    "shift.commune",
    "campaign_commune.commune",
)
PROVINCE_PATHS = ("province", "campaign.province", "campaign_commune.campaign.province")


def place_of(instance, actor=None):
    """(province, commune) an object belongs to, for scoping its events.

    Its own commune first, then its province; a volunteer with neither is placed by their
    first team, and anything else by the one province the acting user works in.
    """
    commune = next(
        (c for c in (related(instance, path) for path in COMMUNE_PATHS) if c is not None), None
    )
    if commune is None and hasattr(instance, "memberships") and instance.pk:
        membership = instance.memberships.select_related("team__commune").first()
        commune = membership.team.commune if membership else None
    if commune is not None:
        return commune.province, commune
    province = next(
        (p for p in (related(instance, path) for path in PROVINCE_PATHS) if p is not None), None
    )
    if province is None:
        province = actor_province(actor)
    return province, None


def actor_province(actor):
    """The one province the user works in (their roles'), or None for none or several."""
    if actor is None or not actor.is_authenticated:
        return None
    provinces = set(
        Role.objects.filter(user=actor, province__isnull=False).values_list("province", flat=True)
    )
    return Province.objects.get(pk=provinces.pop()) if len(provinces) == 1 else None


def record(
    action,
    summary: str,
    *,
    actor=None,
    province=None,
    commune=None,
    subject=None,
    subject_type: str = "",
    subject_id="",
    details=None,
) -> AuditEvent:
    if actor is not None and not actor.is_authenticated:
        actor = None
    if subject is not None:
        subject_type = subject_type or subject_label(subject)
        subject_id = subject_id or subject.pk
    province_id = getattr(province, "pk", province)
    if province_id is None and commune is not None:
        province_id = commune.province_id
    return AuditEvent.objects.create(
        action=action,
        summary=str(summary)[:300],
        actor=actor,
        province_id=province_id,
        commune=commune,
        subject_type=subject_type,
        subject_id="" if subject_id is None else str(subject_id),
        details=details or {},
    )


def describe(model, pk, operation: str, fields=()) -> str:
    """ "Volunteer #12 changed: phone, home commune" in the language of the moment."""
    text = _("%(object)s #%(id)s %(operation)s") % {
        "object": str(model._meta.verbose_name).capitalize(),
        "id": pk,
        "operation": OPERATIONS.get(operation, operation),
    }
    names = [field_label(model, name) for name in fields]
    return f"{text}: {', '.join(names)}" if names else text


def field_label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a name that is no field, such as "readiness_criteria"
        return name


def record_change(
    instance,
    operation: str,
    *,
    actor=None,
    before: dict | None = None,
    action=AuditEvent.Action.CHANGE,
    details=None,
    place=None,
    pk=None,
    force=False,
):
    """One event for one object created, changed, deleted or otherwise acted on.

    `before` is the `snapshot` taken before the change (None for a new object); for a
    deletion take the place before deleting and pass it. A change that changed no field
    writes nothing and returns None, unless `force`.
    """
    model = type(instance)
    if operation == "deleted":
        fields = {}
    else:
        fields = changed_fields(model, before, snapshot(instance))
        if operation == "changed" and not fields and not force:
            return None
    province, commune = place if place is not None else place_of(instance, actor)
    pk = pk if pk is not None else instance.pk
    return record(
        action,
        describe(model, pk, operation, fields),
        actor=actor,
        province=province,
        commune=commune,
        subject_type=subject_label(model),
        subject_id=pk,
        details={"operation": operation, "fields": fields, **(details or {})},
    )


class Tracked:
    """A change in the making: `with Tracked(obj, actor=user): obj.save()`, or
    `tracked = Tracked(obj, ...)` before and `tracked.done()` after the save."""

    def __init__(self, instance, *, actor=None, operation=None, details=None):
        self.instance = instance
        self.actor = actor
        self.new = instance.pk is None
        self.before = None if self.new else snapshot(instance)
        self.operation = operation
        self.details = details

    def done(self, **details):
        operation = self.operation or ("created" if self.new else "changed")
        return record_change(
            self.instance,
            operation,
            actor=self.actor,
            before=self.before,
            details={**(self.details or {}), **details} or None,
            force=bool(details),
        )

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if kind is None:
            self.done()
        return False


def record_deletion(instance, *, actor=None, details=None):
    """Call before deleting (the object still knows where it belongs)."""
    return record_change(
        instance,
        "deleted",
        actor=actor,
        place=place_of(instance, actor),
        pk=instance.pk,
        details=details,
    )


def record_admin_change(
    sender, *, request, instance, operation, before=None, related=(), **kwargs
):
    """Receives `lib.audited_admin.admin_changed`: an edit in the Django admin."""
    details = {"via": "admin"}
    if related:
        details["related"] = list(related)
    if operation == "deleted":
        return record_deletion(instance, actor=request.user, details=details)
    return record_change(
        instance,
        operation,
        actor=request.user,
        before=snapshot(before) if before is not None else None,
        details=details,
        force=bool(related),
    )


# What an import writes: its name, and the type of object its event is about.
IMPORT_KINDS = {
    "members": (gettext_lazy("Teams and volunteers"), "teams.volunteer"),
    "assignments": (gettext_lazy("Assignments"), "teams.assignment"),
    "commune_reports": (gettext_lazy("Commune reports"), "campaign.communereport"),
    "targets": (gettext_lazy("Targets"), "campaign.indicatortarget"),
}


def import_recorder(kind: str, *, actor=None, province=None, filename: str = "", **details):
    """An `on_written` callback for the importers: one event per import run, not per row."""

    def record_import(report):
        what, subject_type = IMPORT_KINDS[kind]
        counts = {
            name: getattr(report, name)
            for name in ("rows", "created", "updated", "unchanged", "skipped")
        }
        record(
            AuditEvent.Action.IMPORT,
            _("%(what)s imported from a spreadsheet: %(created)s created, %(updated)s updated")
            % {"what": what, "created": report.created, "updated": report.updated},
            actor=actor,
            province=province,
            subject_type=subject_type,
            details={"kind": kind, "file": filename, **counts, **details},
        )

    return record_import


def purge_audit_events(before) -> int:
    """The trail itself is kept only for a while (AUDIT_EVENT_RETENTION_DAYS)."""
    return AuditEvent.objects.filter(created_at__lt=before).delete()[0]
