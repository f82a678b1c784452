"""The page behind the link in a shift SMS: no sign-in, the signed link is the key.

Opening it changes nothing (chat apps and phones open links to preview them); a tap on
a button confirms or declines. Wrong links count against the sender's address
(lib.ratelimit.link_page).
"""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.views.decorators.http import require_http_methods

from lib.ratelimit import count_wrong_link, link_page
from teams.rota.links import link_expired, valid_shift_token
from teams.rota.signups import CHOICES, answer, signups_with_shifts


@require_http_methods(["GET", "POST"])
@link_page("shift-answer")
def shift_answer(request, pk: int, token: str):
    """The page behind the SMS link, in Vietnamese as the SMS is."""
    if not valid_shift_token(pk, token):
        count_wrong_link(request)
        raise Http404
    signup = get_object_or_404(signups_with_shifts(), pk=pk)
    with translation.override("vi"):
        if link_expired(signup):
            return render(request, "teams/shift_link_expired.html", {"signup": signup}, status=410)
        problem = None
        answered = request.method == "POST" and request.POST.get("choice") in CHOICES
        if answered:
            problem = answer(signup, request.POST["choice"], via="sms link")
        return render(
            request,
            "teams/shift_answer.html",
            {"signup": signup, "answered": answered, "problem": problem},
        )
