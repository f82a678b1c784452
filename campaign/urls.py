from django.urls import path, re_path

from campaign.views import audit, campaigns, readiness, reports, targets

app_name = "campaign"
urlpatterns = [
    path("", campaigns.overview, name="overview"),
    path("campaigns/new/", campaigns.campaign_form, name="campaign_new"),
    path("campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", campaigns.campaign_form, name="campaign_edit"),
    path("campaigns/<int:pk>/targets/", targets.campaign_targets, name="campaign_targets"),
    path("campaigns/<int:pk>/targets/import/", targets.targets_import, name="targets_import"),
    re_path(
        r"^campaigns/(?P<pk>\d+)/targets\.(?P<file_format>xlsx|csv)$",
        targets.targets_export,
        name="targets_export",
    ),
    path(
        "campaigns/<int:pk>/readiness/<int:commune_id>/",
        readiness.commune_readiness,
        name="commune_readiness",
    ),
]

# Communes' official figures: entered one at a time (imported at /teams/reports/import/).
urlpatterns += [
    path("campaigns/<int:pk>/reports/", reports.report_list, name="report_list"),
    path(
        "campaigns/<int:pk>/reports/<int:commune_id>/",
        reports.commune_reports,
        name="commune_reports",
    ),
    path(
        "campaigns/<int:pk>/reports/<int:commune_id>/<int:report_id>/",
        reports.commune_reports,
        name="commune_report_edit",
    ),
]

# The audit trail: who changed, exported, imported or erased what (organisers).
urlpatterns += [
    path("audit/", audit.audit_log, name="audit_log"),
    path("audit/export.csv", audit.audit_export, name="audit_export"),
]
