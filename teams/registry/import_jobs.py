"""Imports started from the web pages: a preview first, then the import itself.

Uploading runs the import as a dry run straight away and keeps the file and the report
in an ImportJob. Confirming imports it: inline when the file is small, otherwise in the
django-q2 queue, saving progress on the job as it goes. Each step moves the job's status
with a conditional UPDATE, so a double click or a redelivered task never imports twice.
"""

import logging
import tempfile
from dataclasses import asdict
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from campaign.audit import import_recorder
from campaign.models import Commune
from lib.spreadsheets.reading import read_sheet
from lib.spreadsheets.tables import ImportReport, write_errors_file
from teams.models import ImportJob
from teams.registry.importing import MemberImport

logger = logging.getLogger(__name__)

# Problems kept on a job for its page; the totals are kept too.
PROBLEMS_KEPT = 200
COUNTS = ("created", "updated", "unchanged", "skipped")


class AlreadyConfirmed(Exception):
    pass


def queue_threshold() -> int:
    """Files with more rows than this are imported in the task queue."""
    return settings.TEAMS_IMPORT_QUEUE_ROWS


def report_as_json(report: ImportReport) -> dict:
    return {
        "rows": report.rows,
        **{name: getattr(report, name) for name in COUNTS},
        "written": report.written,
        "errors": [asdict(problem) for problem in report.errors[:PROBLEMS_KEPT]],
        "error_total": len(report.errors),
        "warnings": [asdict(problem) for problem in report.warnings[:PROBLEMS_KEPT]],
        "warning_total": len(report.warnings),
    }


def preview(*, user, province, filename: str, content: bytes, skip_invalid: bool) -> ImportJob:
    """Check the file as a dry run and keep it with its report. Raises UnreadableFile."""
    sheet = read_sheet(filename, content)
    # Counted as if the invalid rows were skipped, whatever was chosen: the preview says
    # what the valid rows would do and how many rows are invalid, and offers to skip them.
    report = MemberImport(sheet, province=province, communes=Commune.objects.visible_to(user)).run(
        dry_run=True, skip_invalid=True
    )
    job = ImportJob(
        uploaded_by=user,
        province=province,
        original_name=filename[:255],
        language=translation.get_language() or "",
        skip_invalid=skip_invalid,
        rows_total=len(sheet.rows),
        error_count=len(report.errors),
        report=report_as_json(report),
    )
    job.file.save(filename, ContentFile(content), save=False)
    job.save()
    return job


def confirm(job: ImportJob) -> None:
    """Import a previewed job: inline when small, else in the queue (after commit).

    Raises AlreadyConfirmed when the job has left the preview state already.
    """
    jobs = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEWED)
    if job.rows_total > queue_threshold():
        if not jobs.update(status=ImportJob.Status.QUEUED):
            raise AlreadyConfirmed
        job_id = job.pk
        transaction.on_commit(lambda: async_task("teams.tasks.run_import_job", job_id))
        job.status = ImportJob.Status.QUEUED
        return
    if not jobs.update(status=ImportJob.Status.RUNNING, started_at=timezone.now()):
        raise AlreadyConfirmed
    job.refresh_from_db()
    execute(job)


def claim_queued(job_id: int) -> ImportJob | None:
    """The job, now running, if it was waiting in the queue; None if someone else has it."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now()
    )
    return ImportJob.objects.get(pk=job_id) if claimed else None


def errors_file(job: ImportJob, file_format: str) -> tuple[bytes, int]:
    """The rows of the job's file that have errors, each with its reasons, as a .csv or
    .xlsx to fix and upload again; and how many rows it holds. Raises FileNotFoundError
    once the uploaded file was purged."""
    with job.file.open("rb") as handle:
        content = handle.read()
    sheet = read_sheet(job.original_name, content)
    report = MemberImport(
        sheet,
        province=job.province,
        communes=Commune.objects.visible_to(job.uploaded_by)
        if job.uploaded_by
        else Commune.objects.none(),
    ).run(dry_run=True, skip_invalid=True)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"errors.{file_format}"
        count = write_errors_file(path, sheet, report)
        return path.read_bytes(), count


def execute(job: ImportJob) -> None:
    """Import a running job's file and record the outcome on the job.

    The import writes in one transaction, so a failure leaves nothing half-written.
    """

    def save_progress(done, total, errors):
        ImportJob.objects.filter(pk=job.pk).update(
            rows_done=done, rows_total=total, error_count=errors
        )

    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            if job.uploaded_by is None:
                raise ValueError(_("the account that uploaded this file no longer exists"))
            with job.file.open("rb") as handle:
                content = handle.read()
            sheet = read_sheet(job.original_name, content)
            report = MemberImport(
                sheet,
                province=job.province,
                communes=Commune.objects.visible_to(job.uploaded_by),
                progress=save_progress,
            ).run(
                skip_invalid=job.skip_invalid,
                on_written=import_recorder(
                    "members",
                    actor=job.uploaded_by,
                    province=job.province,
                    filename=job.original_name,
                    import_job=job.pk,
                ),
            )
            failure = (
                ""
                if report.written
                else _("%(count)s rows have errors: nothing was written")
                % {"count": len(report.invalid_lines)}
            )
    except Exception as error:  # the job records why it failed
        logger.exception("Team import %s failed", job.pk)
        job.failure = str(error) or error.__class__.__name__
        finish(job, ImportJob.Status.FAILED, "failure")
        return
    job.rows_total = len(sheet.rows)
    job.rows_done = job.rows_total
    job.error_count = len(report.errors)
    job.report = report_as_json(report)
    job.failure = failure
    finish(
        job,
        ImportJob.Status.FAILED if failure else ImportJob.Status.DONE,
        "failure",
        "rows_total",
        "rows_done",
        "error_count",
        "report",
    )


def finish(job: ImportJob, status: str, *fields: str) -> None:
    job.status = status
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "finished_at", *fields])


def progress(job: ImportJob) -> dict:
    """What the job page polls for."""
    data = {
        "status": job.status,
        "status_label": job.get_status_display(),
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "error_count": job.error_count,
    }
    if job.status == ImportJob.Status.DONE:
        data["counts"] = {name: job.report.get(name, 0) for name in COUNTS}
    return data
