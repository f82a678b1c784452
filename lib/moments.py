"""Times and days as the audit trail and personal-data exports write them: ISO 8601,
times in Vietnam's time."""

from datetime import date, datetime

from django.utils import timezone


def iso(value: date | datetime) -> str:
    """A day as 2026-12-07, a time as 2026-12-07T09:30:00+07:00 (local time)."""
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else str(value)
    return value.isoformat()


def moment_text(value: date | datetime | None) -> str:
    """iso(value), or empty for none."""
    return "" if value is None else iso(value)
