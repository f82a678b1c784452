from django.contrib import admin

from teams.models import Membership, Team, Volunteer


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["volunteer", "team"]


@admin.register(Volunteer)
class VolunteerAdmin(admin.ModelAdmin):
    list_display = ["full_name", "phone", "affiliation", "home_commune", "active"]
    list_filter = ["affiliation", "active"]
    search_fields = ["search_name", "phone"]
    raw_id_fields = ["home_commune", "user"]
    inlines = [MembershipInline]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "commune", "village"]
    search_fields = ["name", "commune__name"]
    raw_id_fields = ["commune"]
    list_select_related = ["commune"]
    inlines = [MembershipInline]
