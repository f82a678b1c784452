"""People are named as the registry writes them, family name first (campaign.people)."""

import importlib

from django.apps import apps
from django.urls import reverse

from campaign.people import display_name, full_name_fields
from teams.models import Volunteer

migration = importlib.import_module("teams.migrations.0009_account_names_family_first")


def test_an_account_linked_to_the_registry_is_called_by_its_registry_name(volunteer):
    volunteer.first_name, volunteer.last_name = "Hà", "Lương Thu"
    Volunteer.objects.create(full_name="Nông Văn Minh", phone="+84912345678", user=volunteer)
    assert display_name(volunteer) == "Nông Văn Minh"


def test_an_older_account_with_the_given_name_apart_is_still_family_name_first(outsider):
    outsider.first_name, outsider.last_name = "Lan", "Hoàng Thị"
    assert display_name(outsider) == "Hoàng Thị Lan"
    outsider.first_name, outsider.last_name = "", ""
    assert display_name(outsider) == "outsider"


def test_the_whole_name_goes_in_first_name_so_the_admins_print_it_right(outsider):
    for field, value in full_name_fields("  Hoàng  Thị Lan ").items():
        setattr(outsider, field, value)
    assert outsider.get_full_name() == "Hoàng Thị Lan"


def test_the_greeting_puts_the_family_name_first(client, coordinator):
    coordinator.first_name, coordinator.last_name = "Minh", "Nông Văn"
    coordinator.save()
    client.force_login(coordinator)
    page = client.get(reverse("campaign:overview")).content.decode()
    assert "Xin chào, Nông Văn Minh" in page
    assert "Minh Nông Văn" not in page


def test_the_migration_writes_every_account_family_name_first(volunteer, outsider):
    Volunteer.objects.create(full_name="Nông Văn Minh", phone="+84912345678", user=volunteer)
    volunteer.first_name, volunteer.last_name = "Hà", "Lương Thu"
    volunteer.save()
    outsider.first_name, outsider.last_name = "Lan", "Hoàng Thị"
    outsider.save()
    migration.family_name_first(apps, None)
    volunteer.refresh_from_db()
    outsider.refresh_from_db()
    assert (volunteer.first_name, volunteer.last_name) == ("Nông Văn Minh", "")
    assert (outsider.first_name, outsider.last_name) == ("Hoàng Thị Lan", "")
