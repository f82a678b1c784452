"""Vietnam's provinces and communes, loaded from the `vietnam-provinces` package.

Loading is idempotent: a unit is found by its official code, created when new, and
updated when a newer package renames it. Nothing is ever duplicated or deleted.
"""

from dataclasses import dataclass, field

import vietnam_provinces
from django.db import transaction
from vietnam_provinces import Province as SourceProvince
from vietnam_provinces import VietNamDivisionType
from vietnam_provinces import Ward as SourceWard

from campaign.models import Commune, DivisionType, Province

DIVISION_TYPES = {
    VietNamDivisionType.TINH: DivisionType.PROVINCE,
    VietNamDivisionType.THANH_PHO_TRUNG_UONG: DivisionType.CENTRAL_CITY,
    VietNamDivisionType.XA: DivisionType.COMMUNE,
    VietNamDivisionType.PHUONG: DivisionType.WARD,
    VietNamDivisionType.DAC_KHU: DivisionType.SPECIAL_ZONE,
}


class UnknownProvince(ValueError):
    pass


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class LoadResult:
    provinces: Tally = field(default_factory=Tally)
    communes: Tally = field(default_factory=Tally)
    source_version: str = vietnam_provinces.__version__


def province_code(value) -> str:
    """The two-digit official code for `value` ("1", "01" or 1 all give "01")."""
    text = str(value).strip()
    if not text.isdigit():
        raise UnknownProvince(value)
    return f"{int(text):02d}"


def source_provinces() -> dict[str, SourceProvince]:
    return {province_code(p.code.value): p for p in SourceProvince.iter_all()}


def describe_provinces() -> str:
    return ", ".join(f"{code} {p.name}" for code, p in sorted(source_provinces().items()))


def resolve_province_codes(values) -> list[str]:
    """Official codes for what an operator typed; UnknownProvince names the bad ones."""
    known = source_provinces()
    codes, unknown = [], []
    for value in values:
        try:
            code = province_code(value)
        except UnknownProvince:
            code = None
        if code in known:
            codes.append(code)
        else:
            unknown.append(str(value))
    if unknown:
        raise UnknownProvince(", ".join(unknown))
    return sorted(set(codes))


def _sync(model, wanted: dict[str, dict]) -> Tally:
    """Create or update `model` rows keyed by code so they hold `wanted`."""
    tally = Tally()
    existing = model.objects.in_bulk(list(wanted), field_name="code")
    to_create, to_update = [], []
    for code, values in wanted.items():
        row = existing.get(code)
        if row is None:
            to_create.append(model(code=code, **values))
            continue
        changed = [name for name, value in values.items() if getattr(row, name) != value]
        if changed:
            for name in changed:
                setattr(row, name, values[name])
            to_update.append(row)
        else:
            tally.unchanged += 1
    model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        model.objects.bulk_update(to_update, list(wanted[next(iter(wanted))]), batch_size=500)
    tally.created, tally.updated = len(to_create), len(to_update)
    return tally


@transaction.atomic
def load_divisions(province_codes: list[str] | None = None) -> LoadResult:
    """Load all provinces, or only those in `province_codes`, with their communes."""
    provinces = source_provinces()
    if province_codes:
        provinces = {code: provinces[code] for code in province_codes}
    result = LoadResult()
    result.provinces = _sync(
        Province,
        {
            code: {
                "name": p.name,
                "division_type": DIVISION_TYPES[p.division_type],
                "codename": p.codename,
            }
            for code, p in provinces.items()
        },
    )
    province_ids = dict(Province.objects.filter(code__in=provinces).values_list("code", "pk"))
    wanted = {}
    for ward in SourceWard.iter_all():
        code = province_code(ward.province_code.value)
        if code in provinces:
            wanted[f"{ward.code.value:05d}"] = {
                "name": ward.name,
                "division_type": DIVISION_TYPES[ward.division_type],
                "codename": ward.codename,
                "province_id": province_ids[code],
            }
    if wanted:
        result.communes = _sync(Commune, wanted)
    return result
