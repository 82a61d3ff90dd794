from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "onestop.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Every app's event handlers and periodic jobs register themselves on import.
        autodiscover_modules("subscribers")
        autodiscover_modules("tasks")
