from django.urls import path, re_path

from sessions import dashboard_views, list_views, privacy_views, views

app_name = "help_sessions"

# The volunteer's logging page, an installable web app that works offline.
urlpatterns = [
    path("log/", views.log_page, name="log"),
    path("log/<uuid:session_uuid>/", views.log_correct, name="log_correct"),
    path("log/manifest.webmanifest", views.manifest, name="manifest"),
    path("log/sw.js", views.service_worker, name="service_worker"),
]

# The coordinators' list of the help sessions in their scope, and its export.
urlpatterns += [
    path("help-sessions/", list_views.session_list, name="session_list"),
    re_path(
        r"^help-sessions/export\.(?P<file_format>xlsx|csv)$",
        list_views.session_export,
        name="session_export",
    ),
]

# The organisers' dashboard: a campaign's communes against their targets, its exports,
# the printable weekly report and the national view.
urlpatterns += [
    path("dashboard/", dashboard_views.dashboard_latest, name="dashboard_latest"),
    path("dashboard/national/", dashboard_views.national_view, name="dashboard_national"),
    path("dashboard/<int:campaign_id>/", dashboard_views.dashboard, name="dashboard"),
    path("dashboard/<int:campaign_id>/week/", dashboard_views.weekly_report, name="weekly_report"),
    re_path(
        r"^dashboard/(?P<campaign_id>[0-9]+)/(?P<table>communes|daily)\.(?P<file_format>xlsx|csv)$",
        dashboard_views.dashboard_export,
        name="dashboard_export",
    ),
]

# Personal-data requests: a volunteer's or a citizen's data exported or erased (organisers).
urlpatterns += [
    path("privacy/citizens/", privacy_views.citizen_data, name="citizen_data"),
    path("privacy/volunteers/<int:pk>/", privacy_views.volunteer_data, name="volunteer_data"),
    re_path(
        r"^privacy/volunteers/(?P<pk>[0-9]+)/export\.(?P<file_format>json|xlsx)$",
        privacy_views.volunteer_data_export,
        name="volunteer_data_export",
    ),
    path(
        "privacy/volunteers/<int:pk>/erase/",
        privacy_views.volunteer_erase,
        name="volunteer_erase",
    ),
]
