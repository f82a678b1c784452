"""The commune's week: placing someone with the search-as-you-type picker, taking them
off, moving them to another shift, and the answer shown on the shift's card."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from campaign.models import Campaign
from teams.models import Assignment, Shift, ShiftSignup, Volunteer

pytestmark = pytest.mark.usefixtures("scenario_clock")  # 30/11/2026 10:00

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day, hour):
    return datetime(2026, 12, day, hour, 0, tzinfo=LOCAL)


@pytest.fixture
def campaign(lang_son):
    campaign = Campaign.objects.create(
        name="45 ngày đêm", province=lang_son, start=date(2026, 12, 1), sms_brand="SỞ TT&TT"
    )
    campaign.add_all_communes()
    return campaign


@pytest.fixture
def commune(coordinated_communes):
    return coordinated_communes[0]


def shift(campaign, commune, day=3, start=8, end=11, needed=2, place="Bộ phận một cửa"):
    return Shift.objects.create(
        campaign=campaign,
        commune=commune,
        place=place,
        starts_at=at(day, start),
        ends_at=at(day, end),
        volunteers_needed=needed,
    )


_phones = iter(range(10_000_000, 99_999_999))


def assigned(campaign, commune, name, phone=None, **span):
    person = Volunteer.objects.create(full_name=name, phone=phone or f"+8491{next(_phones)}")
    Assignment.objects.create(volunteer=person, campaign=campaign, commune=commune, **span)
    return person


@pytest.fixture
def people(campaign, commune, lang_son):
    return {
        "hạnh": assigned(campaign, commune, "Hoàng Thị Hạnh", "+84912345678"),
        "hanh": assigned(campaign, commune, "Lò Văn Hanh"),
        "thanh": assigned(campaign, commune, "Nông Thị Thanh"),
        "later": assigned(campaign, commune, "Vi Thị Hạnh", starts_on=date(2026, 12, 10)),
        "elsewhere": assigned(
            campaign, lang_son.communes.exclude(pk=commune.pk).first(), "Lục Thị Hạnh"
        ),
    }


def names(client, the_shift, query):
    response = client.get(reverse("teams:shift_candidates", args=[the_shift.pk]), {"q": query})
    assert response.status_code == 200
    return [c["name"] for c in response.json()["candidates"]]


def test_the_picker_ranks_the_name_typed_with_its_diacritics_first(
    client, coordinator, campaign, commune, people
):
    the_shift = shift(campaign, commune)
    client.force_login(coordinator)
    # Only volunteers assigned to the commune that day: not Vi Thị Hạnh (from the 10th),
    # not Lục Thị Hạnh (another commune).
    assert names(client, the_shift, "Hạnh") == ["Hoàng Thị Hạnh", "Lò Văn Hanh"]
    assert names(client, the_shift, "hanh") == ["Lò Văn Hanh", "Hoàng Thị Hạnh"]
    assert names(client, the_shift, "thi h") == ["Hoàng Thị Hạnh"]
    # Nothing typed: everyone, by given name as Vietnamese lists go.
    assert names(client, the_shift, "") == ["Hoàng Thị Hạnh", "Lò Văn Hanh", "Nông Thị Thanh"]
    assert names(client, the_shift, "0912 345") == ["Hoàng Thị Hạnh"]
    assert names(client, the_shift, "xyz") == []


def test_the_picker_leaves_out_who_is_on_the_shift_and_gives_the_rules_reason(
    client, coordinator, campaign, commune, people
):
    the_shift = shift(campaign, commune)
    ShiftSignup.objects.create(shift=the_shift, volunteer=people["hanh"], status="confirmed")
    busy = shift(campaign, commune, start=9, end=12, place="Nhà văn hoá")
    ShiftSignup.objects.create(shift=busy, volunteer=people["thanh"], status="confirmed")
    client.force_login(coordinator)
    response = client.get(reverse("teams:shift_candidates", args=[the_shift.pk]), {"q": ""})
    found = {c["name"]: c for c in response.json()["candidates"]}
    assert "Lò Văn Hanh" not in found
    assert found["Hoàng Thị Hạnh"]["reason"] == ""
    assert found["Hoàng Thị Hạnh"]["phone"] == "0912 345 678"
    assert found["Nông Thị Thanh"]["reason"]  # already on a shift at that time


def test_a_coordinator_of_another_commune_gets_no_suggestions(
    client, make_user, campaign, commune, people, lang_son
):
    from campaign.models import Role

    other = make_user(
        "other",
        kind=Role.Kind.COORDINATOR,
        province=lang_son,
        communes=[lang_son.communes.exclude(pk=commune.pk).first()],
    )
    client.force_login(other)
    the_shift = shift(campaign, commune)
    assert client.get(reverse("teams:shift_candidates", args=[the_shift.pk])).status_code == 404


def card_messages(client, response):
    page = client.get(response["Location"]).content.decode()
    return page


def test_placing_by_the_pickers_choice_or_a_unique_name_answers_on_the_card(
    client, coordinator, campaign, commune, people
):
    the_shift = shift(campaign, commune)
    client.force_login(coordinator)
    url = reverse("teams:place_on_shift", args=[the_shift.pk])

    response = client.post(url, {"volunteer": people["hạnh"].pk, "who": "Hạnh"})
    assert response["Location"].endswith(f"#shift-{the_shift.pk}")
    page = client.get(response["Location"]).content.decode()
    card = page[page.index(f'id="shift-{the_shift.pk}"') :]
    assert "Đã xếp Hoàng Thị Hạnh vào ca trực" in card[: card.index("</article>")]
    assert 'class="messages"' not in page[: page.index(f'id="shift-{the_shift.pk}"')] or (
        "Đã xếp" not in page[: page.index(f'id="shift-{the_shift.pk}"')]
    )

    client.post(url, {"who": "lo van hanh"})  # typed without diacritics, one such person
    assert set(the_shift.signups.values_list("volunteer__full_name", flat=True)) == {
        "Hoàng Thị Hạnh",
        "Lò Văn Hanh",
    }


def test_a_name_nobody_assigned_carries_is_refused_with_what_to_do(
    client, coordinator, campaign, commune, people
):
    the_shift = shift(campaign, commune)
    client.force_login(coordinator)
    response = client.post(
        reverse("teams:place_on_shift", args=[the_shift.pk]), {"who": "Lục Thị Hạnh"}
    )
    page = client.get(response["Location"]).content.decode()
    assert "Không có ai tên “Lục Thị Hạnh” được phân công về" in page
    assert 'role="alert"' in page
    assert not the_shift.signups.exists()


def test_someone_is_taken_off_or_moved_with_feedback_at_the_card(
    client, coordinator, campaign, commune, people
):
    morning = shift(campaign, commune)
    afternoon = shift(campaign, commune, start=14, end=17, place="Nhà văn hoá")
    on_morning = ShiftSignup.objects.create(
        shift=morning, volunteer=people["hạnh"], status="confirmed"
    )
    client.force_login(coordinator)

    response = client.post(
        reverse("teams:move_to_shift", args=[on_morning.pk]), {"shift": afternoon.pk}
    )
    assert response["Location"].endswith(f"#shift-{afternoon.pk}")
    on_morning.refresh_from_db()
    assert on_morning.status == ShiftSignup.Status.DECLINED
    moved = ShiftSignup.objects.get(shift=afternoon, volunteer=people["hạnh"])
    assert moved.status == ShiftSignup.Status.INVITED
    assert (
        "Đã chuyển Hoàng Thị Hạnh sang ca này" in client.get(response["Location"]).content.decode()
    )

    response = client.post(reverse("teams:remove_from_shift", args=[moved.pk]))
    moved.refresh_from_db()
    assert moved.status == ShiftSignup.Status.DECLINED
    assert "Đã bỏ Hoàng Thị Hạnh khỏi ca trực" in client.get(response["Location"]).content.decode()


def test_the_week_names_who_is_on_each_shift(client, coordinator, campaign, commune, people):
    the_shift = shift(campaign, commune, needed=3)
    ShiftSignup.objects.create(shift=the_shift, volunteer=people["hạnh"], status="confirmed")
    ShiftSignup.objects.create(shift=the_shift, volunteer=people["thanh"], status="invited")
    client.force_login(coordinator)
    page = client.get(
        reverse("teams:coverage_commune", args=[campaign.pk, commune.pk]), {"week": "2026-11-30"}
    ).content.decode()
    assert "Hoàng Thị Hạnh" in page
    assert "Nông Thị Thanh</span> <small>(chưa xác nhận)</small>" in page
    assert "1 chỗ còn trống" in page
    assert "Xếp vào ca" in page and "Địa điểm" not in page
