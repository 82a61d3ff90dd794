from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "onestop.applications"
    label = "applications"
    verbose_name = "Applications and casework"
