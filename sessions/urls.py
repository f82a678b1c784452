from django.urls import path, re_path

from sessions import list_views, views

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
