from django.core.management.base import BaseCommand, CommandError

from campaign.divisions import (
    UnknownProvince,
    describe_provinces,
    load_divisions,
    resolve_province_codes,
)


class Command(BaseCommand):
    help = (
        "Load Vietnam's provinces and communes (wards, special zones) from the "
        "vietnam-provinces package. Safe to run again: nothing is duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--province",
            action="append",
            default=[],
            metavar="CODE",
            help="Official province code, e.g. 20 for Lang Son; repeat for several. "
            "Default: every province.",
        )

    def handle(self, *args, province, **options):
        try:
            codes = resolve_province_codes(province)
        except UnknownProvince as error:
            raise CommandError(
                f"--province: unknown province code {error}. Known codes: {describe_provinces()}"
            ) from None
        result = load_divisions(codes or None)
        for label, tally in (("provinces", result.provinces), ("communes", result.communes)):
            self.stdout.write(
                f"{label}: {tally.created} created, {tally.updated} updated, "
                f"{tally.unchanged} unchanged"
            )
        self.stdout.write(
            self.style.SUCCESS(f"Divisions loaded from vietnam-provinces {result.source_version}.")
        )
