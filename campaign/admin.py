from django.contrib import admin

from campaign.models import Commune, Province, Role


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "division_type"]
    search_fields = ["code", "name", "codename"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "division_type", "province"]
    list_filter = ["province", "division_type"]
    search_fields = ["code", "name", "codename"]
    list_select_related = ["province"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "province"]
    list_filter = ["kind", "province"]
    autocomplete_fields = ["communes"]
    raw_id_fields = ["user"]
