"""python manage.py purge_expired_records

Removes what is kept only for a while (teams.registry.retention): uploaded import files, the
number and text of old messages, old sign-in attempts, old audit events, each after the
days its setting gives. The task queue runs it every night.
"""

from django.core.management.base import BaseCommand

from teams.registry.retention import purge_expired_records


class Command(BaseCommand):
    help = (
        "Remove import files, message copies, sign-in attempts and audit events past "
        "their retention."
    )

    def handle(self, *args, **options):
        for name, count in purge_expired_records().items():
            self.stdout.write(f"{name}: {count}")
