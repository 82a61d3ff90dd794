"""What the officer console needs besides the casework reads in `task_selectors`: the agencies
a staff member works in (its agency switcher), the agency's services (a queue filter), the
officers a supervisor may assign to, which queued tasks the viewer may claim, the form data
with the provenance of each prefilled value, and an uploaded evidence file, opened through the
same permission check as its case and written to the audit trail.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.files import File
from django.db.models import Q
from django.utils.translation import gettext as _

from onestop.catalog.models import Agency, ServiceVersion
from onestop.core import clock
from onestop.core.audit import audit_append
from onestop.core.errors import Conflict, NotFound
from onestop.core.text import pick
from onestop.staff.actors import Actor, actor_label, actor_require
from onestop.staff.models import StaffRole
from onestop.staff.permissions import ACTIONS, staff_may

from .form_merge import form_merge
from .models import AgencyTask, ApplicationEvidence, ScanStatus
from .workflow import TRANSITIONS, task_id_checked


def _roles_now(roles: Iterable[str]) -> Any:
    now = clock.now()
    return StaffRole.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=now),
        role__in=list(roles),
        valid_from__lte=now,
        agency__isnull=False,
    )


def staff_task_agencies(*, user: Any) -> list[Agency]:
    """The agencies where `user` holds, now, a role that reads tasks, by code; empty for anyone
    else (a citizen, an anonymous visitor, an inactive account, staff of other kinds)."""
    if not isinstance(user, AbstractBaseUser) or not user.is_authenticated or not user.is_active:
        return []
    held = _roles_now(ACTIONS["task.read"].roles).filter(user_id=user.pk).values("agency_id")
    return list(Agency.objects.filter(pk__in=held).order_by("code"))


@dataclass(frozen=True)
class ServiceChoice:
    code: str
    name: str


def agency_services_list(
    *, actor: Actor, agency: Any, language: str | None = None
) -> list[ServiceChoice]:
    """The agency's services, named by their newest version, for the queue's service filter."""
    actor_require(actor=actor, action="task.read", agency=agency)
    versions = ServiceVersion.objects.filter(service__agency=agency).order_by(
        "service__code", "-number"
    )
    names: dict[str, str] = {}
    for code, name in versions.values_list("service__code", "name"):
        names.setdefault(code, pick(name, language) or code)
    return [ServiceChoice(code=code, name=name) for code, name in names.items()]


def agency_officers_list(*, actor: Actor, agency: Any) -> list[Any]:
    """The active staff who may work the agency's tasks now, for a supervisor's assign list."""
    actor_require(actor=actor, action="task.assign", agency=agency)
    held = _roles_now(ACTIONS["task.decide"].roles).filter(agency_id=getattr(agency, "pk", agency))
    return list(
        get_user_model()
        .objects.filter(pk__in=held.values("user_id"), is_active=True)
        .order_by("username")
    )


def tasks_claimable(*, actor: Actor, agency: Any, tasks: Iterable[AgencyTask]) -> set[UUID]:
    """The ids of `tasks` (of one agency) that `actor` may claim now: one permission query for
    a whole queue page, the same rule `task_actions_available` applies to one task."""
    if not staff_may(user=actor, action="task.decide", agency=agency):
        return set()
    return {task.pk for task in tasks if (task.state, "claim") in TRANSITIONS}


@dataclass(frozen=True)
class FormRow:
    name: str
    label: str
    value: Any
    provenance: dict[str, Any]  # empty when the applicant typed it
    is_changed_by_applicant: bool  # prefilled, then changed by the applicant


def case_form_rows(*, task: AgencyTask, language: str | None = None) -> list[FormRow]:
    """The application's answers, labelled from the task's form, the task's own fields first,
    each with the registry it was prefilled from (source, time, request id) when it was."""
    application = task.application
    merged = form_merge(versions=[task.service_version], language=language)
    own = [name for name in merged.field_names if name in application.form_data]
    names = own + sorted(set(application.form_data) - set(own))
    rows = []
    for name in names:
        value = application.form_data[name]
        provenance = (application.prefill or {}).get(name) or {}
        field = merged.field(name)
        label = field.label if field else name
        if field and field.options and isinstance(value, str):
            value = field.options.get(value, value)
        rows.append(
            FormRow(
                name=name,
                label=label,
                value=value,
                provenance=provenance,
                is_changed_by_applicant=bool(provenance)
                and provenance.get("value") != application.form_data[name],
            )
        )
    return rows


@dataclass(frozen=True)
class EvidenceFile:
    file: File
    name: str
    content_type: str
    size: int


def evidence_file_open(*, actor: Actor, task_id: Any, evidence_id: Any) -> EvidenceFile:
    """An uploaded file of the task's application, for staff who may read the task: missing,
    not a file, of another application or of another agency's task are the same NotFound; a
    file the scanner refused is never served. Each opening is written to the audit trail."""
    missing = NotFound(_("There is no such file."), code="evidence_file_not_found")
    task = AgencyTask.objects.filter(pk=task_id_checked(task_id)).first()
    if task is None or not staff_may(user=actor, action="task.read", agency=task.agency_id):
        raise missing
    try:
        evidence_pk = UUID(str(evidence_id))
    except ValueError:
        raise missing from None
    evidence = ApplicationEvidence.objects.filter(
        pk=evidence_pk, application_id=task.application_id
    ).first()
    if evidence is None or not evidence.file:
        raise missing
    if evidence.scan_status == ScanStatus.INFECTED:
        raise Conflict(
            _("The virus scanner refused this file; ask the applicant for another copy."),
            code="evidence_file_infected",
        )
    audit_append(
        actor=actor_label(actor),
        action="applications.evidence_file_opened",
        entity_type="applications.applicationevidence",
        entity_id=str(evidence.pk),
        data={"task": str(task.pk), "application": str(task.application_id)},
    )
    evidence.file.open("rb")
    return EvidenceFile(
        file=evidence.file,
        name=evidence.file_name or evidence.evidence_code,
        content_type=evidence.content_type or "application/octet-stream",
        size=evidence.size,
    )
