from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "onestop.core"
    label = "core"
    verbose_name = "Core"
