"""Volunteers assigned to a campaign's communes: the notice each one gets, and the
campaign a volunteer works in now."""

from datetime import date

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from campaign.models import Campaign
from notifications.models import Message
from notifications.outbox import queue_message
from teams.models import Assignment, Volunteer


def current_campaign(volunteer: Volunteer, today: date):
    """The campaign under way among the volunteer's, else the latest one."""
    campaigns = list(
        Campaign.objects.filter(assignments__volunteer=volunteer).distinct().order_by("-start")
    )
    under_way = [c for c in campaigns if c.start <= today <= c.end]
    return (under_way or campaigns or [None])[0]


def send_assignment_notice(assignment: Assignment) -> Message:
    """Tell the volunteer where and when they are assigned, with the link to their
    phone page where they see and confirm their shifts. Queued once per assignment."""
    campaign = assignment.campaign
    with translation.override(settings.LANGUAGE_CODE):
        url = f"{settings.SITE_URL}{reverse('teams:my_shifts')}"
    values = {
        "name": assignment.volunteer.full_name,
        "commune": assignment.commune.name,
        "start": (assignment.starts_on or campaign.start).strftime("%d/%m/%Y"),
        "end": (assignment.ends_on or campaign.end).strftime("%d/%m/%Y"),
        "url": url,
    }
    with translation.override("vi"):
        text = (
            _(
                "You are assigned to %(commune)s from %(start)s to %(end)s. "
                "See and confirm your shifts: %(url)s"
            )
            % values
        )
    return queue_message(
        assignment.volunteer.phone,
        text,
        kind="assignment_notice",
        key=f"assignment:{assignment.pk}",
        **campaign.sender_for(zalo_consent=assignment.volunteer.zalo_consent),
        values=values,
        subject=assignment,
    )
