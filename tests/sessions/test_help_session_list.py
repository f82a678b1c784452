"""The coordinators' list of help sessions: who sees what, the filters, the exports."""

import csv
import io
from datetime import date, datetime
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from campaign.models import AuditEvent, Campaign, Role, ServiceType
from sessions.models import HelpSession
from teams.models import Volunteer

# Messages are read in English here; the Vietnamese ones are checked elsewhere.
pytestmark = pytest.mark.usefixtures("english")

MISSING = "!!MISSING"
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
CITIZEN_PHONE = "+84911222333"
HEADERS = [
    "Time",
    "Commune code",
    "Commune name",
    "Volunteer",
    "Services",
    "Procedure",
    "Outcome",
    "Priority groups",
    "Age",
    "Gender",
    "Minutes",
    "Note",
    "Follow-up",
]


def at(day, hour, minutes=0):
    return datetime(2026, 12, day, hour, minutes, tzinfo=LOCAL)


@pytest.fixture
def campaign(lang_son):
    campaign = Campaign.objects.create(
        name="45 ngày đêm", province=lang_son, start=date(2026, 12, 1), sms_brand="SỞ TT&TT"
    )
    campaign.add_all_communes()
    return campaign


@pytest.fixture
def later_campaign(lang_son):
    campaign = Campaign.objects.create(
        name="Đợt hai", province=lang_son, start=date(2027, 3, 1), sms_brand="SỞ TT&TT"
    )
    campaign.add_all_communes()
    return campaign


@pytest.fixture
def cao_bang_campaign(cao_bang):
    return Campaign.objects.create(
        name="Chiến dịch Cao Bằng", province=cao_bang, start=date(2026, 12, 1), sms_brand="CB"
    )


@pytest.fixture
def mine(coordinated_communes):
    return coordinated_communes[0]


@pytest.fixture
def also_mine(coordinated_communes):
    return coordinated_communes[1]


@pytest.fixture
def elsewhere(lang_son, coordinated_communes):
    """A commune of Lạng Sơn the coordinator does not look after."""
    return lang_son.communes.exclude(pk__in=[c.pk for c in coordinated_communes]).first()


@pytest.fixture
def in_cao_bang(cao_bang):
    return cao_bang.communes.order_by("code").first()


@pytest.fixture
def an(db):
    return Volunteer.objects.create(full_name="Nguyễn Văn An", phone="+84912345678")


@pytest.fixture
def binh(db):
    return Volunteer.objects.create(full_name="Trần Thị Bình", phone="+84987654321")


def log(campaign, commune, volunteer, helped_at, *, services=("eid_account",), **fields):
    session = HelpSession.objects.create(
        uuid=uuid4(),
        content_digest="x",
        campaign=campaign,
        commune=commune,
        volunteer=volunteer,
        helped_at=helped_at,
        **fields,
    )
    session.services.set(ServiceType.objects.filter(code__in=services))
    return session


def many(campaign, commune, volunteer, count, *, first_day=1, note="lượt"):
    """`count` sessions an hour apart, each with two services, written in three queries."""
    sessions = HelpSession.objects.bulk_create(
        HelpSession(
            uuid=uuid4(),
            content_digest="x",
            campaign=campaign,
            commune=commune,
            volunteer=volunteer,
            helped_at=at(first_day + number // 10, 7 + number % 10),
            note=f"{note} {number}",
        )
        for number in range(count)
    )
    services = list(ServiceType.objects.filter(code__in=["eid_account", "online_payment"]))
    HelpSession.services.through.objects.bulk_create(
        HelpSession.services.through(helpsession=session, servicetype=service)
        for session in sessions
        for service in services
    )
    return sessions


def page(client, **params):
    response = client.get(reverse("help_sessions:session_list"), params)
    assert response.status_code == 200
    html = response.content.decode()
    assert MISSING not in html
    return html


def notes_shown(html, sessions):
    """The notes of `sessions` in the order the page shows them."""
    shown = [session.note for session in sessions if f"<td>{session.note}</td>" in html]
    return sorted(shown, key=lambda note: html.index(f"<td>{note}</td>"))


def export(client, file_format, **params):
    response = client.get(reverse("help_sessions:session_export", args=[file_format]), params)
    assert response.status_code == 200
    if file_format == "csv":
        content = b"".join(response.streaming_content)
        return content, list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    content = response.content
    sheet = load_workbook(io.BytesIO(content)).active
    return content, [
        ["" if value is None else str(value) for value in row] for row in sheet.values
    ]


@pytest.fixture
def scattered(campaign, cao_bang_campaign, mine, also_mine, elsewhere, in_cao_bang, an, binh):
    """One session in each of the coordinator's communes, one elsewhere in Lạng Sơn and one
    in Cao Bằng."""
    return {
        "mine": log(campaign, mine, an, at(2, 9), note="ở xã của tôi"),
        "also_mine": log(campaign, also_mine, binh, at(3, 9), note="ở xã thứ hai"),
        "elsewhere": log(campaign, elsewhere, an, at(4, 9), note="ở xã khác"),
        "cao_bang": log(cao_bang_campaign, in_cao_bang, binh, at(5, 9), note="ở Cao Bằng"),
    }


# Who may use the pages --------------------------------------------------------------

URLS = [
    ("help_sessions:session_list", []),
    ("help_sessions:session_export", ["xlsx"]),
    ("help_sessions:session_export", ["csv"]),
]


@pytest.mark.parametrize(("name", "args"), URLS)
def test_anonymous_visitors_are_sent_to_sign_in(client, db, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["volunteer", "outsider"])
@pytest.mark.parametrize(("name", "args"), URLS)
def test_volunteers_and_outsiders_are_refused(client, request, role, name, args):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse(name, args=args)).status_code == 403


def test_a_volunteer_who_logged_sessions_still_cannot_list_them_here(
    client, volunteer, campaign, mine, an
):
    an.user = volunteer
    an.save()
    log(campaign, mine, an, at(2, 9))
    client.force_login(volunteer)
    assert client.get(reverse("help_sessions:session_list")).status_code == 403


def test_a_coordinator_sees_only_the_sessions_of_their_communes(client, coordinator, scattered):
    client.force_login(coordinator)
    html = page(client)
    assert notes_shown(html, scattered.values()) == ["ở xã thứ hai", "ở xã của tôi"]
    assert "2 help sessions" in html


def test_an_organiser_sees_every_commune_of_their_province_and_no_other(
    client, organiser, scattered
):
    client.force_login(organiser)
    html = page(client)
    assert notes_shown(html, scattered.values()) == ["ở xã khác", "ở xã thứ hai", "ở xã của tôi"]


def test_an_organiser_of_another_province_sees_none_of_lang_sons_sessions(
    client, make_user, cao_bang, scattered
):
    client.force_login(make_user("cb", kind=Role.Kind.ORGANISER, province=cao_bang))
    html = page(client)
    assert notes_shown(html, scattered.values()) == ["ở Cao Bằng"]


def test_an_organiser_of_a_province_without_sessions_sees_an_empty_list(
    client, make_user, cao_bang, campaign, mine, an
):
    log(campaign, mine, an, at(2, 9), note="ở Lạng Sơn")
    client.force_login(make_user("cb", kind=Role.Kind.ORGANISER, province=cao_bang))
    html = page(client)
    assert "ở Lạng Sơn" not in html
    assert "No help sessions match these filters." in html
    assert "0 help sessions" in html


def test_a_superuser_sees_every_session(client, make_user, scattered):
    client.force_login(make_user("root", is_superuser=True))
    assert len(notes_shown(page(client), scattered.values())) == 4


def test_a_coordinator_never_exports_another_communes_sessions(client, coordinator, scattered):
    client.force_login(coordinator)
    for file_format in ("csv", "xlsx"):
        _content, rows = export(client, file_format)
        assert sorted(row[11] for row in rows[1:]) == ["ở xã của tôi", "ở xã thứ hai"]


# What the list shows ----------------------------------------------------------------


def test_a_row_shows_the_time_commune_volunteer_services_outcome_groups_minutes_and_note(
    client, coordinator, campaign, mine, an
):
    log(
        campaign,
        mine,
        an,
        at(2, 9, 30),
        services=("eid_account", "online_payment"),
        outcome=HelpSession.Outcome.NEEDS_FOLLOW_UP,
        elderly=True,
        ethnic_minority=True,
        minutes=25,
        note="Thiếu căn cước",
        citizen_phone=CITIZEN_PHONE,
        contact_consent_at=at(2, 9, 30),
    )
    client.force_login(coordinator)
    html = page(client)
    assert "<td>02/12/2026 09:30</td>" in html
    assert f"{mine.name} <small>({mine.code})</small>" in html
    assert "Nguyễn Văn An" in html
    assert "e-ID (VNeID) account created; Online fee payment" in html
    assert "Needs follow-up" in html
    assert "Elderly; Ethnic minority" in html
    assert '<td class="number">25</td>' in html
    assert "Thiếu căn cước" in html
    assert "1 help session" in html
    assert CITIZEN_PHONE not in html
    assert "911222333" not in html


def test_the_list_is_newest_first_fifty_to_a_page(client, coordinator, campaign, mine, an):
    sessions = many(campaign, mine, an, 51)
    client.force_login(coordinator)
    first = page(client)
    newest_first = sorted(sessions, key=lambda s: s.helped_at, reverse=True)
    assert notes_shown(first, sessions) == [s.note for s in newest_first[:50]]
    assert "51 help sessions" in first
    assert "Page 1 of 2" in first
    second = page(client, page=2)
    assert notes_shown(second, sessions) == [newest_first[50].note]


def test_the_next_page_and_the_exports_keep_the_filters(client, coordinator, campaign, mine, an):
    many(campaign, mine, an, 51)
    client.force_login(coordinator)
    html = page(client, commune=mine.pk, outcome="done")
    query = f"commune={mine.pk}&amp;outcome=done"
    assert f'href="?{query}&amp;page=2"' in html
    assert reverse("help_sessions:session_export", args=["xlsx"]) + f"?{query}" in html
    assert reverse("help_sessions:session_export", args=["csv"]) + f"?{query}" in html


def test_a_page_past_the_last_shows_the_last(client, coordinator, campaign, mine, an):
    sessions = many(campaign, mine, an, 3)
    client.force_login(coordinator)
    assert len(notes_shown(page(client, page=99), sessions)) == 3


# The filters ------------------------------------------------------------------------


def test_the_campaign_filter_keeps_that_campaigns_sessions(
    client, coordinator, campaign, later_campaign, mine, an
):
    log(campaign, mine, an, at(2, 9), note="đợt một")
    log(later_campaign, mine, an, datetime(2027, 3, 2, 9, tzinfo=LOCAL), note="đợt hai")
    client.force_login(coordinator)
    html = page(client, campaign=later_campaign.pk)
    assert "đợt hai" in html
    assert "đợt một" not in html


def test_the_commune_filter_keeps_that_communes_sessions(
    client, coordinator, scattered, also_mine
):
    client.force_login(coordinator)
    html = page(client, commune=also_mine.pk)
    assert notes_shown(html, scattered.values()) == ["ở xã thứ hai"]


def test_the_volunteer_filter_finds_names_typed_without_diacritics(client, coordinator, scattered):
    client.force_login(coordinator)
    assert notes_shown(page(client, volunteer="tran thi"), scattered.values()) == ["ở xã thứ hai"]
    assert notes_shown(page(client, volunteer="  NGUYỄN  văn "), scattered.values()) == [
        "ở xã của tôi"
    ]
    assert notes_shown(page(client, volunteer="Lê"), scattered.values()) == []


def test_the_date_filters_are_local_days_with_both_ends_included(
    client, coordinator, campaign, mine, an
):
    sessions = [
        log(campaign, mine, an, at(2, 23, 59), note="tối hôm trước"),
        log(campaign, mine, an, at(3, 0, 5), note="sáng sớm ngày đầu"),  # 17:05 UTC the day before
        log(campaign, mine, an, at(4, 23, 30), note="tối ngày cuối"),
        log(campaign, mine, an, at(5, 0, 0), note="nửa đêm sau"),
    ]
    client.force_login(coordinator)
    html = page(client, date_from="2026-12-03", date_to="2026-12-04")
    assert notes_shown(html, sessions) == ["tối ngày cuối", "sáng sớm ngày đầu"]
    assert notes_shown(page(client, date_from="2026-12-04"), sessions) == [
        "nửa đêm sau",
        "tối ngày cuối",
    ]
    assert notes_shown(page(client, date_to="2026-12-02"), sessions) == ["tối hôm trước"]
    assert notes_shown(page(client, date_from="2026-12-03", date_to="2026-12-03"), sessions) == [
        "sáng sớm ngày đầu"
    ]


def test_the_service_filter_keeps_sessions_that_gave_that_service(
    client, coordinator, campaign, mine, an
):
    log(campaign, mine, an, at(2, 9), services=("eid_account", "online_payment"), note="cả hai")
    log(campaign, mine, an, at(2, 10), services=("online_payment",), note="chỉ thanh toán")
    log(campaign, mine, an, at(2, 11), services=("eid_account",), note="chỉ định danh")
    client.force_login(coordinator)
    html = page(client, service="eid_account")
    assert "cả hai" in html
    assert "chỉ định danh" in html
    assert "chỉ thanh toán" not in html
    assert "2 help sessions" in html


def test_the_outcome_filter_keeps_sessions_with_that_outcome(
    client, coordinator, campaign, mine, an
):
    log(campaign, mine, an, at(2, 9), note="xong")
    log(campaign, mine, an, at(2, 10), outcome=HelpSession.Outcome.REFERRED, note="chuyển đi")
    client.force_login(coordinator)
    html = page(client, outcome="referred")
    assert "chuyển đi" in html
    assert "<td>xong</td>" not in html


def test_filters_combine(client, coordinator, scattered, mine):
    client.force_login(coordinator)
    html = page(client, commune=mine.pk, volunteer="binh")
    assert notes_shown(html, scattered.values()) == []
    html = page(client, commune=mine.pk, volunteer="an", date_from="2026-12-02")
    assert notes_shown(html, scattered.values()) == ["ở xã của tôi"]


def test_the_commune_menu_offers_only_the_coordinators_communes(
    client, coordinator, mine, also_mine, elsewhere
):
    client.force_login(coordinator)
    html = page(client)
    assert f'<option value="{mine.pk}">' in html
    assert f'<option value="{also_mine.pk}">' in html
    assert f'<option value="{elsewhere.pk}">' not in html


@pytest.mark.parametrize(
    ("params", "label", "message"),
    [
        ({"campaign": "abc"}, "Campaign", "There is no campaign abc among yours."),
        ({"campaign": "999999"}, "Campaign", "There is no campaign 999999 among yours."),
        ({"commune": "x1"}, "Commune", "There is no commune x1 among yours."),
        (
            {"commune": "99999999999999999999999"},
            "Commune",
            "There is no commune 99999999999999999999999 among yours.",
        ),
        (
            {"date_from": "yesterday"},
            "From",
            "Write the day as dd/mm/yyyy, for example 07/12/2026.",
        ),
        ({"date_to": "2026-02-31"}, "To", "Write the day as dd/mm/yyyy, for example 07/12/2026."),
        ({"date_to": "9999-12-31"}, "To", "Enter a date between 2000 and 2099."),
        ({"date_from": "0001-01-01"}, "From", "Enter a date between 2000 and 2099."),
        (
            {"date_from": "2026-12-05", "date_to": "2026-12-04"},
            "To",
            "The last day is before the first day.",
        ),
        ({"service": "teleport"}, "Service", "There is no service “teleport”."),
        ({"outcome": "maybe"}, "Outcome", "There is no outcome “maybe”."),
        ({"volunteer": "a" * 201}, "Volunteer", "Ensure this value has at most 200 characters"),
    ],
)
def test_a_bad_filter_value_is_a_form_error_naming_the_field(
    client, coordinator, scattered, params, label, message
):
    client.force_login(coordinator)
    response = client.get(reverse("help_sessions:session_list"), params)
    assert response.status_code == 400
    html = response.content.decode()
    assert MISSING not in html
    assert f">{label}</a>: {message}" in html
    assert "ở xã của tôi" not in html  # nothing is shown unfiltered


def test_a_commune_the_coordinator_does_not_look_after_is_a_form_error(
    client, coordinator, scattered, elsewhere
):
    client.force_login(coordinator)
    response = client.get(reverse("help_sessions:session_list"), {"commune": elsewhere.pk})
    assert response.status_code == 400
    html = response.content.decode()
    assert f"There is no commune {elsewhere.pk} among yours." in html
    assert "ở xã khác" not in html


def test_a_campaign_of_another_province_is_a_form_error(
    client, coordinator, scattered, cao_bang_campaign
):
    client.force_login(coordinator)
    response = client.get(
        reverse("help_sessions:session_list"), {"campaign": cao_bang_campaign.pk}
    )
    assert response.status_code == 400
    assert "There is no campaign" in response.content.decode()


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_with_a_bad_filter_is_refused_and_not_recorded(
    client, coordinator, scattered, file_format
):
    client.force_login(coordinator)
    response = client.get(
        reverse("help_sessions:session_export", args=[file_format]), {"date_from": "soon"}
    )
    assert response.status_code == 400
    assert (
        ">From</a>: Write the day as dd/mm/yyyy, for example 07/12/2026."
        in response.content.decode()
    )
    assert not AuditEvent.objects.exists()


# The exports ------------------------------------------------------------------------


@pytest.fixture
def detailed(campaign, mine, an):
    return log(
        campaign,
        mine,
        an,
        at(2, 9, 30),
        services=("eid_account", "online_payment"),
        procedure="Cấp căn cước",
        outcome=HelpSession.Outcome.NEEDS_FOLLOW_UP,
        elderly=True,
        disability=True,
        age_band=HelpSession.AgeBand.SIXTY_AND_OVER,
        gender=HelpSession.Gender.FEMALE,
        minutes=25,
        note="Thiếu căn cước",
        citizen_phone=CITIZEN_PHONE,
        contact_consent_at=at(2, 9, 30),
        follow_up=HelpSession.FollowUp.PAYMENT_DUE,
    )


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_has_every_column_and_never_the_citizens_phone(
    client, coordinator, detailed, mine, file_format
):
    client.force_login(coordinator)
    content, rows = export(client, file_format)
    assert rows == [
        HEADERS,
        [
            "2026-12-02 09:30",
            mine.code,
            mine.name,
            "Nguyễn Văn An",
            "e-ID (VNeID) account created; Online fee payment",
            "Cấp căn cước",
            "Needs follow-up",
            "Elderly; Person with a disability",
            "60 and over",
            "Female",
            "25",
            "Thiếu căn cước",
            "Pay the fee online",
        ],
    ]
    assert not any("911222333" in cell for row in rows for cell in row)
    if file_format == "xlsx":
        assert len(load_workbook(io.BytesIO(content)).worksheets) == 1


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_has_the_rows_the_list_shows_with_the_same_filters(
    client, coordinator, campaign, mine, also_mine, an, binh, file_format
):
    sessions = many(campaign, mine, an, 30) + many(
        campaign, also_mine, binh, 30, first_day=3, note="phường"
    )
    client.force_login(coordinator)
    filters = {"volunteer": "binh", "date_from": "2026-12-04"}
    shown = notes_shown(page(client, **filters), sessions)
    assert len(shown) == 20
    _content, rows = export(client, file_format, **filters)
    assert [row[11] for row in rows[1:]] == shown


def test_an_export_is_not_paginated(client, coordinator, campaign, mine, an):
    many(campaign, mine, an, 51)
    client.force_login(coordinator)
    _content, rows = export(client, "csv", page=2)
    assert len(rows) == 1 + 51


def test_the_csv_is_utf8_with_a_byte_order_mark_so_excel_keeps_the_diacritics(
    client, coordinator, detailed
):
    client.force_login(coordinator)
    response = client.get(reverse("help_sessions:session_export", args=["csv"]))
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="phien-ho-tro-')
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    assert "Nguyễn Văn An" in content.decode("utf-8-sig")


def test_the_xlsx_is_a_workbook_to_download(client, coordinator, detailed):
    client.force_login(coordinator)
    response = client.get(reverse("help_sessions:session_export", args=["xlsx"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].endswith('.xlsx"')


def test_export_headers_are_vietnamese_by_default(client, coordinator, detailed):
    client.force_login(coordinator)
    with translation.override("vi"):
        url = reverse("help_sessions:session_export", args=["csv"])
    assert not url.startswith("/en/")
    response = client.get(url)
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert content.startswith("Thời gian,")


def test_a_note_that_looks_like_a_formula_stays_text_in_the_csv(
    client, coordinator, campaign, mine, an
):
    log(campaign, mine, an, at(2, 9), note='=HYPERLINK("http://example.com")')
    client.force_login(coordinator)
    _content, rows = export(client, "csv")
    assert rows[1][11] == '\'=HYPERLINK("http://example.com")'


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_every_export_is_recorded_in_the_audit_trail(
    client, coordinator, scattered, mine, lang_son, file_format
):
    client.force_login(coordinator)
    export(client, file_format, commune=mine.pk, volunteer=" nguyen ", date_from="2026-12-01")
    event = AuditEvent.objects.get()
    assert event.action == AuditEvent.Action.EXPORT
    assert event.actor == coordinator
    assert event.province == lang_son
    assert event.summary == f"Help sessions, 1 row (.{file_format})"
    assert event.details == {
        "filters": {"commune": mine.pk, "volunteer": "nguyen", "date_from": "2026-12-01"},
        "rows": 1,
        "format": file_format,
    }


def test_an_unfiltered_export_is_recorded_with_the_users_province(
    client, coordinator, scattered, lang_son
):
    client.force_login(coordinator)
    export(client, "xlsx", service="eid_account", outcome="done")
    event = AuditEvent.objects.get()
    assert event.province == lang_son
    assert event.details == {
        "filters": {"service": "eid_account", "outcome": "done"},
        "rows": 2,
        "format": "xlsx",
    }


def test_a_superusers_export_of_every_province_names_no_province(client, make_user, scattered):
    client.force_login(make_user("root", is_superuser=True))
    export(client, "csv")
    event = AuditEvent.objects.get()
    assert event.province is None
    assert event.details["rows"] == 4


# Queries ----------------------------------------------------------------------------


@pytest.mark.parametrize("count", [2, 120])
def test_the_list_costs_the_same_few_queries_whatever_its_size(
    client, coordinator, campaign, mine, an, count, django_assert_max_num_queries
):
    many(campaign, mine, an, count)
    client.force_login(coordinator)
    url = reverse("help_sessions:session_list")
    # Sign-in, roles, the two filters checked, count, rows, services, and the three menus.
    with django_assert_max_num_queries(11):
        response = client.get(url, {"commune": mine.pk, "service": "eid_account"})
    assert response.status_code == 200


@pytest.mark.parametrize("count", [2, 120])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_costs_the_same_few_queries_whatever_its_size(
    client, coordinator, campaign, mine, an, count, file_format, django_assert_max_num_queries
):
    many(campaign, mine, an, count)
    client.force_login(coordinator)
    url = reverse("help_sessions:session_export", args=[file_format])
    # Sign-in, roles, the commune checked, count, the audit event, rows and services.
    with django_assert_max_num_queries(8):
        response = client.get(url, {"commune": mine.pk})
        if file_format == "csv":
            content = b"".join(response.streaming_content).decode("utf-8-sig")
        else:
            content = response.content
    assert response.status_code == 200
    if file_format == "csv":
        assert len(content.splitlines()) == 1 + count
