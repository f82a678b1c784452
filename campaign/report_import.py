"""Import communes' official figures (campaign.CommuneReport) from a spreadsheet.

One row is one commune's report for one period of a campaign:

    Mã xã | Xã/Phường | Từ ngày | Đến ngày | Hồ sơ tiếp nhận | Hồ sơ trực tuyến |
    Hồ sơ trực tuyến toàn trình | Hồ sơ số hóa | Thanh toán trực tuyến | Ghi chú

"Hồ sơ trực tuyến toàn trình" (optional) counts the applications filed online that were
also handled and returned online, with no paper step.

It works as the registry import does (teams.registry.importing): headers in English or
Vietnamese, every row checked first, problems with line, column and reason, nothing
written while any row has an error unless invalid rows are skipped, then one
transaction. A report is identified by its commune and its last day: importing it again
with other figures updates it, with the same figures changes nothing. An empty "Từ ngày"
means a report of one day. The periods of one commune's reports never overlap, so the
figures of a campaign add up.
"""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaign.commune_names import (
    CODE_OR_NAME,
    COMMUNE_COLUMNS,
    CommuneIndex,
    check_taking_part,
    resolve_commune,
)
from campaign.models import Campaign, CampaignCommune, Commune, CommuneReport
from lib.spreadsheets.reading import Sheet, show_date
from lib.spreadsheets.tables import Cells, ImportReport, SheetImport, Table

BATCH = 1000

# Field -> (the header we write, every header we accept, folded and without spaces).
COLUMNS = {
    **COMMUNE_COLUMNS,
    # "Đơn vị" names the commune in a commune's report (in the registry, a person's unit).
    "commune": ("Xã/Phường", COMMUNE_COLUMNS["commune"][1] | {"donvi"}),
    "period_start": ("Từ ngày", {"from", "tungay", "periodstart", "startdate", "ngaybatdau"}),
    "period_end": ("Đến ngày", {"to", "denngay", "periodend", "enddate", "ngayketthuc"}),
    "applications_received": (
        "Hồ sơ tiếp nhận",
        {"applicationsreceived", "hosotiepnhan", "sohosotiepnhan", "tiepnhan", "tonghoso"},
    ),
    "applications_online": (
        "Hồ sơ trực tuyến",
        {"applicationsonline", "hosotructuyen", "sohosotructuyen", "tructuyen"},
    ),
    "applications_end_to_end": (
        "Hồ sơ trực tuyến toàn trình",
        {"applicationsendtoend", "endtoend", "hosotructuyentoantrinh", "toantrinh"},
    ),
    "records_digitised": (
        "Hồ sơ số hóa",
        {"recordsdigitised", "recordsdigitized", "hososohoa", "sohoa", "sohoahoso"},
    ),
    "payments_online": (
        "Thanh toán trực tuyến",
        {"paymentsonline", "onlinepayments", "thanhtoantructuyen", "thanhtoan"},
    ),
    "note": ("Ghi chú", {"note", "ghichu"}),
}
REQUIRED = ("period_end", "applications_received", "applications_online")
COUNTS = (
    "applications_received",
    "applications_online",
    "applications_end_to_end",
    "records_digitised",
    "payments_online",
)
FIGURES = (*COUNTS, "note")
TABLE = Table(COLUMNS, required=REQUIRED, one_of=(CODE_OR_NAME,))
NOTE_TOO_LONG = gettext_lazy("the note is longer than 300 characters")


@dataclass
class Row:
    line: int
    campaign_commune_id: int
    commune: Commune
    period_start: date
    period_end: date
    applications_received: int
    applications_online: int
    applications_end_to_end: int | None
    records_digitised: int | None
    payments_online: int | None
    note: str

    def figures(self) -> tuple:
        return tuple(getattr(self, name) for name in ("period_start", *FIGURES))


def figures_of(report: CommuneReport) -> tuple:
    """A saved report's figures, in the order of Row.figures()."""
    return tuple(getattr(report, name) for name in ("period_start", *FIGURES))


class CommuneReportImport(SheetImport):
    """One import of one sheet of reports into `campaign`.

    `communes` limits the communes rows may name (a coordinator's); `user` is recorded
    as having entered the reports written.
    """

    table = TABLE

    def __init__(self, sheet: Sheet, campaign: Campaign, *, communes=None, user=None):
        self.sheet = sheet
        self.campaign = campaign
        self.communes = communes
        self.user = user

    def plan(self, rows: list[Row], report: ImportReport):
        """The rows for new reports, and (saved report, row) for those they change."""
        saved = self.saved_reports({row.campaign_commune_id for row in rows})
        new, changed = [], []
        for row in rows:
            existing = saved.get((row.campaign_commune_id, row.period_end))
            if existing is None:
                new.append(row)
            elif figures_of(existing) == row.figures():
                report.unchanged += 1
            else:
                changed.append((existing, row))
        report.created, report.updated = len(new), len(changed)
        return new, changed

    def write(self, plan) -> None:
        new, changed = plan
        names = ("period_start", *FIGURES)
        CommuneReport.objects.bulk_create(
            [
                CommuneReport(
                    campaign_commune_id=row.campaign_commune_id,
                    period_end=row.period_end,
                    source=CommuneReport.Source.IMPORT,
                    entered_by=self.user,
                    **dict(zip(names, row.figures(), strict=True)),
                )
                for row in new
            ],
            batch_size=BATCH,
        )
        now = timezone.now()
        for existing, row in changed:
            for name, value in zip(names, row.figures(), strict=True):
                setattr(existing, name, value)
            existing.source = CommuneReport.Source.IMPORT
            existing.entered_by = self.user
            existing.updated_at = now
        CommuneReport.objects.bulk_update(
            [existing for existing, _row in changed],
            [*names, "source", "entered_by", "updated_at"],
            batch_size=BATCH,
        )

    @staticmethod
    def saved_reports(campaign_commune_ids) -> dict[tuple[int, date], CommuneReport]:
        return {
            (report.campaign_commune_id, report.period_end): report
            for report in CommuneReport.objects.filter(
                campaign_commune_id__in=campaign_commune_ids
            )
        }

    # Validation -----------------------------------------------------------------------

    def validate(self, positions: dict[str, int], report: ImportReport) -> tuple[list[Row], int]:
        """The valid rows (first occurrences) and how many rows repeated an earlier one."""
        index, where = self.commune_index()
        taking_part = dict(
            CampaignCommune.objects.filter(campaign=self.campaign).values_list("commune_id", "pk")
        )
        periods = self.saved_periods()
        by_key: dict[tuple[int, date], Row] = {}
        valid: list[Row] = []
        repeats = 0
        for cells in TABLE.rows(self.sheet, positions, report):
            commune = resolve_commune(cells, index, cells.problem, where)
            check_taking_part(cells, commune, self.campaign, taking_part)
            row = self.read_row(cells, commune, taking_part)
            if row is None:
                continue
            earlier = by_key.get((row.campaign_commune_id, row.period_end))
            if earlier is not None:
                if earlier.figures() == row.figures():
                    repeats += 1  # an exact repeat of an earlier row adds nothing
                else:
                    cells.problem(
                        "period_end",
                        _("line %(line)s already reports %(commune)s up to %(day)s")
                        % {
                            "line": earlier.line,
                            "commune": commune.name,
                            "day": show_date(row.period_end),
                        },
                    )
                continue
            if overlaps_a_period(cells, row, periods):
                continue
            by_key[(row.campaign_commune_id, row.period_end)] = row
            valid.append(row)
        return valid, repeats

    def commune_index(self) -> tuple[CommuneIndex, str]:
        """The communes rows may name, and how to name them in a message."""
        campaign = self.campaign
        communes = Commune.objects.filter(province_id=campaign.province_id)
        if self.communes is not None:
            communes = communes.filter(pk__in=self.communes.values("pk"))
        index = CommuneIndex(communes.only("pk", "code", "name", "province_id"))
        if self.communes is None:
            return index, campaign.province.name
        return index, _("the communes of %(province)s you look after") % {
            "province": campaign.province.name
        }

    def saved_periods(self) -> dict[int, list[tuple[date, date, int | None]]]:
        """Periods already saved, per campaign commune: (start, end, None)."""
        periods: dict[int, list[tuple[date, date, int | None]]] = {}
        for cc_id, start, end in CommuneReport.objects.filter(
            campaign_commune__campaign=self.campaign
        ).values_list("campaign_commune_id", "period_start", "period_end"):
            periods.setdefault(cc_id, []).append((start, end, None))
        return periods

    @staticmethod
    def read_row(cells: Cells, commune: Commune | None, taking_part: dict) -> Row | None:
        """The row's report, or None after its problems."""
        start, end = cells.date("period_start"), cells.date("period_end")
        if end is None and not cells.text("period_end"):
            cells.problem("period_end", _("give the last day the report covers"))
        counts = {}
        for name in COUNTS:
            counts[name] = cells.count(name)
            if name in REQUIRED and counts[name] is None and not cells.text(name):
                cells.problem(name, _("this figure is required"))
        note = cells.text("note", longest=300, too_long=NOTE_TOO_LONG)
        if not cells.ok:
            return None
        start = start or end
        if start > end:
            cells.problem(
                "period_end",
                _("the report ends on %(end)s, before it starts on %(start)s")
                % {"end": show_date(end), "start": show_date(start)},
            )
        elif end > timezone.localdate():
            cells.problem("period_end", _("%(day)s is in the future") % {"day": show_date(end)})
        received, online = counts["applications_received"], counts["applications_online"]
        if online > received:
            cells.problem(
                "applications_online",
                _("%(online)s filed online is more than the %(received)s received")
                % {"online": online, "received": received},
            )
        end_to_end = counts["applications_end_to_end"]
        if end_to_end is not None and end_to_end > online:
            cells.problem(
                "applications_end_to_end",
                _("%(end_to_end)s online end to end is more than the %(online)s filed online")
                % {"end_to_end": end_to_end, "online": online},
            )
        if not cells.ok:
            return None
        return Row(cells.line, taking_part[commune.pk], commune, start, end, **counts, note=note)


def overlaps_a_period(cells: Cells, row: Row, periods: dict) -> bool:
    """Whether the row's period overlaps another report of its commune, saved or on an
    earlier line (a problem for the row then); else the row's period is kept in
    `periods`, in place of a saved report with the same last day, which it replaces."""
    start, end, cc_id = row.period_start, row.period_end, row.campaign_commune_id
    clash = next(
        (
            (s, e, saved_line)
            for s, e, saved_line in periods.get(cc_id, [])
            if s <= end and start <= e and not (saved_line is None and e == end)
        ),
        None,
    )
    if clash is None:
        periods[cc_id] = [
            p for p in periods.get(cc_id, []) if not (p[2] is None and p[1] == end)
        ] + [(start, end, row.line)]
        return False
    params = {
        "commune": row.commune.name,
        "start": show_date(clash[0]),
        "end": show_date(clash[1]),
        "line": clash[2],
    }
    if clash[2] is None:
        message = _(
            "%(commune)s already has a report from %(start)s to %(end)s: periods must not overlap"
        )
    else:
        message = _(
            "line %(line)s reports %(commune)s from %(start)s to %(end)s: periods must not overlap"
        )
    cells.problem("period_start", message % params)
    return True
