"""What the task queue runs for help sessions. The timetable is in config/schedules.py."""

from sessions import contacts


def purge_citizen_contacts() -> int:
    """Daily at 02:00: erase citizens' numbers past their campaign's retention period.
    Returns how many help sessions lost their number."""
    return sum(purged.sessions for purged in contacts.purge())
