"""The province coverage page (issue: coverage calendars).

Figure
- coverage_page_sqlite_ms and coverage_page_postgres_ms: Lạng Sơn's 45-day campaign,
  65 communes, three shifts a day (about 9,000 shifts), a third of them with one
  confirmed volunteer; the median of 20 renderings of the province page for an
  organiser, through the test client. Baseline: the same table computed with one
  query per commune and day, measured in the same run.
"""

import statistics
import time as clock
from datetime import date, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, Sum
from django.test import Client
from django.urls import reverse

from bench import Figure
from campaign.divisions import load_divisions
from campaign.models import Campaign, Province, Role
from teams.models import Assignment, Shift, ShiftSignup, Volunteer
from teams.rota.coverage import local_midnight, week_of
from teams.rota.roster import WeeklySlot, generate_roster

POSTGRES_FIGURES = ["coverage_page_postgres_ms"]
RENDERINGS = 20
VOLUNTEERS = 300
SLOTS = [
    WeeklySlot(weekday, time(start), time(end), place)
    for weekday in range(7)
    for start, end, place in [
        (7, 11, "Trung tâm phục vụ hành chính công"),
        (13, 17, "Trung tâm phục vụ hành chính công"),
        (18, 21, "Nhà văn hóa thôn"),
    ]
]


def naive_table(campaign, communes, days):
    """The table the page shows, one query per commune and day."""
    table = {}
    for commune in communes:
        for day in days:
            totals = (
                Shift.objects.live()
                .filter(
                    campaign=campaign,
                    commune=commune,
                    starts_at__gte=local_midnight(day),
                    starts_at__lt=local_midnight(day + timedelta(days=1)),
                )
                .aggregate(
                    needed=Sum("volunteers_needed"),
                    held=Count("signups", filter=Q(signups__status__in=ShiftSignup.HOLDS_A_PLACE)),
                )
            )
            table[commune.pk, day] = (totals["held"], totals["needed"])
    return table


def median_ms(render) -> float:
    times = []
    for _ in range(RENDERINGS):
        start = clock.perf_counter()
        render()
        times.append((clock.perf_counter() - start) * 1000)
    return statistics.median(times)


def staff_the_roster(campaign, communes) -> int:
    """A few hundred volunteers assigned across the communes; one confirmed sign-up on
    every third shift, by a volunteer of that commune. Returns the sign-ups made."""
    volunteers = Volunteer.objects.bulk_create(
        Volunteer(
            full_name=f"Tình nguyện viên {n}",
            search_name=f"tinh nguyen vien {n}",
            phone=f"+8491{n:07d}",
            home_commune=communes[n % len(communes)],
        )
        for n in range(VOLUNTEERS)
    )
    Assignment.objects.bulk_create(
        Assignment(volunteer=v, campaign=campaign, commune=v.home_commune) for v in volunteers
    )
    by_commune = {}
    for volunteer in volunteers:
        by_commune.setdefault(volunteer.home_commune_id, []).append(volunteer)
    shifts = Shift.objects.filter(campaign=campaign).order_by("pk").values_list("pk", "commune_id")
    signups = [
        ShiftSignup(
            shift_id=shift_id,
            volunteer=by_commune[commune_id][n % len(by_commune[commune_id])],
            status=ShiftSignup.Status.CONFIRMED,
        )
        for n, (shift_id, commune_id) in enumerate(shifts)
        if n % 3 == 0
    ]
    ShiftSignup.objects.bulk_create(signups, batch_size=1000)
    return len(signups)


def run(context):
    engine = context["engine"]
    load_divisions(["20"])
    province = Province.objects.get(code="20")
    campaign = Campaign.objects.create(
        name="45 ngày đêm", province=province, start=date(2026, 12, 1), sms_brand="SỞ TT&TT"
    )
    campaign.add_all_communes()
    communes = list(campaign.communes.order_by("name", "pk"))
    shift_count = generate_roster(campaign, SLOTS, communes=communes)
    signup_count = staff_the_roster(campaign, communes)

    user = get_user_model().objects.create_user(username="bench-organiser")
    Role.objects.create(user=user, kind=Role.Kind.ORGANISER, province=province)
    client = Client()
    client.force_login(user)
    week = week_of(campaign, "2026-12-14")
    url = reverse("teams:coverage_province", args=[campaign.pk]) + "?week=2026-12-14"

    def render_page():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    render_page()  # warm up: templates, URL resolver, connection
    ours = median_ms(render_page)
    naive = median_ms(lambda: naive_table(campaign, communes, week.days))

    name = f"coverage_page_{engine}_ms"
    figure = Figure(
        name,
        round(ours, 1),
        "ms",
        baseline="the table alone, one query per commune and day",
        baseline_value=round(naive, 1),
        target="< 300",
        note=(
            f"{len(communes)} communes, {shift_count} shifts, {signup_count} sign-ups; "
            f"median of {RENDERINGS} renderings of a week"
        ),
    )

    ShiftSignup.objects.filter(shift__campaign=campaign).delete()
    Shift.objects.filter(campaign=campaign).delete()
    volunteers = Assignment.objects.filter(campaign=campaign).values_list("volunteer", flat=True)
    Volunteer.objects.filter(pk__in=list(volunteers)).delete()
    campaign.delete()
    user.delete()
    return [figure]
