from django.apps import AppConfig


class CentersConfig(AppConfig):
    name = "onestop.centers"
    label = "centers"
    verbose_name = "Service centers"
