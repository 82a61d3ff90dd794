from django.apps import AppConfig


class RegistriesConfig(AppConfig):
    """Reference registries standing in for agencies' own systems; not the platform's domain."""

    name = "onestop.registries"
    label = "registries"
    verbose_name = "Reference registries"
