from django.core.management.base import CommandError

from campaign.management.spreadsheet_command import SpreadsheetImportCommand
from campaign.models import Campaign
from teams.rota.assignment_import import AssignmentImport


class Command(SpreadsheetImportCommand):
    audit_kind = "assignments"
    help = (
        "Assign registered volunteers to a campaign's communes from an .xlsx or .csv "
        "spreadsheet (one row per volunteer and commune: phone, commune code or name, "
        "from, to). Without --skip-invalid, a file with any invalid row writes nothing."
    )

    def add_target_arguments(self, parser):
        parser.add_argument(
            "--campaign",
            metavar="ID",
            required=True,
            help="id of the campaign; communes are looked up in its province",
        )

    def target(self, options):
        campaign = options["campaign"]
        if not str(campaign).isdigit():
            raise CommandError(f"--campaign: {campaign} is not a campaign id (a number)")
        try:
            return Campaign.objects.select_related("province").get(pk=int(campaign))
        except Campaign.DoesNotExist:
            raise CommandError(f"--campaign: no campaign has id {campaign}") from None

    def importer(self, sheet, campaign):
        return AssignmentImport(sheet, campaign)
