from django.urls import path, re_path

from sessions.dashboard import views as dashboard
from sessions.privacy import views as privacy
from sessions.views import log, session_list

app_name = "help_sessions"

# The volunteer's logging page, an installable web app that works offline.
urlpatterns = [
    path("log/", log.log_page, name="log"),
    path("log/<uuid:session_uuid>/", log.log_correct, name="log_correct"),
    path("log/manifest.webmanifest", log.manifest, name="manifest"),
    path("log/sw.js", log.service_worker, name="service_worker"),
]

# The coordinators' list of the help sessions in their scope, and its export.
urlpatterns += [
    path("help-sessions/", session_list.session_list, name="session_list"),
    re_path(
        r"^help-sessions/export\.(?P<file_format>xlsx|csv)$",
        session_list.session_export,
        name="session_export",
    ),
]

# The organisers' dashboard: a campaign's communes against their targets, its exports,
# the printable weekly report and the national view.
urlpatterns += [
    path("dashboard/", dashboard.dashboard_latest, name="dashboard_latest"),
    path("dashboard/national/", dashboard.national_view, name="dashboard_national"),
    path("dashboard/<int:campaign_id>/", dashboard.dashboard, name="dashboard"),
    path("dashboard/<int:campaign_id>/week/", dashboard.weekly_report, name="weekly_report"),
    re_path(
        r"^dashboard/(?P<campaign_id>[0-9]+)/(?P<table>communes|daily)\.(?P<file_format>xlsx|csv)$",
        dashboard.dashboard_export,
        name="dashboard_export",
    ),
]

# Personal-data requests: a volunteer's or a citizen's data exported or erased (organisers).
urlpatterns += [
    path("privacy/citizens/", privacy.citizen_data, name="citizen_data"),
    path("privacy/volunteers/<int:pk>/", privacy.volunteer_data, name="volunteer_data"),
    re_path(
        r"^privacy/volunteers/(?P<pk>[0-9]+)/export\.(?P<file_format>json|xlsx)$",
        privacy.volunteer_data_export,
        name="volunteer_data_export",
    ),
    path("privacy/volunteers/<int:pk>/erase/", privacy.volunteer_erase, name="volunteer_erase"),
]
