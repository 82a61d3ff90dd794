from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "onestop.api"
    label = "api"
    verbose_name = "API"
