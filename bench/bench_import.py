"""Importing a province's registry (issue: team registry).

Figures
- import_9k_<engine>_s: Lạng Sơn's sheet (65 communes, 1,646 teams, 8,800 people,
  9,000 rows, phone numbers typed every way) read from CSV and imported with
  teams.registry.importing, as `manage.py import_members` does.
- import_9k_speedup_vs_stock: stock django-import-export importing the same rows per row
  (a ModelResource for volunteers alone, default options, measured in the same run),
  divided by ours, which also writes the teams and memberships.
- reimport_9k_unchanged_s: the same file again; nothing is written.
- import_100k_sqlite_s: 100,000 rows (BENCH_IMPORT_BIG_ROWS) into a fresh database, to
  show the time stays linear: its baseline is 9k's time scaled to 100k rows.
"""

import csv
import io
import os

import tablib
from django.db import connection
from import_export import fields, resources, widgets

from bench import Figure, stopwatch
from campaign.divisions import load_divisions
from campaign.models import Commune, Province
from lib.spreadsheets.reading import read_sheet
from notifications.phones import normalise_mobile
from teams.demo import lang_son_sheet
from teams.models import Membership, Team, Volunteer
from teams.registry.importing import MemberImport

BIG_ROWS = int(os.environ.get("BENCH_IMPORT_BIG_ROWS", "100000"))
POSTGRES_FIGURES = ["import_9k_postgres_s", "reimport_9k_postgres_s"]


class StockVolunteerResource(resources.ModelResource):
    """What a team would write first with django-import-export's defaults."""

    home_commune = fields.Field(
        attribute="home_commune",
        column_name="code",
        widget=widgets.ForeignKeyWidget(Commune, "code"),
    )

    class Meta:
        model = Volunteer
        fields = (
            "phone",
            "full_name",
            "search_name",
            "affiliation",
            "organisation",
            "home_commune",
        )
        import_id_fields = ("phone",)


def empty():
    Membership.objects.all().delete()
    Team.objects.all().delete()
    Volunteer.objects.all().delete()


def as_csv(sheet) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(sheet.headers)
    writer.writerows(values for _line, values in sheet.rows)
    return buffer.getvalue().encode("utf-8")


def import_csv(content: bytes, province):
    report = MemberImport(read_sheet("members.csv", content), province=province).run()
    assert not report.errors, report.errors[:3]
    return report


def stock_dataset(sheet):
    dataset = tablib.Dataset(
        headers=["phone", "full_name", "search_name", "affiliation", "organisation", "code"]
    )
    seen = set()
    for _line, (code, _name, _team, full_name, phone, _role, _aff, org) in sheet.rows:
        e164 = normalise_mobile(phone).e164
        if e164 in seen:
            continue
        seen.add(e164)
        dataset.append([e164, full_name, full_name.lower(), "other", org, code])
    return dataset


def run(context):
    engine = context["engine"]
    load_divisions(["20"])
    province = Province.objects.get(code="20")
    sheet = lang_son_sheet(province)
    content = as_csv(sheet)
    figures = []

    empty()
    with stopwatch() as stock:
        result = StockVolunteerResource().import_data(stock_dataset(sheet), dry_run=False)
    assert not result.has_errors() and Volunteer.objects.count() == 8800
    empty()
    with stopwatch() as ours:
        report = import_csv(content, province)
    assert report.created == len(sheet.rows), report.summary()
    with stopwatch() as again:
        report = import_csv(content, province)
    assert report.unchanged == len(sheet.rows) and report.created == 0, report.summary()

    figures.append(
        Figure(
            f"import_9k_{engine}_s",
            round(ours["seconds"], 3),
            "s",
            baseline="stock django-import-export, per row (volunteers only)",
            baseline_value=round(stock["seconds"], 3),
            target="< 3",
        )
    )
    if engine == "sqlite":
        figures.append(
            Figure(
                "import_9k_speedup_vs_stock",
                round(stock["seconds"] / ours["seconds"], 1),
                "x",
                baseline="stock django-import-export, per row (volunteers only)",
                baseline_value=1.0,
                target=">= 10",
            )
        )
    figures.append(
        Figure(
            "reimport_9k_unchanged_s" if engine == "sqlite" else f"reimport_9k_{engine}_s",
            round(again["seconds"], 3),
            "s",
            baseline="first import of the same file",
            baseline_value=round(ours["seconds"], 3),
            target="< 2",
            note="the second run writes nothing",
        )
    )

    if engine == "sqlite" and BIG_ROWS:
        communes = list(Commune.objects.filter(province=province).order_by("code"))
        from teams.demo import member_sheet

        big = member_sheet(
            communes, teams=BIG_ROWS // 5, volunteers=BIG_ROWS, rows=BIG_ROWS, seed=7
        )
        big_content = as_csv(big)
        empty()
        with stopwatch() as large:
            import_csv(big_content, province)
        figures.append(
            Figure(
                f"import_{BIG_ROWS // 1000}k_sqlite_s",
                round(large["seconds"], 3),
                "s",
                baseline="9k import time scaled linearly",
                baseline_value=round(ours["seconds"] * len(big.rows) / len(sheet.rows), 3),
                target="linear",
                note=f"{len(big.rows)} rows, {Team.objects.count()} teams",
            )
        )
    empty()
    connection.close()
    return figures
