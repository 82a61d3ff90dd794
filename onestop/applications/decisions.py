"""What a decision says: the list of reasons an officer picks from, the message the applicant
reads, and the output record an approval issues.

The reasons are a code table here, translated through the interface catalogs (fr, ru, ar), not
yet a section of the country pack: a pack that needs other reasons cannot add them without a
code change (docs/applications.md says so).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Literal

from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from onestop.core import clock
from onestop.core.errors import InvalidInput
from onestop.core.text import pick

from .models import AgencyTask, OutputRecord

Decision = Literal["approve", "reject"]
DECISIONS: tuple[Decision, ...] = ("approve", "reject")
DECISION_TEXT_MAX = 2000


@dataclass(frozen=True)
class DecisionReason:
    code: str
    decision: Decision
    label: Promise

    def label_in(self, language: str) -> str:
        with translation.override(language):
            return str(self.label)


DECISION_REASONS: tuple[DecisionReason, ...] = (
    DecisionReason("requirements_met", "approve", _("All the requirements are met")),
    DecisionReason(
        "requirements_met_after_information",
        "approve",
        _("The requirements are met with the information you sent"),
    ),
    DecisionReason("not_eligible", "reject", _("You are not eligible for this service")),
    DecisionReason("evidence_missing", "reject", _("Required evidence was not provided")),
    DecisionReason("evidence_invalid", "reject", _("The evidence provided is not valid")),
    DecisionReason(
        "information_not_provided",
        "reject",
        _("The information we asked for was not provided in time"),
    ),
    DecisionReason(
        "duplicate_application",
        "reject",
        _("An application for this service is already being handled"),
    ),
    DecisionReason("legal_grounds", "reject", _("The law does not allow this request")),
)
_BY_CODE = {reason.code: reason for reason in DECISION_REASONS}


def decision_reasons_list(*, decision: Decision) -> list[DecisionReason]:
    """The reasons an officer may choose for `decision`, in the order the console shows them."""
    return [reason for reason in DECISION_REASONS if reason.decision == decision]


def decision_reason_label(*, code: str, language: str) -> str:
    """The reason's label in `language`; a code since retired from the list shows as itself."""
    reason = _BY_CODE.get(code)
    return reason.label_in(language) if reason else code


def decision_reason_get(*, decision: str, code: str) -> DecisionReason:
    """The reason `code` for `decision`, or InvalidInput naming the field and the valid codes."""
    if decision not in DECISIONS:
        raise InvalidInput(
            str(_("Choose whether to approve or reject.")), field="decision", choices=DECISIONS
        )
    reason = _BY_CODE.get(code)
    if reason is None or reason.decision != decision:
        choices = [item.code for item in DECISION_REASONS if item.decision == decision]
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
        parts = [
            str(_("%(decision)s: %(reason)s.") % {"decision": heading, "reason": reason.label})
        ]
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
