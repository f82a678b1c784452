"""The organiser dashboard: rollups kept exact, targets and ranks, scoping, exports."""

import csv
import io
import re
import uuid
from datetime import datetime, time, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from campaign.models import (
    AuditEvent,
    Campaign,
    CampaignCommune,
    Commune,
    CommuneReport,
    Indicator,
    IndicatorTarget,
    ReadinessCheck,
    ReadinessCriterion,
    Role,
    ServiceType,
)
from notifications.models import Message
from notifications.outbox import queue_message
from sessions import rollups
from sessions.dashboard.figures import (
    CommuneRow,
    Coverage,
    Filters,
    Progress,
    RawSource,
    RollupSource,
    build,
    rank,
)
from sessions.dashboard.indicators import IndicatorProgress
from sessions.logs import digest
from sessions.models import DailyRollup, DailyServiceRollup, HelpSession
from sessions.recording import Result, correct_session, record_sessions, store
from teams.models import Assignment, Broadcast, Shift, ShiftSignup, Volunteer

pytestmark = pytest.mark.usefixtures("english")

MISSING = "!!MISSING"


def local(day, hour, minute=0, second=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute, second)))


def early(day, second):
    """A moment just after midnight: on today's date it is already past, whenever the
    tests run."""
    return local(day, 0, 0, second)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def campaign(lang_son, today):
    campaign = Campaign.objects.create(
        name="45 ngày đêm",
        province=lang_son,
        start=today - timedelta(days=20),
        status=Campaign.Status.ACTIVE,
        sms_brand="SỞ TT&TT",
    )
    campaign.add_all_communes()
    return campaign


@pytest.fixture
def mine(coordinated_communes):
    return coordinated_communes[0]


@pytest.fixture
def also_mine(coordinated_communes):
    return coordinated_communes[1]


@pytest.fixture
def elsewhere(lang_son, coordinated_communes):
    """A commune of Lạng Sơn the coordinator does not look after."""
    return lang_son.communes.exclude(pk__in=[c.pk for c in coordinated_communes]).order_by("code")[
        0
    ]


_phones = iter(range(1_000_000, 9_999_999))


def volunteer_in(campaign, *communes, name="Nông Thị Mai"):
    person = Volunteer.objects.create(full_name=name, phone=f"+84912{next(_phones):06d}")
    for commune in communes:
        Assignment.objects.create(volunteer=person, campaign=campaign, commune=commune)
    return person


def item(commune, helped_at, services=("eid_account",), **fields):
    return {
        "uuid": str(uuid.uuid4()),
        "commune": commune.code,
        "helped_at": helped_at.isoformat(),
        "services": list(services),
        **fields,
    }


def log(person, *items):
    results = record_sessions(person, list(items))
    assert {r.status for r in results} <= {"created", "duplicate"}, [r.errors for r in results]
    return results


def exact(campaign):
    """The rollups say what the sessions say, table by table."""
    found = rollups.differences([campaign.pk])
    assert set(found) == {
        "DailyRollup",
        "DailyServiceRollup",
        "DailyVolunteerRollup",
        "CampaignVolunteerRollup",
    }
    return not any(found.values())


def target(campaign, commune, **targets):
    """Targets by indicator code: target(campaign, commune, citizens_helped=40)."""
    row = CampaignCommune.objects.get(campaign=campaign, commune=commune)
    for code, value in targets.items():
        IndicatorTarget.objects.update_or_create(
            campaign_commune=row,
            indicator=Indicator.objects.get(code=code),
            defaults={"value": value},
        )


def report(campaign, commune, first, last, received, online, **extra):
    return CommuneReport.objects.create(
        campaign_commune=CampaignCommune.objects.get(campaign=campaign, commune=commune),
        period_start=first,
        period_end=last,
        applications_received=received,
        applications_online=online,
        **extra,
    )


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.status_code
    html = response.content.decode()
    assert MISSING not in html
    return html


def words(html):
    """The page's text, tags and runs of spaces taken out."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("\u00a0", " ").split())


def dashboard_url(campaign, **query):
    url = reverse("help_sessions:dashboard", args=[campaign.pk])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


@pytest.fixture
def busy(campaign, mine, also_mine, elsewhere, today):
    """Logs of two volunteers over three days in three communes, with every detail."""
    mai = volunteer_in(campaign, mine, also_mine, elsewhere)
    hoa = volunteer_in(campaign, mine, name="Hoàng Văn Hòa")
    yesterday, last_week = today - timedelta(days=1), today - timedelta(days=9)
    log(
        mai,
        item(
            mine,
            early(today, 1),
            ("eid_account", "eid_level_2"),
            minutes=15,
            priority_groups=["elderly"],
        ),
        item(mine, early(today, 2), ("online_payment",), minutes=10, outcome="partly_done"),
        item(
            mine,
            local(yesterday, 23, 50),
            ("eid_level_2",),
            priority_groups=["disability", "ethnic_minority"],
        ),
        item(
            also_mine, local(last_week, 7, 5), ("portal_account", "online_application"), minutes=30
        ),
        item(elsewhere, local(yesterday, 10), ("eid_account",), outcome="referred"),
    )
    log(hoa, item(mine, early(today, 3), ("eid_account",), minutes=5, priority_groups=["elderly"]))
    return {"mai": mai, "hoa": hoa}


# Rollups ------------------------------------------------------------------------


def test_rollups_count_what_a_stored_batch_holds(campaign, busy, mine, today):
    assert exact(campaign)
    rows = {r.day: r for r in DailyRollup.objects.filter(campaign=campaign, commune=mine)}
    assert rows[today].sessions == 3
    assert rows[today].minutes == 30 and rows[today].timed_sessions == 3
    assert rows[today].elderly == 2 and rows[today].priority == 2
    assert rows[today].eid_activations == 2  # the partly done payment is not one
    assert rows[today - timedelta(days=1)].disability == 1  # 23:50 local is still yesterday


def test_a_batch_sent_again_adds_nothing_to_the_rollups(campaign, mine, today):
    mai = volunteer_in(campaign, mine)
    batch = [item(mine, early(today, 1)), item(mine, early(today, 2), ("eid_level_2",))]
    log(mai, *batch)
    before = list(DailyRollup.objects.values_list("day", "sessions", "eid_activations"))
    results = record_sessions(mai, batch)
    assert {r.status for r in results} == {"duplicate"}
    assert list(DailyRollup.objects.values_list("day", "sessions", "eid_activations")) == before
    assert exact(campaign)


def test_sessions_stored_one_by_one_after_a_race_are_counted_once(campaign, mine, today):
    mai = volunteer_in(campaign, mine)
    first, fresh = item(mine, early(today, 1)), item(mine, early(today, 2))
    log(mai, first)

    def checked(entry):
        session = HelpSession(
            uuid=entry["uuid"],
            volunteer=mai,
            campaign=campaign,
            commune=mine,
            helped_at=datetime.fromisoformat(entry["helped_at"]),
            content_digest=digest(entry),
            created_at=timezone.now(),
        )
        return Result(entry["uuid"], "created", session=session), session, []

    racing = [checked(first), checked(fresh)]
    store(racing)  # the bulk write fails on the first UUID; each is then written alone
    assert [result.status for result, _, _ in racing] == ["duplicate", "created"]
    assert DailyRollup.objects.get(campaign=campaign, commune=mine, day=today).sessions == 2
    assert exact(campaign)


def test_a_correction_moves_its_counts_and_keeps_the_rollups_exact(campaign, mine, today):
    mai = volunteer_in(campaign, mine)
    [result] = log(mai, item(mine, early(today, 1), ("portal_account",), minutes=10))
    session = result.session
    errors = correct_session(
        session,
        {"services": ["eid_account"], "minutes": 25, "priority_groups": ["elderly"]},
    )
    assert errors == {}
    day = DailyRollup.objects.get(campaign=campaign, commune=mine, day=today)
    assert (day.sessions, day.minutes, day.elderly, day.eid_activations) == (1, 25, 1, 1)
    services = DailyServiceRollup.objects.filter(campaign=campaign)
    # The emptied row went; the session is done, so it counts among the service's done.
    assert [(s.service.code, s.sessions, s.done) for s in services] == [("eid_account", 1, 1)]
    assert exact(campaign)
    correct_session(session, {"services": ["eid_account"], "outcome": "referred"})
    assert DailyRollup.objects.get(campaign=campaign, day=today).eid_activations == 0
    assert DailyServiceRollup.objects.values_list("sessions", "done").get() == (1, 0)
    assert DailyRollup.objects.get(campaign=campaign, day=today).minutes == 0
    assert exact(campaign)


@pytest.mark.parametrize("days_back", [None, 0, 1, 9])
def test_the_rollups_give_the_same_figures_as_the_sessions(
    campaign, busy, organiser, coordinator, today, days_back
):
    first = None if days_back is None else today - timedelta(days=days_back)
    for user in (organiser, coordinator):
        filters = Filters(first=first, last=None if first is None else today)
        from_rollups = build(campaign, user, filters, source=RollupSource())
        from_sessions = build(campaign, user, filters, source=RawSource())
        assert from_rollups.totals == from_sessions.totals
        assert from_rollups.today == from_sessions.today
        assert from_rollups.last_7_days == from_sessions.last_7_days
        assert from_rollups.daily == from_sessions.daily
        assert from_rollups.services == from_sessions.services
        assert from_rollups.active_volunteers == from_sessions.active_volunteers
        assert [r.counts for r in from_rollups.communes] == [
            r.counts for r in from_sessions.communes
        ]
    assert build(campaign, organiser, Filters()).active_volunteers["window"] == 2


def test_rebuild_rollups_finds_and_repairs_rollups_that_drifted(campaign, busy, mine, today):
    DailyRollup.objects.filter(campaign=campaign, commune=mine, day=today).update(sessions=99)
    DailyServiceRollup.objects.filter(campaign=campaign).delete()
    out = StringIO()
    with pytest.raises(SystemExit) as exit_code:
        call_command("rebuild_rollups", "--check", "--campaign", str(campaign.pk), stdout=out)
    assert exit_code.value.code == 1
    assert "DailyRollup: 1 rows differ" in out.getvalue()
    call_command("rebuild_rollups", "--campaign", str(campaign.pk), stdout=StringIO())
    assert exact(campaign)
    out = StringIO()
    call_command("rebuild_rollups", "--check", stdout=out)
    assert "the rollups match the sessions" in out.getvalue()


def test_today_and_the_last_seven_days_are_counted_exactly(campaign, mine, organiser, today):
    mai = volunteer_in(campaign, mine)
    log(
        mai,
        item(mine, early(today, 0)),
        item(mine, early(today, 1)),
        item(mine, local(today - timedelta(days=1), 23, 59)),
        item(mine, local(today - timedelta(days=6), 0, 0)),
        item(mine, local(today - timedelta(days=7), 23, 59)),
    )
    log(
        volunteer_in(campaign, mine, name="Lý Thị Lan"),
        item(mine, local(today - timedelta(days=1), 9)),
    )
    log(
        volunteer_in(campaign, mine, name="Hoàng Văn Nam"),
        item(mine, local(today - timedelta(days=7), 9)),
    )
    board = build(campaign, organiser, Filters())
    assert board.today.sessions == 2
    assert board.last_7_days.sessions == 5
    assert board.totals.sessions == 7
    assert board.active_volunteers == {"window": 3, "today": 1, "last_7_days": 2}
    raw = build(campaign, organiser, Filters(), source=RawSource())
    assert raw.active_volunteers == board.active_volunteers


# Targets and ranks ----------------------------------------------------------------


def test_progress_is_what_was_achieved_over_the_target():
    assert Progress(50, 200).percent == 25
    assert Progress(250, 200).is_met
    assert Progress(3, None).percent is None and not Progress(3, None).has_target
    assert Progress(3, 0).percent is None  # a target of 0 is no target, not a division by 0
    assert Progress(1, 3).share == Progress(2, 6).share


class FakeCommune:
    def __init__(self, pk, name):
        self.pk, self.name = pk, name


def row(pk, name, helped, target):
    citizens = IndicatorProgress(Indicator(code="citizens_helped"), helped, None, target)
    return CommuneRow(
        FakeCommune(pk, name), CampaignCommune(), counts=counts(helped), indicators=[citizens]
    )


def counts(sessions):
    from sessions.dashboard.figures import Counts

    return Counts(sessions=sessions)


def test_communes_are_ranked_by_the_share_of_their_target_and_ties_share_a_rank():
    rows = [
        row(1, "Xã A", 100, 1000),  # 10 %
        row(2, "Phường B", 300, 1000),  # 30 %
        row(3, "Xã C", 150, 500),  # 30 %: a tie with B
        row(4, "Xã D", 900, None),  # no target: last, however many it helped
        row(5, "Xã E", 20, 0),  # a target of 0 is no target
        row(6, "Xã F", 0, 100),  # 0 %
    ]
    ranked = rank(rows)
    assert [(r.commune.name, r.rank) for r in ranked] == [
        ("Phường B", 1),
        ("Xã C", 1),
        ("Xã A", 3),
        ("Xã F", 4),
        ("Xã D", 5),
        ("Xã E", 5),
    ]


def test_a_commune_without_a_target_or_report_says_so(
    client, organiser, campaign, busy, mine, also_mine, today
):
    target(campaign, mine, citizens_helped=40, online_application_rate=Decimal("30"))
    report(campaign, mine, today - timedelta(days=6), today - timedelta(days=1), 200, 52)
    client.force_login(organiser)
    html = page(client, dashboard_url(campaign, commune=also_mine.pk))
    assert "no target" in html
    assert "no report" in html
    assert "0.0 %" not in html and "ZeroDivision" not in html
    text = words(page(client, dashboard_url(campaign, commune=mine.pk)))
    assert "4 / 40 10.0 %" in text  # four citizens of forty
    assert "26.0 % target 30.0 %" in text  # 52 of 200 applications online


def test_the_rate_is_that_of_each_commune_s_latest_report_in_the_days_chosen(
    organiser, campaign, mine, also_mine, today
):
    week_one, week_two = campaign.start, campaign.start + timedelta(days=7)
    report(campaign, mine, week_one, week_one + timedelta(days=6), 1000, 8)
    report(campaign, mine, week_two, week_two + timedelta(days=6), 1000, 260)
    report(campaign, also_mine, week_one, week_one + timedelta(days=6), 0, 0)
    board = build(campaign, organiser, Filters())
    rows = {r.commune: r for r in board.communes}
    assert rows[mine].rate.percent == 26
    assert [round(p, 1) for _d, p in rows[mine].rate_series] == [0.8, 26.0]
    assert rows[also_mine].rate.has_report and rows[also_mine].rate.percent is None
    assert board.rate.online == 260 and board.rate.received == 1000
    first_week = build(campaign, organiser, Filters(last=week_one + timedelta(days=6)))
    assert round({r.commune: r for r in first_week.communes}[mine].rate.percent, 1) == 0.8


def test_other_indicators_with_a_target_are_measured_too(organiser, campaign, mine, today):
    target(campaign, mine, records_digitised=500, online_payments=100, end_to_end_rate=20)
    day = today - timedelta(days=3)
    report(campaign, mine, day, day, 10, 1, records_digitised=120, payments_online=None)
    board = build(campaign, organiser, Filters(commune=mine))
    [row_of_mine] = board.communes
    by_code = {t.indicator.code: t for t in row_of_mine.other_targets}
    assert set(by_code) == {"records_digitised", "online_payments", "end_to_end_rate"}
    assert by_code["records_digitised"].progress.percent == 24
    assert by_code["online_payments"].achieved is None  # reported, but not this figure
    assert by_code["end_to_end_rate"].achieved is None
    totals = {t.indicator.code: t for t in board.indicators.totals}
    assert totals["records_digitised"].achieved == 120
    assert (totals["records_digitised"].met, totals["records_digitised"].with_target) == (0, 1)


def test_the_commune_table_escapes_what_it_writes(client, organiser, campaign, mine, today):
    Commune.objects.filter(pk=mine.pk).update(name='Xã <b>"Nà"</b> & Co')
    Indicator.objects.create(
        code="trees",
        name="<script>alert(1)</script>",
        unit="count",
        source="imported",
        province=campaign.province,
    )
    target(campaign, mine, citizens_helped=10, trees=5)
    client.force_login(organiser)
    html = page(client, dashboard_url(campaign, date_to=today.isoformat()))
    assert "<script>alert(1)" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;: 5 <small>(no report)</small>" in html
    assert "Xã &lt;b&gt;&quot;Nà&quot;&lt;/b&gt; &amp; Co" in html
    # Each commune's link keeps the other filters, its & written as &amp;.
    assert f'href="?commune={mine.pk}&amp;date_to={today.isoformat()}"' in html


# Scoping ------------------------------------------------------------------------


def test_a_coordinator_sees_the_dashboard_of_their_communes_only(
    client, coordinator, campaign, busy, mine, also_mine, elsewhere
):
    client.force_login(coordinator)
    html = page(client, dashboard_url(campaign))
    assert mine.name in html and also_mine.name in html
    assert elsewhere.name not in html
    board = build(campaign, coordinator, Filters())
    assert {r.commune for r in board.communes} == {mine, also_mine}
    assert board.totals.sessions == 5  # the session in `elsewhere` is not counted
    assert board.ranked_among == 2
    page(client, dashboard_url(campaign, commune=elsewhere.pk), status=400)


def test_another_province_s_organiser_cannot_find_the_campaign(
    client, make_user, cao_bang, campaign
):
    client.force_login(make_user("cb", kind=Role.Kind.ORGANISER, province=cao_bang))
    assert client.get(dashboard_url(campaign)).status_code == 404
    export = reverse("help_sessions:dashboard_export", args=[campaign.pk, "communes", "csv"])
    assert client.get(export).status_code == 404
    weekly = reverse("help_sessions:weekly_report", args=[campaign.pk])
    assert client.get(weekly).status_code == 404


def test_volunteers_and_outsiders_may_not_see_dashboards(client, volunteer, outsider, campaign):
    for user in (volunteer, outsider):
        client.force_login(user)
        assert client.get(dashboard_url(campaign)).status_code == 403
    client.logout()
    assert client.get(dashboard_url(campaign)).status_code == 302  # to the sign-in page


def test_the_dashboard_page_shows_every_figure_in_vietnamese_by_default(
    client, organiser, campaign, busy
):
    from django.utils import translation

    translation.activate("vi")
    client.force_login(organiser)
    html = page(client, dashboard_url(campaign))
    assert 'lang="vi"' in html
    assert "Tất cả các xã" in html and "Bỏ bộ lọc" in html
    assert "<svg" in html and 'role="img"' in html


def test_filters_by_dates_narrow_the_figures_and_bad_dates_are_refused(
    client, organiser, campaign, busy, today
):
    board = build(campaign, organiser, Filters(first=today, last=today))
    assert board.totals.sessions == 3
    client.force_login(organiser)
    html = page(
        client,
        dashboard_url(campaign, date_from=today, date_to=today - timedelta(days=1)),
        status=400,
    )
    assert "The last day is before the first day." in html


# The other figures ----------------------------------------------------------------


def test_hours_coverage_and_sms_count_this_campaign_s_communes_only(
    client, organiser, coordinator, campaign, mine, elsewhere, today
):
    mai = volunteer_in(campaign, mine, elsewhere)
    now = timezone.now()
    shift = Shift.objects.create(
        campaign=campaign, commune=mine, place="UBND", starts_at=now - timedelta(hours=3),
        ends_at=now - timedelta(hours=1), volunteers_needed=2,
    )  # fmt: skip
    Shift.objects.create(
        campaign=campaign, commune=elsewhere, place="UBND", starts_at=now - timedelta(hours=3),
        ends_at=now - timedelta(hours=1), volunteers_needed=3,
    )  # fmt: skip
    signup = ShiftSignup.objects.create(
        shift=shift, volunteer=mai, status=ShiftSignup.Status.CONFIRMED,
        checked_in_at=now - timedelta(hours=3), checked_out_at=now - timedelta(minutes=90),
    )  # fmt: skip
    broadcast = Broadcast.objects.create(
        form_token=uuid.uuid4(), campaign=campaign, text="x", brand="B", encoding="GSM-7",
        segments_per_message=2, recipient_count=2,
    )  # fmt: skip
    other = Campaign.objects.create(
        name="Khác", province=campaign.province, start=today, sms_brand="B"
    )
    other_broadcast = Broadcast.objects.create(
        form_token=uuid.uuid4(), campaign=other, text="x", brand="B", encoding="GSM-7",
        segments_per_message=1, recipient_count=1,
    )  # fmt: skip

    def message(subject, status, segments=1):
        # Queued as the application queues them: the subject gives the message its tag.
        queued = queue_message(
            "+84912000000", "x", kind="broadcast", key=str(uuid.uuid4()), subject=subject
        )
        Message.objects.filter(pk=queued.pk).update(status=status, segment_count=segments)

    message(broadcast, Message.Status.DELIVERED, 2)
    message(broadcast, Message.Status.FAILED, 2)
    message(broadcast, Message.Status.UNDELIVERED, 3)  # sent, and failed
    message(broadcast, Message.Status.CANCELLED, 5)  # counted, at no cost
    message(signup, Message.Status.SENT)
    message(other_broadcast, Message.Status.DELIVERED)
    [logged] = log(mai, item(elsewhere, early(today, 1)))
    message(logged.session, Message.Status.QUEUED)  # a follow-up, outside the coordinator's
    Message.objects.create(
        recipient="+84912000001", text="x", kind="invite", idempotency_key="no-subject",
        encoding="GSM-7", segment_count=1,
    )  # fmt: skip
    # Hours on a shift cancelled after check-in count; its places do not.
    cancelled = Shift.objects.create(
        campaign=campaign, commune=mine, place="Nhà văn hóa", starts_at=now - timedelta(hours=3),
        ends_at=now - timedelta(hours=2), volunteers_needed=4, cancelled_at=now,
    )  # fmt: skip
    ShiftSignup.objects.create(
        shift=cancelled, volunteer=volunteer_in(campaign, mine, name="Lý Văn Sơn"),
        status=ShiftSignup.Status.CONFIRMED, checked_in_at=now - timedelta(hours=3),
    )  # fmt: skip
    board = build(campaign, organiser, Filters())
    assert board.volunteer_hours == Decimal("2.5")
    assert (board.coverage.held, board.coverage.needed, board.coverage.understaffed) == (1, 5, 2)
    assert board.coverage.shifts == 2
    # The same for each commune, in its row of the table and of the export.
    rows = {row.commune: row for row in board.communes}
    assert rows[mine].coverage == Coverage(held=1, needed=2, shifts=1, understaffed=1)
    assert rows[elsewhere].coverage == Coverage(held=0, needed=3, shifts=1, understaffed=1)
    quiet = next(row for row in board.communes if row.commune not in (mine, elsewhere))
    assert quiet.coverage == Coverage()
    client.force_login(organiser)
    cells = re.findall(r"<tr>(.*?)</tr>", page(client, dashboard_url(campaign)), re.S)
    mine_row = words(next(cell for cell in cells if f'?commune={mine.pk}"' in cell))
    assert "50.0 % 1 / 2 1 shift short" in mine_row
    quiet_row = next(cell for cell in cells if f'?commune={quiet.commune.pk}"' in cell)
    assert "no shifts" in words(quiet_row)
    export = reverse("help_sessions:dashboard_export", args=[campaign.pk, "communes", "csv"])
    lines = list(csv.reader(io.StringIO(client.get(export).getvalue().decode("utf-8-sig"))))
    assert lines[0][-3:] == [
        "Places held on shifts",
        "Places needed on shifts",
        "Understaffed shifts",
    ]
    [exported] = [line for line in lines if line[1] == mine.code]
    assert exported[-3:] == ["1", "2", "1"]
    sms = board.sms
    assert (sms.messages, sms.sent, sms.delivered, sms.failed, sms.segments) == (6, 3, 1, 2, 9)
    assert sms.waiting == 1
    # A broadcast to the whole campaign is not about the coordinator's communes alone.
    assert build(campaign, coordinator, Filters()).sms.messages == 1
    # Counted on every rendering: a delivery report shows at once.
    Message.objects.filter(status=Message.Status.SENT).update(status=Message.Status.DELIVERED)
    assert build(campaign, organiser, Filters()).sms.delivered == 2


# Exports ------------------------------------------------------------------------


def test_the_commune_table_exports_to_excel_and_reads_back(
    client, organiser, campaign, busy, mine, today
):
    target(campaign, mine, citizens_helped=8, eid_level_2=4)
    ReadinessCriterion.objects.create(campaign=campaign, position=1, text="Có wifi")
    criterion = ReadinessCriterion.objects.create(campaign=campaign, position=2, text="Có máy")
    ReadinessCheck.objects.create(
        campaign_commune=CampaignCommune.objects.get(campaign=campaign, commune=mine),
        criterion=criterion,
        met_on=today,
    )
    client.force_login(organiser)
    url = reverse("help_sessions:dashboard_export", args=[campaign.pk, "communes", "xlsx"])
    response = client.get(url)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == (
        "Rank", "Commune code", "Commune", "Citizens helped", "Citizens helped: target",
        "Citizens helped: target met (%)",
    )  # fmt: skip
    assert "End-to-end online rate (%)" in rows[0]
    first = rows[1]
    assert first[1] == mine.code and first[0] == 1
    assert first[3:6] == (4, 8, 50)
    met = rows[0].index("Readiness criteria met")
    assert first[met : met + 2] == (1, 2)
    assert len(rows) == 1 + campaign.campaign_communes.count()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == 1


def test_the_daily_series_exports_to_csv_and_reads_back(
    client, coordinator, campaign, busy, today
):
    client.force_login(coordinator)
    url = reverse("help_sessions:dashboard_export", args=[campaign.pk, "daily", "csv"])
    response = client.get(url + f"?date_from={today - timedelta(days=2)}&date_to={today}")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Day", "Citizens helped", "e-ID activations"]
    assert [r[0] for r in rows[1:]] == [(today - timedelta(days=n)).isoformat() for n in (2, 1, 0)]
    assert [r[1] for r in rows[1:]] == ["0", "1", "3"]
    assert rows[-1][rows[0].index("Citizens helped so far")] == "4"
    eid_account = rows[0].index("e-ID (VNeID) account created")
    assert rows[-1][eid_account] == "2"


def test_the_weekly_report_puts_the_week_beside_the_campaign_so_far(
    client, organiser, campaign, busy, today
):
    client.force_login(organiser)
    url = reverse("help_sessions:weekly_report", args=[campaign.pk])
    html = page(client, f"{url}?week={today.isoformat()}")
    assert "This week" in html and "Campaign so far" in html
    assert "@media print" not in html  # the print rules are in the stylesheet
    # Every indicator: the week beside the week before, and the campaign so far.
    context = client.get(f"{url}?week={today.isoformat()}").context
    week, so_far = context["indicator_rows"][0]
    assert week.indicator.code == "citizens_helped"
    assert week.achieved == context["this_week"].totals.sessions
    assert so_far.achieved == context["so_far"].totals.sessions
    assert 'data-indicator="end_to_end_rate"' in html and "Week before" in html


def test_the_national_view_adds_up_each_province_from_the_rollups(
    client, make_user, campaign, busy, cao_bang, today
):
    admin = make_user("root", is_superuser=True, is_staff=True)
    Campaign.objects.create(name="Cao Bằng số", province=cao_bang, start=today, sms_brand="CB")
    client.force_login(admin)
    html = page(client, reverse("help_sessions:dashboard_national"))
    assert "Lạng Sơn" in html and "Cao Bằng" in html
    from sessions.dashboard.figures import national

    board = national(admin, today - timedelta(days=30), today)
    by_code = {row.province.code: row for row in board.provinces}
    assert by_code["20"].counts.sessions == 6 and by_code["20"].today == 3
    assert by_code["04"].counts.sessions == 0


def test_changes_and_deletions_in_the_django_admin_keep_the_rollups_exact(
    client, make_user, campaign, busy, mine, elsewhere, today
):
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    session = HelpSession.objects.filter(commune=mine).order_by("helped_at").last()
    moment = timezone.localtime(session.helped_at)
    url = reverse("admin:help_sessions_helpsession_change", args=[session.pk])
    response = client.post(
        url,
        {
            "volunteer": session.volunteer_id,
            "campaign": campaign.pk,
            "commune": elsewhere.pk,
            "helped_at_0": (moment.date() - timedelta(days=2)).isoformat(),
            "helped_at_1": moment.strftime("%H:%M:%S"),
            "services": [s.pk for s in ServiceType.objects.filter(code="account_safety")],
            "outcome": "done",
            "minutes": "45",
            "ethnic_minority": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert HelpSession.objects.get(pk=session.pk).commune == elsewhere
    assert exact(campaign)
    delete = reverse("admin:help_sessions_helpsession_delete", args=[session.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert exact(campaign)
    changelist = reverse("admin:help_sessions_helpsession_changelist")
    chosen = list(HelpSession.objects.filter(commune=mine).values_list("pk", flat=True))
    response = client.post(
        changelist, {"action": "delete_selected", "_selected_action": chosen, "post": "yes"}
    )
    assert response.status_code == 302
    assert not HelpSession.objects.filter(commune=mine).exists()
    assert exact(campaign)
    assert not DailyRollup.objects.filter(commune=mine).exists()
