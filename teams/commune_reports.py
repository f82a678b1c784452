"""Import communes' official figures (campaign.CommuneReport) from a spreadsheet.

One row is one commune's report for one period of a campaign:

    Mã xã | Xã/Phường | Từ ngày | Đến ngày | Hồ sơ tiếp nhận | Hồ sơ trực tuyến |
    Hồ sơ số hóa | Thanh toán trực tuyến | Ghi chú

It works as the registry import does (teams.registry.importing): headers in English or
Vietnamese, every row checked first, problems with line, column and reason, nothing
written while any row has an error unless invalid rows are skipped, then one
transaction. A report is identified by its commune and its last day: importing it again
with other figures updates it, with the same figures changes nothing. An empty "Từ ngày"
means a report of one day. The periods of one commune's reports never overlap, so the
figures of a campaign add up.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.models import Campaign, CampaignCommune, Commune, CommuneReport
from teams.registry.importing import (
    BATCH,
    CommuneIndex,
    ImportReport,
    Sheet,
    any_value,
    checked_rows,
    clean_text,
    resolve_commune,
    row_reader,
)
from teams.rota.assignment_import import read_date, show_date

# Field -> (the header we write, every header we accept, folded and without spaces).
COLUMNS = {
    "commune_code": ("Mã xã", {"communecode", "maxa", "maxaphuong", "madonvi"}),
    "commune": ("Xã/Phường", {"commune", "xaphuong", "xa", "phuong", "phuongxa", "donvi"}),
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
COUNTS = ("applications_received", "applications_online", "records_digitised", "payments_online")
FIGURES = (*COUNTS, "note")
# 12345, and 12.345 or 12,345 or 12 345 as Vietnamese and English spreadsheets group digits.
WHOLE_NUMBER = re.compile(r"\d+|\d{1,3}(?:[., ]\d{3})+")
LARGEST = 2**31 - 1


@dataclass
class Row:
    line: int
    campaign_commune_id: int
    commune: Commune
    period_start: date
    period_end: date
    applications_received: int
    applications_online: int
    records_digitised: int | None
    payments_online: int | None
    note: str

    def figures(self) -> tuple:
        return tuple(getattr(self, name) for name in ("period_start", *FIGURES))


def figures_of(report: CommuneReport) -> tuple:
    """A saved report's figures, in the order of Row.figures()."""
    return tuple(getattr(report, name) for name in ("period_start", *FIGURES))


def read_count(value) -> int | None:
    """A cell holding a whole number of at least zero; None when empty.

    Raises ValueError for anything else."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(value)
        value = int(value)
    if isinstance(value, int):
        if not 0 <= value <= LARGEST:
            raise ValueError(value)
        return value
    text = clean_text(value)
    if not text:
        return None
    if not WHOLE_NUMBER.fullmatch(text):
        raise ValueError(text)
    number = int(re.sub(r"\D", "", text))
    if number > LARGEST:
        raise ValueError(text)
    return number


class CommuneReportImport:
    """One import of one sheet of reports into `campaign`.

    `communes` limits the communes rows may name (a coordinator's); `user` is recorded
    as having entered the reports written.
    """

    def __init__(self, sheet: Sheet, campaign: Campaign, *, communes=None, user=None):
        self.sheet = sheet
        self.campaign = campaign
        self.communes = communes
        self.user = user

    def run(
        self, *, dry_run: bool = False, skip_invalid: bool = False, on_written=None
    ) -> ImportReport:
        """Check, then write (unless `dry_run`); `on_written(report)` runs in the
        transaction that writes."""
        report, rows, repeats = checked_rows(
            self.sheet,
            self.validate,
            skip_invalid=skip_invalid,
            columns=COLUMNS,
            required=REQUIRED,
        )
        if rows is None:
            return report
        report.unchanged = repeats
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
        if dry_run:
            return report
        with transaction.atomic():
            CommuneReport.objects.bulk_create(
                [
                    CommuneReport(
                        campaign_commune_id=row.campaign_commune_id,
                        period_end=row.period_end,
                        source=CommuneReport.Source.IMPORT,
                        entered_by=self.user,
                        **dict(zip(("period_start", *FIGURES), row.figures(), strict=True)),
                    )
                    for row in new
                ],
                batch_size=BATCH,
            )
            now = timezone.now()
            for existing, row in changed:
                for name, value in zip(("period_start", *FIGURES), row.figures(), strict=True):
                    setattr(existing, name, value)
                existing.source = CommuneReport.Source.IMPORT
                existing.entered_by = self.user
                existing.updated_at = now
            CommuneReport.objects.bulk_update(
                [existing for existing, _row in changed],
                ["period_start", *FIGURES, "source", "entered_by", "updated_at"],
                batch_size=BATCH,
            )
            if on_written is not None:
                on_written(report)
        report.written = True
        return report

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
        campaign = self.campaign
        communes = Commune.objects.filter(province_id=campaign.province_id)
        if self.communes is not None:
            communes = communes.filter(pk__in=self.communes.values("pk"))
        index = CommuneIndex(communes.only("pk", "code", "name", "province_id"))
        where = (
            campaign.province.name
            if self.communes is None
            else _("the communes of %(province)s you look after")
            % {"province": campaign.province.name}
        )
        taking_part = dict(
            CampaignCommune.objects.filter(campaign=campaign).values_list("commune_id", "pk")
        )
        # Periods already saved, per campaign commune: (start, end, saved last day).
        periods: dict[int, list[tuple[date, date, int | None]]] = {}
        for cc_id, start, end in CommuneReport.objects.filter(
            campaign_commune__campaign=campaign
        ).values_list("campaign_commune_id", "period_start", "period_end"):
            periods.setdefault(cc_id, []).append((start, end, None))
        header = {name: self.sheet.headers[i] for name, i in positions.items()}
        today = timezone.localdate()
        by_key: dict[tuple[int, date], Row] = {}
        valid: list[Row] = []
        repeats = 0
        for line, values in self.sheet.rows:
            if not any_value(values):
                continue

            cell, problem, problems = row_reader(line, values, positions, header, COLUMNS)

            commune = resolve_commune(cell, index, problem, where)
            if commune is not None and commune.pk not in taking_part:
                problem(
                    "commune_code" if clean_text(cell("commune_code")) else "commune",
                    _("%(commune)s does not take part in %(campaign)s")
                    % {"commune": commune.name, "campaign": campaign.name},
                )
            dates = {}
            for name in ("period_start", "period_end"):
                try:
                    dates[name] = read_date(cell(name))
                except ValueError:
                    problem(
                        name,
                        _("“%(value)s” is not a date: write it as dd/mm/yyyy")
                        % {"value": clean_text(cell(name))},
                    )
            if "period_end" in dates and dates["period_end"] is None:
                problem("period_end", _("give the last day the report covers"))
            counts = {}
            for name in COUNTS:
                try:
                    counts[name] = read_count(cell(name))
                except ValueError:
                    problem(
                        name,
                        _("“%(value)s” is not a whole number of zero or more")
                        % {"value": clean_text(cell(name))},
                    )
                    continue
                if counts[name] is None and name in REQUIRED:
                    problem(name, _("this figure is required"))
            note = clean_text(cell("note"))
            if len(note) > 300:
                problem("note", _("the note is longer than 300 characters"))
            if problems:
                report.errors += problems
                continue

            end = dates["period_end"]
            start = dates.get("period_start") or end
            if start > end:
                problem(
                    "period_end",
                    _("the report ends on %(end)s, before it starts on %(start)s")
                    % {"end": show_date(end), "start": show_date(start)},
                )
            elif end > today:
                problem(
                    "period_end",
                    _("%(day)s is in the future") % {"day": show_date(end)},
                )
            received, online = counts["applications_received"], counts["applications_online"]
            if online > received:
                problem(
                    "applications_online",
                    _("%(online)s filed online is more than the %(received)s received")
                    % {"online": online, "received": received},
                )
            if problems:
                report.errors += problems
                continue

            cc_id = taking_part[commune.pk]
            row = Row(line, cc_id, commune, start, end, **counts, note=note)
            earlier = by_key.get((cc_id, end))
            if earlier is not None:
                if earlier.figures() == row.figures():
                    repeats += 1  # an exact repeat of an earlier row adds nothing
                else:
                    problem(
                        "period_end",
                        _("line %(line)s already reports %(commune)s up to %(day)s")
                        % {"line": earlier.line, "commune": commune.name, "day": show_date(end)},
                    )
                    report.errors += problems
                continue
            clash = next(
                (
                    (s, e, saved_line)
                    for s, e, saved_line in periods.get(cc_id, [])
                    if s <= end and start <= e and not (saved_line is None and e == end)
                ),
                None,
            )
            if clash is not None:
                params = {
                    "commune": commune.name,
                    "start": show_date(clash[0]),
                    "end": show_date(clash[1]),
                    "line": clash[2],
                }
                if clash[2] is None:
                    message = _(
                        "%(commune)s already has a report from %(start)s to %(end)s: "
                        "periods must not overlap"
                    )
                else:
                    message = _(
                        "line %(line)s reports %(commune)s from %(start)s to %(end)s: "
                        "periods must not overlap"
                    )
                problem("period_start", message % params)
                report.errors += problems
                continue
            # The saved report with the same last day is the one this row replaces.
            periods[cc_id] = [
                p for p in periods.get(cc_id, []) if not (p[2] is None and p[1] == end)
            ] + [(start, end, line)]
            by_key[(cc_id, end)] = row
            valid.append(row)
        return valid, repeats
