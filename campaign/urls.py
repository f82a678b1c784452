from django.urls import path

from campaign import views

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
