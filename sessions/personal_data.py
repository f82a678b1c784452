"""What the help sessions hold about a person, for personal-data requests
(sessions.privacy): a volunteer's logs, counted and listed without anything about the
citizens they helped; a citizen's number in the logs that kept it; a volunteer's API
keys."""

from django.db.models import Count

from lib.moments import moment_text as when
from sessions.models import ApiToken, HelpSession


def volunteer_sessions(volunteer, communes) -> dict:
    """The volunteer's logs in `communes`: the total, per campaign and commune, and each
    one without the citizen's number, note, age, gender or priority group (those are
    the citizens' data, not the volunteer's)."""
    sessions = (
        HelpSession.objects.filter(volunteer=volunteer, commune__in=communes)
        .select_related("campaign", "commune")
        .prefetch_related("services")
        .order_by("helped_at", "pk")
    )
    by_campaign = (
        sessions.order_by()
        .values("campaign__name", "commune__name")
        .annotate(sessions=Count("pk"))
        .order_by("campaign__name", "commune__name")
    )
    return {
        "total": sessions.count(),
        "by_campaign_and_commune": [
            {
                "campaign": row["campaign__name"],
                "commune": row["commune__name"],
                "sessions": row["sessions"],
            }
            for row in by_campaign
        ],
        "list": [
            {
                "log_id": str(s.uuid),
                "time": when(s.helped_at),
                "campaign": s.campaign.name,
                "commune": s.commune.name,
                "services": ", ".join(service.code for service in s.services.all()),
                "minutes": s.minutes,
                "outcome": s.get_outcome_display(),
                "corrected": when(s.corrected_at),
            }
            for s in sessions
        ],
    }


def citizen_sessions(phone: str, communes):
    """The logs in `communes` that hold the citizen's number."""
    return HelpSession.objects.filter(citizen_phone=phone, commune__in=communes)


def citizen_session_rows(sessions) -> list[dict]:
    return [
        {
            "log_id": str(s.uuid),
            "time": when(s.helped_at),
            "campaign": s.campaign.name,
            "commune": s.commune.name,
            "services": ", ".join(service.code for service in s.services.all()),
            "outcome": s.get_outcome_display(),
            "consent_recorded": when(s.contact_consent_at),
            "follow_up": s.get_follow_up_display(),
            "follow_up_on": when(s.follow_up_on),
        }
        for s in sessions.select_related("campaign", "commune")
        .prefetch_related("services")
        .order_by("helped_at", "pk")
    ]


def revoke_api_tokens(account, now) -> int:
    return ApiToken.objects.filter(user=account, revoked_at__isnull=True).update(revoked_at=now)
