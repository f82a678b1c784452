"""What each role finds on its first screen: the day's work, read in a few queries.

- A coordinator: today in each of their communes (shifts with who is on them and the
  places left, citizens helped so far, messages waiting, whether last week's report is due).
- An organiser: each running campaign at a glance (communes behind target, shifts short
  of people this week, imports and messages that need a look, messages this week by channel).
- A volunteer: the next shift and their hours.
- An editor or moderator: the guides waiting for their review, and their own drafts.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction

from django.db.models import Count, Max, Prefetch, Q, Sum
from django.utils import timezone
from wagtail.models import Page, Task, TaskState, WorkflowState

from campaign.models import Campaign, CampaignCommune, Role, campaign_tag, target_of
from notifications.models import Channel, Message
from sessions.models import DailyRollup
from teams.models import ImportJob, Shift, ShiftSignup
from teams.rota.coverage import local_midnight, monday_of

BEHIND_BELOW = Fraction(8, 10)  # behind: under 80 % of the target's share of the days gone
LISTED = 8  # rows of a list on the first screen; the full pages have the rest


def running_campaigns(today: date):
    return Campaign.objects.filter(
        status=Campaign.Status.ACTIVE, start__lte=today, end__gte=today
    ).select_related("province")


# A coordinator's communes today.


@dataclass
class ShiftToday:
    shift: Shift
    people: list  # ShiftSignup holding a place, with their volunteer
    places_left: int


@dataclass
class CommuneToday:
    place: CampaignCommune
    shifts: list[ShiftToday] = field(default_factory=list)
    helped_today: int = 0
    sms_waiting: int = 0
    report_due_for: tuple[date, date] | None = None  # the week whose report is missing

    @property
    def gaps(self) -> int:
        return sum(shift.places_left for shift in self.shifts)


def last_full_week(campaign: Campaign, today: date) -> tuple[date, date] | None:
    """Monday to Sunday of last week, cut to the campaign's days; None in its first week."""
    sunday = monday_of(today) - timedelta(days=1)
    if sunday < campaign.start:
        return None
    return max(sunday - timedelta(days=6), campaign.start), min(sunday, campaign.end)


def communes_today(user, today: date) -> list[CommuneToday]:
    coordinated = Role.objects.filter(user=user, kind=Role.Kind.COORDINATOR).values("communes")
    places = list(
        CampaignCommune.objects.filter(
            commune__in=coordinated, campaign__in=running_campaigns(today)
        )
        .select_related("campaign", "commune")
        .annotate(last_report_end=Max("reports__period_end"))
        .order_by("campaign__start", "commune__name")
    )
    if not places:
        return []
    rows = {(p.campaign_id, p.commune_id): CommuneToday(p) for p in places}
    campaign_ids = {p.campaign_id for p in places}
    commune_ids = {p.commune_id for p in places}

    shifts = (
        Shift.objects.filter(
            campaign_id__in=campaign_ids,
            commune_id__in=commune_ids,
            cancelled_at__isnull=True,
            starts_at__gte=local_midnight(today),
            starts_at__lt=local_midnight(today + timedelta(days=1)),
        )
        .prefetch_related(
            Prefetch(
                "signups",
                ShiftSignup.objects.filter(status__in=ShiftSignup.HOLDS_A_PLACE)
                .select_related("volunteer")
                .order_by("volunteer__full_name"),
                to_attr="holding",
            )
        )
        .order_by("starts_at", "place")
    )
    for shift in shifts:
        row = rows.get((shift.campaign_id, shift.commune_id))
        if row is not None:
            left = max(shift.volunteers_needed - len(shift.holding), 0)
            row.shifts.append(ShiftToday(shift, shift.holding, left))

    helped = (
        DailyRollup.objects.filter(
            campaign_id__in=campaign_ids, commune_id__in=commune_ids, day=today
        )
        .values_list("campaign_id", "commune_id")
        .annotate(n=Sum("sessions"))
    )
    for campaign_id, commune_id, n in helped:
        if (campaign_id, commune_id) in rows:
            rows[campaign_id, commune_id].helped_today = n

    tags = {campaign_tag(*key): key for key in rows}
    waiting = (
        Message.objects.filter(tag__in=tags, status=Message.Status.QUEUED)
        .values_list("tag")
        .annotate(n=Count("pk"))
    )
    for tag, n in waiting:
        rows[tags[tag]].sms_waiting = n

    for row in rows.values():
        week = last_full_week(row.place.campaign, today)
        last_end = row.place.last_report_end
        if week is not None and (last_end is None or last_end < week[1]):
            row.report_due_for = week
    return list(rows.values())


# An organiser's campaigns at a glance.


@dataclass
class Behind:
    place: CampaignCommune
    helped: int
    expected: int

    @property
    def percent_of_expected(self) -> int:
        return round(self.helped * 100 / self.expected) if self.expected else 0


@dataclass
class CampaignGlance:
    campaign: Campaign
    communes: int = 0
    helped: int = 0
    target: int = 0
    behind: list[Behind] = field(default_factory=list)
    behind_count: int = 0
    short_shifts: list = field(default_factory=list)  # Shift, with places_left
    short_count: int = 0
    places_missing: int = 0
    sms_failed: int = 0
    sms_waiting: int = 0
    # Messages queued this week, by the channel they went by; SMS after Zalo among the SMS.
    by_zalo: int = 0
    by_sms: int = 0
    sms_after_zalo: int = 0

    @property
    def messages_this_week(self) -> int:
        return self.by_zalo + self.by_sms

    @property
    def day_number(self) -> int:
        return (timezone.localdate() - self.campaign.start).days + 1

    @property
    def length(self) -> int:
        return (self.campaign.end - self.campaign.start).days + 1


def organised_running(user, today: date):
    return running_campaigns(today).filter(pk__in=Campaign.objects.organised_by(user))


def campaign_glance(campaign: Campaign, today: date) -> CampaignGlance:
    glance = CampaignGlance(campaign)
    places = list(
        CampaignCommune.objects.filter(campaign=campaign)
        .select_related("commune")
        .annotate(citizens_target=target_of("citizens_helped"))
    )
    glance.communes = len(places)
    helped = dict(
        DailyRollup.objects.filter(campaign=campaign)
        .values_list("commune_id")
        .annotate(n=Sum("sessions"))
    )
    gone = Fraction((today - campaign.start).days + 1, (campaign.end - campaign.start).days + 1)
    for place in places:
        done = helped.get(place.commune_id, 0)
        glance.helped += done
        if place.citizens_target:
            glance.target += int(place.citizens_target)
            expected = round(int(place.citizens_target) * gone)
            if expected and Fraction(done, expected) < BEHIND_BELOW:
                glance.behind.append(Behind(place, done, expected))
    glance.behind.sort(key=lambda b: (Fraction(b.helped, b.expected), b.place.commune.name))
    glance.behind_count = len(glance.behind)
    glance.behind = glance.behind[:LISTED]

    week_end = monday_of(today) + timedelta(days=7)
    shifts = (
        Shift.objects.filter(
            campaign=campaign,
            cancelled_at__isnull=True,
            starts_at__gte=timezone.now(),
            starts_at__lt=local_midnight(week_end),
        )
        .annotate(held=Count("signups", filter=Q(signups__status__in=ShiftSignup.HOLDS_A_PLACE)))
        .select_related("commune")
        .order_by("starts_at", "commune__name")
    )
    for shift in shifts:
        left = shift.volunteers_needed - shift.held
        if left > 0:
            shift.places_left = left
            glance.short_count += 1
            glance.places_missing += left
            if len(glance.short_shifts) < LISTED:
                glance.short_shifts.append(shift)

    week_ago = timezone.now() - timedelta(days=7)
    this_week = Q(created_at__gte=week_ago) & ~Q(status=Message.Status.CANCELLED)
    sms = Message.objects.filter(tag__startswith=f"{campaign_tag(campaign.pk)}:").aggregate(
        failed=Count(
            "pk",
            filter=Q(
                status__in=[Message.Status.FAILED, Message.Status.UNDELIVERED],
                updated_at__gte=week_ago,
            ),
        ),
        waiting=Count("pk", filter=Q(status=Message.Status.QUEUED)),
        by_zalo=Count("pk", filter=this_week & Q(channel=Channel.ZALO)),
        by_sms=Count("pk", filter=this_week & Q(channel=Channel.SMS)),
        after_zalo=Count("pk", filter=this_week & Q(channel=Channel.SMS) & ~Q(fallback_reason="")),
    )
    glance.sms_failed, glance.sms_waiting = sms["failed"], sms["waiting"]
    glance.by_zalo, glance.by_sms = sms["by_zalo"], sms["by_sms"]
    glance.sms_after_zalo = sms["after_zalo"]
    return glance


def imports_needing_a_look(user, days: int = 7) -> list[ImportJob]:
    """The user's imports of the past week that failed, found bad rows or are unfinished."""
    since = timezone.now() - timedelta(days=days)
    return list(
        ImportJob.objects.visible_to(user)
        .filter(created_at__gte=since)
        .filter(
            Q(status=ImportJob.Status.FAILED)
            | Q(status=ImportJob.Status.PREVIEWED)
            | Q(error_count__gt=0)
            | Q(status__in=[ImportJob.Status.QUEUED, ImportJob.Status.RUNNING])
        )
        .order_by("-created_at")[:LISTED]
    )


# Editors and moderators.


@dataclass
class Editing:
    to_review: list  # TaskState the user may approve
    submitted: list  # WorkflowState of pages the user sent for review
    drafts: list  # Page with unpublished changes the user last edited


def editing_for(user) -> Editing:
    to_review = []
    for task in Task.objects.filter(active=True):
        to_review += list(
            task.specific.get_task_states_user_can_moderate(user).select_related(
                "workflow_state__base_content_type"
            )[:LISTED]
        )
    to_review = [state for state in to_review if isinstance(state, TaskState)][:LISTED]
    submitted = list(
        WorkflowState.objects.filter(
            requested_by=user, status=WorkflowState.STATUS_IN_PROGRESS
        ).order_by("-created_at")[:LISTED]
    )
    drafts = list(
        Page.objects.filter(has_unpublished_changes=True, latest_revision__user=user)
        .specific()
        .order_by("-latest_revision_created_at")[:LISTED]
    )
    return Editing(to_review, submitted, drafts)
