from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from campaign.models import Campaign
from teams.assigning import AssignmentImport
from teams.importing import UnreadableFile, read_sheet, write_errors_file


class Command(BaseCommand):
    help = (
        "Assign registered volunteers to a campaign's communes from an .xlsx or .csv "
        "spreadsheet (one row per volunteer and commune: phone, commune code or name, "
        "from, to). Without --skip-invalid, a file with any invalid row writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help=".xlsx or .csv (UTF-8) file")
        parser.add_argument(
            "--campaign",
            metavar="ID",
            required=True,
            help="id of the campaign; communes are looked up in its province",
        )
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

    def handle(self, *args, file, campaign, dry_run, skip_invalid, errors, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"FILE: {file} does not exist")
        if errors and Path(errors).suffix.lower() not in (".csv", ".xlsx"):
            raise CommandError(f"--errors: {errors} must end in .csv or .xlsx")
        if not str(campaign).isdigit():
            raise CommandError(f"--campaign: {campaign} is not a campaign id (a number)")
        try:
            campaign_obj = Campaign.objects.select_related("province").get(pk=int(campaign))
        except Campaign.DoesNotExist:
            raise CommandError(f"--campaign: no campaign has id {campaign}") from None
        try:
            sheet = read_sheet(path.name, path.read_bytes())
        except UnreadableFile as error:
            raise CommandError(f"FILE: {error}") from None

        report = AssignmentImport(sheet, campaign_obj).run(
            dry_run=dry_run, skip_invalid=skip_invalid
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
