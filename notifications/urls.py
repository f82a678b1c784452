from django.urls import path

from notifications.views import opt_out, webhooks

app_name = "notifications"
urlpatterns = [
    path("sms/twilio/status", webhooks.twilio_status, name="twilio_status"),
    path("sms/twilio/inbound", webhooks.twilio_inbound, name="twilio_inbound"),
    path("zalo/events", webhooks.zalo_events, name="zalo_events"),
    path("o/<int:message_id>/<str:token>/", opt_out.opt_out, name="opt_out"),
]
