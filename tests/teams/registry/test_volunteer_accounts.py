"""Volunteer accounts on the phone: the SMS invitation link and the reset by SMS code."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from notifications.models import Message
from notifications.providers import MemoryProvider
from teams.models import Volunteer
from teams.registry.accounts import invite_volunteer

pytestmark = pytest.mark.usefixtures("english")

PHONE = "+84912345678"
PASSWORD = "mây trắng bay 2026"
NEW_PASSWORD = "đồi chè xanh 2027"


@pytest.fixture(autouse=True)
def memory_outbox():
    MemoryProvider.reset()
    yield MemoryProvider.outbox
    MemoryProvider.reset()


@pytest.fixture
def mai(db):
    return Volunteer.objects.create(full_name="Nông Thị Mai", phone=PHONE)


@pytest.fixture
def invited(mai, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite_volunteer(mai)
    mai.refresh_from_db()
    return mai


def last_link(outbox):
    return re.search(r"https?://\S+", outbox[-1].body).group(0)


def path_of(url):
    """The link's path, under /en/ as the tests read English pages."""
    return "/en" + re.sub(r"^https?://[^/]+", "", url)


def last_code(outbox):
    return re.search(r"\b\d{6}\b", outbox[-1].body).group(0)


def ask_for_code(client, phone=PHONE, address="203.0.113.7"):
    return client.post(reverse("teams:account_reset"), {"phone": phone}, REMOTE_ADDR=address)


def signed_in_as(client, user):
    return client.session.get("_auth_user_id") == str(user.pk)


def test_invitation_creates_the_account_and_texts_a_link(invited, memory_outbox):
    user = invited.user
    assert user.username == PHONE
    # The whole name, family name first, as the registry writes it (issue 16).
    assert (user.first_name, user.last_name) == ("Nông Thị Mai", "")
    assert user.get_full_name() == "Nông Thị Mai"
    assert not user.has_usable_password()
    assert len(memory_outbox) == 1
    assert memory_outbox[0].to == PHONE
    assert memory_outbox[0].body.startswith("Digihelp: ")
    assert "/teams/account/activate/" in last_link(memory_outbox)
    assert Message.objects.get(kind="account_invitation").recipient == PHONE


def test_inviting_twice_before_use_sends_one_message(invited, memory_outbox):
    invite_volunteer(invited)
    assert Message.objects.filter(kind="account_invitation").count() == 1
    assert get_user_model().objects.count() == 1


def test_the_link_sets_the_password_and_signs_in_once(client, invited, memory_outbox):
    link = path_of(last_link(memory_outbox))
    page = client.get(link)
    assert page.status_code == 200
    assert "!!MISSING" not in page.content.decode()

    response = client.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("teams:my_shifts")
    assert signed_in_as(client, invited.user)
    invited.user.refresh_from_db()
    assert invited.user.check_password(PASSWORD)

    client.logout()
    again = client.get(link)
    assert again.status_code == 410
    assert "!!MISSING" not in again.content.decode()
    assert client.post(link, {"new_password1": "x", "new_password2": "x"}).status_code == 410


def test_a_new_invitation_after_use_is_a_new_message(
    client, invited, memory_outbox, django_capture_on_commit_callbacks
):
    link = path_of(last_link(memory_outbox))
    client.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    invited.user.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        invite_volunteer(invited)
    assert Message.objects.filter(kind="account_invitation").count() == 2
    assert last_link(memory_outbox) != link


def test_a_forged_link_is_refused(client, invited):
    url = reverse("teams:account_activate", args=["MQ", "abc-123"])
    assert client.get(url).status_code == 410


def test_the_pages_are_in_vietnamese_by_default(client, invited, memory_outbox):
    page = client.get(re.sub(r"^https?://[^/]+", "", last_link(memory_outbox)))
    assert page.status_code == 200
    assert 'lang="vi"' in page.content.decode()


def test_reset_by_sms_code(client, invited, memory_outbox, django_capture_on_commit_callbacks):
    assert client.get(reverse("teams:account_reset")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = ask_for_code(client, phone="0912 345 678")
    assert response.status_code == 302
    code_page = client.get(response.url)
    assert code_page.status_code == 200
    assert "!!MISSING" not in code_page.content.decode()
    assert memory_outbox[-1].to == PHONE
    code = last_code(memory_outbox)
    assert Message.objects.filter(kind="password_reset_code").count() == 1

    wrong = "000000" if code != "000000" else "111111"
    refused = client.post(
        reverse("teams:account_reset_code"),
        {
            "phone": PHONE,
            "code": wrong,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert refused.status_code == 200
    assert "This code is wrong or has expired" in refused.content.decode()
    assert "!!MISSING" not in refused.content.decode()
    assert not signed_in_as(client, invited.user)

    response = client.post(
        reverse("teams:account_reset_code"),
        {
            "phone": PHONE,
            "code": code,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("teams:my_shifts")
    assert signed_in_as(client, invited.user)
    invited.user.refresh_from_db()
    assert invited.user.check_password(NEW_PASSWORD)

    # The code is used up.
    client.logout()
    again = client.post(
        reverse("teams:account_reset_code"),
        {"phone": PHONE, "code": code, "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert again.status_code == 200
    assert not signed_in_as(client, invited.user)


def test_five_wrong_codes_throw_the_code_away(
    client, invited, memory_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask_for_code(client)
    code = last_code(memory_outbox)
    wrong = [f"{n:06d}" for n in range(10) if f"{n:06d}" != code][:5]
    for guess in wrong:
        client.post(
            reverse("teams:account_reset_code"),
            {
                "phone": PHONE,
                "code": guess,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        )
    response = client.post(
        reverse("teams:account_reset_code"),
        {
            "phone": PHONE,
            "code": code,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 200
    assert not signed_in_as(client, invited.user)
    invited.user.refresh_from_db()
    assert not invited.user.has_usable_password()


def test_an_unknown_number_gets_the_same_answer_and_no_sms(
    client, invited, memory_outbox, django_capture_on_commit_callbacks
):
    sent_before = len(memory_outbox)
    with django_capture_on_commit_callbacks(execute=True):
        known = ask_for_code(client)
        unknown = ask_for_code(client, phone="0987654321")
    assert len(memory_outbox) == sent_before + 1
    assert (known.status_code, unknown.status_code) == (302, 302)
    assert known.url.replace("84912345678", "") == unknown.url.replace("84987654321", "")

    def page_without(response, phone):
        html = client.get(response.url).content.decode().replace(phone, "")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)

    assert page_without(known, "84912345678") == page_without(unknown, "84987654321")


def test_an_invalid_number_is_told_so(client, db, memory_outbox):
    response = ask_for_code(client, phone="abc")
    assert response.status_code == 200
    assert "not digits" in response.content.decode()
    assert not memory_outbox


def test_at_most_three_codes_per_phone_an_hour(
    client, invited, memory_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            assert ask_for_code(client, address=f"203.0.113.{n}").status_code == 302
        refused = ask_for_code(client, address="203.0.113.99")
    assert refused.status_code == 429
    assert "Too many requests, try again later" in refused.content.decode()
    assert "!!MISSING" not in refused.content.decode()
    assert Message.objects.filter(kind="password_reset_code").count() == 3


def test_an_unknown_number_is_limited_as_a_known_one(client, db):
    for _ in range(3):
        assert ask_for_code(client, phone="0987654321").status_code == 302
    assert ask_for_code(client, phone="0987654321").status_code == 429


def test_at_most_ten_codes_per_address_an_hour(client, invited):
    phones = [f"+8498765{n:04d}" for n in range(11)]
    for phone in phones[:10]:
        assert ask_for_code(client, phone=phone).status_code == 302
    refused = ask_for_code(client, phone=phones[10])
    assert refused.status_code == 429
    assert "Too many requests, try again later" in refused.content.decode()
    # Another address may still ask.
    assert ask_for_code(client, phone=phones[10], address="198.51.100.1").status_code == 302


def test_three_codes_an_hour_hold_across_the_hour_s_end(client, db, monkeypatch):
    """Codes are SMS: three just before the hour and a fourth just after it are still
    four within an hour, and the fourth is refused."""
    from lib import ratelimit

    hour = 1_800_000_000 - 1_800_000_000 % 3600
    moment = {"now": hour + 3599.0}
    monkeypatch.setattr(ratelimit, "clock", lambda: moment["now"])
    for _ in range(3):
        assert ask_for_code(client, phone="0987654321").status_code == 302
    moment["now"] = hour + 3601.0
    assert ask_for_code(client, phone="0987654321").status_code == 429
    moment["now"] = hour + 2 * 3600 + 1.0  # the hour after has no codes in it
    assert ask_for_code(client, phone="0987654321").status_code == 302
