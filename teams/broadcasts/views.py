"""The SMS pages: composing a broadcast (with its preview and cost), a broadcast's
delivery, the message log, each campaign's totals and the state of Zalo."""

import hashlib
import json
import logging
from datetime import datetime, time, timedelta
from uuid import uuid4

from django.contrib import messages
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from campaign.access import campaign_staff_required, messageable_campaigns
from campaign.models import Commune
from lib.pagination import paginate
from notifications import zalo
from notifications.models import Message
from notifications.segments import (
    ENCODING_LABELS,
    GSM_7_BASIC,
    GSM_7_EXTENSION,
    GSM_7_REPLACEMENTS,
)
from teams.broadcasts import message_log as message_log_of
from teams.broadcasts import sending as broadcasts
from teams.broadcasts.forms import BroadcastForm, MessageFilterForm
from teams.models import Broadcast

logger = logging.getLogger(__name__)


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
        phones = broadcasts.recipients(data["target"])
        shown = broadcasts.preview(
            data["text"],
            data["brand"],
            data["without_diacritics"],
            phones,
            broadcasts.zalo_numbers(data["target"], campaign, phones, data["text"]),
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
    """Every SMS of every kind about what the user sees, newest first, filtered."""
    visible = message_log_of.messages_for(request.user)
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
        communes=Commune.objects.visible_to(request.user).order_by("name", "pk"),
    )
    shown, broadcast = visible, None
    if filter_form.has_error("broadcast"):  # not one the user may see
        raise Http404
    if filter_form.is_valid():
        shown = filtered_messages(shown, filter_form.cleaned_data)
        broadcast = filter_form.cleaned_data["broadcast"]
    elif filter_form.is_bound:
        shown = shown.none()
    page, page_query = paginate(request, shown.order_by("-created_at", "-pk"))
    messages_shown = list(page)
    # The page's broadcasts and communes in one query each, not one per row.
    broadcast_ids = {
        int(message.subject_id)
        for message in messages_shown
        if message.kind == broadcasts.KIND and message.subject_id.isdigit()
    }
    of_page = Broadcast.objects.select_related("team__commune", "commune", "campaign").in_bulk(
        broadcast_ids
    )
    communes = Commune.objects.in_bulk(
        {message_log_of.commune_of(message) for message in messages_shown} - {None}
    )
    rows = [
        {
            "message": message,
            "kind": message_log_of.kind_label(message.kind),
            "broadcast": of_page.get(int(message.subject_id))
            if message.kind == broadcasts.KIND and message.subject_id.isdigit()
            else None,
            "commune": communes.get(message_log_of.commune_of(message)),
        }
        for message in messages_shown
    ]
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


def filtered_messages(messages, data):
    if data["kind"]:
        messages = messages.filter(kind=data["kind"])
    if data["status"]:
        messages = messages.filter(status=data["status"])
    if data["channel"] == "fallback":
        messages = messages.exclude(fallback_reason="")
    elif data["channel"]:
        messages = messages.filter(channel=data["channel"])
    if data["error_code"]:
        messages = messages.filter(last_error_code=data["error_code"])
    if data["broadcast"]:
        messages = messages.filter(kind=broadcasts.KIND, subject_id=str(data["broadcast"].pk))
    if data["commune"]:
        messages = messages.filter(tag__endswith=f":commune:{data['commune'].pk}")
    zone = timezone.get_current_timezone()
    if data["date_from"]:
        messages = messages.filter(
            created_at__gte=datetime.combine(data["date_from"], time.min, tzinfo=zone)
        )
    if data["date_to"]:
        messages = messages.filter(
            created_at__lt=datetime.combine(
                data["date_to"] + timedelta(days=1), time.min, tzinfo=zone
            )
        )
    return messages


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


@campaign_staff_required
def zalo_status(request):
    """Whether messages can go by Zalo: the connection, today's quota and, for each kind of
    notification, its template and Zalo's review of it. Registering is an administrator's
    job, in the admin; organisers see here why a message went by SMS."""
    return render(request, "teams/zalo_status.html", {"zalo": zalo.status()})
