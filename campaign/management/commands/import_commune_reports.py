from django.core.management.base import CommandError

from campaign.management.spreadsheet_command import SpreadsheetImportCommand
from campaign.models import Campaign
from campaign.report_import import CommuneReportImport


class Command(SpreadsheetImportCommand):
    audit_kind = "commune_reports"
    help = (
        "Import communes' official figures for a campaign from an .xlsx or .csv spreadsheet "
        "(one row per commune and period: commune code or name, from, to, applications "
        "received, of which online, records digitised, payments made online). Without "
        "--skip-invalid, a file with any invalid row writes nothing."
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
        return CommuneReportImport(sheet, campaign)
