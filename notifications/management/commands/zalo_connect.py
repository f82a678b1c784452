from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from notifications import zalo


class Command(BaseCommand):
    help = _(
        "Connect the official account to Zalo: store the first refresh token (from the "
        "account's authorisation) and exchange it at once for an access token."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--refresh-token",
            required=True,
            metavar="TOKEN",
            help=_("the refresh token Zalo gave when the official account authorised the app"),
        )

    def handle(self, *args, refresh_token, **options):
        if not settings.ZALO_APP_ID:
            raise CommandError(
                _("ZALO_APP_ID is not set: Zalo is off. Set it and ZALO_APP_SECRET.")
            )
        token = refresh_token.strip()
        if not token or any(ch.isspace() for ch in token):
            raise CommandError(_("--refresh-token: the token is empty or has spaces in it."))
        try:
            connection = zalo.connect(token)
        except zalo.TokenError as error:
            raise CommandError(
                _("--refresh-token: Zalo did not accept it (%(reason)s). Nothing was stored.")
                % {"reason": error}
            ) from None
        self.stdout.write(
            _("Connected to Zalo. The access token is valid until %(moment)s.")
            % {"moment": connection.access_token_expires_at.strftime("%d/%m/%Y %H:%M")}
        )
