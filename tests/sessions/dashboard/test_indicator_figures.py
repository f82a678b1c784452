# ruff: noqa: F811 - the fixtures imported below are taken as parameters by name
"""Every indicator per commune, for the days chosen and the period before (issue 18)."""

from datetime import timedelta
from decimal import Decimal

import pytest

from campaign.models import CampaignCommune, CommuneReport, Indicator, IndicatorTarget
from sessions.dashboard.indicators import indicator_figures, previous_period
from tests.sessions.dashboard.test_dashboard import (  # noqa: F401 (fixtures)
    also_mine,
    campaign,
    early,
    item,
    log,
    mine,
    today,
    volunteer_in,
)


def target(campaign, commune, code, value):
    IndicatorTarget.objects.create(
        campaign_commune=CampaignCommune.objects.get(campaign=campaign, commune=commune),
        indicator=Indicator.objects.get(code=code),
        value=Decimal(value),
    )


def report(campaign, commune, first, last, received, online, **figures):
    CommuneReport.objects.create(
        campaign_commune=CampaignCommune.objects.get(campaign=campaign, commune=commune),
        period_start=first,
        period_end=last,
        applications_received=received,
        applications_online=online,
        **figures,
    )


def by_code(progresses):
    return {p.indicator.code: p for p in progresses}


@pytest.fixture
def logged(campaign, mine, also_mine, today):
    """In mine: two level-2 activations done today and one referred, an online dossier
    done yesterday and two sessions four days ago; in also_mine: one session today."""
    mai = volunteer_in(campaign, mine, also_mine)
    log(
        mai,
        item(mine, early(today, 1), ("eid_level_2",)),
        item(mine, early(today, 2), ("eid_level_2", "eid_account")),
        item(mine, early(today, 3), ("eid_level_2",), outcome="referred"),
        item(mine, early(today - timedelta(days=1), 1), ("online_application",)),
        item(mine, early(today - timedelta(days=4), 1), ("online_application",)),
        item(mine, early(today - timedelta(days=4), 2), ("account_safety",)),
        item(also_mine, early(today, 4), ("smartphone_basics",)),
    )


def test_counts_from_the_logs_follow_each_indicators_service_and_outcome(
    campaign, mine, also_mine, today, logged
):
    board = indicator_figures(campaign, [mine.pk, also_mine.pk], campaign.start, today)
    figures = {code: p.achieved for code, p in by_code(board.rows[mine.pk]).items()}
    assert figures["citizens_helped"] == 6
    assert figures["eid_level_2"] == 2  # the referred one waits for the police check
    assert figures["eid_accounts"] == 1
    assert figures["online_dossiers"] == 2
    # No report yet: the report indicators have no figure, never 0.
    assert figures["online_application_rate"] is None
    assert figures["records_digitised"] is None
    assert by_code(board.rows[also_mine.pk])["citizens_helped"].achieved == 1
    assert by_code(board.totals)["citizens_helped"].achieved == 7


def test_the_previous_period_has_the_same_length_and_ends_before_the_first_day(
    campaign, mine, today, logged
):
    first = today - timedelta(days=2)
    board = indicator_figures(campaign, [mine.pk], first, today)
    assert board.previous == (today - timedelta(days=5), today - timedelta(days=3))
    citizens = by_code(board.rows[mine.pk])["citizens_helped"]
    assert (citizens.achieved, citizens.previous, citizens.change) == (4, 2, 2)
    dossiers = by_code(board.rows[mine.pk])["online_dossiers"]
    assert (dossiers.achieved, dossiers.previous, dossiers.change) == (1, 1, 0)
    # The whole campaign so far has no period before it.
    assert previous_period(campaign.start, today, campaign.start) is None
    assert indicator_figures(campaign, [mine.pk], campaign.start, today).previous is None
    # A period starting just after the campaign's start compares with what there is.
    start = campaign.start
    assert previous_period(start + timedelta(days=2), start + timedelta(days=5), start) == (
        start,
        start + timedelta(days=1),
    )


def test_rates_come_from_the_summed_reports_ending_in_the_days(campaign, mine, also_mine, today):
    week = today - timedelta(days=6)
    report(campaign, mine, week, week + timedelta(days=2), 40, 10, applications_end_to_end=4)
    report(campaign, mine, week + timedelta(days=3), today, 60, 30, records_digitised=120)
    report(campaign, also_mine, week, today, 100, 20)  # end to end not reported
    report(campaign, also_mine, week - timedelta(days=7), week - timedelta(days=1), 50, 50)
    board = indicator_figures(campaign, [mine.pk, also_mine.pk], week, today)
    mine_now = by_code(board.rows[mine.pk])
    assert mine_now["online_application_rate"].achieved == Decimal("40.0")  # 40 of 100
    assert mine_now["end_to_end_rate"].achieved == Decimal("4.0")
    assert mine_now["records_digitised"].achieved == 120
    assert mine_now["online_payments"].achieved is None  # reported by nobody
    theirs = by_code(board.rows[also_mine.pk])
    assert theirs["online_application_rate"].achieved == Decimal("20.0")
    assert theirs["online_application_rate"].previous == Decimal("100.0")
    assert theirs["end_to_end_rate"].achieved is None
    together = by_code(board.totals)
    assert together["online_application_rate"].achieved == Decimal("30.0")  # 60 of 200
    assert together["end_to_end_rate"].achieved == Decimal("2.0")  # 4 of 200


def test_progress_is_against_each_communes_target(campaign, mine, also_mine, today, logged):
    target(campaign, mine, "citizens_helped", 12)
    target(campaign, mine, "eid_level_2", 2)
    target(campaign, also_mine, "eid_level_2", 4)
    target(campaign, mine, "online_application_rate", "35.5")
    report(campaign, mine, today - timedelta(days=1), today, 10, 4)
    board = indicator_figures(campaign, [mine.pk, also_mine.pk], campaign.start, today)
    mine_now = by_code(board.rows[mine.pk])
    assert mine_now["citizens_helped"].progress.percent == 50.0
    assert mine_now["eid_level_2"].progress.is_met
    assert mine_now["online_application_rate"].progress.is_met  # 40 % of a 35.5 % target
    assert not by_code(board.rows[also_mine.pk])["citizens_helped"].progress.has_target
    eid = by_code(board.totals)["eid_level_2"]
    assert (eid.achieved, eid.target, eid.met, eid.with_target) == (2, 6, 1, 2)
    assert eid.progress.percent == pytest.approx(100 / 3)
    citizens = by_code(board.totals)["citizens_helped"]
    # Only the commune with a target counts towards the target; the total is everyone's.
    assert (citizens.achieved, citizens.target, citizens.progress.percent) == (7, 12, 50.0)
    assert by_code(board.totals)["online_application_rate"].target is None  # rates not added


def test_the_figures_take_five_queries_however_many_communes(
    campaign, today, logged, django_assert_num_queries
):
    communes = list(campaign.campaign_communes.values_list("commune_id", flat=True))
    assert len(communes) == 65
    with django_assert_num_queries(5):
        board = indicator_figures(campaign, communes, campaign.start, today)
    assert len(board.rows) == 65


def test_counts_give_their_values_in_the_order_they_take_them():
    from dataclasses import astuple, fields

    from sessions.dashboard.figures import Counts
    from sessions.rollups import DAILY_COUNTERS

    counts = Counts(*range(1, len(fields(Counts)) + 1))
    assert counts.values() == astuple(counts)
    again = Counts()
    again.add(counts.values())
    assert again == counts
    assert len(DAILY_COUNTERS) == len(counts.values())
