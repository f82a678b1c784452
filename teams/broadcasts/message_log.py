"""The message log: every SMS of every kind that concerns what a person sees.

A message belongs to a campaign's commune through its tag (notifications.Message.tag,
written from its subject's `message_tag`): invitations, reminders, decline and
understaffed notices, citizens' follow-ups, and broadcasts to a commune's teams. The rest
are found through their subject: broadcasts to a whole campaign or to one team, and the
account links and reset codes sent to a volunteer.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from campaign.access import visible_campaigns
from campaign.models import Campaign, CampaignCommune, Commune, campaign_tag
from notifications.models import Message
from teams.broadcasts.sending import messages_visible_to
from teams.models import Volunteer

KINDS = {
    "broadcast": pgettext_lazy("kind of message", "Broadcast"),
    "shift_invitation": _("Invitation to a shift"),
    "shift_reminder": _("Shift reminder"),
    "assignment_notice": _("Assignment to a commune"),
    "decline_notice": _("A volunteer cannot come"),
    "understaffed_notice": _("Shift short of people"),
    "citizen_follow_up": _("Follow-up to a citizen"),
    "account_invitation": _("Account link"),
    "password_reset_code": _("Password reset code"),
    "operator_test": _("Test message"),
}
ACCOUNT_KINDS = ("account_invitation", "password_reset_code")


def kind_label(kind: str) -> str:
    return str(KINDS.get(kind, kind))


def tags_visible_to(user) -> list[str]:
    """The tags of the campaigns' communes `user` sees, and of the campaigns they run."""
    communes = Commune.objects.visible_to(user)
    pairs = CampaignCommune.objects.filter(
        campaign__in=visible_campaigns(user), commune__in=communes
    ).values_list("campaign_id", "commune_id")
    tags = [campaign_tag(campaign, commune) for campaign, commune in pairs]
    tags += [
        campaign_tag(pk) for pk in Campaign.objects.organised_by(user).values_list("pk", flat=True)
    ]
    return tags


def messages_for(user):
    """Every message `user` may see in the log."""
    if user.is_superuser:
        return Message.objects.all()
    volunteers = (
        Volunteer.objects.visible_to(user)
        .annotate(key=Cast("pk", output_field=CharField()))
        .values("key")
    )
    return Message.objects.filter(
        Q(tag__in=tags_visible_to(user))
        | Q(pk__in=messages_visible_to(user).values("pk"))
        | Q(
            kind__in=ACCOUNT_KINDS,
            subject_type=ContentType.objects.get_for_model(Volunteer),
            subject_id__in=volunteers,
        )
    )


def commune_of(message: Message) -> int | None:
    """The commune a message's tag names, if it names one."""
    _campaign, separator, commune = message.tag.partition(":commune:")
    return int(commune) if separator and commune.isdigit() else None
