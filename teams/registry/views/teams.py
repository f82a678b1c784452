"""The organisers' pages of the team registry.

Organisers and coordinators only; everything is scoped to the communes the user may
see (`campaign.access`), and an object outside them is a 404.
"""

import hashlib
import json
import logging
from uuid import uuid4

from django.contrib import messages
from django.db import transaction
from django.db.models import Case, Count, Prefetch, Sum, When
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from campaign import audit
from campaign.access import campaign_staff_required, messageable_campaigns, organised_provinces
from campaign.models import AuditEvent, Commune
from lib.pagination import paginate
from notifications.models import Message
from notifications.segments import (
    ENCODING_LABELS,
    GSM_7_BASIC,
    GSM_7_EXTENSION,
    GSM_7_REPLACEMENTS,
)
from teams.broadcasts import sending as broadcasts
from teams.models import Broadcast, ImportJob, Membership, Team, Volunteer
from teams.registry import import_jobs
from teams.registry.accounts import invite_volunteer
from teams.registry.exporting import CONTENT_TYPES, export_members
from teams.registry.forms import (
    BroadcastForm,
    ImportUploadForm,
    MembershipForm,
    MessageFilterForm,
    TeamFilterForm,
    TeamForm,
    VolunteerForm,
)
from teams.registry.importing import UnreadableFile

logger = logging.getLogger(__name__)

RECENT_JOBS = 10


# Teams ------------------------------------------------------------------------------


@campaign_staff_required
def team_list(request):
    filter_form = TeamFilterForm(request.GET or None, user=request.user)
    teams = Team.objects.visible_to(request.user)
    commune = None
    if filter_form.is_valid():
        commune = filter_form.cleaned_data["commune"]
        if commune:
            teams = teams.filter(commune=commune)
    teams = (
        teams.select_related("commune")
        .annotate(member_count=Count("memberships"))
        .order_by("commune__province__code", "commune__name", "commune_id", "name")
    )
    page, page_query = paginate(request, teams)
    return render(
        request,
        "teams/team_list.html",
        {
            "filter_form": filter_form,
            "commune": commune,
            "page": page,
            "page_query": page_query,
        },
    )


def members_of(team):
    """Leader first, then deputies, then members, each by name."""
    rank = Case(
        When(role=Membership.Role.LEADER, then=0),
        When(role=Membership.Role.DEPUTY, then=1),
        default=2,
    )
    return team.memberships.select_related("volunteer").order_by(rank, "volunteer__full_name")


@campaign_staff_required
def team_detail(request, pk):
    team = get_object_or_404(
        Team.objects.visible_to(request.user).select_related("commune__province"), pk=pk
    )
    return render(
        request,
        "teams/team_detail.html",
        {
            "team": team,
            "memberships": members_of(team),
            "membership_form": MembershipForm(team=team),
        },
    )


@campaign_staff_required
def team_edit(request, pk=None):
    team = None
    if pk is not None:
        team = get_object_or_404(Team.objects.visible_to(request.user), pk=pk)
    form = TeamForm(request.POST or None, instance=team, user=request.user)
    tracked = audit.Tracked(form.instance, actor=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            team = form.save()
            tracked.done()
        messages.success(request, _("Team “%(name)s” saved.") % {"name": team.name})
        return redirect("teams:team_detail", pk=team.pk)
    return render(request, "teams/team_form.html", {"form": form, "team": team})


@campaign_staff_required
@require_POST
def membership_add(request, pk):
    team = get_object_or_404(Team.objects.visible_to(request.user), pk=pk)
    form = MembershipForm(request.POST, team=team)
    if form.is_valid():
        with transaction.atomic():
            membership = form.save()
            audit.record_change(membership, "created", actor=request.user)
        messages.success(
            request,
            _("%(name)s added to the team.") % {"name": membership.volunteer.full_name},
        )
        return redirect("teams:team_detail", pk=team.pk)
    return render(
        request,
        "teams/team_detail.html",
        {"team": team, "memberships": members_of(team), "membership_form": form},
        status=400,
    )


@campaign_staff_required
@require_POST
def membership_remove(request, pk, membership_pk):
    team = get_object_or_404(Team.objects.visible_to(request.user), pk=pk)
    membership = get_object_or_404(team.memberships.select_related("volunteer"), pk=membership_pk)
    with transaction.atomic():
        audit.record_deletion(membership, actor=request.user)
        membership.delete()
    messages.success(
        request, _("%(name)s removed from the team.") % {"name": membership.volunteer.full_name}
    )
    return redirect("teams:team_detail", pk=team.pk)


# Volunteers -------------------------------------------------------------------------


@campaign_staff_required
def volunteer_list(request):
    query = request.GET.get("q", "").strip()
    visible_communes = Commune.objects.visible_to(request.user)
    volunteers = (
        Volunteer.objects.visible_to(request.user)
        .search(query)
        .select_related("home_commune")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(team__commune__in=visible_communes)
                .select_related("team")
                .order_by("team__name"),
                to_attr="visible_memberships",
            )
        )
        .order_by("full_name", "pk")
    )
    page, page_query = paginate(request, volunteers)
    return render(
        request,
        "teams/volunteer_list.html",
        {"query": query, "page": page, "page_query": page_query},
    )


@campaign_staff_required
def volunteer_edit(request, pk=None):
    volunteer = None
    if pk is not None:
        volunteer = get_object_or_404(Volunteer.objects.visible_to(request.user), pk=pk)
    form = VolunteerForm(request.POST or None, instance=volunteer, user=request.user)
    tracked = audit.Tracked(form.instance, actor=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            volunteer = form.save()  # save() keeps search_name in step with the name
            tracked.done()
        messages.success(request, _("%(name)s saved.") % {"name": volunteer.full_name})
        if form.phone_warning:
            messages.warning(request, form.phone_warning)
        return redirect("teams:volunteer_list")
    may_answer_requests = organised_provinces(request.user).exists()
    return render(
        request,
        "teams/volunteer_form.html",
        {"form": form, "volunteer": volunteer, "may_answer_requests": may_answer_requests},
    )


@campaign_staff_required
@require_POST
def volunteer_invite(request, pk):
    """Text the volunteer a one-time link to set their password on their phone."""
    volunteer = get_object_or_404(Volunteer.objects.visible_to(request.user), pk=pk)
    invite_volunteer(volunteer)
    messages.success(
        request, _("An invitation was sent to %(name)s by SMS.") % {"name": volunteer.full_name}
    )
    return redirect("teams:volunteer_edit", pk=volunteer.pk)


# Export -----------------------------------------------------------------------------


@campaign_staff_required
def export(request, file_format):
    communes = Commune.objects.visible_to(request.user)
    name = "thanh-vien"
    commune = None
    if commune_id := request.GET.get("commune"):
        if not commune_id.isdigit():
            raise Http404
        commune = get_object_or_404(communes, pk=commune_id)
        communes = communes.filter(pk=commune.pk)
        name = f"thanh-vien-{commune.code}"
    content = export_members(communes, file_format)
    # Every export of personal data is recorded: who, what, when.
    audit.record(
        AuditEvent.Action.EXPORT,
        _("Teams and volunteers (.%(format)s)") % {"format": file_format},
        actor=request.user,
        province=commune.province if commune else audit.actor_province(request.user),
        commune=commune,
        details={"commune": commune.pk if commune else None, "format": file_format},
    )
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    filename = f"{name}-{timezone.localdate():%Y%m%d}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Import -----------------------------------------------------------------------------


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
    if job.uploaded_by_id != request.user.pk or not job.can_be_confirmed:
        messages.error(request, _("This import cannot be confirmed."))
        return redirect("teams:import_detail", pk=job.pk)
    try:
        import_jobs.confirm(job)
    except import_jobs.AlreadyConfirmed:
        messages.info(request, _("This import was confirmed already."))
    return redirect("teams:import_detail", pk=job.pk)


@campaign_staff_required
def import_progress(request, pk):
    return JsonResponse(import_jobs.progress(visible_job(request, pk)))


# SMS broadcasts ---------------------------------------------------------------------

RECENT_BROADCASTS = 10

# What the compose page's live counter needs to count as the server does.
GSM_7_FOR_COUNTER = {
    "basic": "".join(sorted(GSM_7_BASIC)),
    "extension": "".join(sorted(GSM_7_EXTENSION)),
    "replacements": GSM_7_REPLACEMENTS,
    "labels": ENCODING_LABELS,
}


def preview_key(target, campaign, text, brand, without_diacritics) -> str:
    """Names what a preview showed, so that Send sends the text and target shown."""
    campaign_pk = campaign.pk if campaign else None
    shown = [target._meta.label, target.pk, campaign_pk, text, brand, without_diacritics]
    return hashlib.sha256(json.dumps(shown).encode()).hexdigest()


def key_of(broadcast: Broadcast) -> str:
    return preview_key(
        broadcast.target,
        broadcast.campaign,
        broadcast.text,
        broadcast.brand,
        broadcast.without_diacritics,
    )


def resubmitted(request, changes):
    """The submitted form with some values changed: a new token when its own sent an
    earlier broadcast, the brand and diacritics that the chosen campaign sets."""
    form = BroadcastForm({**request.POST.dict(), **changes}, user=request.user)
    form.is_valid()
    return form


def campaign_changes(request, data) -> dict[str, str]:
    """What the campaign changed in the submitted form, to show the values it sends."""
    changes = {}
    if data["brand"] != request.POST.get("brand", "").strip():
        changes["brand"] = data["brand"]
    if data["without_diacritics"] and not request.POST.get("without_diacritics"):
        changes["without_diacritics"] = "on"
    return changes


@campaign_staff_required
def broadcast_compose(request):
    form = BroadcastForm(request.POST or None, user=request.user)
    shown = key = campaign = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        campaign = data["campaign"]
        key = preview_key(
            data["target"], campaign, data["text"], data["brand"], data["without_diacritics"]
        )
        sending = request.POST.get("action") == "send"
        if sending and request.POST.get("previewed") == key:
            broadcast, created = broadcasts.record_and_send(
                user=request.user,
                target=data["target"],
                campaign=campaign,
                text=data["text"],
                brand=data["brand"],
                without_diacritics=data["without_diacritics"],
                form_token=data["form_token"],
            )
            if created:
                logger.info(
                    "SMS broadcast %s queued by user %s: %s messages",
                    broadcast.pk,
                    request.user.pk,
                    broadcast.recipient_count,
                )
                messages.success(
                    request,
                    ngettext(
                        "Broadcast queued: %(count)s message.",
                        "Broadcast queued: %(count)s messages.",
                        broadcast.recipient_count,
                    )
                    % {"count": broadcast.recipient_count},
                )
                return redirect("teams:broadcast_detail", pk=broadcast.pk)
            if key_of(broadcast) == key:  # the same form submitted again
                messages.info(request, _("This broadcast was sent already."))
                return redirect("teams:broadcast_detail", pk=broadcast.pk)
        elif sending:
            messages.warning(
                request, _("The message changed after its preview: check it, then send.")
            )
        changes = campaign_changes(request, data)
        if Broadcast.objects.filter(form_token=data["form_token"]).exists():
            # Back to a form that was sent already, and changed: it becomes a new broadcast.
            if sending:
                messages.warning(
                    request, _("This form was sent already: check the preview, then send.")
                )
            changes["form_token"] = str(uuid4())
        if changes:
            form = resubmitted(request, changes)
        shown = broadcasts.preview(
            data["text"],
            data["brand"],
            data["without_diacritics"],
            broadcasts.recipients(data["target"]),
        )
    recent = Broadcast.objects.visible_to(request.user).select_related(
        "team__commune", "commune", "campaign", "composed_by"
    )[:RECENT_BROADCASTS]
    return render(
        request,
        "teams/broadcast_form.html",
        {
            "form": form,
            "preview": shown,
            "preview_key": key,
            "campaign": campaign,
            "recent": recent,
            "gsm_7": GSM_7_FOR_COUNTER,
        },
    )


@campaign_staff_required
def broadcast_detail(request, pk):
    broadcast = get_object_or_404(
        Broadcast.objects.visible_to(request.user).select_related(
            "team__commune", "commune", "campaign", "composed_by"
        ),
        pk=pk,
    )
    counted = {
        row["status"]: row
        for row in broadcasts.messages_of(broadcast)
        .order_by()
        .values("status")
        .annotate(count=Count("pk"), segments=Sum("segment_count"))
    }
    by_status = [
        {"status": status, "label": label, **counted[status]}
        for status, label in Message.Status.choices
        if status in counted
    ]
    return render(
        request,
        "teams/broadcast_detail.html",
        {
            "broadcast": broadcast,
            "text_as_sent": broadcasts.text_as_sent(broadcast),
            "by_status": by_status,
            "message_total": sum(row["count"] for row in by_status),
            # Cancelled messages (opted out) never reach the provider: they cost nothing.
            "segment_total": sum(
                row["segments"] for row in by_status if row["status"] != Message.Status.CANCELLED
            ),
        },
    )


@campaign_staff_required
def message_log(request):
    visible = broadcasts.messages_visible_to(request.user)
    error_codes = (
        visible.exclude(last_error_code="")
        .order_by("last_error_code")
        .values_list("last_error_code", flat=True)
        .distinct()
    )
    filter_form = MessageFilterForm(
        request.GET or None,
        broadcasts=Broadcast.objects.visible_to(request.user).select_related(
            "team__commune", "commune", "campaign"
        ),
        error_codes=list(error_codes),
    )
    shown, broadcast = visible, None
    if filter_form.has_error("broadcast"):  # not one the user may see
        raise Http404
    if filter_form.is_valid():
        if status := filter_form.cleaned_data["status"]:
            shown = shown.filter(status=status)
        if error_code := filter_form.cleaned_data["error_code"]:
            shown = shown.filter(last_error_code=error_code)
        if broadcast := filter_form.cleaned_data["broadcast"]:
            shown = shown.filter(subject_id=str(broadcast.pk))
    page, page_query = paginate(request, shown.order_by("-created_at", "-pk"))
    messages_shown = list(page)
    # The page's broadcasts in one query, not one per row.
    of_page = Broadcast.objects.select_related("team__commune", "commune", "campaign").in_bulk(
        {int(message.subject_id) for message in messages_shown}
    )
    rows = [(message, of_page.get(int(message.subject_id))) for message in messages_shown]
    return render(
        request,
        "teams/message_list.html",
        {
            "filter_form": filter_form,
            "broadcast": broadcast,
            "rows": rows,
            "page": page,
            "page_query": page_query,
        },
    )


@campaign_staff_required
def campaign_totals(request):
    """Per campaign: the messages of the broadcasts the user may see, by outcome."""
    totals = broadcasts.totals_by_campaign(request.user)
    empty = dict.fromkeys(["messages", "sent", "delivered", "failed", "cancelled", "segments"], 0)
    rows = [
        (campaign, totals.get(campaign.pk, empty))
        for campaign in messageable_campaigns(request.user).select_related("province")
    ]
    return render(request, "teams/campaign_totals.html", {"rows": rows})
