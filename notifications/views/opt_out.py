"""The opt-out page a citizen reaches from the link in a message. No sign-in.

Opening the link changes nothing (phones and chat apps open links to preview them);
one tap on the button records the opt-out, another starts messages again. Requests and
wrong links are limited per client address (lib.ratelimit.link_page).
"""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.views.decorators.http import require_http_methods

from lib.ratelimit import count_wrong_link, link_page
from notifications import sending
from notifications.links import valid_opt_out_token
from notifications.models import Message, OptOut


@require_http_methods(["GET", "POST"])
@link_page("opt-out")
def opt_out(request, message_id: int, token: str):
    if not valid_opt_out_token(message_id, token):
        count_wrong_link(request)
        raise Http404
    message = get_object_or_404(
        Message.objects.only("recipient", "language", "subject_type", "subject_id"), pk=message_id
    )
    phone = message.recipient
    if request.method == "POST":
        if request.POST.get("action") == "start":
            sending.opt_back_in(phone, message=message)
        else:
            sending.opt_out(phone, OptOut.Source.LINK, message=message)
    with translation.override(message.language):
        return render(
            request,
            "notifications/opt_out.html",
            {
                "opted_out": OptOut.objects.blocks(phone),
                "masked_phone": f"{phone[:3]} ••• {phone[-3:]}",
            },
        )
