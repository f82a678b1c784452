from django.contrib import admin

from lib.audited_admin import AuditedAdmin
from teams.models import (
    Assignment,
    Broadcast,
    CalendarFeed,
    ImportJob,
    Membership,
    Shift,
    ShiftSignup,
    Team,
    Volunteer,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["volunteer", "team"]


@admin.register(Volunteer)
class VolunteerAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["full_name", "phone", "affiliation", "home_commune", "active"]
    list_filter = ["affiliation", "active"]
    search_fields = ["search_name", "phone"]
    raw_id_fields = ["home_commune", "user"]
    inlines = [MembershipInline]


@admin.register(Team)
class TeamAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "commune", "village"]
    search_fields = ["name", "commune__name"]
    raw_id_fields = ["commune"]
    list_select_related = ["commune"]
    inlines = [MembershipInline]


@admin.register(ImportJob)
class ImportJobAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["original_name", "province", "uploaded_by", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["province", "uploaded_by"]
    readonly_fields = ["report", "rows_total", "rows_done", "error_count", "failure"]
    raw_id_fields = ["uploaded_by"]


@admin.register(Broadcast)
class BroadcastAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["created_at", "team", "commune", "campaign", "composed_by", "recipient_count"]
    list_select_related = ["team__commune", "commune", "campaign", "composed_by"]
    raw_id_fields = ["team", "commune", "campaign", "composed_by"]
    readonly_fields = [
        "encoding",
        "segments_per_message",
        "recipient_count",
        "opted_out_count",
    ]


@admin.register(Assignment)
class AssignmentAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["volunteer", "commune", "campaign", "starts_on", "ends_on"]
    list_filter = ["campaign"]
    raw_id_fields = ["volunteer", "commune"]
    list_select_related = ["volunteer", "commune", "campaign"]


class ShiftSignupInline(admin.TabularInline):
    model = ShiftSignup
    extra = 0
    raw_id_fields = ["volunteer"]


@admin.register(Shift)
class ShiftAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = [
        "place",
        "commune",
        "starts_at",
        "ends_at",
        "volunteers_needed",
        "cancelled_at",
    ]
    list_filter = ["campaign"]
    raw_id_fields = ["commune"]
    list_select_related = ["commune"]
    inlines = [ShiftSignupInline]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["__str__", "created_at", "revoked_at"]
    raw_id_fields = ["volunteer", "commune"]
    readonly_fields = ["token"]
