"""Volunteers assigned to a campaign's communes: the campaign a volunteer works in now."""

from datetime import date

from campaign.models import Campaign
from teams.models import Volunteer


def current_campaign(volunteer: Volunteer, today: date):
    """The campaign under way among the volunteer's, else the latest one."""
    campaigns = list(
        Campaign.objects.filter(assignments__volunteer=volunteer).distinct().order_by("-start")
    )
    under_way = [c for c in campaigns if c.start <= today <= c.end]
    return (under_way or campaigns or [None])[0]
