"""The page that hands out calendar feed links, renewing one, and the feed itself
(no sign-in: the token in the address is the secret)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from campaign.models import CampaignCommune, Commune
from teams.models import CalendarFeed, Volunteer
from teams.rota.calendars import (
    FEED_MAX_AGE,
    feed_url,
    live_feed,
    render_ics,
    renew_feed,
    shifts_of_commune,
    shifts_of_volunteer,
)


@require_safe
def calendar_feed(request, token):
    """The feed itself: no sign-in, a revoked or unknown token is a 404."""
    feed = get_object_or_404(
        CalendarFeed.objects.live().select_related("volunteer", "commune", "campaign"),
        token=token,
    )
    if feed.is_for_volunteer:
        shifts = shifts_of_volunteer(feed.volunteer)
        name = _("Digihelp shifts of %(name)s") % {"name": feed.volunteer.full_name}
    else:
        shifts = shifts_of_commune(feed.commune, feed.campaign)
        name = _("Digihelp shifts in %(commune)s") % {"commune": feed.commune.name}
    response = HttpResponse(render_ics(shifts, name), content_type="text/calendar; charset=utf-8")
    patch_cache_control(response, private=True, max_age=FEED_MAX_AGE)
    response["X-Robots-Tag"] = "noindex"
    return response


def communes_with_feeds(user):
    """(campaign, commune) pairs `user` may see, each with its working feed or None."""
    rows = (
        CampaignCommune.objects.filter(commune__in=Commune.objects.visible_to(user))
        .select_related("campaign", "commune")
        .order_by("-campaign__start", "campaign__name", "commune__name")
    )
    feeds = {
        (feed.campaign_id, feed.commune_id): feed
        for feed in CalendarFeed.objects.live().filter(
            commune__in=Commune.objects.visible_to(user)
        )
    }
    return [
        (row.campaign, row.commune, feeds.get((row.campaign_id, row.commune_id))) for row in rows
    ]


@login_required
def calendar_feeds(request):
    """A volunteer's own link, and a link per commune and campaign for the staff."""
    volunteer = Volunteer.objects.filter(user=request.user).first()
    volunteer_feed = live_feed(volunteer=volunteer) if volunteer else None
    commune_feeds = [
        {
            "campaign": campaign,
            "commune": commune,
            "feed": feed,
            "url": feed_url(feed) if feed else "",
        }
        for campaign, commune, feed in communes_with_feeds(request.user)
    ]
    return render(
        request,
        "teams/calendar_feeds.html",
        {
            "volunteer": volunteer,
            "volunteer_feed_url": feed_url(volunteer_feed) if volunteer_feed else "",
            "commune_feeds": commune_feeds,
        },
    )


@login_required
@require_POST
def calendar_feed_renew(request):
    """Make a new link (revoking the old one): the volunteer's own, or a commune's."""
    if "commune" in request.POST:
        try:
            campaign_id = int(request.POST.get("campaign", ""))
            commune_id = int(request.POST["commune"])
        except ValueError:
            raise Http404 from None
        row = get_object_or_404(
            CampaignCommune.objects.filter(commune__in=Commune.objects.visible_to(request.user)),
            campaign_id=campaign_id,
            commune_id=commune_id,
        )
        renew_feed(commune_id=row.commune_id, campaign_id=row.campaign_id)
    else:
        volunteer = get_object_or_404(Volunteer, user=request.user)
        renew_feed(volunteer=volunteer)
    messages.success(request, _("A new calendar link was made; the old one no longer works."))
    return redirect("teams:calendar_feeds")
