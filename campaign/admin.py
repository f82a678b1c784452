from django.contrib import admin

from campaign.models import (
    Campaign,
    CampaignCommune,
    Commune,
    CommuneReport,
    Indicator,
    Province,
    ReadinessCheck,
    ReadinessCriterion,
    Role,
    ServiceType,
)
from lib.audited_admin import AuditedAdmin


@admin.register(Province)
class ProvinceAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["code", "name", "division_type"]
    search_fields = ["code", "name", "codename"]


@admin.register(Commune)
class CommuneAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["code", "name", "division_type", "province"]
    list_filter = ["province", "division_type"]
    search_fields = ["code", "name", "codename"]
    list_select_related = ["province"]


@admin.register(Role)
class RoleAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["user", "kind", "province"]
    list_filter = ["kind", "province"]
    autocomplete_fields = ["communes"]
    raw_id_fields = ["user"]


class CampaignCommuneInline(admin.TabularInline):
    model = CampaignCommune
    extra = 0
    raw_id_fields = ["commune"]


class ReadinessCriterionInline(admin.TabularInline):
    model = ReadinessCriterion
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "province", "start", "end", "status"]
    list_filter = ["status", "province"]
    search_fields = ["name"]
    inlines = [ReadinessCriterionInline, CampaignCommuneInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change and not form.instance.campaign_communes.exists():
            # A new campaign without communes chosen: every commune of the province.
            form.instance.add_all_communes()


@admin.register(ReadinessCheck)
class ReadinessCheckAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["campaign_commune", "criterion", "met_on", "checked_by"]
    list_filter = ["campaign_commune__campaign"]
    raw_id_fields = ["campaign_commune", "criterion", "checked_by"]


@admin.register(ServiceType)
class ServiceTypeAdmin(AuditedAdmin, admin.ModelAdmin):
    """The national catalogue and the services provinces add."""

    list_display = ["code", "name", "name_en", "province", "position", "active"]
    list_filter = ["province", "active"]
    search_fields = ["code", "name", "name_en"]


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin, admin.ModelAdmin):
    """The indicators shipped with Digihelp and those provinces add."""

    list_display = ["code", "name", "unit", "source", "province", "position", "active"]
    list_filter = ["source", "unit", "province", "active"]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["province"]


@admin.register(CommuneReport)
class CommuneReportAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = [
        "campaign_commune",
        "period_start",
        "period_end",
        "applications_received",
        "applications_online",
        "source",
    ]
    list_filter = ["campaign_commune__campaign", "source"]
    raw_id_fields = ["campaign_commune", "entered_by"]
