"""lib.spreadsheets: one reader, one workbook writer, one .csv writer that no cell can
turn into a formula, and the table every import checks its rows with."""

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from campaign.models import AuditEvent, Commune
from lib.spreadsheets.reading import Sheet, read_date, read_sheet
from lib.spreadsheets.tables import ImportReport, OneOf, Problem, Table, write_errors_file
from lib.spreadsheets.writing import csv_file, formula_safe, spreadsheet, workbook_of_sheets
from teams.models import Volunteer
from teams.registry.exporting import export_members

pytestmark = pytest.mark.usefixtures("english")

# Date cells of a workbook hold no time zone.
MIDNIGHT_CELL = datetime(2026, 12, 7)  # noqa: DTZ001
MORNING_CELL = datetime(2026, 12, 7, 9, 5)  # noqa: DTZ001


@pytest.mark.parametrize(
    "value",
    [
        "=1+1",
        '=HYPERLINK("http://example.com")',
        "@SUM(A1)",
        "+A1",
        "-2+3+cmd|' /C calc'!A0",
        "\t=1",
        "\r=1",
    ],
)
def test_a_cell_that_starts_like_a_formula_is_written_as_text(value):
    assert formula_safe(value) == f"'{value}"


@pytest.mark.parametrize("value", ["+84912345678", "-3", "+84 912 345 678", "0912345678", ""])
def test_plain_numbers_and_ordinary_text_stay_as_they_are(value):
    assert formula_safe(value) == value


def test_days_are_written_the_vietnamese_way_and_none_as_nothing():
    assert formula_safe(date(2026, 12, 7)) == "07/12/2026"
    assert formula_safe(MIDNIGHT_CELL) == "07/12/2026"
    assert formula_safe(MORNING_CELL) == "07/12/2026 09:05"
    assert formula_safe(None) == ""


def test_a_csv_file_starts_with_a_byte_order_mark_and_neutralises_every_formula():
    content = csv_file(["Họ và tên", "Số điện thoại"], [["=cmd", "+84912345678"]])
    text = content.decode("utf-8")
    assert text.startswith("\ufeffHọ và tên,")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[1] == ["'=cmd", "+84912345678"]


def test_an_unknown_format_is_refused_by_name():
    with pytest.raises(ValueError, match=r"'ods'.*xlsx or csv"):
        spreadsheet("ods", ["a"], [])


def test_a_workbook_of_sheets_has_one_named_sheet_each_and_numbers_only_when_asked():
    content = workbook_of_sheets(
        [("profile", ["field", "value"], [["age", 3]]), ("x" * 40, ["n"], [[2.5]])]
    )
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["profile", "x" * 31]
    assert list(book["profile"].values) == [("field", "value"), ("age", "3")]
    numbers = load_workbook(io.BytesIO(workbook_of_sheets([("", ["n"], [[2.5]])], numbers=True)))
    assert list(numbers.active.values) == [("n",), (2.5,)]


@pytest.mark.django_db
def test_the_member_export_as_csv_cannot_carry_a_formula(lang_son):
    commune = Commune.objects.filter(province=lang_son).first()
    Volunteer.objects.create(full_name="=HYPERLINK(1)", phone="+84912345678", home_commune=commune)
    text = export_members(Commune.objects.filter(pk=commune.pk), "csv").decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(text)))[1]
    assert row[3] == "'=HYPERLINK(1)"
    assert row[4] == "+84912345678"


@pytest.mark.django_db
def test_the_audit_trail_export_cannot_carry_a_formula(client, organiser, lang_son):
    AuditEvent.objects.create(action=AuditEvent.Action.EXPORT, summary="=1+2", province=lang_son)
    client.force_login(organiser)
    response = client.get("/en/campaign/audit/export.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=1+2" in text
    assert ",=1+2" not in text


TABLE = Table(
    {
        "name": ("Họ và tên", {"name", "hovaten"}),
        "day": ("Ngày", {"day", "ngay"}),
        "count": ("Số", {"count", "so"}),
        "code": ("Mã", {"code", "ma"}),
    },
    required=("name",),
    one_of=(OneOf(("day", "count"), "give a day or a count"),),
)


def test_a_table_names_what_is_missing_twice_or_unknown_in_the_header():
    positions, errors, warnings = TABLE.match(["ho va ten", "HỌ VÀ TÊN", "Ghi chú"])
    assert positions == {"name": 0}
    assert [str(problem) for problem in errors] == [
        "line 1, HỌ VÀ TÊN: the same column appears twice in the header",
        "line 1, Ngày / Số: give a day or a count",
    ]
    assert [str(problem) for problem in warnings] == [
        "line 1, Ghi chú: column not recognised, its values are ignored"
    ]


def test_each_rows_problems_name_its_line_and_column_as_the_sheet_heads_it():
    sheet = Sheet(["Ngày", "So", "Họ và tên"], [(2, ["31/02/2026", "ba", "An"]), (3, [])])
    sheet.rows.append((5, ["01/02/2026", "1.234", " Bình  Minh "]))
    report = ImportReport()
    positions, _errors, _warnings = TABLE.match(sheet.headers)
    read = []
    for cells in TABLE.rows(sheet, positions, report):
        read.append((cells.line, cells.date("day"), cells.count("count"), cells.text("name")))
        assert cells("code") is None  # the sheet has no such column
    assert read == [(2, None, None, "An"), (5, date(2026, 2, 1), 1234, "Bình Minh")]
    assert [str(problem) for problem in report.errors] == [
        "line 2, Ngày: “31/02/2026” is not a date: write it as dd/mm/yyyy",
        "line 2, So: “ba” is not a whole number of zero or more",
    ]


def test_an_import_with_errors_stops_unless_invalid_rows_are_skipped():
    sheet = Sheet(["Họ và tên", "Số"], [(2, ["An", "x"]), (3, ["Bình", "2"])])

    def validate(positions, report):
        good = [
            cells.line
            for cells in TABLE.rows(sheet, positions, report)
            if cells.count("count") is not None
        ]
        return good, 0

    report, rows, _ = TABLE.check(sheet, validate, skip_invalid=False)
    assert (rows, report.rows, report.skipped) == (None, 2, 2)
    report, rows, _ = TABLE.check(sheet, validate, skip_invalid=True)
    assert (rows, report.skipped) == ([3], 1)


def test_the_errors_file_keeps_the_rows_columns_and_days_so_it_imports_again(tmp_path):
    sheet = Sheet(
        ["Họ và tên", "Ngày", "Lúc"],
        [(2, ["=1+2", MIDNIGHT_CELL - timedelta(days=6), MORNING_CELL])],
    )
    report = ImportReport(errors=[Problem(2, "Ngày", "wrong")])
    for suffix in ("csv", "xlsx"):
        path = tmp_path / f"errors.{suffix}"
        assert write_errors_file(path, sheet, report) == 1
        again = read_sheet(path.name, path.read_bytes())
        assert again.headers == ["Họ và tên", "Ngày", "Lúc", "Dòng", "Lỗi"]
        name, day, moment, line, reason = again.rows[0][1]
        assert (str(line).removesuffix(".0"), reason) == ("2", "Ngày: wrong")
        assert read_date(day) == date(2026, 12, 1)
        assert moment in (MORNING_CELL, "07/12/2026 09:05")
        # The .csv file guards the formula; reading it back takes the guard off.
        assert name == "=1+2"
    assert "'=1+2" in (tmp_path / "errors.csv").read_text(encoding="utf-8-sig")


def test_a_row_shorter_than_the_header_keeps_its_reason_under_the_reason_header(tmp_path):
    sheet = Sheet(["Họ và tên", "Số điện thoại", "Nhận tin qua Zalo"], [(2, ["An", "024"])])
    report = ImportReport(errors=[Problem(2, "Số điện thoại", "a landline")])
    path = tmp_path / "errors.csv"
    assert write_errors_file(path, sheet, report) == 1
    again = read_sheet(path.name, path.read_bytes())
    assert again.rows[0][1] == ["An", "024", "", "2", "Số điện thoại: a landline"]


@pytest.mark.parametrize(
    "cell", ["=SUM(A1)", "+84912345678", "-", "- thiếu hồ sơ", "@ai đó", "'trích dẫn'"]
)
def test_a_csv_file_we_write_reads_back_as_it_was_written(cell):
    content = csv_file(["Ghi chú"], [[cell]])
    assert read_sheet("back.csv", content).rows == [(2, [cell])]


@pytest.mark.django_db
def test_the_import_command_writes_an_errors_file_without_formulas(tmp_path, lang_son):
    path = tmp_path / "members.csv"
    path.write_text(
        "Mã xã,Xã/Phường,Tên tổ,Họ và tên,Số điện thoại\n,Đông Kinh,Tổ 1,=1+2,0912\n",
        encoding="utf-8",
    )
    errors = tmp_path / "errors.csv"
    with pytest.raises(SystemExit):
        call_command(
            "import_members", str(path), "--province", "20", "--errors", str(errors),
            stdout=io.StringIO(), stderr=io.StringIO(),
        )  # fmt: skip
    assert "'=1+2" in errors.read_text(encoding="utf-8-sig")
