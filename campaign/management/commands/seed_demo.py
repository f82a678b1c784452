from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = (
        "Seed demo data for a Lang Son-sized province and print the demo accounts. "
        "Running it again refreshes the same rows. Never run it in production."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo only runs with DEBUG=true: it sets known passwords.")
        accounts = []
        for path in settings.DEMO_SEEDERS:
            try:
                accounts += import_string(path)(self.stdout) or []
            except RuntimeError as error:
                raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in as:"))
        for role, username, password in accounts:
            self.stdout.write(f"  {username:<12} password {password:<14} {role}")
