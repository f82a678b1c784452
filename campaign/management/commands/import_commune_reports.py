from campaign.management.spreadsheet_command import CampaignSpreadsheetCommand
from campaign.report_import import CommuneReportImport


class Command(CampaignSpreadsheetCommand):
    audit_kind = "commune_reports"
    help = (
        "Import communes' official figures for a campaign from an .xlsx or .csv spreadsheet "
        "(one row per commune and period: commune code or name, from, to, applications "
        "received, of which online, records digitised, payments made online). Without "
        "--skip-invalid, a file with any invalid row writes nothing."
    )

    def importer(self, sheet, campaign):
        return CommuneReportImport(sheet, campaign)
