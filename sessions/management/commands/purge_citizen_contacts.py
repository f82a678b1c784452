"""python manage.py purge_citizen_contacts [--campaign ID] [--dry-run]

Erases the phone numbers citizens gave for a follow-up once their campaign's retention
period is over (Campaign.contacts_purged_after), withdraws follow-ups not sent yet and
writes an audit event per campaign. The task queue runs it every night; a second run
finds nothing to do.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from campaign.models import Campaign
from sessions.contacts import purge


class Command(BaseCommand):
    help = "Erase citizens' phone numbers whose campaign's retention period has ended."

    def add_arguments(self, parser):
        parser.add_argument("--campaign", type=int, help="Only this campaign (its id)")
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be erased; erase nothing"
        )
        parser.add_argument(
            "--today", help="Purge as if today were this day (YYYY-MM-DD), to check ahead"
        )

    def handle(self, *args, campaign=None, dry_run=False, today=None, **options):
        day = timezone.localdate()
        if today:
            day = parse_date(today)
            if day is None:
                raise CommandError(
                    _("--today %(value)s is not a date (YYYY-MM-DD)") % {"value": today}
                )
        chosen = None
        if campaign is not None:
            chosen = Campaign.objects.filter(pk=campaign).first()
            if chosen is None:
                raise CommandError(
                    _("--campaign %(id)s: there is no such campaign") % {"id": campaign}
                )
            if chosen.contacts_purged_after >= day:
                self.stdout.write(
                    _("“%(campaign)s” keeps citizens' numbers until %(day)s: nothing erased.")
                    % {"campaign": chosen, "day": chosen.contacts_purged_after.isoformat()}
                )
                return
        done = purge(today=day, campaign=chosen, dry_run=dry_run)
        if not done:
            self.stdout.write(_("No phone numbers are due for erasure."))
            return
        for item in done:
            line = (
                _("“%(campaign)s”: %(count)d numbers would be erased")
                if dry_run
                else _("“%(campaign)s”: %(count)d numbers erased")
            )
            self.stdout.write(line % {"campaign": item.campaign, "count": item.sessions})
