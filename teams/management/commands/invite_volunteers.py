from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from campaign.models import Campaign
from notifications.models import Message
from teams.models import Volunteer
from teams.registry.accounts import invite_volunteer


class Command(BaseCommand):
    help = (
        "Text every volunteer assigned to a campaign who cannot sign in yet a one-time "
        "link to set their password on their phone. Running it again texts only those "
        "who have not set one since."
    )

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, metavar="ID", help="campaign id")

    def handle(self, *args, campaign, **options):
        try:
            campaign = Campaign.objects.get(pk=int(campaign))
        except (ValueError, Campaign.DoesNotExist):
            raise CommandError(f"--campaign: no campaign has id {campaign}") from None
        volunteers = (
            Volunteer.objects.filter(assignments__campaign=campaign, active=True)
            .select_related("user")
            .distinct()
        )
        invitations = Message.objects.filter(kind="account_invitation")
        before = invitations.count()
        with transaction.atomic():
            for volunteer in volunteers:
                if volunteer.user and volunteer.user.has_usable_password():
                    continue
                invite_volunteer(volunteer, brand=campaign.sms_brand)
        self.stdout.write(f"invitations queued: {invitations.count() - before}")
