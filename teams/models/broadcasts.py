"""Broadcasts: one SMS composed once and sent to every active volunteer of a team, a
commune or a whole campaign."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign.models import Campaign, Commune, campaign_tag
from teams.models.registry import (
    Team,
)


class BroadcastQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Broadcasts to a team or a commune among the communes `user` may see, and
        broadcasts to a whole campaign that `user` organises."""
        communes = Commune.objects.visible_to(user)
        return self.filter(
            models.Q(team__commune__in=communes)
            | models.Q(commune__in=communes)
            | models.Q(
                team__isnull=True,
                commune__isnull=True,
                campaign__in=Campaign.objects.organised_by(user),
            )
        )


class Broadcast(models.Model):
    """One SMS composed by an organiser and sent to every volunteer of a team, a commune
    or a whole campaign.

    The target is the team or the commune when one is set (never both), and otherwise
    the campaign: every active volunteer of the campaign's communes. With a team or a
    commune, `campaign` is optional context instead: the campaign the broadcast counts
    towards, whose brand and choice of diacritics it takes. The constraint below holds
    both readings.

    Each recipient's message is a notifications.Message whose subject is this row, so
    the message log is scoped by the broadcast's target. The figures are those of the
    moment it was sent.
    """

    # Carried by the compose form: a form submitted twice creates one broadcast.
    form_token = models.UUIDField(_("form token"), unique=True, editable=False)
    composed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="sms_broadcasts",
        verbose_name=_("composed by"),
    )
    # The target: a team, a commune, or (when both are empty) the campaign.
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sms_broadcasts",
        verbose_name=_("team"),
    )
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sms_broadcasts",
        verbose_name=_("commune"),
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sms_broadcasts",
        verbose_name=_("campaign"),
        help_text=_("The whole campaign when no team or commune is set"),
    )
    text = models.TextField(_("text"), help_text=_("As composed, before the brand is added"))
    brand = models.CharField(_("sender brand"), max_length=40)
    without_diacritics = models.BooleanField(_("sent without diacritics"), default=False)
    encoding = models.CharField(_("encoding"), max_length=8)
    segments_per_message = models.PositiveSmallIntegerField(_("segments per message"))
    recipient_count = models.PositiveIntegerField(
        _("recipients"), help_text=_("Numbers messaged, opted-out numbers excluded")
    )
    opted_out_count = models.PositiveIntegerField(_("opted out"), default=0)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    objects = BroadcastQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("SMS broadcast")
        verbose_name_plural = _("SMS broadcasts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(team__isnull=False, commune__isnull=True)
                | models.Q(team__isnull=True, commune__isnull=False)
                | models.Q(team__isnull=True, commune__isnull=True, campaign__isnull=False),
                name="broadcast_has_one_target",
            ),
        ]

    def __str__(self):
        if self.created_at is None:
            return str(self.target)
        return f"{self.target} ({timezone.localtime(self.created_at):%Y-%m-%d %H:%M})"

    @property
    def message_tag(self) -> str:
        """Counted in its campaign, in the commune it targets (whole campaign: none)."""
        if self.campaign_id is None:
            return ""
        commune_id = self.team.commune_id if self.team_id else self.commune_id
        return campaign_tag(self.campaign_id, commune_id)

    @property
    def target(self) -> Team | Commune | Campaign:
        if self.team_id:
            return self.team
        return self.commune if self.commune_id else self.campaign

    @property
    def is_to_campaign(self) -> bool:
        """Sent to every volunteer of the campaign, not to one team or commune of it."""
        return not (self.team_id or self.commune_id)
