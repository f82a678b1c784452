"""Work for the django-q2 cluster."""

from teams import import_jobs


def run_import_job(job_id: int) -> None:
    """Import a queued ImportJob. A job already taken (a redelivered task) is left alone."""
    job = import_jobs.claim_queued(job_id)
    if job is not None:
        import_jobs.execute(job)
