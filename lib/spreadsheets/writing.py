"""Spreadsheets written for people: .xlsx workbooks and .csv files.

Workbooks are written with XlsxWriter, which writes a province (9,000 rows) in well
under a second where openpyxl (tablib's writer) takes several. Every cell is written as
text, so commune codes and phone numbers keep their leading zeros and plus signs; with
`numbers=True` numbers and days stay numbers and days, so they can be added up and read
back. A text cell of a workbook is never read as a formula.

A .csv file has no cell types: a cell that starts like a formula (=, +, -, @, a tab or
a carriage return) would run as one when the file is opened, so every .csv file written
here prefixes such a cell with an apostrophe. Plain numbers (+84912345678, -3) stay as
they are: they are no formula, and imports read them back. The file starts with a
byte-order mark so that Excel reads it as UTF-8, diacritics intact.
"""

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from decimal import Decimal

import xlsxwriter
from django.utils import translation

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}

# Characters an .xlsx cannot hold (control characters other than tab and newlines).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d[\d .,]*")
BYTE_ORDER_MARK = "\ufeff"


def cell_text(value) -> str:
    """A value as the text of a cell: days as dd/mm/yyyy, lists and dicts as JSON, None
    as empty."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%d/%m/%Y %H:%M}" if value.time() != time.min else f"{value:%d/%m/%Y}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def is_number(value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def workbook(headers: list, rows: Iterable[Iterable], *, numbers: bool = False) -> bytes:
    """An .xlsx file of one sheet: `headers` as a bold, frozen first row, then `rows`."""
    return workbook_of_sheets([("", headers, rows)], numbers=numbers)


def workbook_of_sheets(sheets: Iterable[tuple[str, list, Iterable]], *, numbers=False) -> bytes:
    """An .xlsx file of one sheet for each (name, headers, rows) of `sheets`."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_numbers": False, "remove_timezone": True}
    )
    bold = book.add_format({"bold": True, "text_wrap": numbers})
    day_format = book.add_format({"num_format": "dd/mm/yyyy"})
    moment_format = book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    for name, headers, rows in sheets:
        sheet = book.add_worksheet(name[:31] or None)
        sheet.freeze_panes(1, 0)
        sheet.set_column(0, max(len(headers), 1) - 1, 16 if numbers else 22)
        for column, header in enumerate(headers):
            sheet.write_string(0, column, NOT_XML.sub("", str(header)), bold)
        for number, values in enumerate(rows, start=1):
            for column, value in enumerate(values):
                if value is None or value == "":
                    continue
                if numbers and is_number(value):
                    sheet.write_number(number, column, float(value))
                elif numbers and isinstance(value, date):  # a datetime too
                    is_moment = isinstance(value, datetime)
                    cell_format = moment_format if is_moment else day_format
                    sheet.write_datetime(number, column, value, cell_format)
                else:
                    sheet.write_string(number, column, NOT_XML.sub("", cell_text(value)))
    book.close()
    return buffer.getvalue()


def formula_safe(value) -> str:
    """A .csv cell that a spreadsheet shows as written and never runs as a formula."""
    text = cell_text(value)
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text):
        return f"'{text}"
    return text


class Echo:
    """A file that hands back what is written to it, for csv.writer to stream."""

    def write(self, value):
        return value


def csv_lines(
    headers: list, rows: Iterable[Iterable], language: str | None = None
) -> Iterator[str]:
    """A .csv file line by line, for a streaming response: the header line (with the
    byte-order mark), then each row, every cell made formula-safe. A streamed file is
    written after the view has returned, so the language its headers and rows are
    translated into is given here."""
    with translation.override(language or translation.get_language()):
        writer = csv.writer(Echo())
        yield BYTE_ORDER_MARK + writer.writerow([formula_safe(value) for value in headers])
        for row in rows:
            yield writer.writerow([formula_safe(value) for value in row])


def csv_file(headers: list, rows: Iterable[Iterable]) -> bytes:
    """A whole .csv file, as csv_lines writes it."""
    return "".join(csv_lines(headers, rows)).encode()


def spreadsheet(file_format: str, headers: list, rows: Iterable[Iterable], **options) -> bytes:
    """An .xlsx or .csv file of `headers` and `rows`."""
    if file_format == "xlsx":
        return workbook(headers, rows, **options)
    if file_format == "csv":
        return csv_file(headers, rows)
    raise ValueError(f"unknown export format {file_format!r}: use xlsx or csv")
