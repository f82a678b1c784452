import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from sessions.api import token_digest
from sessions.models import ApiToken


class Command(BaseCommand):
    help = (
        "Make an API key for an integration to call /api/v1/ as USERNAME "
        "(Authorization: Bearer <key>). The key is printed once and never stored; "
        "--revoke ID stops a key from working."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "username", metavar="USERNAME", nargs="?", help="the account the key acts as"
        )
        parser.add_argument(
            "--name", metavar="TEXT", help="what the key is for, e.g. the province's dashboard"
        )
        parser.add_argument("--revoke", metavar="ID", help="revoke the key with this id")

    def handle(self, *args, username, name, revoke, **options):
        if revoke is not None:
            self.revoke(revoke, username)
            return
        if not username:
            raise CommandError(_("USERNAME: say which account the key is for."))
        name = (name or "").strip()
        if not name:
            raise CommandError(_("--name: say what the key is for."))
        limit = ApiToken._meta.get_field("name").max_length
        if len(name) > limit:
            raise CommandError(_("--name: at most %(limit)d characters.") % {"limit": limit})
        user = self.active_user(username)
        key = secrets.token_urlsafe(32)
        token = ApiToken.objects.create(user=user, name=name, digest=token_digest(key))
        self.stdout.write(
            _("API key %(id)d for %(username)s (%(name)s):")
            % {"id": token.pk, "username": username, "name": name}
        )
        self.stdout.write(key)
        self.stdout.write(
            _(
                "Store it now: it is not shown again. Revoke it with "
                "`manage.py create_api_token --revoke %(id)d`."
            )
            % {"id": token.pk}
        )

    @staticmethod
    def active_user(username):
        User = get_user_model()
        try:
            user = User._default_manager.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(
                _("USERNAME: there is no account %(username)s.") % {"username": username}
            ) from None
        if not user.is_active:
            raise CommandError(
                _("USERNAME: the account %(username)s is inactive.") % {"username": username}
            )
        return user

    def revoke(self, token_id, username):
        try:
            token = ApiToken.objects.select_related("user").get(pk=int(token_id))
        except (ValueError, ApiToken.DoesNotExist):
            raise CommandError(
                _("--revoke: no API key has id %(id)s.") % {"id": token_id}
            ) from None
        owner = token.user.get_username()
        if username and username != owner:
            raise CommandError(
                _("--revoke: API key %(id)d is not %(username)s's.")
                % {"id": token.pk, "username": username}
            )
        if token.revoked_at is not None:
            self.stdout.write(
                _("API key %(id)d (%(name)s) was revoked already, on %(day)s.")
                % {
                    "id": token.pk,
                    "name": token.name,
                    "day": timezone.localtime(token.revoked_at).strftime("%d/%m/%Y %H:%M"),
                }
            )
            return
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        self.stdout.write(
            _("API key %(id)d of %(username)s (%(name)s) revoked: it no longer works.")
            % {"id": token.pk, "username": owner, "name": token.name}
        )
