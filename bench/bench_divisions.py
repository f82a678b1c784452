"""Loading Vietnam's 34 provinces and 3,321 communes.

Figure: a first load and an unchanged re-load with campaign.divisions (in-bulk compare,
bulk writes). Baseline: the naive loader, one update_or_create per unit.
"""

from django.db import transaction
from vietnam_provinces import Province as SourceProvince
from vietnam_provinces import Ward as SourceWard

from bench import Figure, stopwatch
from campaign.divisions import DIVISION_TYPES, load_divisions, province_code
from campaign.models import Commune, Province, Role


def empty():
    Role.objects.all().delete()
    Commune.objects.all().delete()
    Province.objects.all().delete()


@transaction.atomic
def naive_load():
    provinces = {}
    for source in SourceProvince.iter_all():
        code = province_code(source.code.value)
        provinces[code], _ = Province.objects.update_or_create(
            code=code,
            defaults={
                "name": source.name,
                "division_type": DIVISION_TYPES[source.division_type],
                "codename": source.codename,
            },
        )
    for ward in SourceWard.iter_all():
        Commune.objects.update_or_create(
            code=f"{ward.code.value:05d}",
            defaults={
                "name": ward.name,
                "division_type": DIVISION_TYPES[ward.division_type],
                "codename": ward.codename,
                "province": provinces[province_code(ward.province_code.value)],
            },
        )


POSTGRES_FIGURES = ["load_divisions_first_postgres_s", "load_divisions_rerun_postgres_s"]


def run(context):
    engine = context["engine"]
    empty()
    with stopwatch() as naive_first:
        naive_load()
    with stopwatch() as naive_again:
        naive_load()
    empty()
    with stopwatch() as first:
        load_divisions()
    with stopwatch() as again:
        load_divisions()
    assert Commune.objects.count() == 3321
    return [
        Figure(
            f"load_divisions_first_{engine}_s",
            round(first["seconds"], 3),
            "s",
            baseline="update_or_create per unit",
            baseline_value=round(naive_first["seconds"], 3),
            target="< 5",
        ),
        Figure(
            f"load_divisions_rerun_{engine}_s",
            round(again["seconds"], 3),
            "s",
            baseline="update_or_create per unit",
            baseline_value=round(naive_again["seconds"], 3),
            target="< 2",
            note="a re-run writes nothing",
        ),
    ]
