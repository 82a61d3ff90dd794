from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "onestop.integrations"
    label = "integrations"
    verbose_name = _("Agency system integrations")
