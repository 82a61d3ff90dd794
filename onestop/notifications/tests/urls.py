"""The project's URLs with the SMS webhook mounted where the project mounts it."""

from django.urls import include, path

from onestop.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *project_urlpatterns,
    path("webhooks/sms/", include("onestop.notifications.urls")),
]
