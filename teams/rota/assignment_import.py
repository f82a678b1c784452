"""Assign registered volunteers to a campaign's communes from a spreadsheet.

One row places one volunteer in one commune, for the whole campaign or part of it:

    Số điện thoại | Mã xã | Xã/Phường | Từ ngày | Đến ngày

The volunteer is found by phone among those already registered (teams.registry.importing
registers them); the commune by code or name within the campaign's province, and it
must take part in the campaign. Empty dates mean the campaign's own start and end and
are stored empty, so the assignment follows the campaign if its dates move.

It works as the registry import does: headers in English or Vietnamese, every row
checked first, problems with line, column and reason, nothing written while any row has
an error (unless invalid rows are skipped), then one transaction. An assignment already
saved with the same volunteer, commune and dates is unchanged, so importing the same file
again changes nothing. Dates are never changed by an import: a row whose dates overlap a
saved assignment of the same volunteer to the same commune is an error.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from campaign.commune_names import (
    CODE_OR_NAME,
    COMMUNE_COLUMNS,
    CommuneIndex,
    check_taking_part,
    resolve_commune,
)
from campaign.models import Campaign, Commune
from lib.bulk import chunks
from lib.spreadsheets.reading import Sheet, show_date
from lib.spreadsheets.tables import Cells, ImportReport, SheetImport, Table
from notifications.phones import InvalidPhone, normalise_mobile
from teams.models import Assignment, Volunteer
from teams.registry.importing import BATCH, QUERY_CHUNK, read_phone

# Field -> (the header we write, every header we accept, folded and without spaces).
COLUMNS = {
    "phone": ("Số điện thoại", {"phone", "sodienthoai", "dienthoai", "sdt", "mobile"}),
    **COMMUNE_COLUMNS,
    "starts_on": ("Từ ngày", {"from", "tungay", "startson", "startdate", "ngaybatdau"}),
    "ends_on": ("Đến ngày", {"to", "denngay", "endson", "enddate", "ngayketthuc"}),
}
REQUIRED = ("phone",)
TABLE = Table(COLUMNS, required=REQUIRED, one_of=(CODE_OR_NAME,))


@dataclass
class Span:
    """The days an assignment covers, the campaign's own dates filled in."""

    start: date
    end: date
    line: int | None  # the file's line, None for an assignment already saved

    def overlaps(self, other: "Span") -> bool:
        return self.start <= other.end and other.start <= self.end


@dataclass
class Row:
    line: int
    volunteer_id: int
    commune: Commune
    starts_on: date | None
    ends_on: date | None
    saved: bool  # the same assignment is already in the database


class AssignmentImport(SheetImport):
    """One import of one sheet of assignments into `campaign`."""

    table = TABLE

    def __init__(self, sheet: Sheet, campaign: Campaign):
        self.sheet = sheet
        self.campaign = campaign

    def plan(self, rows: list[Row], report: ImportReport) -> list[Row]:
        report.unchanged += sum(row.saved for row in rows)
        new = [row for row in rows if not row.saved]
        report.created = len(new)
        return new

    def write(self, new: list[Row]) -> None:
        Assignment.objects.bulk_create(
            [
                Assignment(
                    volunteer_id=row.volunteer_id,
                    campaign=self.campaign,
                    commune=row.commune,
                    starts_on=row.starts_on,
                    ends_on=row.ends_on,
                )
                for row in new
            ],
            batch_size=BATCH,
        )

    # Validation -----------------------------------------------------------------------

    def volunteers_by_phone(self, positions: dict[str, int]) -> dict[str, tuple[int, str]]:
        """Phone -> (pk, full name) of the registered volunteers the file mentions."""
        phones = set()
        position = positions["phone"]
        for _line, values in self.sheet.rows:
            if position < len(values) and values[position] is not None:
                try:
                    phones.add(normalise_mobile(values[position]).e164)
                except InvalidPhone:
                    continue
        found = {}
        for chunk in chunks(sorted(phones), QUERY_CHUNK):
            for pk, phone, full_name in Volunteer.objects.filter(phone__in=chunk).values_list(
                "pk", "phone", "full_name"
            ):
                found[phone] = (pk, full_name)
        return found

    def saved_spans(self, volunteer_ids) -> dict[tuple[int, int], list[Span]]:
        """(volunteer pk, commune pk) -> the campaign's saved assignments for the pair."""
        spans: dict[tuple[int, int], list[Span]] = {}
        for chunk in chunks(sorted(volunteer_ids), QUERY_CHUNK):
            for volunteer_id, commune_id, starts_on, ends_on in Assignment.objects.filter(
                campaign=self.campaign, volunteer_id__in=chunk
            ).values_list("volunteer_id", "commune_id", "starts_on", "ends_on"):
                spans.setdefault((volunteer_id, commune_id), []).append(
                    self.span(starts_on, ends_on, None)
                )
        return spans

    def span(self, starts_on: date | None, ends_on: date | None, line: int | None) -> Span:
        return Span(starts_on or self.campaign.start, ends_on or self.campaign.end, line)

    def validate(self, positions: dict[str, int], report: ImportReport) -> tuple[list[Row], int]:
        """The valid rows (first occurrences) and how many rows repeated an earlier one."""
        campaign = self.campaign
        index = CommuneIndex(
            Commune.objects.filter(province_id=campaign.province_id).only(
                "pk", "code", "name", "province_id"
            )
        )
        taking_part = set(campaign.campaign_communes.values_list("commune_id", flat=True))
        volunteers = self.volunteers_by_phone(positions)
        spans = self.saved_spans(pk for pk, _name in volunteers.values())
        valid: list[Row] = []
        repeats = 0
        for cells in TABLE.rows(self.sheet, positions, report):
            phone = read_phone(cells)
            volunteer = volunteers.get(phone) if phone else None
            if phone and volunteer is None:
                cells.problem(
                    "phone", _("no volunteer has this number: import them with the registry first")
                )
            commune = resolve_commune(cells, index, cells.problem, campaign.province.name)
            check_taking_part(cells, commune, campaign, taking_part)
            starts_on, ends_on = (
                self.day_in_campaign(cells, "starts_on"),
                self.day_in_campaign(cells, "ends_on"),
            )
            span = self.span(starts_on, ends_on, cells.line)
            if cells.ok and span.start > span.end:
                cells.problem(
                    "ends_on",
                    _("the assignment ends on %(end)s, before it starts on %(start)s")
                    % {"end": show_date(span.end), "start": show_date(span.start)},
                )
            if not cells.ok:
                continue
            earlier = spans.setdefault((volunteer[0], commune.pk), [])
            same = next((s for s in earlier if (s.start, s.end) == (span.start, span.end)), None)
            if same is not None and same.line is not None:
                repeats += 1  # an exact repeat of an earlier row adds nothing
                continue
            if same is None and self.clashes_with(cells, span, earlier, volunteer, commune):
                continue
            earlier.append(span)
            valid.append(
                Row(cells.line, volunteer[0], commune, starts_on, ends_on, same is not None)
            )
        return valid, repeats

    def day_in_campaign(self, cells: Cells, name: str) -> date | None:
        """The cell's date, which must fall within the campaign; None when empty."""
        day = cells.date(name)
        campaign = self.campaign
        if day is not None and not campaign.start <= day <= campaign.end:
            cells.problem(
                name,
                _("%(day)s is outside the campaign (%(start)s to %(end)s)")
                % {
                    "day": show_date(day),
                    "start": show_date(campaign.start),
                    "end": show_date(campaign.end),
                },
            )
        return day

    @staticmethod
    def clashes_with(cells: Cells, span: Span, earlier: list[Span], volunteer, commune) -> bool:
        """Whether `span` overlaps an assignment of the same volunteer to the same
        commune, saved or on an earlier line (a problem for the row then)."""
        clash = next((s for s in earlier if s.overlaps(span)), None)
        if clash is None:
            return False
        params = {
            "name": volunteer[1],
            "commune": commune.name,
            "start": show_date(clash.start),
            "end": show_date(clash.end),
            "line": clash.line,
        }
        if clash.line is None:
            message = _(
                "%(name)s is already assigned to %(commune)s from %(start)s to "
                "%(end)s in this campaign"
            )
        else:
            message = _(
                "%(name)s is already assigned to %(commune)s from %(start)s to "
                "%(end)s on line %(line)s"
            )
        cells.problem("starts_on", message % params)
        return True
