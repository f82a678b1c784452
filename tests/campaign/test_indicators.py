"""Indicators and their targets (issue 18): the shipped catalogue and the checks of each
unit."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from campaign.models import (
    Campaign,
    Indicator,
    IndicatorTarget,
    ServiceType,
    target_problem,
)


@pytest.fixture
def campaign(lang_son):
    campaign = Campaign.objects.create(
        name="45 ngày đêm", province=lang_son, start=date(2026, 11, 1), sms_brand="SỞ TT&TT"
    )
    campaign.add_all_communes()
    return campaign


def indicator(code):
    return Indicator.objects.get(code=code)


def test_the_indicators_the_state_counts_are_shipped(db):
    shipped = {
        i.code: (i.unit, i.source, i.service.code if i.service else None, i.done_only)
        for i in Indicator.objects.filter(province__isnull=True)
    }
    assert shipped == {
        "citizens_helped": ("count", "sessions", None, False),
        "eid_accounts": ("count", "sessions", "eid_account", True),
        "eid_level_2": ("count", "sessions", "eid_level_2", True),
        "online_dossiers": ("count", "sessions", "online_application", True),
        "online_payments": ("count", "reports", None, False),
        "online_application_rate": ("rate", "reports", None, False),
        "end_to_end_rate": ("rate", "reports", None, False),
        "records_digitised": ("count", "reports", None, False),
    }
    assert indicator("end_to_end_rate").name == "Tỷ lệ hồ sơ trực tuyến toàn trình"
    assert indicator("end_to_end_rate").report_field == "end_to_end_rate"


def test_a_province_adds_its_own_and_sees_only_its_own(lang_son, cao_bang):
    Indicator.objects.create(
        code="smart-phones", name="Người dân dùng điện thoại thông minh", unit="count",
        source="imported", province=cao_bang,
    )  # fmt: skip
    assert "smart-phones" not in Indicator.objects.offered_in(lang_son.pk).values_list(
        "code", flat=True
    )
    assert Indicator.objects.offered_in(cao_bang.pk).filter(code="smart-phones").exists()


@pytest.mark.parametrize(
    ("code", "value", "problem"),
    [
        ("online_application_rate", Decimal("100"), None),
        ("online_application_rate", Decimal("37.5"), None),
        ("online_application_rate", Decimal("100.5"), "A rate is at most 100 %."),
        ("citizens_helped", Decimal("450"), None),
        (
            "citizens_helped",
            Decimal("450.5"),
            "This indicator counts: its target is a whole number.",
        ),
        ("citizens_helped", Decimal("-1"), "A target cannot be below zero."),
    ],
)
def test_a_target_is_checked_by_its_indicators_unit(english, db, code, value, problem):
    found = target_problem(indicator(code), value)
    assert (str(found) if found else None) == problem


def test_a_target_out_of_bounds_is_refused_on_save(english, campaign):
    row = campaign.campaign_communes.first()
    target = IndicatorTarget(
        campaign_commune=row, indicator=indicator("end_to_end_rate"), value=Decimal("120")
    )
    with pytest.raises(ValidationError, match="A rate is at most 100 %"):
        target.full_clean()
    target.value = Decimal("-3")
    with pytest.raises(IntegrityError), transaction.atomic():
        target.save()


def test_an_indicator_names_what_its_source_needs(english, db):
    level_2 = ServiceType.objects.get(code="eid_level_2")
    wrong = Indicator(code="x", name="X", unit="rate", source="sessions", service=level_2)
    with pytest.raises(ValidationError) as raised:
        wrong.full_clean()
    assert "an indicator from them is a count" in str(raised.value)
    wrong = Indicator(code="y", name="Y", unit="rate", source="reports", report_field="")
    with pytest.raises(ValidationError, match="Choose the report figure"):
        wrong.full_clean()
    wrong.report_field = "records_digitised"
    with pytest.raises(ValidationError, match="This report figure is a count"):
        wrong.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.create(code="z", name="Z", unit="count", source="reports")
