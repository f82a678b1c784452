from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from notifications import kinds


class MessageQuerySet(models.QuerySet):
    def due(self, now):
        """Queued messages whose time has come (the dispatcher's query)."""
        return self.filter(status=Message.Status.QUEUED, next_attempt_at__lte=now)

    def stuck(self, before):
        """Messages a worker took before `before` and never finished (it died)."""
        return self.filter(status=Message.Status.SENDING, sending_started_at__lt=before)


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    ZALO = "zalo", _("Zalo")


class Message(models.Model):
    """One notification to one number, from queueing to its last delivery report.

    It goes by one channel at a time: Zalo (a ZNS template, when the kind has an
    approved one, the person's consent covers Zalo and the sender allows it) or SMS.
    When Zalo cannot deliver it, the same row moves to SMS once (`fallback_reason`
    says why): one idempotency key, so nobody gets it on both channels. `text` is always
    the SMS text; `template_id` and `template_data` are what Zalo is sent.

    `status` only moves forward (see RANK): queued, sending and unknown are the states a
    message cycles through while it is being sent (a retry takes it back to queued, with
    a new attempt); once it is sent, delivered, undelivered, failed or cancelled it never
    goes back, so a late "sent" report never undoes "delivered". Every hand-over to the
    provider is a MessageAttempt row, kept as the history.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        UNDELIVERED = "undelivered", _("Undelivered")
        FAILED = "failed", _("Failed")
        UNKNOWN = "unknown", _("Unknown: checking with the provider")
        CANCELLED = "cancelled", _("Cancelled")

    # Later states outrank earlier ones; a status update to a lower rank is ignored.
    RANK = {
        Status.QUEUED: 0,
        Status.SENDING: 1,
        Status.UNKNOWN: 2,
        Status.SENT: 3,
        Status.DELIVERED: 4,
        Status.UNDELIVERED: 4,
        Status.FAILED: 4,
        Status.CANCELLED: 4,
    }
    FINAL = {Status.DELIVERED, Status.UNDELIVERED, Status.FAILED, Status.CANCELLED}

    class FallbackReason(models.TextChoices):
        NO_ZALO = "no_zalo", _("The number has no Zalo account or cannot receive")
        TEMPLATE = "template", _("The Zalo template is rejected or disabled")
        DATA = "data", _("Zalo refused the template's values")
        QUOTA = "quota", _("Zalo's daily quota is used up")
        NO_REPORT = "no_report", _("No delivery report from Zalo in time")
        ZALO_ERROR = "zalo_error", _("Zalo kept failing")

    recipient = models.CharField(_("recipient"), max_length=16, db_index=True)
    channel = models.CharField(
        _("channel"), max_length=4, choices=Channel.choices, default=Channel.SMS, db_default="sms"
    )
    template_id = models.CharField(_("Zalo template"), max_length=20, blank=True, db_default="")
    template_data = models.JSONField(_("template data"), null=True, blank=True)
    fallback_reason = models.CharField(
        _("moved to SMS because"),
        max_length=10,
        choices=FallbackReason.choices,
        blank=True,
        db_default="",
    )
    text = models.TextField(_("text"))
    language = models.CharField(_("language"), max_length=8, default="vi")
    kind = models.CharField(_("kind"), max_length=40)
    idempotency_key = models.CharField(
        _("idempotency key"),
        max_length=200,
        unique=True,
        help_text=_("The same reminder for the same person is queued once."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    urgent = models.BooleanField(
        _("urgent"), default=False, db_default=False, help_text=_("Sent in quiet hours")
    )
    provider = models.CharField(_("provider"), max_length=20, blank=True, db_default="")
    provider_message_id = models.CharField(
        _("provider's message id"), max_length=64, blank=True, db_index=True, db_default=""
    )
    encoding = models.CharField(_("encoding"), max_length=8)
    segment_count = models.PositiveSmallIntegerField(_("segments"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0, db_default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # Not worth sending after this (a reminder for a shift that has started).
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    # When the dispatcher last handed this message to the task queue.
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)
    sending_started_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    last_error_code = models.CharField(_("last error code"), max_length=20, blank=True)
    last_error_reason = models.CharField(_("last error"), max_length=500, blank=True)
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject_id = models.CharField(max_length=40, blank=True, db_default="")
    subject = GenericForeignKey("subject_type", "subject_id")
    # A label the sender counts its messages by; the outbox never reads it. Taken from
    # the subject's `message_tag` (campaigns tag messages with their campaign and
    # commune, so the dashboard counts them without visiting every subject).
    tag = models.CharField(_("tag"), max_length=60, blank=True, db_default="")
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            # The dispatcher: queued messages by due time.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="queued"),
                name="message_due",
            ),
            # The sweep: messages taken by a worker that may have died.
            models.Index(
                fields=["sending_started_at"],
                condition=Q(status="sending"),
                name="message_in_flight",
            ),
            # What was sent about a shift, a help session or a broadcast.
            models.Index(fields=["subject_type", "subject_id"], name="message_subject"),
            # The dashboard's SMS figures: messages of some tags queued within some days,
            # counted by status and segments from the index alone.
            models.Index(
                fields=["tag", "created_at", "status", "segment_count"], name="message_tag_day"
            ),
            # The sweep: Zalo messages sent and still waiting for their delivery report.
            models.Index(
                fields=["sent_at"],
                condition=Q(channel="zalo", status__in=["sent", "unknown"]),
                name="message_zalo_unreported",
            ),
        ]

    def __str__(self):
        return f"{self.recipient}: {self.get_status_display()} ({self.kind})"


class MessageAttempt(models.Model):
    """One hand-over of a message to the provider, and how it ended."""

    class Outcome(models.TextChoices):
        IN_FLIGHT = "in_flight", _("In flight")
        ACCEPTED = "accepted", _("Accepted by the provider")
        RETRY = "retry", _("Will be retried")
        UNKNOWN = "unknown", _("Outcome unknown")
        FAILED = "failed", _("Failed")

    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="attempt_log", verbose_name=_("message")
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    channel = models.CharField(
        _("channel"), max_length=4, choices=Channel.choices, default=Channel.SMS, db_default="sms"
    )
    provider = models.CharField(_("provider"), max_length=20)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.IN_FLIGHT
    )
    error_code = models.CharField(_("error code"), max_length=20, blank=True)
    error_reason = models.CharField(_("error"), max_length=500, blank=True)
    provider_message_id = models.CharField(max_length=64, blank=True)
    # A delivery report for this attempt (a Zalo report can come after the fallback).
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        ordering = ["message", "number"]
        verbose_name = _("send attempt")
        verbose_name_plural = _("send attempts")
        constraints = [
            # A message is handed over at most once per attempt number.
            models.UniqueConstraint(fields=["message", "number"], name="attempt_once"),
        ]

    def __str__(self):
        return f"{self.message_id} #{self.number}: {self.get_outcome_display()}"


class OptOutQuerySet(models.QuerySet):
    def active(self):
        return self.filter(ended_at__isnull=True)

    def blocks(self, phone) -> bool:
        return self.active().filter(phone=phone).exists()


class OptOut(models.Model):
    """A number that must not be messaged until the person asks to start again."""

    class Source(models.TextChoices):
        LINK = "link", _("Opt-out link")
        KEYWORD = "keyword", _("Replied STOP")
        PROVIDER = "provider", _("Provider reported unsubscribed")
        STAFF = "staff", _("Recorded by staff")

    phone = models.CharField(_("phone"), max_length=16)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    created_at = models.DateTimeField(_("opted out at"), auto_now_add=True)
    ended_at = models.DateTimeField(
        _("opted back in at"),
        null=True,
        blank=True,
        help_text=_("Set when they ask to start again"),
    )

    objects = OptOutQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("opt-out")
        verbose_name_plural = _("opt-outs")
        constraints = [
            # One standing opt-out per number; ended ones stay as history. Every send
            # looks the number up here.
            models.UniqueConstraint(
                fields=["phone"], condition=Q(ended_at__isnull=True), name="optout_one_active"
            ),
        ]

    def __str__(self):
        return f"{self.phone} ({self.get_source_display()})"


class ZaloTemplate(models.Model):
    """A ZNS template registered with Zalo for one kind of notification.

    Zalo approves each template before it can be sent; one that is not approved is
    never used, and the notification goes by SMS. Its parameters say how each is
    filled from the notification (see ZaloTemplateParam).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting Zalo's review")
        APPROVED = "approved", _("Approved by Zalo")
        REJECTED = "rejected", _("Rejected by Zalo")
        DISABLED = "disabled", _("Disabled")

    kind = models.CharField(
        _("kind of notification"),
        max_length=40,
        unique=True,
        help_text=_("The notification this template carries"),
    )
    template_id = models.CharField(
        _("Zalo template id"),
        max_length=20,
        help_text=_("The id Zalo gave the template, digits only"),
        validators=[RegexValidator(r"^\d{1,20}$", _("Zalo's template ids are digits only."))],
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    status_checked_at = models.DateTimeField(_("status checked"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("Zalo template")
        verbose_name_plural = _("Zalo templates")

    def __str__(self):
        return f"{self.template_id} · {kinds.label(self.kind)}"

    @property
    def usable(self) -> bool:
        return self.status == self.Status.APPROVED


class ZaloTemplateParam(models.Model):
    """One parameter of a ZNS template: its name at Zalo, the value of the notification
    that fills it, and the longest value Zalo accepts for it."""

    template = models.ForeignKey(
        ZaloTemplate, on_delete=models.CASCADE, related_name="params", verbose_name=_("template")
    )
    name = models.CharField(
        _("parameter"),
        max_length=40,
        help_text=_("As named in the template at Zalo, e.g. customer_name"),
        validators=[
            RegexValidator(r"^[A-Za-z0-9_]+$", _("Letters, digits and underscores only."))
        ],
    )
    field = models.CharField(
        _("filled with"), max_length=40, help_text=_("The value of the notification it shows")
    )
    max_length = models.PositiveSmallIntegerField(
        _("maximum length"),
        validators=[MinValueValidator(1)],
        help_text=_("Zalo refuses longer values; a longer value sends the notification by SMS"),
    )

    class Meta:
        ordering = ["template", "pk"]
        verbose_name = _("template parameter")
        verbose_name_plural = _("template parameters")
        constraints = [
            models.UniqueConstraint(fields=["template", "name"], name="zalo_param_once"),
        ]

    def __str__(self):
        return self.name


class ZaloConnection(models.Model):
    """The official account's connection to Zalo: its tokens and today's quota. One row.

    A refresh token works once: each refresh stores the new one before the access token
    is used (notifications.zalo.Tokens), under a row lock so that workers refresh once.
    """

    refresh_token = models.TextField(_("refresh token"))
    access_token = models.TextField(_("access token"), blank=True)
    access_token_expires_at = models.DateTimeField(_("access token expires"), null=True)
    refreshed_at = models.DateTimeField(_("refreshed"), null=True)
    connected_at = models.DateTimeField(_("connected"), auto_now_add=True)
    # From Zalo's answers: how many ZNS messages the account may still send today.
    quota_day = models.DateField(_("quota day"), null=True)
    daily_quota = models.PositiveIntegerField(_("daily quota"), null=True)
    remaining_quota = models.IntegerField(_("remaining today"), null=True)

    class Meta:
        verbose_name = _("Zalo connection")
        verbose_name_plural = _("Zalo connection")

    def __str__(self):
        return str(self._meta.verbose_name)
