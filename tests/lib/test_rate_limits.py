"""Abuse limits: the phone's sync per volunteer, and the pages behind SMS links per
client address. Under a limit nothing changes; past it the answer is 429 with when to
try again; the next window starts afresh; clients are counted apart."""

import uuid
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from config import env
from lib import ratelimit
from notifications.links import opt_out_token
from notifications.models import Message, OptOut
from teams.models import Volunteer
from teams.registry.accounts import activation_url

SYNC = "/api/v1/help-sessions/sync"
WRONG_TOKEN = "AAAAAAAAAAA"  # shaped like a real token, the signature of nothing here
ELSEWHERE = "203.0.113.9"


def vi(text):
    with translation.override("vi"):
        return gettext(text)


def page_message(minutes):
    with translation.override("vi"):
        return ngettext(
            "Too many requests came from this address. Wait %(minutes)s minute and try again.",
            "Too many requests came from this address. Wait %(minutes)s minutes and try again.",
            minutes,
        ) % {"minutes": minutes}


@pytest.fixture
def clock(monkeypatch):
    """The limiter's clock, set by the test: 10:00:00 on a window's first second."""

    class Clock:
        now = 1_800_000_000.0 - 1_800_000_000.0 % 3600

        def advance(self, seconds):
            self.now += seconds

    fake = Clock()
    monkeypatch.setattr(ratelimit, "clock", lambda: fake.now)
    return fake


def assert_refused_page(response, *, retry_after):
    assert response.status_code == 429
    assert response["Retry-After"] == str(retry_after)
    html = response.content.decode()
    assert vi("Too many requests") in html
    assert page_message(-(-retry_after // 60)) in html
    assert "no-cache" in response["Cache-Control"]


# The limiter itself


def test_requests_under_the_limit_pass_and_the_next_is_told_when_to_come_back(clock, db):
    clock.advance(15)
    verdicts = [ratelimit.hit("test", "a", (3, 60)) for _ in range(4)]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert verdicts[-1].retry_after == 45


def test_the_next_window_starts_afresh(clock, db):
    for _ in range(3):
        ratelimit.hit("test", "a", (3, 60))
    assert not ratelimit.hit("test", "a", (3, 60)).allowed
    clock.advance(60)
    assert ratelimit.hit("test", "a", (3, 60)).allowed


def test_each_client_and_each_scope_is_counted_apart(clock, db):
    for _ in range(3):
        ratelimit.hit("test", "a", (3, 60))
    assert not ratelimit.hit("test", "a", (3, 60)).allowed
    assert ratelimit.hit("test", "b", (3, 60)).allowed
    assert ratelimit.hit("other", "a", (3, 60)).allowed


def test_peek_counts_nothing(clock, db):
    for _ in range(5):
        assert ratelimit.peek("test", "a", (1, 60)).allowed
    ratelimit.hit("test", "a", (1, 60))
    assert not ratelimit.peek("test", "a", (1, 60)).allowed


def test_no_limit_lets_everything_through(clock, db):
    assert all(ratelimit.hit("test", "a", None).allowed for _ in range(50))


@pytest.mark.parametrize(
    "written, rate",
    [("120/m", (120, 60)), ("20/15m", (20, 900)), ("10/h", (10, 3600)), ("5 / 30s", (5, 30))],
)
def test_limits_are_written_as_requests_per_window(monkeypatch, written, rate):
    monkeypatch.setenv("SOME_RATE_LIMIT", written)
    assert env.env_rate("SOME_RATE_LIMIT", "1/m") == rate


def test_a_limit_can_be_turned_off_and_unset_means_the_default(monkeypatch):
    monkeypatch.setenv("SOME_RATE_LIMIT", "off")
    assert env.env_rate("SOME_RATE_LIMIT", "1/m") is None
    monkeypatch.delenv("SOME_RATE_LIMIT")
    assert env.env_rate("SOME_RATE_LIMIT", "7/h") == (7, 3600)


@pytest.mark.parametrize("written", ["120", "0/m", "10/0m", "ten/m", "10/d", "10/m/2"])
def test_a_malformed_limit_names_the_variable(monkeypatch, written):
    monkeypatch.setenv("SYNC_RATE_LIMIT", written)
    with pytest.raises(ImproperlyConfigured, match="SYNC_RATE_LIMIT"):
        env.env_rate("SYNC_RATE_LIMIT", "120/m")


# The sync API, per volunteer


@pytest.fixture
def volunteers(make_user, lang_son):
    commune = lang_son.communes.order_by("code").first()
    accounts = []
    for number, name in enumerate(["mai", "lan"]):
        account = make_user(name)
        Volunteer.objects.create(
            full_name=name, phone=f"+8491234567{number}", home_commune=commune, user=account
        )
        accounts.append(account)
    return accounts


def sync(client):
    return client.post(SYNC, {"sessions": []}, content_type="application/json")


@pytest.fixture
def sync_limit(settings):
    settings.SYNC_RATE_LIMIT = (3, 60)


def test_the_sync_api_answers_429_with_retry_after_and_a_detail_past_the_limit(
    client, volunteers, sync_limit, clock
):
    client.force_login(volunteers[0])
    clock.advance(20)
    assert [sync(client).status_code for _ in range(3)] == [200, 200, 200]
    refused = sync(client)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "40"
    assert refused["Content-Type"].startswith("application/json")
    with translation.override("vi"):
        expected = gettext(
            "Too many requests from this account: try again in %(seconds)d seconds. "
            "Logs not sent yet stay on the phone."
        ) % {"seconds": 40}
    assert refused.json() == {"detail": expected}


def test_the_sync_limit_resets_with_the_next_window(client, volunteers, sync_limit, clock):
    client.force_login(volunteers[0])
    for _ in range(3):
        sync(client)
    assert sync(client).status_code == 429
    clock.advance(60)
    assert sync(client).status_code == 200


def test_each_volunteer_has_a_sync_limit_of_their_own(client, volunteers, sync_limit, clock):
    client.force_login(volunteers[0])
    for _ in range(3):
        sync(client)
    assert sync(client).status_code == 429
    client.force_login(volunteers[1])
    assert sync(client).status_code == 200


def test_the_sync_limit_is_documented_in_the_api(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    answers = schema["paths"][SYNC]["post"]["responses"]
    assert "429" in answers


def test_the_default_sync_limit_tolerates_a_phone_emptying_its_queue(client, volunteers, clock):
    """120 a minute: a phone back online sends its queue in batches of 50, one after the
    other, and a few retries on top."""
    client.force_login(volunteers[0])
    assert all(sync(client).status_code == 200 for _ in range(120))
    assert sync(client).status_code == 429


# Pages behind SMS links, per client address


@pytest.fixture
def message(db):
    return Message.objects.create(
        recipient="+84912345678",
        text="Nhắc lịch",
        kind="follow_up",
        idempotency_key=f"test:{uuid.uuid4()}",
        encoding="GSM-7",
        segment_count=1,
    )


def opt_out_path(message, token=None):
    return reverse("notifications:opt_out", args=[message.pk, token or opt_out_token(message.pk)])


@pytest.fixture
def link_limit(settings):
    settings.LINK_RATE_LIMIT = (3, 600)


@pytest.fixture
def wrong_link_limit(settings):
    settings.WRONG_LINK_RATE_LIMIT = (2, 900)


def test_the_opt_out_page_answers_429_past_the_limit(client, message, link_limit, clock):
    clock.advance(30)
    assert [client.get(opt_out_path(message)).status_code for _ in range(3)] == [200] * 3
    assert_refused_page(client.get(opt_out_path(message)), retry_after=570)
    # A tap on the button is refused too, and records nothing.
    refused = client.post(opt_out_path(message), {"action": "stop"})
    assert refused.status_code == 429
    assert not OptOut.objects.blocks(message.recipient)


def test_the_opt_out_limit_resets_and_counts_each_address_apart(
    client, message, link_limit, clock
):
    for _ in range(3):
        client.get(opt_out_path(message))
    assert client.get(opt_out_path(message)).status_code == 429
    assert client.get(opt_out_path(message), REMOTE_ADDR=ELSEWHERE).status_code == 200
    clock.advance(600)
    assert client.get(opt_out_path(message)).status_code == 200


def test_wrong_opt_out_links_lock_the_address_out_of_the_link_pages(
    client, message, wrong_link_limit, clock
):
    assert client.get(opt_out_path(message, WRONG_TOKEN)).status_code == 404
    assert client.get(opt_out_path(message, WRONG_TOKEN)).status_code == 404
    # Past the limit even the right link waits, so guessing gains nothing.
    assert_refused_page(client.get(opt_out_path(message)), retry_after=900)
    shift = reverse("teams:shift_answer", args=[1, WRONG_TOKEN])
    assert client.get(shift).status_code == 429
    assert client.get(opt_out_path(message), REMOTE_ADDR=ELSEWHERE).status_code == 200
    clock.advance(900)
    assert client.get(opt_out_path(message)).status_code == 200


def test_a_few_wrong_links_change_nothing(client, message, clock):
    """The default: 20 wrong links in 15 minutes from one address."""
    for _ in range(19):
        assert client.get(opt_out_path(message, WRONG_TOKEN)).status_code == 404
    assert client.get(opt_out_path(message)).status_code == 200


def test_the_client_address_is_the_one_our_proxy_saw(client, message, wrong_link_limit, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for forged in ("198.51.100.1", "198.51.100.2"):
        # The client writes what it likes on the left; our proxy appends what it saw.
        header = f"{forged}, 192.0.2.44"
        response = client.get(opt_out_path(message, WRONG_TOKEN), HTTP_X_FORWARDED_FOR=header)
        assert response.status_code == 404
    refused = client.get(opt_out_path(message), HTTP_X_FORWARDED_FOR="10.1.1.1, 192.0.2.44")
    assert refused.status_code == 429
    other = client.get(opt_out_path(message), HTTP_X_FORWARDED_FOR="192.0.2.45")
    assert other.status_code == 200


def test_the_shift_answer_page_counts_requests_and_wrong_links(
    client, db, link_limit, wrong_link_limit, clock
):
    path = reverse("teams:shift_answer", args=[1, WRONG_TOKEN])
    assert [client.get(path).status_code for _ in range(2)] == [404, 404]
    assert_refused_page(client.get(path), retry_after=900)
    assert client.get(path, REMOTE_ADDR=ELSEWHERE).status_code == 404
    clock.advance(900)
    assert client.get(path).status_code == 404


def test_the_shift_answer_page_is_limited_per_address(client, db, link_limit, clock):
    path = reverse("teams:shift_answer", args=[1, WRONG_TOKEN])
    for _ in range(3):
        assert client.get(path).status_code == 404
    assert_refused_page(client.get(path), retry_after=600)


@pytest.fixture
def invited(make_user):
    return make_user("mai", email="")


def test_the_invitation_link_works_under_the_limit_and_is_refused_past_it(
    client, invited, link_limit, clock
):
    path = urlsplit(activation_url(invited)).path
    assert [client.get(path).status_code for _ in range(3)] == [200] * 3
    assert_refused_page(client.get(path), retry_after=600)
    assert client.get(path, REMOTE_ADDR=ELSEWHERE).status_code == 200
    clock.advance(600)
    assert client.get(path).status_code == 200


def test_wrong_invitation_links_count_as_wrong_links(client, invited, wrong_link_limit, clock):
    forged = reverse("teams:account_activate", args=["MQ", "abc-123"])
    assert [client.get(forged).status_code for _ in range(2)] == [410, 410]
    path = urlsplit(activation_url(invited)).path
    assert_refused_page(client.get(path), retry_after=900)


def test_wrong_reset_codes_count_as_wrong_links(client, db, wrong_link_limit, clock):
    path = reverse("teams:account_reset_code")
    form = {"phone": "0912345678", "code": "123456"}
    for _ in range(2):
        assert client.post(path, form).status_code == 200  # the form, with its error
    assert_refused_page(client.post(path, form), retry_after=900)


def test_a_strict_limit_counts_the_window_before_as_well(clock, db):
    clock.advance(59)
    assert all(ratelimit.hit("test", "a", (3, 60), strict=True).allowed for _ in range(3))
    clock.advance(2)  # a new window, one second old
    assert not ratelimit.hit("test", "a", (3, 60), strict=True).allowed
    assert ratelimit.hit("test", "b", (3, 60)).allowed
    clock.advance(60)  # two windows on, the first no longer counts
    assert ratelimit.hit("test", "a", (3, 60), strict=True).allowed
