from django.core.management.base import CommandError

from campaign.divisions import UnknownProvince, describe_provinces, resolve_province_codes
from campaign.management.spreadsheet_command import SpreadsheetImportCommand
from campaign.models import Province
from teams.registry.importing import MemberImport


class Command(SpreadsheetImportCommand):
    audit_kind = "members"
    help = (
        "Import teams and volunteers from an .xlsx or .csv spreadsheet (one row per person "
        "in a team). Without --skip-invalid, a file with any invalid row writes nothing."
    )

    def add_target_arguments(self, parser):
        parser.add_argument(
            "--province",
            metavar="CODE",
            help="official province code (e.g. 20); communes are looked up there",
        )

    def target(self, options):
        province = options["province"]
        if not province:
            return None
        try:
            (code,) = resolve_province_codes([province])
            return Province.objects.get(code=code)
        except UnknownProvince:
            raise CommandError(
                f"--province: unknown province code {province}. Known codes: "
                f"{describe_provinces()}"
            ) from None
        except Province.DoesNotExist:
            raise CommandError(
                f"--province: province {province} is not loaded; run "
                f"`manage.py load_divisions --province {province}` first"
            ) from None

    def importer(self, sheet, province):
        return MemberImport(sheet, province=province)
