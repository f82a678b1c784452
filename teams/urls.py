from django.urls import path, re_path

from campaign.views import reports as commune_reports
from teams.broadcasts import views as broadcasts
from teams.registry.views import accounts, exports, imports, teams, volunteers
from teams.rota.views import (
    assignments,
    calendars,
    coverage,
    my_shifts,
    placing,
    roster,
    shift_answer,
    shifts,
)

app_name = "teams"

# The registry: teams, their members and volunteers, imported and exported as spreadsheets.
urlpatterns = [
    path("", teams.team_list, name="team_list"),
    path("new/", teams.team_edit, name="team_new"),
    path("<int:pk>/", teams.team_detail, name="team_detail"),
    path("<int:pk>/edit/", teams.team_edit, name="team_edit"),
    path("<int:pk>/members/", teams.membership_add, name="membership_add"),
    path(
        "<int:pk>/members/<int:membership_pk>/remove/",
        teams.membership_remove,
        name="membership_remove",
    ),
    path("volunteers/", volunteers.volunteer_list, name="volunteer_list"),
    path("volunteers/new/", volunteers.volunteer_edit, name="volunteer_new"),
    path("volunteers/<int:pk>/edit/", volunteers.volunteer_edit, name="volunteer_edit"),
    path("volunteers/<int:pk>/invite/", volunteers.volunteer_invite, name="volunteer_invite"),
    re_path(r"^export\.(?P<file_format>xlsx|csv)$", exports.export, name="export"),
    path("import/", imports.import_upload, name="import_upload"),
    path("import/<int:pk>/", imports.import_detail, name="import_detail"),
    path("import/<int:pk>/confirm/", imports.import_confirm, name="import_confirm"),
    path("import/<int:pk>/progress", imports.import_progress, name="import_progress"),
    re_path(
        r"^import/(?P<pk>\d+)/errors\.(?P<file_format>xlsx|csv)$",
        imports.import_errors,
        name="import_errors",
    ),
]

# A volunteer's account on the phone: the invitation link, and the reset by SMS code.
urlpatterns += [
    path(
        "account/activate/<str:uidb64>/<str:token>/",
        accounts.account_activate,
        name="account_activate",
    ),
    path("account/reset/", accounts.account_reset, name="account_reset"),
    path("account/reset/code/", accounts.account_reset_code, name="account_reset_code"),
]

# SMS: broadcasts, the message log and each campaign's totals.
urlpatterns += [
    path("sms/", broadcasts.broadcast_compose, name="broadcast_compose"),
    path("sms/broadcasts/<int:pk>/", broadcasts.broadcast_detail, name="broadcast_detail"),
    path("sms/messages/", broadcasts.message_log, name="message_log"),
    path("sms/campaigns/", broadcasts.campaign_totals, name="campaign_totals"),
    path("sms/zalo/", broadcasts.zalo_status, name="zalo_status"),
]

# The rota: coverage calendars, the roster from a weekly template, shifts one by one.
urlpatterns += [
    path("coverage/", coverage.coverage_latest, name="coverage"),
    path("coverage/<int:campaign_id>/", coverage.coverage_province, name="coverage_province"),
    path(
        "coverage/<int:campaign_id>/commune/<int:commune_id>/",
        coverage.coverage_commune,
        name="coverage_commune",
    ),
    path("roster/<int:campaign_id>/", roster.roster_generate, name="roster_generate"),
    path("shifts/new/", shifts.shift_new, name="shift_new"),
    path("shifts/<int:pk>/edit/", shifts.shift_edit, name="shift_edit"),
    path("shifts/<int:pk>/cancel/", shifts.shift_cancel, name="shift_cancel"),
    path("shifts/<int:pk>/place/", placing.place_on_shift, name="place_on_shift"),
    path("shifts/<int:pk>/candidates/", placing.shift_candidates, name="shift_candidates"),
    path("shifts/signups/<int:pk>/remove/", placing.remove_from_shift, name="remove_from_shift"),
    path("shifts/signups/<int:pk>/move/", placing.move_to_shift, name="move_to_shift"),
]

# Staffing: volunteers assigned to communes, one at a time or from a spreadsheet.
urlpatterns += [
    path("assignments/new/", assignments.assignment_new, name="assignment_new"),
    path("assignments/import/", assignments.assignment_import, name="assignment_import"),
]

# The volunteer's own pages: the link in a shift SMS, their shifts on the phone, and the
# private calendar feeds of shifts with the page that hands out their links.
urlpatterns += [
    path("s/<int:pk>/<str:token>/", shift_answer.shift_answer, name="shift_answer"),
    path("me/", my_shifts.my_shifts, name="my_shifts"),
    path("me/<int:pk>/", my_shifts.my_shift_action, name="my_shift_action"),
    path("me/open/<int:pk>/", my_shifts.take_shift, name="take_shift"),
    path("calendar/", calendars.calendar_feeds, name="calendar_feeds"),
    path("calendar/new/", calendars.calendar_feed_renew, name="calendar_feed_renew"),
    path("calendar/<slug:token>.ics", calendars.calendar_feed, name="calendar_feed"),
]

# Communes' official figures from a spreadsheet (entered one by one under campaign/).
urlpatterns += [
    path("reports/import/", commune_reports.report_import, name="report_import"),
]
