"""create_api_token: a key for an integration, shown once, stored as a digest, revocable."""

import hashlib
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from sessions.models import ApiToken

pytestmark = pytest.mark.usefixtures("english")

SESSIONS = "/api/v1/help-sessions"


def create_token(*args) -> tuple[str, list[str]]:
    """Runs the command; returns the key it printed and all it printed."""
    out = StringIO()
    call_command("create_api_token", *args, stdout=out)
    lines = out.getvalue().splitlines()
    return lines[1], lines


def calls_with(key) -> int:
    return Client(headers={"authorization": f"Bearer {key}"}).get(SESSIONS).status_code


def test_a_key_is_made_for_the_user_and_printed_once_and_only_its_digest_is_kept(organiser):
    key, lines = create_token("organiser", "--name", "Bảng điều khiển của tỉnh")
    token = ApiToken.objects.get()
    assert (token.user, token.name) == (organiser, "Bảng điều khiển của tỉnh")
    assert token.digest == hashlib.sha256(key.encode()).hexdigest()
    assert len(key) == 43  # 32 random bytes, URL-safe
    assert token.revoked_at is None and token.last_used_at is None
    assert lines[0] == f"API key {token.pk} for organiser (Bảng điều khiển của tỉnh):"
    assert f"--revoke {token.pk}" in lines[2]
    assert [line for line in lines if key in line] == [key]
    assert key not in str(ApiToken.objects.values().get())


def test_the_printed_key_calls_the_api_as_that_user(organiser):
    key, _ = create_token("organiser", "--name", "Dashboard")
    assert calls_with(key) == 200
    assert ApiToken.objects.get().last_used_at is not None


def test_each_run_makes_a_new_key(organiser):
    first, _ = create_token("organiser", "--name", "Dashboard")
    second, _ = create_token("organiser", "--name", "Dashboard")
    assert first != second
    assert ApiToken.objects.filter(user=organiser).count() == 2


def test_an_unknown_username_is_refused_by_name(db):
    with pytest.raises(CommandError, match="there is no account nobody"):
        call_command("create_api_token", "nobody", "--name", "Dashboard")
    assert not ApiToken.objects.exists()


def test_an_inactive_account_gets_no_key(make_user):
    make_user("left", is_active=False)
    with pytest.raises(CommandError, match="the account left is inactive"):
        call_command("create_api_token", "left", "--name", "Dashboard")
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["organiser"], "--name: say what the key is for"),
        (["organiser", "--name", "   "], "--name: say what the key is for"),
        (["organiser", "--name", "x" * 101], "--name: at most 100 characters"),
        (["--name", "Dashboard"], "USERNAME: say which account the key is for"),
    ],
)
def test_a_key_needs_an_account_and_a_purpose(organiser, args, problem):
    with pytest.raises(CommandError, match=problem):
        call_command("create_api_token", *args)
    assert not ApiToken.objects.exists()


def test_revoking_a_key_stops_it_working(organiser):
    key, _ = create_token("organiser", "--name", "Dashboard")
    token = ApiToken.objects.get()
    out = StringIO()
    call_command("create_api_token", "--revoke", str(token.pk), stdout=out)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert out.getvalue().strip() == (
        f"API key {token.pk} of organiser (Dashboard) revoked: it no longer works."
    )
    assert calls_with(key) == 401


def test_revoking_a_key_twice_keeps_the_first_time(organiser):
    create_token("organiser", "--name", "Dashboard")
    token = ApiToken.objects.get()
    first = timezone.now() - timedelta(days=2)
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=first)
    out = StringIO()
    call_command("create_api_token", "--revoke", str(token.pk), stdout=out)
    assert "was revoked already" in out.getvalue()
    token.refresh_from_db()
    assert token.revoked_at == first


def test_revoking_leaves_the_users_other_keys_alone(organiser):
    kept, _ = create_token("organiser", "--name", "Dashboard")
    create_token("organiser", "--name", "Old laptop")
    old = ApiToken.objects.get(name="Old laptop")
    call_command("create_api_token", "--revoke", str(old.pk), stdout=StringIO())
    assert ApiToken.objects.get(name="Dashboard").revoked_at is None
    assert calls_with(kept) == 200


@pytest.mark.parametrize("token_id", ["999", "abc", "99999999999999999999999"])
def test_revoking_a_key_that_does_not_exist_is_refused(db, token_id):
    with pytest.raises(CommandError, match=f"--revoke: no API key has id {token_id}"):
        call_command("create_api_token", "--revoke", token_id)


def test_revoking_names_the_owner_when_a_username_is_given(organiser, coordinator):
    create_token("organiser", "--name", "Dashboard")
    token = ApiToken.objects.get()
    with pytest.raises(CommandError, match=f"API key {token.pk} is not coordinator's"):
        call_command("create_api_token", "coordinator", "--revoke", str(token.pk))
    token.refresh_from_db()
    assert token.revoked_at is None
    call_command("create_api_token", "organiser", "--revoke", str(token.pk), stdout=StringIO())
    token.refresh_from_db()
    assert token.revoked_at is not None
