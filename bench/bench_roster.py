"""A campaign's roster (issue: campaigns and scheduling).

Figure
- roster_9k_shifts_s (SQLite) and roster_9k_shifts_postgres_s: Lạng Sơn's 45-day
  campaign, 65 communes, three shifts a day from a weekly template: 8,970 shifts made
  by teams.rota.roster.generate_roster. Baseline: Shift.objects.create one by one,
  measured on 1,000 and scaled.
"""

from datetime import date, time

from bench import Figure, stopwatch
from campaign.divisions import load_divisions
from campaign.models import Campaign, Province
from teams.models import Shift
from teams.rota.roster import WeeklySlot, generate_roster

POSTGRES_FIGURES = ["roster_9k_shifts_postgres_s"]
SAMPLE = 1000
SLOTS = [
    WeeklySlot(weekday, time(start), time(end), place)
    for weekday in range(7)
    for start, end, place in [
        (7, 11, "Trung tâm phục vụ hành chính công"),
        (13, 17, "Trung tâm phục vụ hành chính công"),
        (18, 21, "Nhà văn hóa thôn"),
    ]
]


def run(context):
    engine = context["engine"]
    load_divisions(["20"])
    province = Province.objects.get(code="20")
    campaign = Campaign.objects.create(
        name="45 ngày đêm", province=province, start=date(2026, 12, 1), sms_brand="SỞ TT&TT"
    )
    campaign.add_all_communes()
    communes = list(campaign.communes.all())

    # The naive way: one INSERT per shift, for the first SAMPLE shifts of the template.
    generate_roster(campaign, SLOTS)  # to know the shifts; then start again one by one
    planned = list(
        Shift.objects.filter(campaign=campaign).values_list(
            "commune_id", "place", "starts_at", "ends_at"
        )[:SAMPLE]
    )
    Shift.objects.filter(campaign=campaign).delete()
    with stopwatch() as naive:
        for commune_id, place, starts, ends in planned:
            Shift.objects.create(
                campaign=campaign,
                commune_id=commune_id,
                place=place,
                starts_at=starts,
                ends_at=ends,
            )
    Shift.objects.filter(campaign=campaign).delete()

    with stopwatch() as ours:
        created = generate_roster(campaign, SLOTS, communes=communes)
    with stopwatch() as again:
        assert generate_roster(campaign, SLOTS, communes=communes) == 0
    name = "roster_9k_shifts_s" if engine == "sqlite" else f"roster_9k_shifts_{engine}_s"
    figure = Figure(
        name,
        round(ours["seconds"], 3),
        "s",
        baseline="Shift.objects.create one by one, scaled from 1,000",
        baseline_value=round(naive["seconds"] * created / SAMPLE, 3),
        target="< 5",
        note=f"{created} shifts; generating again adds none in {again['seconds']:.2f} s",
    )
    Shift.objects.filter(campaign=campaign).delete()
    campaign.delete()
    return [figure]
