from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "onestop.console"
    label = "console"
    verbose_name = "Officer console"
