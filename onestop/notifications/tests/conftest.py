"""Fixtures of notification tests: a country profile and templates made through services."""

from datetime import UTC, datetime

import pytest

from onestop.core.models import CountryProfile
from onestop.notifications import services
from onestop.staff.actors import SystemActor

ACKNOWLEDGED = {
    "recipient_name": "Amina Diallo",
    "tracking_number": "7K3D-9QX2-M4",
    "service_name": "Birth certificate",
    "submitted_on": "2026-03-02",
    "decision_due_on": "2026-03-16",
    "track_url": "https://onestop.example/t/7K3D",
}
SIGN_IN = {"code": "482913", "minutes_valid": "10"}
NOON_IN_PARIS = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)
NIGHT_IN_PARIS = datetime(2026, 3, 2, 22, 30, tzinfo=UTC)  # 23:30 in Paris


@pytest.fixture
def country(db):
    return CountryProfile.objects.create(
        code="FR",
        name={"en": "Testland"},
        languages=["en", "fr"],
        currency="EUR",
        time_zone="Europe/Paris",
        calendar={"working_week": ["mon"], "holidays": {}},
        quiet_hours={"start": "21:00", "end": "08:00"},
    )


@pytest.fixture
def at_noon(monkeypatch):
    monkeypatch.setattr("onestop.core.clock.now", lambda: NOON_IN_PARIS)
    return NOON_IN_PARIS


def templates_for(kind: str, *, is_urgent: bool = False, is_essential: bool = True) -> None:
    flags = {"is_urgent": is_urgent, "is_essential": is_essential}
    for language in ("en", "fr"):
        tag = "" if language == "en" else "[fr] "
        variable = "{{ tracking_number }}" if kind != "sign_in_code" else "{{ code }}"
        services.notification_template_upsert(
            actor=SystemActor("test"),
            kind=kind,
            channel="sms",
            language=language,
            values={"body_text": f"{tag}Ref {variable}.", "max_segments": 1, **flags},
        )
        services.notification_template_upsert(
            actor=SystemActor("test"),
            kind=kind,
            channel="email",
            language=language,
            values={
                "subject": f"{tag}About {variable}",
                "body_text": f"{tag}Plain {variable}.",
                "body_html": f"<p>{tag}Html {variable}.</p>",
                **flags,
            },
        )
        services.notification_template_upsert(
            actor=SystemActor("test"),
            kind=kind,
            channel="inbox",
            language=language,
            values={"subject": f"{tag}Inbox {variable}", "body_text": f"{tag}Body.", **flags},
        )


@pytest.fixture
def acknowledged_templates(country):
    templates_for("application_acknowledged")


@pytest.fixture
def sign_in_templates(country):
    templates_for("sign_in_code", is_urgent=True)
