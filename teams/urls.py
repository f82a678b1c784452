from django.urls import path, re_path

from teams import report_views
from teams.registry.views import accounts as account_views
from teams.registry.views import teams as views
from teams.rota import calendars, coverage, staffing
from teams.rota.views import my_shifts as volunteer_views
from teams.rota.views import roster as rostering

app_name = "teams"
urlpatterns = [
    path("", views.team_list, name="team_list"),
    path("new/", views.team_edit, name="team_new"),
    path("<int:pk>/", views.team_detail, name="team_detail"),
    path("<int:pk>/edit/", views.team_edit, name="team_edit"),
    path("<int:pk>/members/", views.membership_add, name="membership_add"),
    path(
        "<int:pk>/members/<int:membership_pk>/remove/",
        views.membership_remove,
        name="membership_remove",
    ),
    path("volunteers/", views.volunteer_list, name="volunteer_list"),
    path("volunteers/new/", views.volunteer_edit, name="volunteer_new"),
    path("volunteers/<int:pk>/edit/", views.volunteer_edit, name="volunteer_edit"),
    path("volunteers/<int:pk>/invite/", views.volunteer_invite, name="volunteer_invite"),
    re_path(r"^export\.(?P<file_format>xlsx|csv)$", views.export, name="export"),
    path("import/", views.import_upload, name="import_upload"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("import/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("import/<int:pk>/progress", views.import_progress, name="import_progress"),
    path("sms/", views.broadcast_compose, name="broadcast_compose"),
    path("sms/broadcasts/<int:pk>/", views.broadcast_detail, name="broadcast_detail"),
    path("sms/messages/", views.message_log, name="message_log"),
    path("sms/campaigns/", views.campaign_totals, name="campaign_totals"),
    path("coverage/", coverage.coverage_latest, name="coverage"),
    path("coverage/<int:campaign_id>/", coverage.coverage_province, name="coverage_province"),
    path(
        "coverage/<int:campaign_id>/commune/<int:commune_id>/",
        coverage.coverage_commune,
        name="coverage_commune",
    ),
]

# The volunteer's own pages: the link in a shift SMS, and their phone page.
urlpatterns += [
    path("s/<int:pk>/<str:token>/", volunteer_views.shift_answer, name="shift_answer"),
    path("me/", volunteer_views.my_shifts, name="my_shifts"),
    path("me/<int:pk>/", volunteer_views.my_shift_action, name="my_shift_action"),
    path("me/open/<int:pk>/", volunteer_views.take_shift, name="take_shift"),
]

# Private calendar feeds of shifts, and the page that hands out their links.
urlpatterns += [
    path("calendar/", calendars.calendar_feeds, name="calendar_feeds"),
    path("calendar/new/", calendars.calendar_feed_renew, name="calendar_feed_renew"),
    path("calendar/<slug:token>.ics", calendars.calendar_feed, name="calendar_feed"),
]

# Staffing: assigning volunteers to communes and placing them on shifts.
urlpatterns += [
    path("assignments/new/", staffing.assignment_new, name="assignment_new"),
    path("shifts/<int:pk>/place/", staffing.place_on_shift, name="place_on_shift"),
]

# A volunteer's account on the phone: the invitation link, and the reset by SMS code.

urlpatterns += [
    path(
        "account/activate/<str:uidb64>/<str:token>/",
        account_views.account_activate,
        name="account_activate",
    ),
    path("account/reset/", account_views.account_reset, name="account_reset"),
    path("account/reset/code/", account_views.account_reset_code, name="account_reset_code"),
]

# The roster: generated from a weekly template, then shifts changed one by one.
urlpatterns += [
    path("roster/<int:campaign_id>/", rostering.roster_generate, name="roster_generate"),
    path("shifts/new/", rostering.shift_new, name="shift_new"),
    path("shifts/<int:pk>/edit/", rostering.shift_edit, name="shift_edit"),
    path("shifts/<int:pk>/cancel/", rostering.shift_cancel, name="shift_cancel"),
]

# Staffing from a spreadsheet: many assignments at once, checked before they are written.
urlpatterns += [
    path("assignments/import/", staffing.assignment_import, name="assignment_import"),
]

# Communes' official figures from a spreadsheet (entered one by one under campaign/).
urlpatterns += [
    path("reports/import/", report_views.report_import, name="report_import"),
]
