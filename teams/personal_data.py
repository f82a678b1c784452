"""What teams holds about a volunteer, for personal-data requests (sessions.privacy):
their record in the registry, their account, teams, assignments, shifts and calendar
links; and erasing what names or reaches them while every row that is counted stays.

Erasing: name -> "Đã xoá (#id)", phone -> "erased-<id>" (not a number, and unique),
organisation, languages and skills emptied, marked inactive; their account renamed,
deactivated, without a usable password, its sign-in attempts forgotten; calendar links
revoked; places on future shifts given up; the admin's history of their rows loses
their name.
"""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db.models import Model

from lib.audited_admin import scrub_history
from lib.moments import moment_text as when
from teams.models import Assignment, CalendarFeed, Membership, ShiftSignup, Volunteer

ERASED_NAME = "Đã xoá (#{pk})"
ERASED_PHONE = "erased-{pk}"
ERASED_PREFIX = "erased-"


def is_erased(volunteer: Volunteer) -> bool:
    return volunteer.phone.startswith(ERASED_PREFIX)


def volunteer_data(volunteer: Volunteer, communes) -> dict:
    """Everything teams holds about `volunteer` in `communes`, section by section."""
    account = volunteer.user
    signups = (
        ShiftSignup.objects.filter(volunteer=volunteer, shift__commune__in=communes)
        .select_related("shift__campaign", "shift__commune")
        .order_by("shift__starts_at")
    )
    return {
        "profile": {
            "id": volunteer.pk,
            "full_name": volunteer.full_name,
            "phone": volunteer.phone,
            "affiliation": volunteer.get_affiliation_display(),
            "organisation": volunteer.organisation,
            "home_commune": volunteer.home_commune.name if volunteer.home_commune_id else "",
            "languages": volunteer.languages,
            "skills": volunteer.skills,
            "active": volunteer.active,
            "created": when(volunteer.created_at),
            "updated": when(volunteer.updated_at),
        },
        "account": (
            {
                "username": account.get_username(),
                "active": account.is_active,
                "can_sign_in": account.has_usable_password(),
                "joined": when(account.date_joined),
                "last_sign_in": when(account.last_login),
            }
            if account
            else None
        ),
        "memberships": [
            {
                "team": m.team.name,
                "commune": m.team.commune.name,
                "role": m.get_role_display(),
                "since": when(m.created_at),
            }
            for m in Membership.objects.filter(volunteer=volunteer, team__commune__in=communes)
            .select_related("team__commune")
            .order_by("created_at")
        ],
        "assignments": [
            {
                "campaign": a.campaign.name,
                "commune": a.commune.name,
                "from": when(a.starts_on or a.campaign.start),
                "to": when(a.ends_on or a.campaign.end),
                "created": when(a.created_at),
            }
            for a in Assignment.objects.filter(volunteer=volunteer, commune__in=communes)
            .select_related("campaign", "commune")
            .order_by("created_at")
        ],
        "shift_signups": [
            {
                "campaign": s.shift.campaign.name,
                "commune": s.shift.commune.name,
                "place": s.shift.place,
                "starts": when(s.shift.starts_at),
                "ends": when(s.shift.ends_at),
                "status": s.get_status_display(),
                "checked_in": when(s.checked_in_at),
                "checked_out": when(s.checked_out_at),
                "shift_cancelled": when(s.shift.cancelled_at),
            }
            for s in signups
        ],
        "calendar_links": [
            {"created": when(feed.created_at), "revoked": when(feed.revoked_at)}
            for feed in volunteer.calendar_feeds.order_by("created_at")
        ],
    }


def rows_naming(volunteer: Volunteer) -> dict[type[Model], list[int]]:
    """The rows about `volunteer` whose messages and admin history may name them."""
    return {
        model: list(model.objects.filter(volunteer=volunteer).values_list("pk", flat=True))
        for model in (Membership, Assignment, ShiftSignup)
    }


def forget_sign_in_attempts(username: str) -> int:
    return sum(
        model.objects.filter(username=username).delete()[0]
        for model in (AccessAttempt, AccessFailureLog, AccessLog)
    )


def erase_volunteer(volunteer: Volunteer, now) -> dict[str, int]:
    """Erase what names or reaches `volunteer` (see above); returns what was done.
    Call it in a transaction, with the volunteer's row locked."""
    pk, phone = volunteer.pk, volunteer.phone
    naming = rows_naming(volunteer)
    volunteer.full_name = ERASED_NAME.format(pk=pk)
    volunteer.phone = ERASED_PHONE.format(pk=pk)
    volunteer.organisation = ""
    volunteer.languages = []
    volunteer.skills = []
    volunteer.active = False
    volunteer.save()  # search_name follows the name
    counts = {"sign_in_attempts_forgotten": forget_sign_in_attempts(phone)}
    account = volunteer.user
    if account is not None:
        old_username = account.get_username()
        account.username = f"{ERASED_PREFIX}volunteer-{pk}"
        account.first_name = account.last_name = account.email = ""
        account.is_active = False
        account.set_unusable_password()
        account.save()
        if old_username != phone:
            counts["sign_in_attempts_forgotten"] += forget_sign_in_attempts(old_username)
    counts["calendar_links_revoked"] = (
        CalendarFeed.objects.live().filter(volunteer=volunteer).update(revoked_at=now)
    )
    counts["future_shifts_given_up"] = ShiftSignup.objects.filter(
        volunteer=volunteer,
        status__in=ShiftSignup.HOLDS_A_PLACE,
        shift__starts_at__gt=now,
    ).update(status=ShiftSignup.Status.DECLINED)
    scrub_history(Volunteer, [pk], volunteer.full_name)
    for model, pks in naming.items():
        scrub_history(model, pks, volunteer.full_name)
    return counts
