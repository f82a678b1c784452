"""The audit trail: one call wherever personal data leaves or is erased.

record(AuditEvent.Action.EXPORT, "Help sessions, 1,204 rows (.xlsx)", actor=user,
       province=campaign.province, details={"filters": {...}})
"""

from campaign.models import AuditEvent


def record(action, summary: str, *, actor=None, province=None, details=None) -> AuditEvent:
    if actor is not None and not actor.is_authenticated:
        actor = None
    return AuditEvent.objects.create(
        action=action, summary=summary[:300], actor=actor, province=province, details=details or {}
    )
