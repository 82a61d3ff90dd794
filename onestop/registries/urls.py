"""The registries' HTTP server's URLconf (its own: the platform's URLconf does not include it)."""

from django.urls import path, re_path

from .http import no_such_service, service_call

urlpatterns = [
    path("r1/XM/GOV/<str:registry>/<str:operation>", service_call, name="registry-service"),
    re_path(r"", no_such_service),
]
