"""The free-text and fixed targets of before indicators, moved onto indicators by
migration campaign 0011 (issue 18)."""

import importlib
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("campaign", "0010_indicator_defaults")]
AFTER = [("campaign", "0011_targets_on_indicators")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_old_targets_move_onto_indicators(capsys):
    apps = migrate(BEFORE)
    # An earlier test in a transaction may have emptied the tables migrations fill.
    importlib.import_module("campaign.migrations.0004_service_catalogue_and_audit").add_catalogue(
        apps, schema_editor=None
    )
    importlib.import_module("campaign.migrations.0010_indicator_defaults").add_defaults(
        apps, schema_editor=None
    )
    Province = apps.get_model("campaign", "Province")
    Commune = apps.get_model("campaign", "Commune")
    Campaign = apps.get_model("campaign", "Campaign")
    CampaignCommune = apps.get_model("campaign", "CampaignCommune")
    province = Province.objects.create(
        code="20", name="Lạng Sơn", division_type="tinh", codename="lang_son"
    )
    communes = [
        Commune.objects.create(
            code=f"0000{n}", name=name, division_type="xa", codename=f"c{n}", province=province
        )
        for n, name in enumerate(["Xã Bắc Sơn", "Xã Bình Gia", "Xã Cai Kinh"], start=1)
    ]
    campaign = Campaign.objects.create(
        name="45 ngày đêm",
        province=province,
        start=date(2026, 11, 1),
        end=date(2026, 12, 15),
        sms_brand="SỞ TT&TT",
    )
    first, second, third = (
        CampaignCommune.objects.create(campaign=campaign, commune=commune) for commune in communes
    )
    first.citizens_target, first.eid_activations_target = 450, 120
    first.online_application_rate_target = Decimal("35.00")
    first.other_targets = {
        "Hồ sơ được số hoá": 500,  # the tone mark placed the other way
        "Online payments": 200,
        "tỷ lệ hồ sơ trực tuyến toàn trình (%)": 25,
        "Số cây xanh": 30,  # no indicator measures it
    }
    first.save()
    second.other_targets = {"Tỷ lệ hồ sơ trực tuyến toàn trình": 140, "citizens helped": 80}
    second.save()
    third.citizens_target, third.other_targets = 60, {"Người dân được hỗ trợ": 70}
    third.save()

    apps = migrate(AFTER)
    IndicatorTarget = apps.get_model("campaign", "IndicatorTarget")
    CampaignCommune = apps.get_model("campaign", "CampaignCommune")

    def targets_of(row):
        return dict(
            IndicatorTarget.objects.filter(campaign_commune_id=row.pk).values_list(
                "indicator__code", "value"
            )
        )

    def left_of(row):
        return CampaignCommune.objects.get(pk=row.pk).unmatched_targets

    assert targets_of(first) == {
        "citizens_helped": 450,
        "online_application_rate": Decimal("35"),
        "eid_level_2": 120,
        "records_digitised": 500,
        "online_payments": 200,
        "end_to_end_rate": 25,
    }
    assert targets_of(second) == {"citizens_helped": 80}
    assert targets_of(third) == {"citizens_helped": 60}
    assert left_of(first) == {"Số cây xanh": 30}
    assert left_of(second) == {"Tỷ lệ hồ sơ trực tuyến toàn trình": 140}  # above 100 %
    assert left_of(third) == {"Người dân được hỗ trợ": 70}  # the fixed target had it
    printed = capsys.readouterr().out
    assert "Targets no indicator matches (3), kept as they were:" in printed
    assert "45 ngày đêm / Xã Bắc Sơn: Số cây xanh = 30" in printed

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
