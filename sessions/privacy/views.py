"""The organisers' pages for personal-data requests (sessions.privacy.requests).

Organisers of a province and superusers only: anyone else signed in gets a 403, and a
volunteer outside the organiser's provinces is a 404. Every export and erasure is a
POST or a download that the audit trail records; an erasure needs its box ticked.
The citizen's number travels in the form, never in an address.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lib.spreadsheets.writing import CONTENT_TYPES as SPREADSHEET_TYPES
from sessions.privacy import requests as privacy
from sessions.privacy.forms import CitizenRequestForm, EraseVolunteerForm
from teams import personal_data as teams_data

CONTENT_TYPES = {"json": "application/json", "xlsx": SPREADSHEET_TYPES["xlsx"]}


def answering(view):
    """Signed-in organisers and superusers; a 403 for anyone else."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not privacy.may_answer_requests(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def requested_volunteer(request, pk):
    return get_object_or_404(
        privacy.volunteers_for(request.user).select_related("home_commune", "user"), pk=pk
    )


def download(content: bytes, file_format: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    filename = f"{name}-{timezone.localdate():%Y%m%d}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def volunteer_page(request, volunteer, form, status=200):
    data = privacy.volunteer_data(volunteer, request.user)
    return render(
        request,
        "sessions/volunteer_data.html",
        {
            "volunteer": volunteer,
            "erased": teams_data.is_erased(volunteer),
            "data": data,
            "form": form,
        },
        status=status,
    )


@answering
def volunteer_data(request, pk):
    """What is held about one volunteer, its downloads and the erasure form."""
    return volunteer_page(request, requested_volunteer(request, pk), EraseVolunteerForm())


@answering
def volunteer_data_export(request, pk, file_format):
    volunteer = requested_volunteer(request, pk)
    content = privacy.export_volunteer(volunteer, request.user, file_format)
    return download(content, file_format, f"tinh-nguyen-vien-{volunteer.pk}")


@answering
@require_POST
def volunteer_erase(request, pk):
    volunteer = requested_volunteer(request, pk)
    form = EraseVolunteerForm(request.POST)
    if not form.is_valid():
        return volunteer_page(request, volunteer, form, status=400)
    result = privacy.erase_volunteer(volunteer, request.user)
    if result.already:
        messages.info(request, _("This volunteer was erased already: nothing changed."))
    else:
        messages.success(
            request,
            _(
                "The volunteer's personal data was erased. Their help sessions stay, "
                "so every count is unchanged."
            ),
        )
    return redirect("help_sessions:volunteer_data", pk=volunteer.pk)


@answering
def citizen_data(request):
    """A citizen's number: what holds it, as a download, or erased."""
    form = CitizenRequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        action = request.POST.get("action")
        if action == CitizenRequestForm.ERASE:
            if not form.cleaned_data["confirm"]:
                form.add_error("confirm", _("Tick the box to confirm the erasure."))
            else:
                counts = privacy.erase_citizen(phone, request.user)
                messages.success(
                    request,
                    _(
                        "The number was erased from %(sessions)s help sessions and "
                        "%(messages)s messages; the sessions and every count stay."
                    )
                    % {"sessions": counts["help_sessions"], "messages": counts["messages"]},
                )
                return redirect("help_sessions:citizen_data")
        elif action in (CitizenRequestForm.EXPORT_JSON, CitizenRequestForm.EXPORT_XLSX):
            file_format = action.removeprefix("export_")
            content = privacy.export_citizen(phone, request.user, file_format)
            return download(content, file_format, "du-lieu-cong-dan")
        else:
            form.add_error(None, _("Choose to download the data or to erase the number."))
    status = 400 if request.method == "POST" else 200
    return render(request, "sessions/citizen_data.html", {"form": form}, status=status)
