from datetime import date

import pytest
from django.db import IntegrityError

from campaign.models import Campaign, CampaignCommune, ReadinessCheck, ReadinessCriterion


def make_campaign(province, **extra):
    extra.setdefault("start", date(2026, 11, 1))
    return Campaign.objects.create(
        name="45 ngày đêm hỗ trợ chuyển đổi số",
        province=province,
        sms_brand="SỞ TT&TT LẠNG SƠN",
        **extra,
    )


def test_a_campaign_lasts_45_days_unless_told_otherwise(lang_son):
    campaign = make_campaign(lang_son)
    assert campaign.end == date(2026, 12, 16)
    shorter = make_campaign(lang_son, end=date(2026, 11, 30))
    assert shorter.end == date(2026, 11, 30)
    assert campaign.status == Campaign.Status.DRAFT


def test_every_commune_of_the_province_takes_part_by_default(lang_son):
    campaign = make_campaign(lang_son)
    assert campaign.add_all_communes() == 65
    assert campaign.communes.count() == 65
    assert campaign.add_all_communes() == 0  # again: nothing new


def test_a_campaign_cannot_end_before_it_starts(lang_son):
    with pytest.raises(IntegrityError):
        make_campaign(lang_son, end=date(2026, 10, 1))


def test_a_commune_takes_part_once(lang_son):
    campaign = make_campaign(lang_son)
    commune = lang_son.communes.first()
    CampaignCommune.objects.create(campaign=campaign, commune=commune)
    with pytest.raises(IntegrityError):
        CampaignCommune.objects.create(campaign=campaign, commune=commune)


def test_campaigns_are_organised_by_their_provinces_organisers(
    lang_son, cao_bang, organiser, coordinator, make_user
):
    mine = make_campaign(lang_son)
    make_campaign(cao_bang)
    admin = make_user("root", is_superuser=True)
    assert list(Campaign.objects.organised_by(organiser)) == [mine]
    assert not Campaign.objects.organised_by(coordinator).exists()
    assert Campaign.objects.organised_by(admin).count() == 2


def test_communes_tick_off_the_readiness_checklist_once_each(lang_son, coordinator):
    campaign = make_campaign(lang_son)
    campaign.add_all_communes()
    criteria = [
        ReadinessCriterion.objects.create(campaign=campaign, position=n, text=f"Tiêu chí {n}")
        for n in range(1, 17)
    ]
    first, second = campaign.campaign_communes.order_by("commune__code")[:2]
    for criterion in criteria[:16]:
        ReadinessCheck.objects.create(
            campaign_commune=first, criterion=criterion, met_on=date(2026, 11, 10)
        )
    ReadinessCheck.objects.create(
        campaign_commune=second,
        criterion=criteria[0],
        met_on=date(2026, 11, 12),
        note="Đã lắp wifi tại bộ phận một cửa",
        checked_by=coordinator,
    )
    readiness = {commune: (met, total) for commune, met, total in campaign.readiness()}
    assert readiness[first.commune] == (16, 16)
    assert readiness[second.commune] == (1, 16)
    assert len(readiness) == 65
    with pytest.raises(IntegrityError):
        ReadinessCheck.objects.create(
            campaign_commune=second, criterion=criteria[0], met_on=date(2026, 11, 13)
        )
