"""Organiser SMS pages: compose a broadcast with a preview, send it once, read the log."""

import re
from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from campaign.models import Campaign, CampaignCommune, Commune
from notifications import sending
from notifications.models import Message, OptOut
from notifications.phones import national
from notifications.providers import MemoryProvider
from teams.broadcasts import sending as broadcasts
from teams.models import Broadcast, Membership, Team, Volunteer

# Messages are read in English here; the Vietnamese ones are checked elsewhere.
pytestmark = pytest.mark.usefixtures("english")

MISSING = "!!MISSING"
STATUS = Message.Status
# 98 characters with diacritics: with "Digihelp: " in front, two UCS-2 segments; the
# same text without diacritics is one GSM-7 message.
INVITATION = (
    "Mời tổ công nghệ số đến nhà văn hóa thôn lúc 8 giờ sáng thứ Bảy "
    "để hỗ trợ người dân cài đặt VNeID."
)
INVITATION_PLAIN = (
    "Digihelp: Moi to cong nghe so den nha van hoa thon luc 8 gio sang thu Bay "
    "de ho tro nguoi dan cai dat VNeID."
)


@pytest.fixture(autouse=True)
def memory_outbox():
    MemoryProvider.reset()
    yield MemoryProvider.outbox
    MemoryProvider.reset()


@pytest.fixture
def mine(coordinated_communes):
    return coordinated_communes[0]


@pytest.fixture
def elsewhere(lang_son, coordinated_communes):
    return lang_son.communes.exclude(pk__in=[c.pk for c in coordinated_communes]).first()


@pytest.fixture
def registry(mine, elsewhere):
    """Our team of three (one opted out, one inactive), a resident, and a team elsewhere."""
    our_team = Team.objects.create(commune=mine, name="Tổ công nghệ số 1")
    other_team = Team.objects.create(commune=mine, name="Tổ công nghệ số 2")
    their_team = Team.objects.create(commune=elsewhere, name="Tổ công nghệ số 9")
    people = {
        key: Volunteer.objects.create(
            full_name=name, phone=phone, home_commune=home, active=active
        )
        for key, name, phone, home, active in [
            ("an", "Nguyễn Văn An", "+84912345678", mine, True),
            ("binh", "Trần Thị Bình", "+84987654321", mine, True),
            ("chi", "Hoàng Thị Chi", "+84905111222", elsewhere, True),
            ("dung", "Phạm Văn Dũng", "+84903333444", mine, False),
            ("em", "Lò Thị Em", "+84977555666", mine, True),
            ("cuong", "Lý Văn Cường", "+84961234567", elsewhere, True),
        ]
    }
    for key in ["an", "binh", "chi", "dung"]:
        Membership.objects.create(team=our_team, volunteer=people[key])
    Membership.objects.create(team=other_team, volunteer=people["an"])  # in two teams
    Membership.objects.create(team=their_team, volunteer=people["cuong"])
    OptOut.objects.create(phone=people["binh"].phone, source=OptOut.Source.LINK)
    return {"our_team": our_team, "other_team": other_team, "their_team": their_team, **people}


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert MISSING not in html
    return html


def compose_data(target, text=INVITATION, **extra):
    data = {
        "text": text,
        "brand": "Digihelp",
        "form_token": "6f1c1a55-1d3c-4a51-9a55-3b1fd0c0e0aa",
        "action": "preview",
    }
    data[{Team: "team", Commune: "commune", Campaign: "campaign"}[type(target)]] = target.pk
    if extra.pop("without_diacritics", False):
        data["without_diacritics"] = "on"
    data.update(extra)
    return data


def preview(client, data):
    response = client.post(reverse("teams:broadcast_compose"), data)
    assert response.status_code == 200
    assert MISSING not in response.content.decode()
    return response


def send(client, data, django_capture_on_commit_callbacks):
    """Preview, then press Send with what the preview showed."""
    shown = preview(client, data)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            reverse("teams:broadcast_compose"),
            {**data, "action": "send", "previewed": shown.context["preview_key"]},
        )


def figure(html, name):
    return int(re.search(rf"<dd data-{name}>(\d+)</dd>", html).group(1))


# Who may use the pages --------------------------------------------------------------


def sms_pages(registry, broadcast):
    return [
        reverse("teams:broadcast_compose"),
        reverse("teams:message_log"),
        reverse("teams:broadcast_detail", args=[broadcast.pk]),
        reverse("teams:campaign_totals"),
    ]


@pytest.fixture
def broadcast(organiser, registry):
    return broadcasts.record_and_send(
        user=organiser,
        target=registry["our_team"],
        text="Họp tổ lúc 19:00",
        brand="Digihelp",
        without_diacritics=False,
        form_token="0b7e2f64-7f05-4b0b-9d0b-9d2d3a1c8e11",
    )[0]


def test_anonymous_visitors_are_sent_to_sign_in(client, registry, broadcast):
    for url in sms_pages(registry, broadcast):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["volunteer", "outsider", "editor"])
def test_volunteers_and_outsiders_are_forbidden(client, request, role, registry, broadcast):
    client.force_login(request.getfixturevalue(role))
    for url in sms_pages(registry, broadcast):
        assert client.get(url).status_code == 403
    response = client.post(reverse("teams:broadcast_compose"), compose_data(registry["our_team"]))
    assert response.status_code == 403
    assert Broadcast.objects.count() == 1


def test_the_sms_link_is_in_the_registry_navigation(client, organiser):
    client.force_login(organiser)
    html = page(client, reverse("teams:team_list"))
    assert f'href="{reverse("teams:broadcast_compose")}"' in html


# Compose and preview ----------------------------------------------------------------


def test_the_compose_page_offers_visible_targets_and_the_live_counter(
    client, coordinator, registry, mine, elsewhere, broadcast, django_assert_max_num_queries
):
    client.force_login(coordinator)
    with django_assert_max_num_queries(8):
        html = page(client, reverse("teams:broadcast_compose"))
    assert "Tổ công nghệ số 1" in html and "Tổ công nghệ số 9" not in html
    assert f'<option value="{mine.pk}">' in html
    assert f'<option value="{elsewhere.pk}">' not in html
    assert 'value="Digihelp"' in html  # the default brand
    assert 'id="gsm-7"' in html and "teams/sms_counter.js" in html


def test_preview_counts_recipients_without_opted_out_numbers(client, organiser, registry):
    client.force_login(organiser)
    html = preview(client, compose_data(registry["our_team"])).content.decode()
    # An, Bình (opted out) and Chi are active; Dũng is not.
    assert figure(html, "preview-recipients") == 2
    assert figure(html, "preview-opted-out") == 1
    assert "Digihelp: Mời tổ công nghệ số" in html
    assert "Send to 2 volunteers" in html


def test_preview_of_a_commune_reaches_its_teams_and_residents_once(
    client, organiser, registry, mine
):
    client.force_login(organiser)
    html = preview(client, compose_data(mine)).content.decode()
    # An (in two teams), Chi (member, lives elsewhere), Em (resident); Bình opted out.
    assert figure(html, "preview-recipients") == 3
    assert figure(html, "preview-opted-out") == 1
    assert broadcasts.recipients(mine) == sorted(
        registry[key].phone for key in ["an", "binh", "chi", "em"]
    )


def test_vietnamese_with_diacritics_costs_two_ucs2_segments(client, organiser, registry, mine):
    client.force_login(organiser)
    response = preview(client, compose_data(mine))
    shown = response.context["preview"]
    assert (shown.segments.encoding, shown.segments.segments) == ("UCS-2", 2)
    html = response.content.decode()
    assert "UCS-2 (Unicode)" in html
    assert figure(html, "preview-segments") == 2
    assert figure(html, "preview-total-segments") == 6


def test_without_diacritics_the_same_text_is_one_gsm7_segment(client, organiser, registry, mine):
    client.force_login(organiser)
    response = preview(client, compose_data(mine, without_diacritics=True))
    shown = response.context["preview"]
    assert shown.text == INVITATION_PLAIN
    assert (shown.segments.encoding, shown.segments.segments) == ("GSM-7", 1)
    html = response.content.decode()
    assert figure(html, "preview-segments") == 1
    assert figure(html, "preview-total-segments") == 3


def test_text_is_normalised_to_nfc_before_counting(client, organiser, registry):
    client.force_login(organiser)
    decomposed = "Nha\u0300 va\u0306n ho\u0301a"
    shown = preview(client, compose_data(registry["our_team"], text=decomposed)).context["preview"]
    assert shown.text == "Digihelp: Nhà văn hóa"
    assert shown.segments.units == len("Digihelp: Nhà văn hóa")


def test_preview_estimates_the_cost_at_the_price_per_segment(
    client, organiser, registry, mine, settings
):
    settings.SMS_PRICE_PER_SEGMENT = Decimal("850")
    client.force_login(organiser)
    html = preview(client, compose_data(mine)).content.decode()
    assert "5,100 VND" in html  # 3 recipients × 2 segments × 850


def test_preview_writes_nothing(client, organiser, registry):
    client.force_login(organiser)
    preview(client, compose_data(registry["our_team"]))
    assert Broadcast.objects.count() == 0
    assert Message.objects.count() == 0


def test_a_target_must_be_one_team_or_one_commune(client, organiser, registry, mine):
    client.force_login(organiser)
    both = preview(client, compose_data(registry["our_team"], commune=mine.pk))
    assert "not both" in both.content.decode()
    neither = compose_data(mine)
    del neither["commune"]
    assert (
        "Choose the team, the commune or the campaign" in preview(client, neither).content.decode()
    )
    assert Broadcast.objects.count() == 0


# Sending ----------------------------------------------------------------------------


def test_send_queues_one_message_per_recipient_with_the_brand(
    client, organiser, registry, memory_outbox, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    data = compose_data(registry["our_team"], brand="SỞ TT&TT LẠNG SƠN")
    response = send(client, data, django_capture_on_commit_callbacks)
    broadcast = Broadcast.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("teams:broadcast_detail", args=[broadcast.pk])
    assert (broadcast.recipient_count, broadcast.opted_out_count) == (2, 1)
    assert (broadcast.encoding, broadcast.segments_per_message) == ("UCS-2", 2)
    assert broadcast.composed_by == organiser and broadcast.team == registry["our_team"]

    messages = Message.objects.order_by("recipient")
    assert [m.recipient for m in messages] == sorted(
        registry[key].phone for key in ["an", "binh", "chi"]
    )
    assert all(m.kind == "broadcast" and m.subject == broadcast for m in messages)
    assert all(m.text == f"SỞ TT&TT LẠNG SƠN: {INVITATION}" for m in messages)
    assert messages.get(recipient=registry["binh"].phone).status == STATUS.CANCELLED

    sending.sweep_outbox()
    assert sorted(sent.to for sent in memory_outbox) == sorted(
        registry[key].phone for key in ["an", "chi"]
    )
    assert all(sent.body.startswith("SỞ TT&TT LẠNG SƠN: Mời") for sent in memory_outbox)


def test_without_diacritics_the_brand_and_text_are_sent_plain(
    client, organiser, registry, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    data = compose_data(registry["our_team"], brand="Sở TT&TT", without_diacritics=True)
    send(client, data, django_capture_on_commit_callbacks)
    message = Message.objects.exclude(status=STATUS.CANCELLED).first()
    assert message.text.startswith("So TT&TT: Moi to cong nghe so")
    assert (message.encoding, message.segment_count) == ("GSM-7", 1)


def test_a_form_submitted_twice_sends_once(
    client, organiser, registry, memory_outbox, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    data = compose_data(registry["our_team"])
    first = send(client, data, django_capture_on_commit_callbacks)
    second = send(client, data, django_capture_on_commit_callbacks)
    assert first["Location"] == second["Location"]
    assert Broadcast.objects.count() == 1
    assert Message.objects.count() == 3
    sending.sweep_outbox()
    sending.sweep_outbox()
    assert len(memory_outbox) == 2
    follow = client.get(second["Location"])
    assert "This broadcast was sent already." in follow.content.decode()


def test_sending_a_broadcast_again_queues_nothing(organiser, registry, broadcast):
    assert str(broadcast).startswith("Tổ công nghệ số 1")
    assert Message.objects.count() == 3
    assert broadcasts.send(broadcast) == 0
    assert Message.objects.count() == 3


def test_send_without_the_preview_of_that_text_only_previews(
    client, organiser, registry, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    data = compose_data(registry["our_team"])
    shown = preview(client, data)
    changed = {
        **data,
        "text": "Another text",
        "action": "send",
        "previewed": shown.context["preview_key"],
    }
    response = client.post(reverse("teams:broadcast_compose"), changed)
    assert response.status_code == 200
    assert "The message changed after its preview" in response.content.decode()
    assert Broadcast.objects.count() == 0 and Message.objects.count() == 0


def test_a_sent_form_edited_after_going_back_becomes_a_new_broadcast(
    client, organiser, registry, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    data = compose_data(registry["our_team"])
    send(client, data, django_capture_on_commit_callbacks)
    edited = {**data, "text": "Họp tổ lúc 20:00"}
    shown = preview(client, edited)
    new_token = shown.context["form"]["form_token"].value()
    assert str(new_token) != data["form_token"]
    send(client, {**edited, "form_token": new_token}, django_capture_on_commit_callbacks)
    assert Broadcast.objects.count() == 2


def test_a_coordinator_cannot_target_another_communes_team_or_commune(
    client, coordinator, registry, elsewhere, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    for target in [registry["their_team"], elsewhere]:
        data = {**compose_data(target), "action": "send", "previewed": "x"}
        response = client.post(reverse("teams:broadcast_compose"), data)
        assert response.status_code == 200
        assert response.context["form"].errors
        assert "Select a valid choice" in response.content.decode()
    assert Broadcast.objects.count() == 0 and Message.objects.count() == 0


# The broadcast page and the message log ---------------------------------------------


def test_the_broadcast_page_counts_messages_by_status_and_segments(
    client, organiser, registry, broadcast
):
    Message.objects.filter(recipient=registry["an"].phone).update(status=STATUS.DELIVERED)
    client.force_login(organiser)
    html = page(client, reverse("teams:broadcast_detail", args=[broadcast.pk]))
    assert "Digihelp: Họp tổ lúc 19:00" in html
    assert re.search(r'data-status="delivered">.*?<td class="number">1</td>', html, re.S)
    assert re.search(r'data-status="cancelled">.*?<td class="number">1</td>', html, re.S)
    assert '<td class="number" data-message-total>3</td>' in html
    assert '<td class="number" data-segment-total>2</td>' in html  # cancelled costs nothing


def test_a_coordinator_sees_only_broadcasts_to_their_communes(
    client, organiser, coordinator, registry, elsewhere, broadcast
):
    theirs = broadcasts.record_and_send(
        user=organiser,
        target=elsewhere,
        text="Tin cho xã khác",
        brand="Digihelp",
        without_diacritics=False,
        form_token="d2b4d3c4-2f66-4f0e-8c1f-6b7a1d2e3f40",
    )[0]
    client.force_login(coordinator)
    assert client.get(reverse("teams:broadcast_detail", args=[theirs.pk])).status_code == 404
    page(client, reverse("teams:broadcast_detail", args=[broadcast.pk]))
    html = page(client, reverse("teams:message_log"))
    assert national(registry["an"].phone) in html  # shown as people read it
    assert national(registry["cuong"].phone) not in html
    compose = page(client, reverse("teams:broadcast_compose"))
    assert reverse("teams:broadcast_detail", args=[theirs.pk]) not in compose
    # Naming the other broadcast in the log's filter shows nothing of it.
    filtered = client.get(reverse("teams:message_log"), {"broadcast": theirs.pk})
    assert filtered.status_code == 404


def test_the_log_filters_by_status_and_error_code(client, organiser, registry, broadcast):
    an, chi = registry["an"].phone, registry["chi"].phone
    Message.objects.filter(recipient=an).update(status=STATUS.DELIVERED)
    Message.objects.filter(recipient=chi).update(
        status=STATUS.FAILED, last_error_code="21614", last_error_reason="not a mobile number"
    )
    client.force_login(organiser)
    # The log shows numbers as people read them (issue 16).
    an, chi = national(an), national(chi)
    everything = page(client, reverse("teams:message_log"))
    assert all(phone in everything for phone in [an, chi, national(registry["binh"].phone)])
    assert '<option value="21614">' in everything and '<option value="opted_out">' in everything
    # A team's name carries its own "Tổ": the log never prints "Tổ Tổ …" (issue 16).
    assert "Tổ công nghệ số 1 (" in everything and "Team Tổ" not in everything

    failed = page(client, reverse("teams:message_log"), status="failed")
    assert chi in failed and an not in failed
    assert "not a mobile number" in failed

    opted_out = page(client, reverse("teams:message_log"), error_code="opted_out")
    binh = national(registry["binh"].phone)
    assert binh in opted_out and an not in opted_out and chi not in opted_out

    delivered = page(client, reverse("teams:message_log"), status="delivered", error_code="21614")
    assert an not in delivered and chi not in delivered

    one_broadcast = page(client, reverse("teams:message_log"), broadcast=broadcast.pk)
    assert an in one_broadcast and "Messages of one broadcast" in one_broadcast


def test_the_log_pages_without_a_query_per_message(
    client, organiser, registry, broadcast, mine, django_assert_max_num_queries
):
    for number in range(2):
        broadcasts.record_and_send(
            user=organiser,
            target=mine,
            text=f"Tin số {number}",
            brand="Digihelp",
            without_diacritics=False,
            form_token=f"5a0e7c1e-0000-4000-8000-00000000000{number}",
        )
    assert Message.objects.count() == 3 + 2 * 4
    client.force_login(organiser)
    with django_assert_max_num_queries(10):
        page(client, reverse("teams:message_log"))


# Campaigns: brand, diacritics, the whole campaign as a target, totals ------------------

CAMPAIGN_BRAND = "SỞ TT&TT LẠNG SƠN"


@pytest.fixture
def campaign(lang_son):
    campaign = Campaign.objects.create(
        name="45 ngày đêm hỗ trợ chuyển đổi số",
        province=lang_son,
        start=date(2026, 11, 1),
        sms_brand=CAMPAIGN_BRAND,
    )
    campaign.add_all_communes()
    return campaign


@pytest.fixture
def cao_bang_campaign(cao_bang):
    campaign = Campaign.objects.create(
        name="Chiến dịch Cao Bằng",
        province=cao_bang,
        start=date(2026, 11, 1),
        sms_brand="SỞ KH&CN CAO BẰNG",
    )
    campaign.add_all_communes()
    return campaign


def test_an_organiser_messages_every_active_volunteer_of_the_campaign_once(
    client, organiser, registry, campaign, cao_bang, django_capture_on_commit_callbacks
):
    Volunteer.objects.create(
        full_name="Nông Văn Giang", phone="+84911222333", home_commune=cao_bang.communes.first()
    )
    client.force_login(organiser)
    response = preview(client, compose_data(campaign))
    html = response.content.decode()
    # An (two teams and a resident), Chi, Em and Cường; Bình opted out, Dũng inactive,
    # Giang lives in another province.
    assert figure(html, "preview-recipients") == 4
    assert figure(html, "preview-opted-out") == 1
    assert response.context["preview"].text == f"{CAMPAIGN_BRAND}: {INVITATION}"

    send(client, compose_data(campaign), django_capture_on_commit_callbacks)
    broadcast = Broadcast.objects.get()
    assert broadcast.target == campaign and broadcast.is_to_campaign
    assert (broadcast.team, broadcast.commune, broadcast.campaign) == (None, None, campaign)
    assert broadcast.brand == CAMPAIGN_BRAND
    assert (broadcast.recipient_count, broadcast.opted_out_count) == (4, 1)
    messages = Message.objects.order_by("recipient")
    assert [m.recipient for m in messages] == sorted(
        registry[key].phone for key in ["an", "binh", "chi", "em", "cuong"]
    )
    assert all(m.subject == broadcast for m in messages)
    assert all(m.text == f"{CAMPAIGN_BRAND}: {INVITATION}" for m in messages)

    detail = page(client, reverse("teams:broadcast_detail", args=[broadcast.pk]))
    assert "Campaign 45 ngày đêm hỗ trợ chuyển đổi số" in detail


def test_a_campaign_reaches_only_the_communes_taking_part(registry, campaign, elsewhere):
    CampaignCommune.objects.filter(campaign=campaign, commune=elsewhere).delete()
    # Chi lives elsewhere but is in a team of ours; Cường is only elsewhere.
    assert broadcasts.recipients(campaign) == sorted(
        registry[key].phone for key in ["an", "binh", "chi", "em"]
    )


def test_a_campaign_without_diacritics_sends_every_message_in_gsm7(
    client, organiser, registry, campaign, django_capture_on_commit_callbacks
):
    campaign.sms_without_diacritics = True
    campaign.save()
    client.force_login(organiser)
    data = compose_data(registry["our_team"], campaign=campaign.pk)  # box left unticked
    response = preview(client, data)
    shown = response.context["preview"]
    plain = INVITATION_PLAIN.replace("Digihelp", "SO TT&TT LANG SON")
    assert shown.text == plain
    assert (shown.segments.encoding, shown.segments.segments) == ("GSM-7", 1)
    html = response.content.decode()
    assert "Sent without diacritics: the campaign" in html
    form = response.context["form"]
    assert form["without_diacritics"].value() and form["brand"].value() == CAMPAIGN_BRAND

    send(client, data, django_capture_on_commit_callbacks)
    broadcast = Broadcast.objects.get()
    assert (broadcast.team, broadcast.campaign) == (registry["our_team"], campaign)
    assert broadcast.without_diacritics and broadcast.encoding == "GSM-7"
    message = Message.objects.exclude(status=STATUS.CANCELLED).first()
    assert message.text == plain
    assert (message.encoding, message.segment_count) == ("GSM-7", 1)


def test_a_brand_typed_by_the_organiser_is_kept_with_a_campaign(campaign):
    assert broadcasts.campaign_settings(campaign, "Digihelp", False) == (CAMPAIGN_BRAND, False)
    assert broadcasts.campaign_settings(campaign, "", False) == (CAMPAIGN_BRAND, False)
    assert broadcasts.campaign_settings(campaign, "UBND xã", False) == ("UBND xã", False)
    assert broadcasts.campaign_settings(None, "Digihelp", True) == ("Digihelp", True)


def test_a_coordinator_cannot_message_a_whole_campaign(
    client, coordinator, registry, campaign, cao_bang_campaign
):
    client.force_login(coordinator)
    compose = page(client, reverse("teams:broadcast_compose"))
    assert campaign.name in compose and cao_bang_campaign.name not in compose

    data = {**compose_data(campaign), "action": "send", "previewed": "x"}
    response = client.post(reverse("teams:broadcast_compose"), data)
    assert response.status_code == 200
    assert response.context["form"].has_error("campaign", "not_organiser")
    html = response.content.decode()
    assert "Only the campaign&#x27;s organisers can message the whole campaign." in html
    assert MISSING not in html and response.context["preview"] is None
    assert Broadcast.objects.count() == 0 and Message.objects.count() == 0


def test_a_coordinator_tags_a_team_broadcast_with_the_campaign(
    client, coordinator, registry, campaign, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    data = compose_data(registry["our_team"], campaign=campaign.pk)
    response = send(client, data, django_capture_on_commit_callbacks)
    broadcast = Broadcast.objects.get()
    assert response["Location"] == reverse("teams:broadcast_detail", args=[broadcast.pk])
    assert (broadcast.team, broadcast.campaign, broadcast.brand) == (
        registry["our_team"],
        campaign,
        CAMPAIGN_BRAND,
    )
    assert not broadcast.is_to_campaign
    assert Message.objects.count() == 3
    detail = page(client, reverse("teams:broadcast_detail", args=[broadcast.pk]))
    assert "Tổ công nghệ số 1 (" in detail and campaign.name in detail


def test_a_campaign_tag_must_be_of_the_targets_province(
    client, make_user, registry, cao_bang_campaign, provinces
):
    client.force_login(make_user("admin", is_superuser=True))
    data = compose_data(registry["our_team"], campaign=cao_bang_campaign.pk)
    response = preview(client, data)
    assert response.context["form"].has_error("campaign", "other_province")
    assert "Tổ công nghệ số 1 is not in the province of this campaign." in (
        response.content.decode()
    )


def totals_of(html, campaign) -> dict[str, int]:
    row = re.search(rf'<tr data-campaign="{campaign.pk}">(.*?)</tr>', html, re.S).group(1)
    return {name: int(number) for name, number in re.findall(r"data-(\w+)>(\d+)<", row)}


@pytest.fixture
def campaign_messages(organiser, coordinator, registry, campaign, broadcast):
    """A broadcast to the whole campaign (five messages, two segments each) and one to
    our team on the campaign's behalf (three messages, one segment each), with some
    delivery reports; `broadcast` counts towards no campaign."""
    to_campaign = broadcasts.record_and_send(
        user=organiser,
        target=campaign,
        text=INVITATION,
        brand="Digihelp",
        without_diacritics=False,
        form_token=uuid4(),
    )[0]
    to_team = broadcasts.record_and_send(
        user=coordinator,
        target=registry["our_team"],
        campaign=campaign,
        text="Họp tổ lúc 19:00",
        brand="Digihelp",
        without_diacritics=False,
        form_token=uuid4(),
    )[0]
    assert (to_campaign.segments_per_message, to_team.segments_per_message) == (2, 1)
    for sent_in, key, status in [
        (to_campaign, "an", STATUS.DELIVERED),
        (to_campaign, "chi", STATUS.FAILED),
        (to_campaign, "em", STATUS.UNDELIVERED),
        (to_campaign, "cuong", STATUS.SENT),
        (to_team, "an", STATUS.DELIVERED),
        (broadcast, "an", STATUS.DELIVERED),
    ]:
        broadcasts.messages_of(sent_in).filter(recipient=registry[key].phone).update(status=status)
    return to_campaign, to_team


def test_campaign_totals_count_messages_by_outcome_and_segments(
    client, organiser, campaign, cao_bang_campaign, campaign_messages, django_assert_num_queries
):
    client.force_login(organiser)
    with django_assert_num_queries(5):  # session, user, roles, totals, campaigns
        html = page(client, reverse("teams:campaign_totals"))
    assert totals_of(html, campaign) == {
        "messages": 8,
        "sent": 4,  # delivered, undelivered or awaiting a report
        "delivered": 2,
        "failed": 2,  # failed or undelivered
        "cancelled": 2,  # Bình opted out, once per broadcast
        "segments": 4 * 2 + 2 * 1,  # cancelled messages cost nothing
    }
    assert cao_bang_campaign.name not in html


def test_a_coordinator_counts_only_the_campaign_broadcasts_they_may_see(
    client, coordinator, campaign, campaign_messages
):
    to_campaign, to_team = campaign_messages
    client.force_login(coordinator)
    html = page(client, reverse("teams:campaign_totals"))
    assert totals_of(html, campaign) == {
        "messages": 3,
        "sent": 1,
        "delivered": 1,
        "failed": 0,
        "cancelled": 1,
        "segments": 2,
    }
    assert client.get(reverse("teams:broadcast_detail", args=[to_campaign.pk])).status_code == 404
    page(client, reverse("teams:broadcast_detail", args=[to_team.pk]))


def test_the_totals_are_linked_from_the_sms_pages(client, organiser):
    client.force_login(organiser)
    for url in [reverse("teams:broadcast_compose"), reverse("teams:message_log")]:
        assert f'href="{reverse("teams:campaign_totals")}"' in page(client, url)


def test_a_broadcast_has_a_team_a_commune_or_else_a_campaign(registry, mine, campaign):
    def create(**target):
        return Broadcast.objects.create(
            form_token=uuid4(),
            text="Họp tổ",
            brand="Digihelp",
            encoding="UCS-2",
            segments_per_message=1,
            recipient_count=0,
            **target,
        )

    team = registry["our_team"]
    for target in [
        {},
        {"team": team, "commune": mine},
        {"commune": mine, "team": team, "campaign": campaign},
    ]:
        with pytest.raises(IntegrityError), transaction.atomic():
            create(**target)
    assert create(campaign=campaign).target == campaign
    assert create(team=team, campaign=campaign).target == team
    assert create(commune=mine, campaign=campaign).target == mine


def test_the_log_lists_every_kind_of_message_for_the_communes_one_sees(
    client, coordinator, registry, campaign, mine, elsewhere
):
    """Invitations, reminders, notices, follow-ups and account links, not only broadcasts,
    filtered by kind, commune and day; another commune's messages stay out of sight."""
    from django.contrib.contenttypes.models import ContentType

    from campaign.models import campaign_tag

    def message(kind, recipient, tag="", subject=None, **extra):
        return Message.objects.create(
            recipient=recipient,
            text="…",
            kind=kind,
            idempotency_key=f"{kind}:{recipient}:{tag}",
            encoding="GSM-7",
            segment_count=1,
            tag=tag,
            subject_type=ContentType.objects.get_for_model(subject) if subject else None,
            subject_id=str(subject.pk) if subject else "",
            **extra,
        )

    ours = campaign_tag(campaign.pk, mine.pk)
    message("shift_invitation", "+84912000001", ours)
    message("shift_reminder", "+84912000002", ours)
    message("citizen_follow_up", "+84912000003", ours)
    message("account_invitation", registry["an"].phone, subject=registry["an"])
    message("shift_reminder", "+84912000009", campaign_tag(campaign.pk, elsewhere.pk))
    message("account_invitation", registry["cuong"].phone, subject=registry["cuong"])

    client.force_login(coordinator)
    everything = page(client, reverse("teams:message_log"))
    for phone in ("0912 000 001", "0912 000 002", "0912 000 003", national(registry["an"].phone)):
        assert phone in everything
    assert "0912 000 009" not in everything
    assert national(registry["cuong"].phone) not in everything
    assert "Invitation to a shift" in everything and "Follow-up to a citizen" in everything

    reminders = page(client, reverse("teams:message_log"), kind="shift_reminder")
    assert "0912 000 002" in reminders and "0912 000 001" not in reminders
    in_mine = page(client, reverse("teams:message_log"), commune=mine.pk)
    assert "0912 000 003" in in_mine and national(registry["an"].phone) not in in_mine
    assert mine.name in in_mine
    tomorrow = page(client, reverse("teams:message_log"), date_from="31/12/2099")
    assert "0912 000 001" not in tomorrow and "No messages." in tomorrow
    backwards = page(
        client, reverse("teams:message_log"), date_from="07/12/2026", date_to="01/12/2026"
    )
    assert "The last day comes before the first." in backwards
    assert "0912 000 001" not in backwards
