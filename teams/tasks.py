"""What the task queue runs for teams. The timetable is in config/schedules.py."""

from teams.registry import import_jobs, retention
from teams.rota import staffing


def run_import_job(job_id: int) -> None:
    """Import a queued ImportJob. A job already taken (a redelivered task) is left alone."""
    job = import_jobs.claim_queued(job_id)
    if job is not None:
        import_jobs.execute(job)


def warn_understaffed() -> int:
    """Daily at 17:00: tell coordinators of tomorrow's short shifts (staffing)."""
    return staffing.warn_understaffed()


def purge_expired_records() -> dict[str, int]:
    """Nightly at 02:30: remove what is kept only for a while (retention)."""
    return retention.purge_expired_records()
