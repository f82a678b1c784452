"""Citizens' phone numbers: erased when consent is withdrawn or the retention period ends.

A number given for a follow-up is kept until `Campaign.contacts_purged_after`; the daily
purge (`manage.py purge_citizen_contacts`, scheduled in the task queue) erases it from
the session and from the outbox's copy of the follow-up, withdraws a follow-up that has
not gone out, and writes one audit event per campaign. The sessions themselves, and so
every count, stay.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from campaign.audit import record
from campaign.models import AuditEvent, Campaign
from notifications.models import Message
from notifications.personal_data import ERASED
from sessions.followups import KIND, withdraw_follow_ups
from sessions.models import HelpSession


@dataclass
class Purged:
    campaign: Campaign
    sessions: int
    messages: int


def held_numbers():
    return HelpSession.objects.exclude(citizen_phone="")


def erase(sessions) -> int:
    """Erase the numbers of `sessions` (a queryset); returns how many messages lost theirs."""
    sessions = list(sessions.only("pk", "uuid"))
    if not sessions:
        return 0
    withdraw_follow_ups(sessions)
    content_type = ContentType.objects.get_for_model(HelpSession)
    masked = Message.objects.filter(
        kind=KIND, subject_type=content_type, subject_id__in=[str(s.pk) for s in sessions]
    ).update(recipient=ERASED)
    HelpSession.objects.filter(pk__in=[s.pk for s in sessions]).update(
        citizen_phone="", contact_purged_at=timezone.now()
    )
    return masked


@transaction.atomic
def erase_contact(session: HelpSession, *, actor=None) -> None:
    """The citizen withdrew their consent: the number goes now, and the follow-up too."""
    erase(HelpSession.objects.filter(pk=session.pk))
    record(
        AuditEvent.Action.PURGE,
        f"Citizen's phone number erased on request (help session {session.uuid})",
        actor=actor,
        province=session.campaign.province,
        commune=session.commune,
        subject=session,
        details={"help_session": str(session.uuid), "reason": "consent withdrawn"},
    )


def due_campaigns(today: date):
    """Campaigns whose retention period is over and that still hold numbers."""
    holding = held_numbers().values("campaign_id")
    return [
        c
        for c in Campaign.objects.filter(pk__in=holding).select_related("province")
        if c.contacts_purged_after < today
    ]


def purge(*, today: date | None = None, campaign: Campaign | None = None, dry_run=False):
    """Erase the numbers of every campaign past its retention period; one audit event
    per campaign. Returns what was (or, with `dry_run`, would be) erased."""
    today = today or timezone.localdate()
    campaigns = [campaign] if campaign is not None else due_campaigns(today)
    done = []
    for each in campaigns:
        if each.contacts_purged_after >= today:
            continue
        sessions = held_numbers().filter(campaign=each)
        count = sessions.count()
        if not count:
            continue
        if dry_run:
            done.append(Purged(each, count, 0))
            continue
        with transaction.atomic():
            masked = erase(sessions)
            record(
                AuditEvent.Action.PURGE,
                f"Citizens' phone numbers erased: {count} help sessions of “{each}”",
                province=each.province,
                details={
                    "campaign": each.pk,
                    "sessions": count,
                    "messages": masked,
                    "retention_days": each.citizen_contact_retention_days,
                    "kept_until": each.contacts_purged_after.isoformat(),
                },
            )
        done.append(Purged(each, count, masked))
    return done
