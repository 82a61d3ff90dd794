"""The kinds of notification, the variables each may use, and the longest plausible value of
each variable (what the SMS segment check renders a template with)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Variable:
    """`max_length` is the longest value the platform expects; `is_free_text` values are written
    in the message's own alphabet (a name, a reason), the others are codes, dates or URLs."""

    max_length: int
    is_free_text: bool = False


VARIABLES: dict[str, Variable] = {
    "recipient_name": Variable(24, is_free_text=True),
    "tracking_number": Variable(12),
    "service_name": Variable(40, is_free_text=True),
    "document_name": Variable(40, is_free_text=True),
    "subject": Variable(40, is_free_text=True),
    "request_text": Variable(80, is_free_text=True),
    "decision": Variable(20, is_free_text=True),
    "reason": Variable(80, is_free_text=True),
    "appeal_text": Variable(80, is_free_text=True),
    "collect_at": Variable(40, is_free_text=True),
    "submitted_on": Variable(10),
    "decision_due_on": Variable(10),
    "respond_by": Variable(10),
    "due_on": Variable(10),
    "valid_until": Variable(10),
    "amount": Variable(12),
    "payment_reference": Variable(20),
    "track_url": Variable(40),
    "pay_url": Variable(40),
    "feedback_url": Variable(40),
    "code": Variable(6),
    "minutes_valid": Variable(2),
    "task_url": Variable(100),
}

KINDS: dict[str, tuple[str, ...]] = {
    "application_acknowledged": (
        "recipient_name",
        "tracking_number",
        "service_name",
        "submitted_on",
        "decision_due_on",
        "track_url",
    ),
    "information_requested": (
        "recipient_name",
        "tracking_number",
        "service_name",
        "request_text",
        "respond_by",
        "track_url",
    ),
    "decision_made": (
        "recipient_name",
        "tracking_number",
        "service_name",
        "decision",
        "reason",
        "appeal_text",
        "track_url",
    ),
    "document_ready": (
        "recipient_name",
        "tracking_number",
        "document_name",
        "collect_at",
        "valid_until",
        "track_url",
    ),
    "payment_due": (
        "recipient_name",
        "tracking_number",
        "service_name",
        "amount",
        "due_on",
        "payment_reference",
        "pay_url",
    ),
    "reminder": ("recipient_name", "tracking_number", "subject", "due_on", "track_url"),
    "feedback_requested": ("recipient_name", "tracking_number", "service_name", "feedback_url"),
    "sign_in_code": ("code", "minutes_valid"),
    # To staff, by e-mail: the SLA watch's warning to the assignee (or, while nobody has claimed
    # the task, to the agency's supervisors), its escalation to supervisors.
    "task_sla_warning": ("recipient_name", "tracking_number", "service_name", "due_on", "task_url"),
    "task_unclaimed_warning": (
        "recipient_name",
        "tracking_number",
        "service_name",
        "due_on",
        "task_url",
    ),
    "task_escalated": ("recipient_name", "tracking_number", "service_name", "due_on", "task_url"),
}
