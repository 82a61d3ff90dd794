from django.apps import AppConfig


class PacksConfig(AppConfig):
    name = "onestop.packs"
    label = "packs"
    verbose_name = "Country packs"
