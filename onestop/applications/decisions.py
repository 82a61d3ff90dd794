"""What a decision says: the list of reasons an officer picks from, the message the applicant
reads, and the output record an approval issues.

The reasons come from the country pack (decision_reasons.yaml, loaded by `onestop load-pack`
through `decision_reasons_sync`), each with its label in every language of the pack.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from onestop.core import clock
from onestop.core.errors import InvalidInput
from onestop.core.events import event_record
from onestop.core.text import pick
from onestop.staff.actors import Actor, actor_require

from .models import AgencyTask, DecisionReason, OutputRecord

Decision = Literal["approve", "reject"]
DECISIONS: tuple[Decision, ...] = ("approve", "reject")
DECISION_TEXT_MAX = 2000


@dataclass(frozen=True)
class ReasonSpec:
    """One reason as the pack lists it."""

    code: str
    decision: Decision
    label: dict[str, str]


@dataclass(frozen=True)
class ReasonsSynced:
    changed: int
    retired: int


def decision_reasons_sync(*, actor: Actor, reasons: Sequence[ReasonSpec]) -> ReasonsSynced:
    """Make the active reasons exactly `reasons`, in their order; a reason no longer listed is
    retired (kept, inactive: past decisions name it). Unchanged reasons change nothing. A staff
    user needs `catalog.edit`."""
    label = actor_require(actor=actor, action="catalog.edit")
    with transaction.atomic():
        known = {row.code: row for row in DecisionReason.objects.select_for_update()}
        changed = 0
        for position, spec in enumerate(reasons, start=1):
            values: dict[str, Any] = {
                "decision": spec.decision,
                "label": spec.label,
                "position": position,
                "is_active": True,
            }
            row = known.get(spec.code)
            if row is not None and all(getattr(row, k) == v for k, v in values.items()):
                continue
            DecisionReason.objects.update_or_create(code=spec.code, defaults=values)
            changed += 1
        listed = {spec.code for spec in reasons}
        retired = [row.code for row in known.values() if row.is_active and row.code not in listed]
        DecisionReason.objects.filter(code__in=retired).update(is_active=False)
        if changed or retired:
            event_record(
                name="applications.decision_reasons_synced",
                actor=label,
                entity_type="applications.decisionreason",
                entity_id="*",
                payload={"changed": changed, "retired": sorted(retired)},
            )
        return ReasonsSynced(changed=changed, retired=len(retired))


def decision_reasons_list(*, decision: str) -> list[DecisionReason]:
    """The reasons an officer may choose for `decision`, in the order the console shows them."""
    return list(DecisionReason.objects.filter(decision=decision, is_active=True))


def decision_reason_label(*, code: str, language: str) -> str:
    """The reason's label in `language` (a retired reason keeps its label)."""
    reason = DecisionReason.objects.filter(code=code).first()
    return pick(reason.label, language) if reason else code


def decision_reason_get(*, decision: str, code: str) -> DecisionReason:
    """The reason `code` for `decision`, or InvalidInput naming the field and the valid codes."""
    if decision not in DECISIONS:
        raise InvalidInput(
            str(_("Choose whether to approve or reject.")), field="decision", choices=DECISIONS
        )
    reason = DecisionReason.objects.filter(code=code, decision=decision, is_active=True).first()
    if reason is None:
        choices = [item.code for item in decision_reasons_list(decision=decision)]
        raise InvalidInput(
            str(_("Choose a reason for this decision from the list.")),
            field="reason_code",
            choices=choices,
        )
    return reason


def decision_text_clean(*, decision: str, text: str) -> str:
    """The officer's free text: required to explain a rejection, bounded in length."""
    text = text.strip()
    if decision == "reject" and not text:
        raise InvalidInput(
            str(_("Explain the rejection to the applicant in a few words.")), field="reason_text"
        )
    if len(text) > DECISION_TEXT_MAX:
        raise InvalidInput(
            str(
                _("The explanation is too long; keep it under %(limit)d characters.")
                % {"limit": DECISION_TEXT_MAX}
            ),
            field="reason_text",
        )
    return text


def decision_message_text(*, task: AgencyTask, reason: DecisionReason, text: str) -> str:
    """What the applicant reads about a decision, in the application's language; a rejection
    says how to appeal (the service version's own appeal text)."""
    language = task.application.language
    with translation.override(language):
        heading = _("Approved") if reason.decision == "approve" else _("Rejected")
        label = pick(reason.label, language)
        parts = [str(_("%(decision)s: %(reason)s.") % {"decision": heading, "reason": label})]
        if text:
            parts.append(text)
        appeal = pick(task.service_version.appeal, language)
        if reason.decision == "reject" and appeal:
            parts.append(str(_("How to appeal: %(appeal)s") % {"appeal": appeal}))
    return "\n\n".join(parts)


def months_added(start: date, months: int) -> date:
    """`start` plus whole months, on the same day or the month's last (31 Jan + 1 → 28/29 Feb)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def output_number(*, task: AgencyTask, index: int) -> str:
    """Agency code + tracking number + the task's place in the application: unique because the
    tracking number is, and needs no shared sequence (an offline node can issue it too)."""
    agency = task.agency.code.upper()[:20]
    return f"{agency}-{task.application.tracking_number}-{index}"


def output_record_create(*, task: AgencyTask, index: int, issued_by: str) -> OutputRecord:
    """The output an approval issues: name and validity from the task's service version."""
    version = task.service_version
    now = clock.now()
    valid_until = None
    if version.output_validity_months:
        valid_until = months_added(timezone.localdate(now), version.output_validity_months)
    return OutputRecord.objects.create(
        task=task,
        application=task.application,
        number=output_number(task=task, index=index),
        name=version.output_name or version.name,
        holder_national_id=task.application.applicant_national_id,
        issued_at=now,
        valid_until=valid_until,
        issued_by=issued_by,
    )
