from campaign.management.spreadsheet_command import CampaignSpreadsheetCommand
from teams.rota.assignment_import import AssignmentImport


class Command(CampaignSpreadsheetCommand):
    audit_kind = "assignments"
    help = (
        "Assign registered volunteers to a campaign's communes from an .xlsx or .csv "
        "spreadsheet (one row per volunteer and commune: phone, commune code or name, "
        "from, to). Without --skip-invalid, a file with any invalid row writes nothing."
    )

    def importer(self, sheet, campaign):
        return AssignmentImport(sheet, campaign)
