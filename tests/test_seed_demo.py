from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import timezone

from campaign import access
from campaign.demo import DEMO_PASSWORD
from campaign.models import AuditEvent, Campaign, Role
from notifications.models import Message
from sessions.models import HelpSession
from teams.models import (
    Assignment,
    Broadcast,
    Membership,
    Shift,
    ShiftSignup,
    Team,
    Volunteer,
)


def seed():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_creates_the_four_roles_and_prints_their_credentials(provinces, settings):
    settings.DEBUG = True
    output = seed()
    for username in ("organiser", "coordinator", "volunteer", "editor"):
        assert username in output
        user = get_user_model().objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
    assert DEMO_PASSWORD in output
    organiser = get_user_model().objects.get(username="organiser")
    assert access.visible_communes(organiser).count() == 65
    coordinator = get_user_model().objects.get(username="coordinator")
    assert access.visible_communes(coordinator).count() == 2
    editor = get_user_model().objects.get(username="editor")
    assert editor.has_perm("wagtailadmin.access_admin")
    # A Lạng Sơn-sized registry, imported through the real import path.
    assert (Team.objects.count(), Volunteer.objects.count()) == (1646, 8800)
    assert Membership.objects.count() == 9000
    assert Volunteer.objects.get(user__username="volunteer").memberships.exists()
    # A running campaign over every commune, with its roster and places taken.
    campaign = Campaign.objects.get()
    assert campaign.status == Campaign.Status.ACTIVE
    assert campaign.start <= timezone.localdate() <= campaign.end
    assert campaign.communes.count() == 65
    assert campaign.readiness_criteria.count() == 16
    assert Assignment.objects.count() == 8800
    assert Shift.objects.count() == 65 * 46 * 3
    assert ShiftSignup.objects.count() > 5000
    # The shifts already over have their check-ins: the dashboard's volunteer hours.
    over = ShiftSignup.objects.filter(shift__ends_at__lt=timezone.now())
    checked = over.filter(checked_in_at__isnull=False, checked_out_at__gt=F("checked_in_at"))
    assert over.exists() and checked.count() > over.count() * 0.8
    me = Volunteer.objects.get(user__username="volunteer")
    # The demo volunteer's account is that registry person, and carries their name.
    assert me.user.get_full_name() == me.full_name
    assert get_user_model().objects.get(username="organiser").get_full_name() == "Hoàng Thị Lan"
    assert me.signups.count() >= 2  # two taken by sign-up, maybe one from the roster
    assert Message.objects.filter(kind="shift_reminder", recipient=me.phone).exists()
    # Help sessions for the days so far, the demo volunteer's own among them.
    assert HelpSession.objects.filter(campaign=campaign).count() > 65 * 20
    assert HelpSession.objects.filter(volunteer=me).count() >= 3
    assert Message.objects.filter(kind="citizen_follow_up").count() == 12
    assert "Demo help sessions" in output
    # An SMS broadcast to one team, queued for the worker.
    broadcast = Broadcast.objects.get()
    assert Message.objects.filter(kind="broadcast").count() == broadcast.recipient_count > 0


def test_seed_demo_twice_reuses_what_exists(provinces, settings):
    settings.DEBUG = True
    seed()
    counts = (
        get_user_model().objects.count(),
        Role.objects.count(),
        Membership.objects.count(),
        Message.objects.count(),
        HelpSession.objects.count(),
        AuditEvent.objects.count(),
    )
    # The registry's import is in the trail, as the demo organiser's.
    imported = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert imported.actor.username == "organiser"
    assert imported.details["created"] > 0
    output = seed()
    assert "created: 0, updated: 0, unchanged: 9000, skipped: 0" in output
    me = Volunteer.objects.get(user__username="volunteer")
    assert me.user.get_full_name() == me.full_name  # not the demo's placeholder name
    assert (
        get_user_model().objects.count(),
        Role.objects.count(),
        Membership.objects.count(),
        Message.objects.count(),
        HelpSession.objects.count(),
        AuditEvent.objects.count(),
    ) == counts


def test_seed_demo_refuses_to_run_in_production(provinces, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=true"):
        seed()
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_seed_demo_without_divisions_says_what_to_run(settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="load_divisions"):
        seed()
