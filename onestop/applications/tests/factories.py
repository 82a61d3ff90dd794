"""Small builders for application tests: rows written directly, without the intake path.

`application_make` creates an application with one queued task per agency/service given, with
deadlines set plainly (so casework tests need no calendar); staff come with a role held now.
"""

from __future__ import annotations

from datetime import timedelta
from itertools import count
from typing import Any

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model

from onestop.applications.decisions import ReasonSpec, decision_reasons_sync
from onestop.applications.models import AgencyTask, Application, ApplicationChannel, TaskState
from onestop.catalog.models import Agency, Service, ServiceVersion, VersionStatus
from onestop.core import clock
from onestop.staff.actors import SystemActor
from onestop.staff.models import StaffRole
from onestop.staff.roles import Role

_serial = count(1)


def agency_get_or_make(code: str) -> Agency:
    agency, _ = Agency.objects.get_or_create(code=code, defaults={"name": {"en": code.title()}})
    return agency


def service_version_make(
    *,
    agency: Agency,
    code: str | None = None,
    processing_days: int = 10,
    output_validity_months: int | None = 60,
    **fields: Any,
) -> ServiceVersion:
    code = code or f"service-{next(_serial)}"
    service = Service.objects.create(code=code, agency=agency)
    values = {
        "name": {"en": f"Service {code}", "fr": f"Démarche {code}"},
        "output_name": {"en": f"Certificate {code}", "fr": f"Certificat {code}"},
        "appeal": {
            "en": "Appeal within 30 days to the agency's appeals board.",
            "fr": "Recours sous 30 jours auprès de la commission de recours.",
        },
        "channels": ["online"],
        "form_schema": {},
    }
    return ServiceVersion.objects.create(
        service=service,
        number=1,
        status=VersionStatus.PUBLISHED,
        processing_days=processing_days,
        output_validity_months=output_validity_months,
        **(values | fields),
    )


def application_make(
    *,
    versions: list[ServiceVersion],
    is_all_or_nothing: bool = False,
    national_id: str = "19800101-0001",
    account: Any = None,
    contact_phone: str = "+33612345678",
    language: str = "en",
    due_in: timedelta = timedelta(days=14),
    warn_in: timedelta = timedelta(days=10),
) -> Application:
    now = clock.now()
    serial = next(_serial)
    application = Application.objects.create(
        tracking_number=f"T{serial:07d}X",
        applicant_national_id=national_id,
        applicant_account=account,
        submitted_by=f"citizen:{serial}",
        idempotency_key=f"key-{serial}",
        channel=ApplicationChannel.ONLINE,
        is_all_or_nothing=is_all_or_nothing,
        language=language,
        contact_phone=contact_phone,
        form_data={"given_name": "Amal", "family_name": "Haddad"},
        submitted_at=now,
        status_changed_at=now,
    )
    AgencyTask.objects.bulk_create(
        AgencyTask(
            application=application,
            service_version=version,
            agency_id=version.service.agency_id,
            state=TaskState.QUEUED,
            sla_working_days=version.processing_days,
            due_at=now + due_in,
            warn_at=now + warn_in,
            created_at=now,
            updated_at=now,
        )
        for version in versions
    )
    return application


def staff_make(username: str, role: Role, agency: Agency | None = None, **scope: Any) -> Any:
    user = get_user_model().objects.create_user(username, password="a-long-password", is_staff=True)
    StaffRole.objects.create(
        user=user,
        role=role,
        agency=agency,
        valid_from=clock.now() - timedelta(days=1),
        **scope,
    )
    return user


def decision_reasons_make() -> None:
    """The demo pack's decision reasons, without loading the whole pack."""
    path = settings.PROJECT_DIR / "packs" / "demo" / "decision_reasons.yaml"
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["decision_reasons"]
    decision_reasons_sync(
        actor=SystemActor("test"),
        reasons=[ReasonSpec(e["code"], e["decision"], e["label"]) for e in entries],
    )
