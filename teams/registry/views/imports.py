"""Importing teams and members from a spreadsheet in the browser: upload, preview,
confirm, and the progress of an import the task queue runs."""

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaign import audit
from campaign.access import campaign_staff_required
from campaign.models import AuditEvent
from lib.spreadsheets.reading import UnreadableFile
from lib.spreadsheets.writing import CONTENT_TYPES
from teams.models import ImportJob
from teams.registry import import_jobs
from teams.registry.forms import (
    ImportUploadForm,
)

RECENT_JOBS = 10


@campaign_staff_required
def import_upload(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_jobs.preview(
                user=request.user,
                province=form.cleaned_data["province"],
                filename=upload.name,
                content=upload.read(),
                skip_invalid=form.cleaned_data["skip_invalid"],
            )
        except UnreadableFile as error:
            form.add_error("file", str(error))
        else:
            return redirect("teams:import_detail", pk=job.pk)
    jobs = (
        ImportJob.objects.visible_to(request.user)
        .select_related("province", "uploaded_by")
        .order_by("-created_at")[:RECENT_JOBS]
    )
    return render(request, "teams/import_form.html", {"form": form, "jobs": jobs})


def visible_job(request, pk):
    return get_object_or_404(
        ImportJob.objects.visible_to(request.user).select_related("province", "uploaded_by"),
        pk=pk,
    )


@campaign_staff_required
def import_detail(request, pk):
    job = visible_job(request, pk)
    return render(
        request,
        "teams/import_detail.html",
        {
            "job": job,
            "report": job.report,
            "may_confirm": job.can_be_confirmed and job.uploaded_by_id == request.user.pk,
            "queue_threshold": import_jobs.queue_threshold(),
        },
    )


@campaign_staff_required
@require_POST
def import_confirm(request, pk):
    job = visible_job(request, pk)
    if job.status != ImportJob.Status.PREVIEWED:
        messages.info(request, _("This import was confirmed already."))
        return redirect("teams:import_detail", pk=job.pk)
    if (
        request.POST.get("skip_invalid") == "yes"
        and job.uploaded_by_id == request.user.pk
        and not job.has_header_errors
    ):
        # Chosen on the preview itself: no need to upload the file again.
        job.skip_invalid = True
        job.save(update_fields=["skip_invalid"])
    if job.uploaded_by_id != request.user.pk or not job.can_be_confirmed:
        messages.error(request, _("This import cannot be confirmed."))
        return redirect("teams:import_detail", pk=job.pk)
    try:
        import_jobs.confirm(job)
    except import_jobs.AlreadyConfirmed:
        messages.info(request, _("This import was confirmed already."))
    return redirect("teams:import_detail", pk=job.pk)


@campaign_staff_required
def import_errors(request, pk, file_format):
    """The rows with errors and their reasons, as a file to fix and upload again."""
    job = visible_job(request, pk)
    if not job.report.get("error_total"):
        raise Http404
    try:
        content, _count = import_jobs.errors_file(job, file_format)
    except (FileNotFoundError, ValueError):
        messages.error(
            request,
            _("The uploaded file is no longer kept, so its rows cannot be listed again."),
        )
        return redirect("teams:import_detail", pk=job.pk)
    # The rows name people: this export is recorded like every other.
    audit.record(
        AuditEvent.Action.EXPORT,
        _("Rows with errors of an import (.%(format)s)") % {"format": file_format},
        actor=request.user,
        province=job.province,
        details={"import_job": job.pk, "format": file_format},
    )
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = (
        f'attachment; filename="import-{job.pk}-dong-loi.{file_format}"'
    )
    return response


@campaign_staff_required
def import_progress(request, pk):
    return JsonResponse(import_jobs.progress(visible_job(request, pk)))
