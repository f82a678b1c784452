from django.core.management.base import BaseCommand, CommandError

from cms.seeding import seed_guides


class Command(BaseCommand):
    help = (
        "Create the starting guides for citizens, the three training modules for "
        "volunteers and the national hotlines, in Vietnamese with English translations. "
        "What exists already is left as it is, so running it again changes nothing."
    )

    def handle(self, *args, **options):
        try:
            report = seed_guides()
        except RuntimeError as error:
            raise CommandError(str(error)) from None
        for title in report.created:
            self.stdout.write(f"  created  {title}")
        self.stdout.write(self.style.SUCCESS(f"Guides and training: {report}"))
