"""The site header's links: only the pages the signed-in person's roles may open, so a
volunteer is never offered a staff page that would answer 403. A context processor.

Which roles a person holds is read when they sign in and kept in their session, then
read again every five minutes: the header costs no query on the pages in between, and a
role given or taken away shows within five minutes.
"""

import time

from django.urls import reverse
from django.utils.translation import gettext as _

from campaign.access import is_staff_of_campaigns, volunteer_of

SESSION_KEY = "navigation"
FRESH_FOR = 300  # seconds


def roles_of(user) -> dict:
    return {
        "staff": is_staff_of_campaigns(user),
        "volunteer": volunteer_of(user) is not None,
        "cms": user.has_perm("wagtailadmin.access_admin"),
        "read_at": time.time(),
    }


def remember_roles(sender, request, user, **kwargs):
    """On sign-in (user_logged_in): the header's roles, kept in the session."""
    request.session[SESSION_KEY] = roles_of(user)


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    if user is None or not user.is_authenticated or session is None:
        return {"navigation": []}
    roles = session.get(SESSION_KEY)
    if roles is None or time.time() - roles["read_at"] > FRESH_FOR:
        roles = session[SESSION_KEY] = roles_of(user)
    links = [(_("Today"), reverse("desk:today"))]
    if roles["staff"]:
        links += [
            (_("My campaigns"), reverse("campaign:overview")),
            (_("Teams"), reverse("teams:team_list")),
            (_("Help sessions"), reverse("help_sessions:session_list")),
            (_("Dashboard"), reverse("help_sessions:dashboard_latest")),
        ]
    if roles["volunteer"]:
        links += [
            (_("My shifts"), reverse("teams:my_shifts")),
            (_("Log a citizen helped"), reverse("help_sessions:log")),
        ]
    if roles["cms"]:
        links.append((_("Guides and training (admin)"), reverse("wagtailadmin_home")))
    return {"navigation": links}
