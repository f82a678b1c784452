"""Import a campaign's targets from a spreadsheet: one row per commune, one column per
indicator.

    Mã xã | Xã/Phường | Người dân được hỗ trợ | Tỷ lệ hồ sơ trực tuyến | ...

An indicator's column is headed by its Vietnamese or English name or its code, with or
without diacritics; the indicators are those offered in the campaign's province. A
number sets the commune's target for the indicator (a rate from 0 to 100, a count whole
and not below zero); an empty cell leaves the target as it is. Numbers may be written
the Vietnamese way (2.000 and 35,5) or the English way (2000 and 35.5).

It works as the registry import does: every row checked first, problems with line,
column and reason, nothing written while any row has an error unless invalid rows are
skipped, then one transaction. Importing the same file again changes nothing; the
counts are of targets, not rows.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from campaign.commune_names import (
    CODE_OR_NAME,
    COMMUNE_COLUMNS,
    CommuneIndex,
    check_taking_part,
    resolve_commune,
)
from campaign.models import Campaign, CampaignCommune, Commune, Indicator, IndicatorTarget
from campaign.models import target_problem as unit_problem
from lib.spreadsheets.reading import Sheet, clean_text
from lib.spreadsheets.tables import Cells, ImportReport, SheetImport, Table
from lib.text import compact_key

GROUPED = re.compile(r"^[1-9]\d{0,2}(\.\d{3})+$")  # 2.000 or 1.234.567: thousands


def read_number(raw) -> Decimal | None:
    """A cell as a number, None when empty; ValueError when it is not one."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raise ValueError(raw)
    if isinstance(raw, int | float):
        return Decimal(str(raw))
    text = clean_text(raw).replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    if "," in text:  # the decimal comma; any dot groups thousands
        text = text.replace(".", "").replace(",", ".")
    elif GROUPED.match(text):
        text = text.replace(".", "")
    try:
        value = Decimal(text)
    except InvalidOperation as error:
        raise ValueError(raw) from error
    if not value.is_finite():
        raise ValueError(raw)
    return value


def columns_for(indicators) -> dict:
    """The table's columns: the commune's, then one per indicator."""
    columns = dict(COMMUNE_COLUMNS)
    for indicator in indicators:
        names = {indicator.code, indicator.name, indicator.name_en}
        columns[indicator.code] = (indicator.name, {compact_key(n) for n in names if n})
    return columns


@dataclass
class Row:
    line: int
    campaign_commune_id: int
    values: dict  # indicator pk -> Decimal, for the cells with a number


class TargetImport(SheetImport):
    """One import of one sheet of targets into `campaign`."""

    def __init__(self, sheet: Sheet, campaign: Campaign):
        self.sheet = sheet
        self.campaign = campaign
        self.indicators = list(Indicator.objects.offered_in(campaign.province_id))
        self.table = Table(columns_for(self.indicators), one_of=(CODE_OR_NAME,))

    def validate(self, positions: dict[str, int], report: ImportReport) -> tuple[list[Row], int]:
        communes = Commune.objects.filter(province_id=self.campaign.province_id)
        index = CommuneIndex(communes.only("pk", "code", "name", "province_id"))
        taking_part = dict(
            CampaignCommune.objects.filter(campaign=self.campaign).values_list("commune_id", "pk")
        )
        seen: dict[int, Row] = {}
        valid, repeats = [], 0
        for cells in self.table.rows(self.sheet, positions, report):
            commune = resolve_commune(cells, index, cells.problem, self.campaign.province.name)
            if not check_taking_part(cells, commune, self.campaign, taking_part):
                continue
            values = self.read_values(cells)
            if not cells.ok:
                continue
            row = Row(cells.line, taking_part[commune.pk], values)
            earlier = seen.get(row.campaign_commune_id)
            if earlier is not None:
                if earlier.values == row.values:
                    repeats += len(row.values)  # its targets, unchanged
                else:
                    cells.problem(
                        "commune_code" if clean_text(cells("commune_code")) else "commune",
                        _("line %(line)s already sets the targets of %(commune)s")
                        % {"line": earlier.line, "commune": commune.name},
                    )
                continue
            seen[row.campaign_commune_id] = row
            valid.append(row)
        return valid, repeats

    def read_values(self, cells: Cells) -> dict:
        values = {}
        for indicator in self.indicators:
            try:
                value = read_number(cells(indicator.code))
            except ValueError:
                cells.problem(
                    indicator.code,
                    _("“%(value)s” is not a number") % {"value": cells.text(indicator.code)},
                )
                continue
            if value is None:
                continue
            problem = unit_problem(indicator, value) or (
                _("at most two decimals") if value != value.quantize(Decimal("0.01")) else None
            )
            if problem:
                cells.problem(indicator.code, str(problem))
                continue
            values[indicator.pk] = value
        return values

    def plan(self, rows: list[Row], report: ImportReport):
        """New targets, and the stored ones whose value changes: counted per target."""
        stored = {
            (t.campaign_commune_id, t.indicator_id): t
            for t in IndicatorTarget.objects.filter(
                campaign_commune_id__in=[row.campaign_commune_id for row in rows]
            )
        }
        new, changed = [], []
        for row in rows:
            for indicator_id, value in row.values.items():
                target = stored.get((row.campaign_commune_id, indicator_id))
                if target is None:
                    new.append(
                        IndicatorTarget(
                            campaign_commune_id=row.campaign_commune_id,
                            indicator_id=indicator_id,
                            value=value,
                        )
                    )
                elif target.value != value:
                    target.value = value
                    changed.append(target)
                else:
                    report.unchanged += 1
        report.created, report.updated = len(new), len(changed)
        return new, changed

    def write(self, plan) -> None:
        new, changed = plan
        IndicatorTarget.objects.bulk_create(new, batch_size=1000)
        IndicatorTarget.objects.bulk_update(changed, ["value"], batch_size=1000)
