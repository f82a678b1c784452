"""python manage.py rebuild_rollups [--campaign ID ...] [--check]

Counts the dashboard's daily rollups again from the help sessions themselves. They are
kept exact as sessions are stored and corrected; this repairs them after sessions were
written some other way (a restore, demo data, a fix made by hand). With --check it only
compares, writes nothing and exits 1 when they differ.
"""

from django.core.management.base import BaseCommand, CommandError

from campaign.models import Campaign
from sessions import rollups


class Command(BaseCommand):
    help = "Count the dashboard's daily rollups again from the help sessions."

    def add_arguments(self, parser):
        parser.add_argument(
            "--campaign",
            type=int,
            action="append",
            metavar="ID",
            help="only this campaign (its id); repeat for several; default: every campaign",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="compare the rollups with the sessions, write nothing; exit 1 when they differ",
        )

    def handle(self, *args, campaign=None, check=False, **options):
        if campaign:
            known = set(Campaign.objects.filter(pk__in=campaign).values_list("pk", flat=True))
            unknown = sorted(set(campaign) - known)
            if unknown:
                raise CommandError(
                    "--campaign: no campaign has id " + ", ".join(str(pk) for pk in unknown)
                )
        if check:
            found = rollups.differences(campaign)
            for table, count in found.items():
                self.stdout.write(f"{table}: {count} rows differ")
            if any(found.values()):
                self.stdout.write("the rollups differ from the sessions: run rebuild_rollups")
                raise SystemExit(1)
            self.stdout.write("the rollups match the sessions")
            return
        written = rollups.rebuild(campaign)
        self.stdout.write(", ".join(f"{table}: {count} rows" for table, count in written.items()))
