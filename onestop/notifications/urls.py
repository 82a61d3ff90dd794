"""Mounted by the project at /webhooks/sms/ (see docs/notifications.md)."""

from django.urls import path

from . import webhooks

app_name = "notifications"
urlpatterns = [
    path("status", webhooks.sms_status, name="sms-status"),
    path("inbound", webhooks.sms_inbound, name="sms-inbound"),
]
