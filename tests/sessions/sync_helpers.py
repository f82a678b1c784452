"""What the help-session API tests share: the endpoints, a log's parts, and calls to
the sync endpoint with their expected answers (the fixtures are in conftest.py).

The API answers in the site's language, Vietnamese: expected reasons are written as their
message ids and looked up in the Vietnamese catalogue (`said`)."""

from datetime import datetime, time, timedelta

from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

from campaign.models import Role
from teams.models import Assignment, Volunteer

SYNC = "/api/v1/help-sessions/sync"
SESSIONS = "/api/v1/help-sessions"
SERVICES = "/api/v1/services"
OPENAPI = "/api/v1/openapi.json"
CITIZEN = "+84987654321"
BRAND = "SỞ TT&TT LẠNG SƠN"
OMIT = object()  # a field left out of a log


def said(message, **values) -> str:
    """A reason as the API gives it: in Vietnamese, with its values filled in."""
    with translation.override("vi"):
        text = gettext(message)
    return text % values if values else text


def moments_ago():
    """Five minutes ago, or midnight when that was yesterday: a log of today either way,
    whenever the tests run."""
    now = timezone.now()
    midnight = timezone.make_aware(datetime.combine(timezone.localdate(now), time.min))
    return max(now - timedelta(minutes=5), midnight)


def stamp(moment) -> str:
    """ISO 8601 in Vietnam's time, with its offset, as the phone page sends it."""
    return timezone.localtime(moment).isoformat()


def later(days=0, minutes=0):
    """A time from now, worked out when the test runs, not when it is collected."""
    return lambda: stamp(timezone.now() + timedelta(days=days, minutes=minutes))


def day(days):
    """A day from today, worked out when the test runs."""
    return lambda: (timezone.localdate() + timedelta(days=days)).isoformat()


def make_volunteer(make_user, username, phone, *assignments):
    account = make_user(username, kind=Role.Kind.VOLUNTEER)
    person = Volunteer.objects.create(full_name=username.title(), phone=phone, user=account)
    for campaign, commune in assignments:
        Assignment.objects.create(volunteer=person, campaign=campaign, commune=commune)
    return person


def signed_in(user=None, **options) -> Client:
    client = Client(**options)
    if user is not None:
        client.force_login(user)
    return client


def with_follow_up(make_log, **changes):
    """A log with a consented number and a follow-up a week from now."""
    return make_log(
        **{
            "citizen_phone": "0987 654 321",
            "consent": True,
            "follow_up": "application_result",
            "follow_up_on": day(7)(),
            **changes,
        }
    )


def sync(client, items, **extra):
    return client.post(SYNC, {"sessions": items}, content_type="application/json", **extra)


def results_of(client, items) -> list[dict]:
    response = sync(client, items)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def result_of(client, item) -> dict:
    (result,) = results_of(client, [item])
    return result


def reasons(messages) -> list[str]:
    """Message ids, or (message id, values) pairs, as the API says them."""
    return [said(m[0], **m[1]) if isinstance(m, tuple) else said(m) for m in messages]


def invalid(item, **errors) -> dict:
    return {
        "uuid": item.get("uuid"),
        "status": "invalid",
        "errors": {name: reasons(messages) for name, messages in errors.items()},
    }


def created(item) -> dict:
    return {"uuid": item["uuid"], "status": "created", "errors": {}}
