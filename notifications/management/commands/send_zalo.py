import uuid

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from notifications import zalo
from notifications.models import Channel
from notifications.outbox import queue_message
from notifications.phones import mobiles_from_options


class Command(BaseCommand):
    help = _(
        "Queue one notification to each number through the outbox, Zalo first and SMS "
        "when Zalo cannot deliver it, to test a deployment. The template need not be "
        "registered. The task queue's worker sends it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--to",
            action="append",
            required=True,
            metavar="NUMBER",
            help=_("recipient's mobile number (any common Vietnamese form); repeat for several"),
        )
        parser.add_argument(
            "--template", required=True, metavar="TEMPLATE_ID", help=_("Zalo's template id")
        )
        parser.add_argument(
            "--data",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help=_("one parameter of the template; repeat for each"),
        )
        parser.add_argument(
            "--fallback-text",
            required=True,
            metavar="TEXT",
            help=_("the SMS sent instead when Zalo cannot deliver it"),
        )
        parser.add_argument("--urgent", action="store_true", help=_("send even in quiet hours"))

    def handle(self, *args, to, template, data, fallback_text, urgent, **options):
        if not zalo.enabled():
            raise CommandError(
                _("Zalo is off: set ZALO_APP_ID and ZALO_APP_SECRET, then run zalo_connect.")
            )
        template = template.strip()
        if not (template.isascii() and template.isdigit() and len(template) <= 20):
            raise CommandError(
                _("--template %(value)s: Zalo's template ids are digits only.")
                % {"value": template}
            )
        values = {}
        for pair in data:
            key, separator, value = pair.partition("=")
            key = key.strip()
            if not separator or not key:
                raise CommandError(_("--data %(value)s: write it as key=value.") % {"value": pair})
            if key in values:
                raise CommandError(_("--data %(key)s: given twice.") % {"key": key})
            values[key] = value.strip()
        if not fallback_text.strip():
            raise CommandError(_("--fallback-text: the SMS text is empty."))
        recipients = mobiles_from_options(to)
        batch = uuid.uuid4().hex[:12]
        with transaction.atomic():
            messages = [
                queue_message(
                    recipient,
                    fallback_text,
                    kind="operator_test",
                    key=f"send_zalo:{batch}:{recipient}",
                    urgent=urgent,
                    zalo_template=(template, values),
                )
                for recipient in recipients
            ]
        for message in messages:
            channel = _("Zalo, then SMS if needed") if message.channel == Channel.ZALO else "SMS"
            self.stdout.write(
                _("%(phone)s: %(status)s by %(channel)s (message %(id)s)")
                % {
                    "phone": message.recipient,
                    "status": message.get_status_display(),
                    "channel": channel,
                    "id": message.pk,
                }
            )
