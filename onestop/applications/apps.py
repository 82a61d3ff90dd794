from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "onestop.applications"
    label = "applications"
    verbose_name = "Applications and casework"

    def ready(self) -> None:
        from onestop.notifications.inbound import tracking_resolver_register

        from . import jobs, sla  # noqa: F401  (register the periodic jobs)
        from .lookup import tracking_sms_answer

        tracking_resolver_register(tracking_sms_answer)
