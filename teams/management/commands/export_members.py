from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from campaign.divisions import UnknownProvince, describe_provinces, resolve_province_codes
from campaign.models import Commune, Province
from teams.registry.exporting import member_dataset, render_dataset

FORMATS = {".csv": "csv", ".xlsx": "xlsx"}


class Command(BaseCommand):
    help = (
        "Export teams and volunteers to an .xlsx or .csv spreadsheet (one row per person "
        "in a team) with the headers import_members reads, so it can be edited and "
        "imported again."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", metavar="OUT", help="file to write: .xlsx or .csv (UTF-8)")
        parser.add_argument(
            "--province",
            metavar="CODE",
            help="official province code (e.g. 20); without it, every province",
        )

    def handle(self, *args, out, province, **options):
        path = Path(out)
        file_format = FORMATS.get(path.suffix.lower())
        if file_format is None:
            raise CommandError(f"OUT: {out} must end in .csv or .xlsx")
        communes = Commune.objects.all()
        if province:
            communes = communes.filter(province=self.province(province))
        dataset = member_dataset(communes)
        try:
            path.write_bytes(render_dataset(dataset, file_format))
        except OSError as error:
            raise CommandError(f"OUT: cannot write {out} ({error.strerror})") from None
        self.stdout.write(f"{dataset.height} rows written to {out}")

    @staticmethod
    def province(code) -> Province:
        try:
            (official_code,) = resolve_province_codes([code])
            return Province.objects.get(code=official_code)
        except UnknownProvince:
            raise CommandError(
                f"--province: unknown province code {code}. Known codes: {describe_provinces()}"
            ) from None
        except Province.DoesNotExist:
            raise CommandError(
                f"--province: province {code} is not loaded; run "
                f"`manage.py load_divisions --province {code}` first"
            ) from None
