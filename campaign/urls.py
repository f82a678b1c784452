from django.urls import path

from campaign import audit_views, views

app_name = "campaign"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("campaigns/new/", views.campaign_form, name="campaign_new"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", views.campaign_form, name="campaign_edit"),
    path("campaigns/<int:pk>/targets/", views.campaign_targets, name="campaign_targets"),
    path(
        "campaigns/<int:pk>/readiness/<int:commune_id>/",
        views.commune_readiness,
        name="commune_readiness",
    ),
]

# Communes' official figures: entered one at a time (imported at /teams/reports/import/).
urlpatterns += [
    path("campaigns/<int:pk>/reports/", views.report_list, name="report_list"),
    path(
        "campaigns/<int:pk>/reports/<int:commune_id>/",
        views.commune_reports,
        name="commune_reports",
    ),
    path(
        "campaigns/<int:pk>/reports/<int:commune_id>/<int:report_id>/",
        views.commune_reports,
        name="commune_report_edit",
    ),
]

# The audit trail: who changed, exported, imported or erased what (organisers).
urlpatterns += [
    path("audit/", audit_views.audit_log, name="audit_log"),
    path("audit/export.csv", audit_views.audit_export, name="audit_export"),
]
