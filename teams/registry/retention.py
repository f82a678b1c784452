"""Records kept only for a while: import files, message copies, sign-in attempts and
the audit trail itself, each after its own number of days (settings, read from the
environment; 0 keeps them for ever). Citizens' numbers have their own purge, by
campaign (sessions.contacts).

`purge_expired_records` runs daily in the task queue and writes one audit event for
what it removed; a second run the same day finds nothing to do.
"""

from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from campaign import audit
from campaign.audit import purge_audit_events
from campaign.models import AuditEvent
from notifications.personal_data import purge_message_copies
from teams.models import ImportJob


def cutoff(days: int, now):
    return now - timedelta(days=days) if days > 0 else None


def purge_import_files(before) -> int:
    """Uploaded spreadsheets name every person in them: the file goes, the report stays."""
    count = 0
    for job in ImportJob.objects.filter(created_at__lt=before).exclude(file=""):
        if job.is_in_progress:
            continue
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")
        count += 1
    return count


def purge_sign_in_attempts(before) -> int:
    removed = AccessAttempt.objects.filter(attempt_time__lt=before).delete()[0]
    removed += AccessFailureLog.objects.filter(attempt_time__lt=before).delete()[0]
    return removed + AccessLog.objects.filter(attempt_time__lt=before).delete()[0]


def purge_expired_records(now=None) -> dict[str, int]:
    now = now or timezone.now()
    periods = {
        "import_files": (settings.IMPORT_FILE_RETENTION_DAYS, purge_import_files),
        "message_copies": (settings.MESSAGE_HISTORY_RETENTION_DAYS, purge_message_copies),
        "sign_in_attempts": (settings.LOGIN_ATTEMPT_RETENTION_DAYS, purge_sign_in_attempts),
        "audit_events": (settings.AUDIT_EVENT_RETENTION_DAYS, purge_audit_events),
    }
    done = {}
    with transaction.atomic():
        for name, (days, purge) in periods.items():
            before = cutoff(days, now)
            if before is not None:
                done[name] = purge(before)
        if any(done.values()):
            audit.record(
                AuditEvent.Action.PURGE,
                "Expired records removed: "
                + ", ".join(f"{name} {count}" for name, count in done.items() if count),
                details={
                    **done,
                    "retention_days": {name: days for name, (days, _p) in periods.items()},
                },
            )
    return done
