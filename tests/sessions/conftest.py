"""Fixtures of the help-session API tests: two campaigns, Mai's commune and the one
next door, Mai and Hoa, Mai's phone signed in, and a valid log to change."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from campaign.models import Campaign
from tests.sessions.sync_helpers import BRAND, OMIT, make_volunteer, moments_ago, signed_in, stamp


@pytest.fixture
def campaign(lang_son):
    today = timezone.localdate()
    return Campaign.objects.create(
        name="45 ngày đêm hỗ trợ chuyển đổi số",
        province=lang_son,
        start=today - timedelta(days=10),
        sms_brand=BRAND,
        citizen_contact_retention_days=30,
    )


@pytest.fixture
def second_campaign(lang_son):
    """A campaign of the same province running at the same time."""
    return Campaign.objects.create(
        name="Tháng thanh niên",
        province=lang_son,
        start=timezone.localdate() - timedelta(days=3),
        sms_brand="DOAN TN",
    )


@pytest.fixture
def mine(coordinated_communes):
    """The commune the volunteer works in, one of the coordinator's."""
    return coordinated_communes[0]


@pytest.fixture
def elsewhere(lang_son, coordinated_communes):
    """A commune of the same province that the coordinator does not coordinate."""
    taken = [commune.pk for commune in coordinated_communes]
    return lang_son.communes.exclude(pk__in=taken).order_by("code").first()


@pytest.fixture
def mai(make_user, campaign, mine):
    return make_volunteer(make_user, "mai", "+84912345678", (campaign, mine))


@pytest.fixture
def hoa(make_user, campaign, mine, elsewhere):
    """Another volunteer, in Mai's commune and in the one next door."""
    return make_volunteer(
        make_user, "hoa", "+84912345679", (campaign, mine), (campaign, elsewhere)
    )


@pytest.fixture
def api(mai):
    """Mai's phone, signed in."""
    return signed_in(mai.user)


@pytest.fixture
def make_log(mine):
    def make(**changes):
        item = {
            "uuid": str(uuid.uuid4()),
            "commune": mine.code,
            "helped_at": stamp(moments_ago()),
            "minutes": 20,
            "services": ["eid_account"],
            "outcome": "done",
        }
        item.update(changes)
        return {name: value for name, value in item.items() if value is not OMIT}

    return make
