from django.apps import AppConfig


class CliConfig(AppConfig):
    name = "onestop.cli"
    label = "cli"
    verbose_name = "Console commands"
