"""The error pages: 400, 403, 404 and 500 in the site's layout and the request's language,
each saying what happened in words a volunteer or an official can act on, and offering a
way forward: their own first page, signing in, the home page, and the hotline.

A 500 may come from the database itself, so its page reads nothing from it and does not
ask who is signed in.
"""

from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.models import Locale

from campaign.access import is_staff_of_campaigns, volunteer_of
from cms.models import HomePage


def hotline():
    """The hotline the home page of the request's language names, or None."""
    try:
        homes = HomePage.objects.live().select_related("hotline")
        home = homes.filter(locale=Locale.get_active()).first() or homes.first()
    except (DatabaseError, Locale.DoesNotExist):
        return None
    return home.hotline if home is not None else None


def ways_forward(request) -> list[tuple[str, str]]:
    """(label, address) of the pages that can help: the user's own first page (or
    signing in), then the home page."""
    # A request refused before sign-in was read (an unknown host, say) has no user.
    user = getattr(request, "user", AnonymousUser())
    links = []
    if not user.is_authenticated:
        links.append((_("Sign in"), reverse("login")))
    elif is_staff_of_campaigns(user):
        links.append((_("My campaigns"), reverse("campaign:overview")))
    elif volunteer_of(user) is not None:
        links.append((_("My shifts"), reverse("teams:my_shifts")))
        links.append((_("Log a citizen helped"), reverse("help_sessions:log")))
    links.append((_("Home page"), reverse("wagtail_serve", args=[""])))
    return links


def error_page(request, status: int, heading: str, explanation: str):
    context = {
        "status": status,
        "heading": heading,
        "explanation": explanation,
        "ways_forward": ways_forward(request),
        "hotline": hotline(),
    }
    return render(request, "errors/error.html", context, status=status)


def bad_request(request, exception=None):
    return error_page(
        request,
        400,
        _("This request could not be read"),
        _(
            "The page received something it could not understand: often a form kept open "
            "too long, or a link that was cut short. Go back, reload the page and try again."
        ),
    )


def permission_denied(request, exception=None):
    return error_page(
        request,
        403,
        _("This page is not for your account"),
        _(
            "You are signed in, but this page belongs to another role: organisers and "
            "commune coordinators plan campaigns, volunteers log the citizens they help. "
            "If you need it for your work, ask your campaign's organiser to give you the role."
        ),
    )


def page_not_found(request, exception=None):
    return error_page(
        request,
        404,
        _("This page cannot be found"),
        _(
            "The address may be mistyped, or the page may have been removed. A link from "
            "an SMS may have expired or been used already: open your own page below, or "
            "ask for a new message."
        ),
    )


def server_error(request):
    template = loader.get_template("errors/500.html")
    return HttpResponseServerError(template.render({"home": reverse("wagtail_serve", args=[""])}))
