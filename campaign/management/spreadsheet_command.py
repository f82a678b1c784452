"""What every spreadsheet import command shares: FILE, --dry-run, --skip-invalid,
--errors OUT, and one way of reporting (problems on stderr by line and column, the
summary as the last line, exit 1 when rows have errors and nothing was written)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from campaign.audit import import_recorder
from campaign.models import Campaign
from lib.spreadsheets.reading import UnreadableFile, read_sheet
from lib.spreadsheets.tables import write_errors_file


class SpreadsheetImportCommand(BaseCommand):
    # What the import writes, as campaign.audit.IMPORT_KINDS names it: each run is audited.
    audit_kind = ""

    def add_target_arguments(self, parser):
        """Options naming where the rows go (a province, a campaign)."""

    def target(self, options):
        """What add_target_arguments named, checked; raise CommandError when wrong."""

    def importer(self, sheet, target):
        """The import to run: an object whose run(dry_run, skip_invalid) gives a report."""
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help=".xlsx or .csv (UTF-8) file")
        self.add_target_arguments(parser)
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report, write nothing"
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="import the valid rows even when other rows have errors",
        )
        parser.add_argument(
            "--errors",
            metavar="OUT",
            help="write the rows with problems and their reasons to OUT (.csv or .xlsx)",
        )

    def handle(self, *args, file, dry_run, skip_invalid, errors, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"FILE: {file} does not exist")
        if errors and Path(errors).suffix.lower() not in (".csv", ".xlsx"):
            raise CommandError(f"--errors: {errors} must end in .csv or .xlsx")
        target = self.target(options)
        try:
            sheet = read_sheet(path.name, path.read_bytes())
        except UnreadableFile as error:
            raise CommandError(f"FILE: {error}") from None

        province = getattr(target, "province", target)  # a campaign's, or the province
        report = self.importer(sheet, target).run(
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            on_written=import_recorder(
                self.audit_kind, province=province, filename=path.name, via="command"
            ),
        )
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"warning: {warning}"))
        for problem in report.errors:
            self.stderr.write(f"error: {problem}")
        if errors:
            count = write_errors_file(Path(errors), sheet, report)
            self.stdout.write(f"{count} rows with problems written to {errors}")
        if dry_run:
            self.stdout.write("dry run: nothing was written")
        elif report.errors and not skip_invalid:
            self.stdout.write(
                f"{len(report.invalid_lines)} rows have errors: nothing was written "
                "(fix them, or use --skip-invalid to import the other rows)"
            )
        self.stdout.write(report.summary())
        if report.errors and not skip_invalid:
            raise SystemExit(1)


class CampaignSpreadsheetCommand(SpreadsheetImportCommand):
    """An import into one campaign (--campaign ID); communes are its province's."""

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
