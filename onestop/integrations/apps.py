from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "onestop.integrations"
    label = "integrations"
    verbose_name = "Agency system integrations"
