"""Whatever comes in from outside is parsed without surprises: spreadsheets of any shape,
phone numbers typed any way, and Twilio's callbacks with any fields.

Each parser either takes the input or says what is wrong with it (a spreadsheet row
error names its line and column); none raises anything else, and an import that finds
errors writes nothing at all."""

import contextlib
import csv
import io
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

import phonenumbers
import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from campaign import report_import as commune_reports
from campaign.commune_names import CommuneIndex, resolve_commune
from campaign.models import Campaign, CommuneReport
from campaign.report_import import CommuneReportImport
from lib.spreadsheets.reading import (
    Sheet,
    UnreadableFile,
    any_value,
    read_count,
    read_date,
    read_sheet,
)
from notifications.models import Message, OptOut
from notifications.outbox import queue_message
from notifications.phones import OLD_MOBILE_PREFIXES, InvalidPhone, normalise_mobile
from notifications.views.webhooks import STOP_WORDS
from teams.models import Assignment, Membership, Team, Volunteer
from teams.registry import importing
from teams.registry.importing import MemberImport
from teams.rota import assignment_import as assigning
from teams.rota.assignment_import import AssignmentImport

pytestmark = pytest.mark.usefixtures("english")

# Function-scoped fixtures (the database, the provinces) are set up once per test and
# shared by its examples; each example checks only what it changed itself.
PROPERTIES = hypothesis_settings(
    max_examples=60,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Spreadsheet cells ---------------------------------------------------------------------

TRICKY_VALUES = (
    "",
    " ",
    "=SUM(A1:A9)",
    '=HYPERLINK("http://x")',
    "+84 91",
    "-1",
    "1e9",
    "NaN",
    "²",
    "①②③",
    "٣٤٥",
    "9" * 5000,
    "ß" * 200,
    "ﬃ" * 150,
    "a\x00b",
    "\u200b",
    "Đ" * 300,
    "01/02/2026",
    "2026-13-45",
    "31/02/2026",
    "45 ngày",
    "12.345",
    "1,234,567",
    "\t\n",
)
TRICKY_TEXT = st.sampled_from(TRICKY_VALUES)
CELLS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=date(1900, 1, 1)),
    st.datetimes(min_value=datetime(1900, 1, 1)),  # noqa: DTZ001 - cells hold no time zone
    st.text(max_size=20),
    TRICKY_TEXT,
)
MOBILE_SHAPES = st.sampled_from(
    ["0912 345 678", "+84 91 234 5678", "84912345679", "912345670", 912345671.0, "0162 345 6789"]
)


def header_variants(official: str, keys: set[str]) -> st.SearchStrategy[str]:
    """A header as people write it: as we write it, in capitals, without diacritics, in
    English, with stray spaces."""
    written = st.sampled_from([official, official.upper(), official.lower(), *sorted(keys)])
    return st.tuples(written, st.sampled_from(["", " ", "  "])).map(lambda t: t[1] + t[0] + t[1])


@st.composite
def sheets(draw, columns: dict, cell_strategies: dict) -> Sheet:
    """A sheet with some of `columns` (any order, any spelling, now and then twice or an
    unknown one), and rows of likely and unlikely values, blank rows among them."""
    chosen = draw(st.lists(st.sampled_from(sorted(columns)), unique=True, max_size=len(columns)))
    if draw(st.integers(0, 3)):  # mostly every column, so that rows get as far as writing
        chosen = draw(st.permutations(sorted(columns)))
    if draw(st.integers(0, 9)) == 0 and chosen:
        chosen.append(draw(st.sampled_from(chosen)))  # the same column twice
    headers = [draw(header_variants(*columns[name])) for name in chosen]
    if draw(st.booleans()):  # a column of the organiser's own
        position = draw(st.integers(0, len(headers)))
        headers.insert(position, draw(st.text(max_size=8)))
        chosen.insert(position, None)
    rows = []
    for line in range(2, 2 + draw(st.integers(0, 6))):
        if draw(st.integers(0, 5)) == 0:
            rows.append((line, [draw(st.sampled_from([None, "", " "]))] * len(headers)))
            continue
        values = [draw(cell_strategies.get(name, CELLS) | CELLS) for name in chosen]
        values = values[: draw(st.integers(0, len(values)))] if draw(st.booleans()) else values
        rows.append((line, values))
    return Sheet(headers, rows)


def through_csv(sheet: Sheet) -> Sheet:
    """The sheet saved as CSV (every cell text) and read back as an upload is."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(sheet.headers)
    for _line, values in sheet.rows:
        writer.writerow(["" if v is None else v for v in values])
    return read_sheet("upload.csv", out.getvalue().encode())


def check_report(sheet: Sheet, report, columns: dict) -> None:
    """Each problem names a line of the sheet and a column it has (or lacks), and says
    something; an import with errors has written nothing."""
    lines = {1} | {line for line, _values in sheet.rows}
    known = set(sheet.headers) | {official for official, _ in columns.values()}
    for problem in report.errors + report.warnings:
        assert problem.line in lines, problem
        assert problem.column, problem
        assert problem.column in known or " / " in problem.column, problem
        assert problem.message, problem
    assert report.rows == sum(1 for _line, values in sheet.rows if any_value(values))


def snapshot(*models) -> list:
    return [sorted(map(repr, model.objects.values_list())) for model in models]


def run_import(data, make_import, sheet: Sheet, columns: dict, models) -> None:
    if data.draw(st.booleans(), label="as csv"):
        sheet = through_csv(sheet)
    dry_run = data.draw(st.booleans(), label="dry run")
    skip_invalid = data.draw(st.booleans(), label="skip invalid")
    before = snapshot(*models)
    report = make_import(sheet).run(dry_run=dry_run, skip_invalid=skip_invalid)
    check_report(sheet, report, columns)
    if dry_run or (report.errors and not skip_invalid):
        assert not report.written
        assert snapshot(*models) == before
    if report.written:
        # The same file again changes nothing.
        again = make_import(sheet).run(skip_invalid=True)
        assert (again.created, again.updated) == (0, 0), again


@pytest.fixture
def communes(lang_son):
    return list(lang_son.communes.order_by("code"))


def commune_cells(communes):
    some = communes[:5]
    codes = st.sampled_from(
        [c.code for c in some] + [c.code.lstrip("0") for c in some] + [int(some[0].code)]
    )
    names = st.sampled_from(
        [c.name for c in some]
        + [c.name.upper() for c in some]
        + [c.name.split(" ", 1)[-1].lower() for c in some]
    )
    return {"commune_code": codes, "commune": names}


@PROPERTIES
@given(data=st.data())
def test_any_member_sheet_is_imported_or_refused_row_by_row_never_half_written(
    data, communes, lang_son
):
    cells = {
        **commune_cells(communes),
        "team": st.sampled_from(["Tổ 1", "tổ 1", "Tổ 2", ""]) | TRICKY_TEXT,
        "full_name": st.sampled_from(["Nguyễn Văn An", "NGUYEN VAN AN", "Trần Thị Bình"])
        | TRICKY_TEXT,
        "phone": MOBILE_SHAPES,
        "role": st.sampled_from(["Tổ trưởng", "to pho", "Thành viên", "leader", "boss"]),
        "affiliation": st.sampled_from(["Sinh viên", "doan vien", "Khác", "alien"]),
        "organisation": st.sampled_from(["Trường ĐH Nông Lâm", ""]) | TRICKY_TEXT,
    }
    sheet = data.draw(sheets(importing.COLUMNS, cells), label="sheet")
    run_import(
        data,
        lambda s: MemberImport(s, province=lang_son),
        sheet,
        importing.COLUMNS,
        (Team, Volunteer, Membership),
    )


def test_every_tricky_text_in_a_member_row_is_stored_or_refused_with_its_line(communes, lang_son):
    """Random sheets seldom get a tricky text past every other check and into the
    database: each one goes there in a row that is otherwise good."""
    commune = communes[0]
    headers = ["Mã xã", "Tên tổ", "Họ và tên", "Số điện thoại", "Đơn vị"]
    for number, text in enumerate(TRICKY_VALUES):
        phone = f"09123{number:05d}"
        for row in ([text, "An", ""], ["Tổ 1", text, ""], ["Tổ 1", "An", text]):
            sheet = Sheet(headers, [(2, [commune.code, row[0], row[1], phone, row[2]])])
            report = MemberImport(sheet, province=lang_son).run()
            check_report(sheet, report, importing.COLUMNS)
            assert report.written != bool(report.errors), report.errors


@pytest.fixture
def campaign(lang_son):
    campaign = Campaign.objects.create(
        name="45 ngày đêm",
        province=lang_son,
        start=timezone.localdate() - timedelta(days=20),
        sms_brand="X",
    )
    campaign.add_all_communes()
    return campaign


def campaign_days(campaign) -> st.SearchStrategy:
    days = [campaign.start, campaign.start + timedelta(days=3), timezone.localdate()]
    return st.sampled_from(
        [*days, *(f"{d:%d/%m/%Y}" for d in days), *(d.isoformat() for d in days), ""]
    )


@PROPERTIES
@given(data=st.data())
def test_any_assignment_sheet_is_imported_or_refused_row_by_row_never_half_written(
    data, communes, campaign
):
    for number, phone in enumerate(["+84912345678", "+84912345679", "+84912345670"]):
        Volunteer.objects.get_or_create(phone=phone, defaults={"full_name": f"Người {number}"})
    cells = {
        **commune_cells(communes),
        "phone": MOBILE_SHAPES,
        "starts_on": campaign_days(campaign),
        "ends_on": campaign_days(campaign),
    }
    sheet = data.draw(sheets(assigning.COLUMNS, cells), label="sheet")
    run_import(
        data,
        lambda s: AssignmentImport(s, campaign),
        sheet,
        assigning.COLUMNS,
        (Assignment,),
    )


@PROPERTIES
@given(data=st.data())
def test_any_commune_report_sheet_is_imported_or_refused_row_by_row_never_half_written(
    data, communes, campaign
):
    counts = st.sampled_from([0, 3, 12, "1.234", "12 345", 7.0, "", 2**31, -1])
    cells = {
        **commune_cells(communes),
        "period_start": campaign_days(campaign),
        "period_end": campaign_days(campaign),
        **dict.fromkeys(commune_reports.COUNTS, counts),
        "note": st.sampled_from(["", "Đã báo cáo huyện", "x" * 301]) | TRICKY_TEXT,
    }
    sheet = data.draw(sheets(commune_reports.COLUMNS, cells), label="sheet")
    run_import(
        data,
        lambda s: CommuneReportImport(s, campaign),
        sheet,
        commune_reports.COLUMNS,
        (CommuneReport,),
    )


@PROPERTIES
@given(content=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
@example(content=b"phone\n" + b"9" * 200_000)  # one cell past the csv module's limit
@example(content=b"\xef\xbb\xbfphone;name\r\n\x000912345678;An\n\n")
def test_any_bytes_uploaded_as_csv_are_read_or_refused_as_unreadable(content):
    try:
        sheet = read_sheet("upload.csv", content)
    except UnreadableFile as error:
        assert str(error)
        return
    lines = [line for line, _values in sheet.rows]
    assert lines == sorted(set(lines)) and all(line >= 2 for line in lines)


@PROPERTIES
@given(code=CELLS, name=CELLS)
@example(code="²", name=None)
@example(code="9" * 5000, name=None)
def test_any_commune_cells_find_one_commune_or_say_why_not(communes, code, name):
    cells = {"commune_code": code, "commune": name}
    said = []
    found = resolve_commune(
        cells.get, CommuneIndex(communes), lambda *problem: said.append(problem), "X"
    )
    assert (found is None) == bool(said)
    assert found is None or found in communes


@given(value=CELLS)
def test_a_count_or_date_cell_is_read_or_refused_with_a_value_error(value):
    for read in (read_count, read_date):
        with contextlib.suppress(ValueError):
            read(value)


# Phone numbers -------------------------------------------------------------------------


@given(
    typed=st.one_of(
        st.text(max_size=30),
        st.text(alphabet="0123456789 +.-()/\u00a0", max_size=20),
        st.integers(min_value=-(10**15), max_value=10**15),
        st.floats(allow_nan=True, allow_infinity=True),
        TRICKY_TEXT,
    )
)
def test_normalising_a_number_twice_gives_the_same_number_without_a_warning(typed):
    try:
        once = normalise_mobile(typed)
    except InvalidPhone as error:
        assert str(error)
        return
    twice = normalise_mobile(once.e164)
    assert twice == type(once)(once.e164, "")


VIETNAMESE_MOBILES = [
    str(phonenumbers.example_number_for_type("VN", phonenumbers.PhoneNumberType.MOBILE)
        .national_number),
    "912345678", "987654321", "362345678", "708123456", "896123456", "565123456",
    "592123456", "326789012", "839123456",
]  # fmt: skip


@given(
    significant=st.sampled_from(VIETNAMESE_MOBILES),
    shape=st.sampled_from(
        ["0{}", "+84{}", "84{}", "0084{}", "{}", "+84 {}", "0{0}", "(+84) {}", "0{}."]
    ),
    separator=st.sampled_from(["", " ", ".", "-", "  "]),
)
def test_a_valid_vietnamese_mobile_typed_any_way_comes_back_as_the_same_e164(
    significant, shape, separator
):
    grouped = separator.join([significant[:2], significant[2:5], significant[5:]])
    typed = shape.format(grouped)
    assert normalise_mobile(typed).e164 == f"+84{significant}"


@given(
    old=st.sampled_from(sorted(OLD_MOBILE_PREFIXES)), rest=st.from_regex(r"\d{7}", fullmatch=True)
)
def test_an_old_eleven_digit_mobile_maps_to_the_same_number_as_its_new_form(old, rest):
    try:
        mapped = normalise_mobile(old + rest)
    except InvalidPhone:
        return  # the new range is not allocated
    assert mapped.warning
    assert normalise_mobile(OLD_MOBILE_PREFIXES[old] + rest).e164 == mapped.e164


# Twilio's callbacks --------------------------------------------------------------------

TOKEN = "twilio-auth-token"
PUBLIC = "https://digihelp.example.vn"
STATUSES = ["queued", "sending", "sent", "delivered", "undelivered", "failed", "read", ""]


@pytest.fixture
def twilio(settings):
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.SITE_URL = PUBLIC


def post_signed(client, name, data):
    path = reverse(f"notifications:{name}")
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + path, data)
    # Form-encoded, as Twilio posts (the test client's multipart would alter some names).
    return client.post(
        path,
        urlencode(data),
        content_type="application/x-www-form-urlencoded",
        HTTP_X_TWILIO_SIGNATURE=signature,
    )


FIELD_TEXT = st.text(max_size=40) | TRICKY_TEXT
FORM_FIELDS = st.dictionaries(
    st.sampled_from(["MessageSid", "MessageStatus", "ErrorCode", "From", "Body", "To"])
    | st.text(min_size=1, max_size=10),
    FIELD_TEXT,
    max_size=6,
)


@pytest.fixture
def sent_message(db):
    message = queue_message("+84912345678", "Xin chào", kind="test", key="k")
    Message.objects.filter(pk=message.pk).update(status="sent", provider_message_id="SM123")
    message.refresh_from_db()
    return message


@PROPERTIES
@given(fields=FORM_FIELDS)
@example(fields={"MessageSid": "SM123", "MessageStatus": "failed", "ErrorCode": "9" * 40})
@example(fields={"MessageSid": "SM\x00123", "MessageStatus": "delivered"})
def test_a_signed_status_report_with_any_fields_is_answered_and_never_touches_other_messages(
    client, twilio, sent_message, fields
):
    before = Message.objects.values().get(pk=sent_message.pk)
    response = post_signed(client, "twilio_status", fields)
    assert response.status_code == 204
    if fields.get("MessageSid") != "SM123":  # a message id we never sent changes nothing
        assert Message.objects.values().get(pk=sent_message.pk) == before


@PROPERTIES
@given(reports=st.lists(st.sampled_from(STATUSES), max_size=8))
def test_a_message_s_status_only_moves_forward_whatever_order_reports_arrive_in(
    client, twilio, db, reports
):
    message = queue_message("+84912345678", "Xin chào", kind="test", key=str(reports))
    Message.objects.filter(pk=message.pk).update(status="sent", provider_message_id="SM9")
    seen = [Message.RANK[Message.Status.SENT]]
    for status in reports:
        post_signed(client, "twilio_status", {"MessageSid": "SM9", "MessageStatus": status})
        message.refresh_from_db()
        seen.append(Message.RANK[message.status])
    assert seen == sorted(seen)
    reported = [s for s in reports if s in {"delivered", "undelivered", "failed"}]
    if reported:
        assert message.status == reported[0]  # the first final report wins
    Message.objects.filter(pk=message.pk).update(provider_message_id="")


@PROPERTIES
@given(fields=FORM_FIELDS)
@example(fields={"From": "+84912345678", "Body": " s t o p "})
@example(fields={"From": "0912\x00345678", "Body": "STOP"})
def test_a_signed_incoming_message_with_any_fields_gets_twiml_and_only_keywords_act(
    client, twilio, db, fields
):
    opt_outs = OptOut.objects.count()
    response = post_signed(client, "twilio_inbound", fields)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    word = "".join(fields.get("Body", "").split()).upper()
    if word not in STOP_WORDS:
        assert OptOut.objects.count() == opt_outs
