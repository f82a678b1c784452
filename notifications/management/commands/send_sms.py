import uuid

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from notifications.outbox import queue_message
from notifications.phones import mobiles_from_options


class Command(BaseCommand):
    help = (
        "Queue one SMS to each number through the same outbox as every other message, "
        "to test a deployment. The task queue's worker sends it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--to",
            action="append",
            required=True,
            metavar="NUMBER",
            help="recipient's mobile number (any common Vietnamese form); repeat for several",
        )
        parser.add_argument("text", metavar="TEXT", help="the message")
        parser.add_argument("--urgent", action="store_true", help="send even in quiet hours")

    def handle(self, *args, to, text, urgent, **options):
        if not text.strip():
            raise CommandError("TEXT: the message is empty")
        recipients = mobiles_from_options(to)
        batch = uuid.uuid4().hex[:12]
        with transaction.atomic():
            messages = [
                queue_message(
                    recipient,
                    text,
                    kind="operator_test",
                    key=f"send_sms:{batch}:{recipient}",
                    urgent=urgent,
                )
                for recipient in recipients
            ]
        for message in messages:
            self.stdout.write(
                f"{message.recipient}: {message.get_status_display()} "
                f"(message {message.pk}, {message.segment_count} segment(s), {message.encoding})"
            )
