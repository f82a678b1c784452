"""Twilio's webhooks: delivery reports and incoming messages, both signed by Twilio.

The signature covers the public URL Twilio called, so it is checked against SITE_URL
plus the path, not the internal http:// address behind a TLS-terminating proxy. A
forged or unsigned request gets 403 and changes nothing. Reports may arrive twice or
out of order: statuses only move forward, so that is harmless.
"""

import logging
from xml.sax.saxutils import escape

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator

from notifications import sending
from notifications.models import Message, OptOut
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
    sending.advance(message, status, **fields)
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
