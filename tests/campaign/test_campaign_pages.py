from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.models import (
    AuditEvent,
    Campaign,
    CampaignCommune,
    Commune,
    Indicator,
    IndicatorTarget,
    ReadinessCheck,
    ReadinessCriterion,
    Role,
)

pytestmark = pytest.mark.usefixtures("english")

MISSING = "!!MISSING"


def make_campaign(province):
    campaign = Campaign.objects.create(
        name="45 ngày đêm hỗ trợ chuyển đổi số",
        province=province,
        start=date(2026, 11, 1),
        sms_brand="SO TTTT",
    )
    campaign.add_all_communes()
    return campaign


def campaign_data(province, **extra):
    return {
        "name": "45 ngày đêm",
        "province": province.pk,
        "start": "2026-11-01",
        "end": "",
        "status": Campaign.Status.ACTIVE,
        "sms_brand": "SO TTTT LANG SON",
        "description": "",
        "citizen_contact_retention_days": "30",
        **extra,
    }


def targets_data(campaign, criteria="", changes=None):
    """The targets page as posted unchanged, with `changes` keyed by commune and then by
    indicator code."""
    data = {"criteria": criteria}
    stored = {
        (t.campaign_commune_id, t.indicator_id): t.value
        for t in IndicatorTarget.objects.filter(campaign_commune__campaign=campaign)
    }
    indicators = list(Indicator.objects.offered_in(campaign.province_id))
    for row in campaign.campaign_communes.all():
        for indicator in indicators:
            value = stored.get((row.pk, indicator.pk))
            value = (changes or {}).get(row.commune_id, {}).get(indicator.code, value)
            data[f"t_{row.pk}_{indicator.pk}"] = "" if value is None else str(value)
    return data


def targets_of(row):
    return dict(
        IndicatorTarget.objects.filter(campaign_commune=row).values_list(
            "indicator__code", "value"
        )
    )


def test_an_organiser_creates_a_campaign_in_which_every_commune_takes_part(
    client, organiser, lang_son
):
    client.force_login(organiser)
    page = client.get(reverse("campaign:campaign_new"))
    assert page.status_code == 200 and MISSING not in page.content.decode()
    response = client.post(reverse("campaign:campaign_new"), campaign_data(lang_son))
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("campaign:campaign_detail", args=[campaign.pk])
    assert campaign.end == date(2026, 12, 16)
    assert campaign.communes.count() == 65


def test_an_organiser_edits_the_campaign(client, organiser, lang_son):
    campaign = make_campaign(lang_son)
    client.force_login(organiser)
    url = reverse("campaign:campaign_edit", args=[campaign.pk])
    assert MISSING not in client.get(url).content.decode()
    client.post(url, campaign_data(lang_son, name="Renamed", end="2026-11-30"))
    campaign.refresh_from_db()
    assert (campaign.name, campaign.end) == ("Renamed", date(2026, 11, 30))


def test_an_organiser_sets_how_long_citizens_numbers_are_kept(client, organiser, lang_son):
    campaign = make_campaign(lang_son)
    client.force_login(organiser)
    url = reverse("campaign:campaign_edit", args=[campaign.pk])
    assert 'name="citizen_contact_retention_days" value="30"' in client.get(url).content.decode()
    client.post(url, campaign_data(lang_son, end="2026-11-30", citizen_contact_retention_days="7"))
    campaign.refresh_from_db()
    assert campaign.contacts_purged_after == date(2026, 12, 7)
    detail = client.get(reverse("campaign:campaign_detail", args=[campaign.pk]))
    assert "kept until 07/12/2026, then erased" in detail.content.decode()
    for wrong, message in (("", "This field is required."), ("-1", "greater than or equal to 0")):
        response = client.post(url, campaign_data(lang_son, citizen_contact_retention_days=wrong))
        assert message in str(response.context["form"].errors["citizen_contact_retention_days"])
    campaign.refresh_from_db()
    assert campaign.citizen_contact_retention_days == 7


def test_a_coordinator_cannot_create_a_campaign_nor_edit_targets(client, coordinator, lang_son):
    campaign = make_campaign(lang_son)
    client.force_login(coordinator)
    assert client.get(reverse("campaign:campaign_new")).status_code == 403
    assert (
        client.post(reverse("campaign:campaign_new"), campaign_data(lang_son)).status_code == 403
    )
    assert client.get(reverse("campaign:campaign_targets", args=[campaign.pk])).status_code == 403
    assert client.get(reverse("campaign:campaign_edit", args=[campaign.pk])).status_code == 403


def test_an_organiser_cannot_create_or_run_another_provinces_campaign(
    client, organiser, lang_son, cao_bang
):
    client.force_login(organiser)
    response = client.post(reverse("campaign:campaign_new"), campaign_data(cao_bang))
    assert response.status_code == 200
    assert "province" in response.context["form"].errors
    assert not Campaign.objects.exists()
    theirs = make_campaign(cao_bang)
    for name in ("campaign_edit", "campaign_targets", "campaign_detail"):
        assert client.get(reverse(f"campaign:{name}", args=[theirs.pk])).status_code == 404


def test_the_targets_page_saves_every_communes_targets(client, organiser, lang_son):
    campaign = make_campaign(lang_son)
    first = campaign.campaign_communes.order_by("commune__name").first()
    client.force_login(organiser)
    url = reverse("campaign:campaign_targets", args=[campaign.pk])
    page = client.get(url).content.decode()
    assert MISSING not in page
    assert "End-to-end online rate (%)" in page  # a column per indicator
    data = targets_data(
        campaign,
        changes={
            first.commune_id: {
                "citizens_helped": "500",
                "online_application_rate": "80.5",
                "eid_level_2": "300",
                "records_digitised": "200",
            }
        },
    )
    response = client.post(url, data)
    assert response.status_code == 302
    assert targets_of(first) == {
        "citizens_helped": 500,
        "online_application_rate": Decimal("80.5"),
        "eid_level_2": 300,
        "records_digitised": 200,
    }
    page = client.get(url).content.decode()
    assert 'value="80.5"' in page and 'value="500"' in page
    event = AuditEvent.objects.filter(subject_type="campaign.campaigncommune").latest("pk")
    assert event.details["targets"]["citizens_helped"] == {"from": None, "to": "500"}
    # Emptied: no target any more; a changed one is changed; the rest stay.
    data = targets_data(
        campaign, changes={first.commune_id: {"citizens_helped": "", "eid_level_2": "350"}}
    )
    assert client.post(url, data).status_code == 302
    assert targets_of(first) == {
        "online_application_rate": Decimal("80.5"),
        "eid_level_2": 350,
        "records_digitised": 200,
    }
    events = AuditEvent.objects.filter(subject_type="campaign.campaigncommune").order_by("pk")
    assert events.count() == 2  # one per save that changed this commune, none for others
    assert events.last().details["targets"] == {
        "citizens_helped": {"from": "500.00", "to": None},
        "eid_level_2": {"from": "300.00", "to": "350"},
    }


def test_targets_typed_before_indicators_are_listed_until_cleared(client, organiser, lang_son):
    campaign = make_campaign(lang_son)
    first = campaign.campaign_communes.order_by("commune__name").first()
    first.unmatched_targets = {"Số cây xanh": 30}
    first.save()
    client.force_login(organiser)
    url = reverse("campaign:campaign_targets", args=[campaign.pk])
    page = client.get(url).content.decode()
    assert f"{first.commune.name}: Số cây xanh = 30" in page
    client.post(url, targets_data(campaign))
    first.refresh_from_db()
    assert first.unmatched_targets == {"Số cây xanh": 30}  # kept until cleared
    client.post(url, {**targets_data(campaign), "clear_unmatched": "on"})
    first.refresh_from_db()
    assert first.unmatched_targets == {}
    assert "Số cây xanh" not in client.get(url).content.decode()


def test_the_criteria_list_is_replaced_keeping_checks_of_unchanged_criteria(
    client, organiser, lang_son
):
    campaign = make_campaign(lang_son)
    kept = ReadinessCriterion.objects.create(campaign=campaign, position=1, text="Wifi")
    dropped = ReadinessCriterion.objects.create(campaign=campaign, position=2, text="Printer")
    row = campaign.campaign_communes.first()
    kept_check = ReadinessCheck.objects.create(
        campaign_commune=row, criterion=kept, met_on=date(2026, 11, 2)
    )
    ReadinessCheck.objects.create(
        campaign_commune=row, criterion=dropped, met_on=date(2026, 11, 2)
    )
    client.force_login(organiser)
    response = client.post(
        reverse("campaign:campaign_targets", args=[campaign.pk]),
        targets_data(campaign, criteria="Volunteers trained\n\nWifi\nQR codes posted\n"),
    )
    assert response.status_code == 302
    assert list(campaign.readiness_criteria.values_list("position", "text")) == [
        (1, "Volunteers trained"),
        (2, "Wifi"),
        (3, "QR codes posted"),
    ]
    assert list(ReadinessCheck.objects.all()) == [kept_check]
    assert ReadinessCriterion.objects.get(text="Wifi").pk == kept.pk


def test_a_coordinator_ticks_off_criteria_for_their_commune(
    client, coordinator, coordinated_communes, lang_son
):
    campaign = make_campaign(lang_son)
    first = ReadinessCriterion.objects.create(campaign=campaign, position=1, text="Wifi")
    second = ReadinessCriterion.objects.create(campaign=campaign, position=2, text="Printer")
    mine = coordinated_communes[0]
    row = CampaignCommune.objects.get(campaign=campaign, commune=mine)
    ReadinessCheck.objects.create(campaign_commune=row, criterion=second, met_on=date(2026, 11, 2))
    client.force_login(coordinator)
    url = reverse("campaign:commune_readiness", args=[campaign.pk, mine.pk])
    page = client.get(url)
    assert page.status_code == 200 and MISSING not in page.content.decode()
    response = client.post(
        url,
        {
            f"met_{first.pk}": "on",
            f"met_on_{first.pk}": "",
            f"note_{first.pk}": "Đã lắp wifi",
            f"met_on_{second.pk}": "2026-11-02",
        },
    )
    assert response.status_code == 302
    check = ReadinessCheck.objects.get()
    assert (check.criterion, check.met_on, check.note, check.checked_by) == (
        first,
        timezone.localdate(),
        "Đã lắp wifi",
        coordinator,
    )


def test_a_coordinator_gets_404_for_other_communes(client, coordinator, lang_son, cao_bang):
    campaign = make_campaign(lang_son)
    other = campaign.communes.exclude(pk__in=coordinator.campaign_roles.get().communes.all())[0]
    not_taking_part = Commune.objects.filter(province=cao_bang).first()
    client.force_login(coordinator)
    for commune in (other, not_taking_part):
        url = reverse("campaign:commune_readiness", args=[campaign.pk, commune.pk])
        assert client.get(url).status_code == 404


def test_the_campaign_page_shows_readiness_of_visible_communes_only(
    client, coordinator, coordinated_communes, lang_son, outsider
):
    campaign = make_campaign(lang_son)
    criteria = [
        ReadinessCriterion.objects.create(campaign=campaign, position=n, text=f"Criterion {n}")
        for n in (1, 2, 3)
    ]
    mine = CampaignCommune.objects.get(campaign=campaign, commune=coordinated_communes[0])
    IndicatorTarget.objects.create(
        campaign_commune=mine,
        indicator=Indicator.objects.get(code="records_digitised"),
        value=Decimal("500"),
    )
    for criterion in criteria[:2]:
        ReadinessCheck.objects.create(
            campaign_commune=mine, criterion=criterion, met_on=date(2026, 11, 2)
        )
    hidden = campaign.communes.exclude(pk__in=[c.pk for c in coordinated_communes])[0]
    client.force_login(coordinator)
    page = client.get(reverse("campaign:campaign_detail", args=[campaign.pk])).content.decode()
    assert MISSING not in page
    assert "2 / 3" in page and "0 / 3" in page
    assert "Records digitised" in page and ">500<" in page
    assert coordinated_communes[1].name in page and hidden.name not in page
    assert "Edit targets" not in page
    overview = client.get(reverse("campaign:overview")).content.decode()
    assert campaign.name in overview and "New campaign" not in overview
    client.force_login(outsider)
    assert client.get(reverse("campaign:campaign_detail", args=[campaign.pk])).status_code == 404
    assert campaign.name not in client.get(reverse("campaign:overview")).content.decode()


def test_the_organiser_sees_every_commune_with_a_bounded_number_of_queries(
    client, organiser, lang_son, django_assert_max_num_queries
):
    campaign = make_campaign(lang_son)
    criterion = ReadinessCriterion.objects.create(campaign=campaign, position=1, text="Wifi")
    for row in campaign.campaign_communes.all():
        ReadinessCheck.objects.create(
            campaign_commune=row, criterion=criterion, met_on=date(2026, 11, 2)
        )
    client.force_login(organiser)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("campaign:campaign_detail", args=[campaign.pk]))
    html = page.content.decode()
    assert html.count("1 / 1") == 65
    assert "Edit targets" in html
    overview = client.get(reverse("campaign:overview")).content.decode()
    assert "New campaign" in overview and MISSING not in overview


def test_a_superuser_may_create_campaigns_anywhere(client, make_user, cao_bang):
    admin = make_user("root", is_superuser=True)
    client.force_login(admin)
    response = client.post(reverse("campaign:campaign_new"), campaign_data(cao_bang))
    assert response.status_code == 302
    assert Campaign.objects.get().communes.count() == cao_bang.communes.count()
    assert Role.objects.filter(user=admin).count() == 0


def test_an_organiser_sees_their_campaign_before_any_commune_takes_part(
    client, organiser, coordinator, lang_son
):
    """campaign.access.visible_campaigns: what one organises, or where one sees a commune
    taking part. A coordinator sees it only once one of their communes takes part."""
    campaign = Campaign.objects.create(
        name="Tháng thanh niên", province=lang_son, start=date(2026, 11, 1)
    )
    url = reverse("campaign:campaign_detail", args=[campaign.pk])
    client.force_login(organiser)
    assert client.get(url).status_code == 200
    assert campaign.name in client.get(reverse("campaign:overview")).content.decode()
    client.force_login(coordinator)
    assert client.get(url).status_code == 404
    campaign.add_all_communes()
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("code", "typed", "message"),
    [
        ("online_application_rate", "150", "Online-application rate: A rate is at most 100 %."),
        ("online_application_rate", "-1", "Online-application rate: A target cannot be below"),
        ("citizens_helped", "-5", "Citizens helped: A target cannot be below zero."),
        ("citizens_helped", "12.5", "Citizens helped: This indicator counts: its target is a"),
        ("records_digitised", "nhiều", "Records digitised: not a number"),
        ("records_digitised", "1.234", "Records digitised: at most two decimals"),
    ],
)
def test_targets_are_checked_by_kind_rates_0_to_100_counts_whole_and_not_below_zero(
    client, organiser, lang_son, code, typed, message
):
    campaign = make_campaign(lang_son)
    first = campaign.campaign_communes.order_by("commune__name").first()
    second = campaign.campaign_communes.order_by("commune__name")[1]
    client.force_login(organiser)
    changes = {first.commune_id: {code: typed}, second.commune_id: {"citizens_helped": "90"}}
    data = targets_data(campaign, changes=changes)
    response = client.post(reverse("campaign:campaign_targets", args=[campaign.pk]), data)
    assert response.status_code == 200
    page = " ".join(response.content.decode().split())
    assert "Nothing was saved." in page
    assert f"{first.commune.name}, {message}" in page
    assert not IndicatorTarget.objects.exists()  # the good row waits for the bad one
