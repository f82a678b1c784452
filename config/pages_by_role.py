"""Every page of the signed-in site, for each role that uses it: the list `make
screenshots` renders and tests/browser/test_staff_pages.py checks.

A page's address names objects (a campaign, a commune, a team...). They are looked up
when the list is read, among the objects the signed-in person may see, so the one list
serves the demo database and a test's small one alike.
"""

from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from campaign.access import visible_campaigns, visible_communes
from campaign.models import CommuneReport
from cms.models import GuidePage, HomePage
from sessions.models import HelpSession
from teams.models import Broadcast, ImportJob, Shift, ShiftSignup, Team, Volunteer
from teams.rota.links import shift_link_url

# Each role and the account that plays it: the demo accounts of `manage.py seed_demo`.
ACCOUNTS = {
    "organiser": "organiser",
    "coordinator": "coordinator",
    "volunteer": "volunteer",
    "editor": "editor",
    "moderator": "reviewer",
}
STAFF = ("organiser", "coordinator")
ORGANISER = ("organiser",)
VOLUNTEER = ("volunteer",)
CMS = ("editor", "moderator")


class Scope:
    """What one person's pages are about: the first object of each kind they may see."""

    def __init__(self, user):
        self.user = user
        self.now = timezone.now()

    @cached_property
    def campaign(self):
        return visible_campaigns(self.user).order_by("-start", "pk").first()

    @cached_property
    def commune(self):
        return visible_communes(self.user).filter(campaigns=self.campaign).order_by("code").first()

    @cached_property
    def report(self):
        return (
            CommuneReport.objects.filter(
                campaign_commune__campaign=self.campaign, campaign_commune__commune=self.commune
            )
            .order_by("-period_end")
            .first()
        )

    @cached_property
    def team(self):
        return Team.objects.visible_to(self.user).filter(commune=self.commune).first()

    @cached_property
    def volunteer(self):
        return Volunteer.objects.visible_to(self.user).order_by("pk").first()

    @cached_property
    def import_job(self):
        return ImportJob.objects.visible_to(self.user).first()

    @cached_property
    def broadcast(self):
        return Broadcast.objects.visible_to(self.user).order_by("-pk").first()

    @cached_property
    def shift(self):
        """A shift still to come, which can be changed."""
        return (
            Shift.objects.visible_to(self.user)
            .live()
            .filter(campaign=self.campaign, commune=self.commune, starts_at__gt=self.now)
            .order_by("starts_at")
            .first()
        )

    @cached_property
    def my_place(self):
        """The volunteer's place on a shift still to come."""
        return (
            ShiftSignup.objects.filter(
                volunteer__user=self.user,
                shift__starts_at__gt=self.now,
                shift__cancelled_at__isnull=True,
            )
            .order_by("shift__starts_at")
            .first()
        )

    @cached_property
    def my_log(self):
        """The volunteer's latest help session, still open to correction."""
        return HelpSession.objects.filter(volunteer__user=self.user).order_by("-helped_at").first()

    @cached_property
    def home_page(self):
        return HomePage.objects.filter(locale__language_code="vi").first()

    @cached_property
    def guide(self):
        return GuidePage.objects.filter(locale__language_code="vi").order_by("path").first()


def url(route, *objects, query=""):
    """The address of `route` for `objects`, or None when one of them is missing."""
    if any(thing is None for thing in objects):
        return None
    address = reverse(route, args=[thing.pk for thing in objects])
    return f"{address}?{query}" if query else address


def shift_answer(scope):
    if scope.my_place is None:
        return None
    return shift_link_url(scope.my_place).removeprefix(settings.SITE_URL)


def new_shift(scope):
    if scope.campaign is None or scope.commune is None:
        return None
    query = f"campaign={scope.campaign.pk}&commune={scope.commune.pk}"
    return url("teams:shift_new", query=query)


@dataclass(frozen=True)
class Page:
    name: str
    roles: tuple
    address: object  # Scope -> str, or None when the page has nothing to show yet


# fmt: off
PAGES = [
    # Signed in: the first screen, and the campaigns page.
    Page("today", STAFF + VOLUNTEER + CMS, lambda s: url("desk:today")),
    Page("start", STAFF + VOLUNTEER, lambda s: url("campaign:overview")),
    # Campaigns, their targets, readiness and reports.
    Page("campaign-new", ORGANISER, lambda s: url("campaign:campaign_new")),
    Page("campaign", STAFF, lambda s: url("campaign:campaign_detail", s.campaign)),
    Page("campaign-edit", ORGANISER, lambda s: url("campaign:campaign_edit", s.campaign)),
    Page("campaign-targets", ORGANISER, lambda s: url("campaign:campaign_targets", s.campaign)),
    Page("readiness", STAFF,
         lambda s: url("campaign:commune_readiness", s.campaign, s.commune)),
    Page("reports", STAFF, lambda s: url("campaign:report_list", s.campaign)),
    Page("commune-reports", STAFF,
         lambda s: url("campaign:commune_reports", s.campaign, s.commune)),
    Page("commune-report-edit", STAFF,
         lambda s: url("campaign:commune_report_edit", s.campaign, s.commune, s.report)),
    Page("report-import", STAFF, lambda s: url("teams:report_import")),
    Page("audit-trail", ORGANISER, lambda s: url("campaign:audit_log")),
    # The registry.
    Page("teams", STAFF, lambda s: url("teams:team_list")),
    Page("team-new", STAFF, lambda s: url("teams:team_new")),
    Page("team", STAFF, lambda s: url("teams:team_detail", s.team)),
    Page("team-edit", STAFF, lambda s: url("teams:team_edit", s.team)),
    Page("volunteers", STAFF, lambda s: url("teams:volunteer_list")),
    Page("volunteer-new", STAFF, lambda s: url("teams:volunteer_new")),
    Page("volunteer-edit", STAFF, lambda s: url("teams:volunteer_edit", s.volunteer)),
    Page("import", STAFF, lambda s: url("teams:import_upload")),
    Page("import-job", STAFF, lambda s: url("teams:import_detail", s.import_job)),
    # SMS.
    Page("sms-compose", STAFF, lambda s: url("teams:broadcast_compose")),
    Page("sms-broadcast", STAFF, lambda s: url("teams:broadcast_detail", s.broadcast)),
    Page("sms-log", STAFF, lambda s: url("teams:message_log")),
    Page("sms-totals", STAFF, lambda s: url("teams:campaign_totals")),
    Page("sms-zalo", STAFF, lambda s: url("teams:zalo_status")),
    # The rota.
    Page("coverage", STAFF, lambda s: url("teams:coverage_province", s.campaign)),
    Page("commune-week", STAFF,
         lambda s: url("teams:coverage_commune", s.campaign, s.commune)),
    Page("roster", ORGANISER, lambda s: url("teams:roster_generate", s.campaign)),
    Page("shift-new", STAFF, new_shift),
    Page("shift-edit", STAFF, lambda s: url("teams:shift_edit", s.shift)),
    Page("assignment-new", STAFF, lambda s: url("teams:assignment_new")),
    Page("assignment-import", ORGANISER, lambda s: url("teams:assignment_import")),
    Page("calendar-links", STAFF + VOLUNTEER, lambda s: url("teams:calendar_feeds")),
    # Help sessions and the dashboard.
    Page("help-sessions", STAFF, lambda s: url("help_sessions:session_list")),
    Page("dashboard", STAFF, lambda s: url("help_sessions:dashboard", s.campaign)),
    Page("dashboard-week", STAFF, lambda s: url("help_sessions:weekly_report", s.campaign)),
    Page("dashboard-national", STAFF, lambda s: url("help_sessions:dashboard_national")),
    # Personal-data requests.
    Page("citizen-data", ORGANISER, lambda s: url("help_sessions:citizen_data")),
    Page("volunteer-data", ORGANISER,
         lambda s: url("help_sessions:volunteer_data", s.volunteer)),
    # The volunteer's own pages.
    Page("my-shifts", VOLUNTEER, lambda s: url("teams:my_shifts")),
    Page("shift-link", VOLUNTEER, shift_answer),
    Page("log", VOLUNTEER, lambda s: url("help_sessions:log")),
    Page("log-correct", VOLUNTEER,
         lambda s: s.my_log and reverse("help_sessions:log_correct", args=[s.my_log.uuid])),
    # The CMS's admin.
    Page("cms-dashboard", CMS, lambda s: url("wagtailadmin_home")),
    Page("cms-explorer", CMS, lambda s: url("wagtailadmin_explore", s.home_page)),
    Page("cms-page-editor", CMS, lambda s: url("wagtailadmin_pages:edit", s.guide)),
]
# fmt: on


def pages_of(role) -> list[Page]:
    return [page for page in PAGES if role in page.roles]


def addresses(role) -> list[tuple[str, str | None]]:
    """(name, address) of each page of `role`, as its demo account sees them; the
    address is None when the database holds nothing for the page to show."""
    user = get_user_model().objects.get(username=ACCOUNTS[role])
    scope = Scope(user)
    return [(page.name, page.address(scope)) for page in pages_of(role)]
