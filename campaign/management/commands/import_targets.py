from campaign.management.spreadsheet_command import CampaignSpreadsheetCommand
from campaign.target_import import TargetImport


class Command(CampaignSpreadsheetCommand):
    audit_kind = "targets"
    help = (
        "Import a campaign's targets from an .xlsx or .csv spreadsheet: one row per commune "
        "(its code or name), one column per indicator (its name in Vietnamese or English, or "
        "its code); an empty cell leaves that target as it is. Without --skip-invalid, a file "
        "with any invalid row writes nothing."
    )

    def importer(self, sheet, campaign):
        return TargetImport(sheet, campaign)
