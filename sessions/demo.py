"""Demo help sessions: the running Lạng Sơn campaign's days so far, as volunteers logged
them, a few follow-ups queued for citizens who asked, and the demo volunteer's own logs.

Sessions are made with fixed UUIDs (uuid5 of their number), so a re-run adds nothing.
"""

import random
import uuid
from datetime import datetime, time, timedelta

from django.utils import timezone

from campaign.models import Campaign, ServiceType
from teams.models import Assignment

NAMESPACE = uuid.UUID("3f0b1c5e-8f3a-4b7e-9d61-0c2a7e5b9a41")
PER_COMMUNE_PER_DAY = (20, 70)
# How often each service comes up, roughly as campaigns report it.
SERVICE_WEIGHTS = {
    "eid_account": 30, "eid_level_2": 25, "portal_account": 12, "online_application": 15,
    "online_payment": 8, "certified_copy": 4, "account_safety": 10, "queue_number_app": 5,
    "smartphone_basics": 9, "other": 2,
}  # fmt: skip
FOLLOW_UPS = 12


def seed(stdout):
    from sessions import rollups
    from sessions.models import HelpSession

    campaign = Campaign.objects.filter(province__code="20").order_by("-start").first()
    if campaign is not None:
        seed_reports(campaign, stdout)
    if campaign is None or HelpSession.objects.filter(campaign=campaign).exists():
        return []
    rng = random.Random(2026)
    services = {s.code: s for s in ServiceType.objects.filter(code__in=SERVICE_WEIGHTS)}
    workers = {}
    for volunteer_id, commune_id in Assignment.objects.filter(campaign=campaign).values_list(
        "volunteer_id", "commune_id"
    ):
        workers.setdefault(commune_id, []).append(volunteer_id)
    now = timezone.now()
    sessions = logged_so_far(campaign, workers, services, rng, now)
    sessions += the_demo_volunteers_logs(campaign, services, now)
    followed = ask_for_follow_ups(sessions, rng, timezone.localdate(now))
    rollups.rebuild([campaign.pk])  # the sessions above were written in bulk
    if stdout:
        stdout.write(
            f"Demo help sessions: {len(sessions)} logged in {len(workers)} communes since "
            f"{campaign.start:%d/%m}, {followed} follow-up SMS queued"
        )
    return []


def logged_so_far(campaign, workers, services, rng, now) -> list:
    """Each commune's logs, day by day from the campaign's start until now, written in
    bulk with their services."""
    from sessions.logs import digest
    from sessions.models import HelpSession

    codes, weights = list(SERVICE_WEIGHTS), list(SERVICE_WEIGHTS.values())
    sessions, chosen = [], []
    day = campaign.start
    while day <= timezone.localdate(now):
        for commune_id, people in sorted(workers.items()):
            for _ in range(rng.randint(*PER_COMMUNE_PER_DAY)):
                moment = timezone.make_aware(
                    datetime.combine(day, time(7)) + timedelta(minutes=rng.randrange(13 * 60))
                )
                if moment > now:
                    continue
                picked = set(rng.choices(codes, weights, k=rng.choice((1, 1, 1, 2))))
                number = len(sessions)
                session = HelpSession(
                    uuid=uuid.uuid5(NAMESPACE, str(number)),
                    volunteer_id=rng.choice(people),
                    campaign=campaign,
                    commune_id=commune_id,
                    helped_at=moment,
                    minutes=rng.choice((5, 10, 10, 15, 15, 20, 30, 45)),
                    elderly=rng.random() < 0.3,
                    disability=rng.random() < 0.04,
                    ethnic_minority=rng.random() < 0.45,  # Tày and Nùng communes
                    age_band=rng.choice([*HelpSession.AgeBand.values, ""]),
                    gender=rng.choice(["female", "male", ""]),
                    outcome=rng.choices(HelpSession.Outcome.values, weights=(75, 12, 5, 8))[0],
                    created_at=moment,
                )
                session.content_digest = digest({"n": number})
                sessions.append(session)
                chosen.append(picked)
        day += timedelta(days=1)
    HelpSession.objects.bulk_create(sessions, batch_size=2000)
    Through = HelpSession.services.through
    Through.objects.bulk_create(
        (
            Through(helpsession_id=session.pk, servicetype_id=services[code].pk)
            for session, picked in zip(sessions, chosen, strict=True)
            for code in picked
        ),
        batch_size=5000,
    )
    return sessions


def the_demo_volunteers_logs(campaign, services, now) -> list:
    """The demo volunteer's own logs this morning, still open to correction."""
    from sessions.logs import digest
    from sessions.models import HelpSession

    me = Assignment.objects.filter(campaign=campaign, volunteer__user__username="volunteer")
    mine = me.select_related("volunteer").first()
    if mine is None:
        return []
    sessions = []
    for number, code in enumerate(("eid_account", "eid_level_2", "account_safety")):
        session = HelpSession.objects.create(
            uuid=uuid.uuid5(NAMESPACE, f"volunteer-{number}"),
            volunteer=mine.volunteer,
            campaign=campaign,
            commune_id=mine.commune_id,
            helped_at=now - timedelta(minutes=40 - 15 * number),
            minutes=10,
            elderly=number == 0,
            content_digest=digest({"volunteer": number}),
        )
        session.services.set([services[code]])
        sessions.append(session)
    return sessions


def ask_for_follow_ups(sessions, rng, today) -> int:
    """Citizens who asked for a follow-up SMS, from the latest logs."""
    from sessions.followups import schedule_follow_up
    from sessions.models import HelpSession

    followed = 0
    for session in sessions[-FOLLOW_UPS * 20 :: 20]:
        session.citizen_phone = f"+8498{rng.randrange(10**7):07d}"
        session.contact_consent_at = session.helped_at
        session.follow_up = rng.choice(HelpSession.FollowUp.values)
        session.follow_up_on = today + timedelta(days=rng.randint(1, 5))
        session.save()
        schedule_follow_up(session)
        followed += 1
    return followed


def seed_reports(campaign, stdout):
    """The communes' official figures: a week before the campaign, then one report per
    day so far, the share filed online climbing from about 1 % towards each commune's
    own level (between 15 % and 90 %), some of it end to end. Targets for the two rates,
    digitised records and online payments, where the communes have none yet."""
    from campaign.models import CampaignCommune, CommuneReport, Indicator, IndicatorTarget

    if CommuneReport.objects.filter(campaign_commune__campaign=campaign).exists():
        return
    rng = random.Random(1646)
    today = timezone.localdate()
    reports = []
    indicators = {
        i.code: i
        for i in Indicator.objects.filter(
            code__in=["online_application_rate", "end_to_end_rate", "records_digitised",
                      "online_payments"]
        )
    }  # fmt: skip
    targets = []
    for cc in CampaignCommune.objects.filter(campaign=campaign).order_by("pk"):
        for code, value in (
            ("online_application_rate", rng.choice((25, 30, 30, 40))),
            ("end_to_end_rate", rng.choice((10, 15, 20))),
            ("records_digitised", 600),
            ("online_payments", 250),
        ):
            targets.append(
                IndicatorTarget(campaign_commune=cc, indicator=indicators[code], value=value)
            )
        start_rate, final_rate = rng.uniform(0.3, 2.0), rng.uniform(15, 90)
        received = rng.randint(300, 900)
        reports.append(
            CommuneReport(
                campaign_commune=cc,
                period_start=campaign.start - timedelta(days=7),
                period_end=campaign.start - timedelta(days=1),
                applications_received=received,
                applications_online=round(received * start_rate / 100),
                records_digitised=rng.randint(0, 20),
                payments_online=rng.randint(0, 5),
                source=CommuneReport.Source.IMPORT,
            )
        )
        day = campaign.start
        while day < today:
            reached = min(1, (day - campaign.start).days / 20)
            rate = start_rate + (final_rate - start_rate) * reached * rng.uniform(0.8, 1.1)
            received = rng.randint(40, 140)
            reports.append(
                CommuneReport(
                    campaign_commune=cc,
                    period_start=day,
                    period_end=day,
                    applications_received=received,
                    applications_online=(online := min(received, round(received * rate / 100))),
                    applications_end_to_end=round(online * rng.uniform(0.3, 0.7)),
                    records_digitised=rng.randint(5, 30),
                    payments_online=rng.randint(1, 12),
                    source=CommuneReport.Source.IMPORT,
                )
            )
            day += timedelta(days=1)
    CommuneReport.objects.bulk_create(reports, batch_size=2000)
    IndicatorTarget.objects.bulk_create(targets, batch_size=2000, ignore_conflicts=True)
    if stdout:
        stdout.write(f"Demo commune reports: {len(reports)} for {campaign.name}")
