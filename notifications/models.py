from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class MessageQuerySet(models.QuerySet):
    def due(self, now):
        """Queued messages whose time has come (the dispatcher's query)."""
        return self.filter(status=Message.Status.QUEUED, next_attempt_at__lte=now)

    def stuck(self, before):
        """Messages a worker took before `before` and never finished (it died)."""
        return self.filter(status=Message.Status.SENDING, sending_started_at__lt=before)


class Message(models.Model):
    """One SMS to one number, from queueing to its last delivery report.

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

    recipient = models.CharField(_("recipient"), max_length=16, db_index=True)
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
    provider = models.CharField(_("provider"), max_length=20)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.IN_FLIGHT
    )
    error_code = models.CharField(_("error code"), max_length=20, blank=True)
    error_reason = models.CharField(_("error"), max_length=500, blank=True)
    provider_message_id = models.CharField(max_length=64, blank=True)

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
