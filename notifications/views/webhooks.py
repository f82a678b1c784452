"""The providers' webhooks: Twilio's delivery reports and incoming messages, and
Zalo's delivery reports, each signed by its provider.

Twilio's signature covers the public URL Twilio called, so it is checked against
SITE_URL plus the path, not the internal http:// address behind a TLS-terminating
proxy. Zalo's covers the app id, the body, its timestamp and the official account's
secret key. A forged or unsigned request gets 403 and changes nothing. Reports may
arrive twice or out of order: statuses only move forward, so that is harmless.
"""

import json
import logging
from xml.sax.saxutils import escape

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator

from notifications import sending, zalo
from notifications.models import Channel, Message, MessageAttempt, OptOut
from notifications.phones import InvalidPhone, normalise_mobile
from notifications.twilio import UNSUBSCRIBED

logger = logging.getLogger(__name__)
STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "HUY", "DUNG", "TUCHOI"}
START_WORDS = {"START", "YES", "UNSTOP", "BATDAU"}
HELP_WORDS = {"HELP", "INFO", "TROGIUP"}
REPORTED = {
    "sent": Message.Status.SENT,
    "delivered": Message.Status.DELIVERED,
    "undelivered": Message.Status.UNDELIVERED,
    "failed": Message.Status.FAILED,
}


def signed_by_twilio(request) -> bool:
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature or not settings.TWILIO_AUTH_TOKEN:
        return False
    public_url = settings.SITE_URL + request.get_full_path()
    return RequestValidator(settings.TWILIO_AUTH_TOKEN).validate(
        public_url, request.POST.dict(), signature
    )


@csrf_exempt
@require_POST
def twilio_status(request):
    if not signed_by_twilio(request):
        return HttpResponseForbidden("invalid signature")
    sid = request.POST.get("MessageSid", "")
    status = REPORTED.get(request.POST.get("MessageStatus", ""))
    # Twilio's ids are letters and digits; anything else (a NUL byte, which PostgreSQL
    # refuses in a query) is not one of ours.
    ours = sid.isascii() and sid.isalnum()
    message = Message.objects.filter(provider_message_id=sid).first() if ours else None
    if message is None or status is None:
        return HttpResponse(status=204)  # not ours, or a step we do not record
    fields = {}
    code = request.POST.get("ErrorCode", "")
    if not (code.isascii() and code.isdigit() and len(code) <= 20):
        code = ""  # Twilio's codes are numbers; last_error_code holds 20 characters
    if status == Message.Status.DELIVERED:
        fields["delivered_at"] = timezone.now()
    if code:
        fields.update(last_error_code=code, last_error_reason=f"Twilio error {code}")
    sending.advance(message, status, channel=Channel.SMS, **fields)
    if code == str(UNSUBSCRIBED):
        sending.opt_out(message.recipient, OptOut.Source.PROVIDER, message=message)
    return HttpResponse(status=204)


def twiml(text: str = "") -> HttpResponse:
    body = f"<Message>{escape(text)}</Message>" if text else ""
    return HttpResponse(
        f'<?xml version="1.0" encoding="UTF-8"?><Response>{body}</Response>',
        content_type="text/xml",
    )


@csrf_exempt
@require_POST
def twilio_inbound(request):
    """STOP, START and HELP where two-way SMS works (it does not in Vietnam)."""
    if not signed_by_twilio(request):
        return HttpResponseForbidden("invalid signature")
    try:
        phone = normalise_mobile(request.POST.get("From", "")).e164
    except InvalidPhone:
        return twiml()
    word = "".join(request.POST.get("Body", "").split()).upper()
    if word in STOP_WORDS:
        sending.opt_out(phone, OptOut.Source.KEYWORD)
        return twiml(_("You will get no more messages. Reply START to get them again."))
    if word in START_WORDS:
        sending.opt_back_in(phone)
        return twiml(_("You will get messages again. Reply STOP to stop them."))
    if word in HELP_WORDS:
        return twiml(_("Digihelp: reply STOP to stop messages, START to get them again."))
    return twiml()


@csrf_exempt
@require_POST
def zalo_events(request):
    """Zalo's webhook: a ZNS message reached the person's phone (user_received_message).

    Other events are acknowledged and ignored. The message is found by Zalo's msg_id,
    or by our id (tracking_id) when the send's answer was lost.
    """
    body = request.body
    try:
        event = json.loads(body)
    except ValueError:
        event = None
    if not isinstance(event, dict):  # Zalo sends a JSON object: this is not from Zalo
        return HttpResponseForbidden("invalid signature")
    header = request.headers.get("X-ZEvent-Signature", "")
    if not zalo.signed_by_zalo(body, str(event.get("timestamp", "")), header):
        return HttpResponseForbidden("invalid signature")
    if str(event.get("app_id", "")) != settings.ZALO_APP_ID:
        return HttpResponseForbidden("another app")
    if event.get("event_name") != "user_received_message":
        return HttpResponse(status=200)
    found = event.get("message") or {}
    msg_id = str(found.get("msg_id", ""))
    tracking = str(found.get("tracking_id", ""))
    if not (msg_id.isascii() and msg_id.isalnum() and len(msg_id) <= 64):
        return HttpResponse(status=200)  # not a Zalo id: not about one of ours
    # Ours by Zalo's id (on the message, or on its Zalo attempt once it went on to SMS),
    # or by our own id when the send's answer was lost.
    message = Message.objects.filter(provider_message_id=msg_id).first()
    if message is None:
        attempt = (
            MessageAttempt.objects.filter(channel=Channel.ZALO, provider_message_id=msg_id)
            .select_related("message")
            .first()
        )
        message = attempt.message if attempt else None
    if message is None and tracking.isascii() and tracking.isdigit() and len(tracking) < 19:
        message = Message.objects.filter(pk=int(tracking)).first()
    if message is not None:
        delivered_at = zalo.moment(found.get("delivery_time")) or timezone.now()
        sending.record_zalo_delivery(message, msg_id, delivered_at)
    return HttpResponse(status=200)
