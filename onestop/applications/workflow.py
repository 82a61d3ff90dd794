"""The agency task's state machine: one function per use case, each one transaction.

    queued ─claim/assign→ assigned ─review_start→ in_review ─approve→ approved ─output_issue→ output_issued
       ↑                     │                      │   └─reject→ rejected
       └──────release────────┴──────────────────────┤
                                 information_request↓   ↑ review_start
                          information_requested ─information_answer→ resubmitted
    any open state ─withdraw (the applicant)→ withdrawn
    any open state ─close (its all-or-nothing bundle was rejected)→ withdrawn

Every function: the permission is checked here, in the domain (the task's agency is the scope; a
claimed task is worked only by its assignee or a supervisor of the agency); the application row
and then the task row are locked (always in that order, so two agencies working one application
cannot deadlock); the version the caller saw, when given, must still be current (a stale console
form gets a Conflict, not a silent overwrite); a TaskTransition row and a `task.<verb>` domain
event are written; the application's status is refreshed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onestop.accounts.models import CitizenAccount
from onestop.core import clock
from onestop.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from onestop.core.events import event_record
from onestop.core.text import pick
from onestop.staff.actors import (
    Actor,
    AgencySystemActor,
    SystemActor,
    actor_label,
    actor_require,
    agency_system_may,
)
from onestop.staff.permissions import staff_may

from . import decisions
from .models import (
    OPEN_TASK_STATES,
    AgencyTask,
    Application,
    ApplicationMessage,
    MessageDirection,
    TaskState,
    TaskTransition,
)
from .status import APPROVED_STATES, application_status_refresh

S = TaskState
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.QUEUED, "claim"): S.ASSIGNED,
    (S.QUEUED, "assign"): S.ASSIGNED,
    (S.ASSIGNED, "assign"): S.ASSIGNED,
    (S.IN_REVIEW, "assign"): S.IN_REVIEW,
    (S.INFORMATION_REQUESTED, "assign"): S.INFORMATION_REQUESTED,
    (S.RESUBMITTED, "assign"): S.RESUBMITTED,
    (S.ASSIGNED, "release"): S.QUEUED,
    (S.IN_REVIEW, "release"): S.QUEUED,
    (S.RESUBMITTED, "release"): S.QUEUED,
    (S.ASSIGNED, "review_start"): S.IN_REVIEW,
    (S.RESUBMITTED, "review_start"): S.IN_REVIEW,
    (S.IN_REVIEW, "information_request"): S.INFORMATION_REQUESTED,
    (S.INFORMATION_REQUESTED, "information_answer"): S.RESUBMITTED,
    (S.IN_REVIEW, "approve"): S.APPROVED,
    (S.IN_REVIEW, "reject"): S.REJECTED,
    (S.APPROVED, "output_issue"): S.OUTPUT_ISSUED,
    **{(state, "withdraw"): S.WITHDRAWN for state in OPEN_TASK_STATES},
    **{(state, "close"): S.WITHDRAWN for state in OPEN_TASK_STATES},
}
EVENT_VERBS = {
    "claim": "claimed",
    "assign": "assigned",
    "release": "released",
    "review_start": "review_started",
    "information_request": "information_requested",
    "information_answer": "resubmitted",
    "approve": "decided",
    "reject": "decided",
    "output_issue": "output_issued",
    "withdraw": "withdrawn",
    "close": "closed",
}
# What staff may do from the console, in the order it shows them. The applicant's actions
# (information_answer, withdraw) and the bundle's close are not staff buttons.
STAFF_ACTIONS = (
    "claim",
    "review_start",
    "information_request",
    "approve",
    "reject",
    "output_issue",
    "release",
    "assign",
)
# Staff actions only the assignee (or a supervisor holding task.assign) may take.
ASSIGNEE_ACTIONS = {"review_start", "information_request", "approve", "reject", "output_issue"}
# The console's button names, also used to say which action a state refuses.
ACTION_NAMES = {
    "claim": gettext_lazy("Claim"),
    "assign": gettext_lazy("Assign"),
    "release": gettext_lazy("Release to the queue"),
    "review_start": gettext_lazy("Start review"),
    "information_request": gettext_lazy("Request information"),
    "information_answer": gettext_lazy("Answer"),
    "approve": gettext_lazy("Approve"),
    "reject": gettext_lazy("Reject"),
    "output_issue": gettext_lazy("Issue the output"),
    "withdraw": gettext_lazy("Withdraw"),
    "close": gettext_lazy("Close"),
}
STATE_NAMES = {
    S.QUEUED: gettext_lazy("queued"),
    S.ASSIGNED: gettext_lazy("assigned"),
    S.IN_REVIEW: gettext_lazy("in review"),
    S.INFORMATION_REQUESTED: gettext_lazy("waiting for the applicant's information"),
    S.RESUBMITTED: gettext_lazy("resubmitted by the applicant"),
    S.APPROVED: gettext_lazy("approved"),
    S.REJECTED: gettext_lazy("rejected"),
    S.OUTPUT_ISSUED: gettext_lazy("approved, output issued"),
    S.WITHDRAWN: gettext_lazy("withdrawn"),
}
INFORMATION_TEXT_MAX = 2000
INFORMATION_DEFAULT_DAYS = 14
CONSOLE = "console"
API = "api"
Applicant = CitizenAccount | Actor


@dataclass(frozen=True)
class _Step:
    """One transition as recorded: who, why, through which channel."""

    action: str
    actor: str
    reason_code: str = ""
    reason_text: str = ""
    channel: str = CONSOLE
    on_behalf_of: str = ""


def _to_state(task: AgencyTask, action: str) -> str:
    to_state = TRANSITIONS.get((task.state, action))
    if to_state is None:
        raise Conflict(
            _("“%(action)s” is not possible while the task is %(state)s.")
            % {"state": STATE_NAMES[S(task.state)], "action": ACTION_NAMES[action]},
            code="task_transition_not_allowed",
            state=task.state,
            action=action,
        )
    return to_state


def task_id_checked(task_id: Any) -> UUID:
    """A task id from a form or a URL; anything not an id is a task that does not exist."""
    try:
        return task_id if isinstance(task_id, UUID) else UUID(str(task_id))
    except ValueError:
        raise NotFound(_("There is no such task."), code="task_not_found") from None


def _locked(task_id: Any, expected_version: int | None) -> AgencyTask:
    """Lock the task's application, then the task; check the version the caller saw."""
    task_id = task_id_checked(task_id)
    application = (
        Application.objects.select_for_update(of=("self",)).filter(tasks__pk=task_id).first()
    )
    if application is None:
        raise NotFound(_("There is no such task."), code="task_not_found")
    task = (
        AgencyTask.objects.select_for_update(of=("self",))
        .select_related("service_version__service", "agency")
        .get(pk=task_id)
    )
    task.application = application
    if expected_version is not None and expected_version != task.version:
        raise Conflict(
            _(
                "Someone changed this task since you opened it (it is now %(state)s). "
                "Reload the task and try again."
            )
            % {"state": STATE_NAMES[S(task.state)]},
            code="task_stale",
            version=task.version,
        )
    return task


def _apply(task: AgencyTask, step: _Step, **payload: Any) -> AgencyTask:
    """Move the task, record the transition and its event (the caller holds the locks)."""
    to_state = _to_state(task, step.action)
    from_state, now = task.state, clock.now()
    task.state, task.version, task.updated_at = to_state, task.version + 1, now
    task.save(update_fields=["state", "version", "updated_at", *payload.pop("fields", [])])
    TaskTransition.objects.create(
        task=task,
        from_state=from_state,
        to_state=to_state,
        actor=step.actor,
        reason_code=step.reason_code,
        reason_text=step.reason_text,
        occurred_at=now,
    )
    event_record(
        name=f"task.{EVENT_VERBS[step.action]}",
        actor=step.actor,
        entity_type="applications.agencytask",
        entity_id=str(task.pk),
        channel=step.channel,
        on_behalf_of=step.on_behalf_of,
        payload={
            "task": str(task.pk),
            "application": str(task.application_id),
            "agency": task.agency.code,
            "service": task.service_version.service.code,
            "from": from_state,
            "to": to_state,
            "reason_code": step.reason_code,
            "reason_text": step.reason_text,
            **payload,
        },
    )
    return task


def _staff_require(actor: Actor, task: AgencyTask, action: str) -> str:
    """The staff check for `action` on this task; returns the label to record."""
    if isinstance(actor, AgencySystemActor) and not agency_system_may(
        actor=actor, action="task.read", agency=task.agency_id
    ):
        # Another agency's system cannot even learn that the task exists.
        raise NotFound(_("There is no such task."), code="task_not_found")
    if action in ("assign",):
        return actor_require(actor=actor, action="task.assign", agency=task.agency_id)
    label = actor_require(actor=actor, action="task.decide", agency=task.agency_id)
    if isinstance(actor, AgencySystemActor):
        return _agency_system_require(task, action, label)
    if isinstance(actor, SystemActor):
        if action == "claim":
            raise PermissionDenied(
                _("A task is claimed by an officer, not by a system."), code="task_claim_by_system"
            )
        return label
    if action == "claim":
        return label
    is_assignee = task.assignee_id is not None and task.assignee_id == actor.pk
    if is_assignee or staff_may(user=actor, action="task.assign", agency=task.agency_id):
        return label
    raise PermissionDenied(
        _("This task is assigned to someone else; ask a supervisor to reassign it."),
        code="task_not_yours",
        action=action,
    )


def _agency_system_require(task: AgencyTask, action: str, label: str) -> str:
    """An agency's own case system (its own agency only, checked by actor_require) claims a
    queued task for the system — it is nobody's assignee, so the task keeps none — and works the
    tasks without an assignee; a task an officer holds stays the officer's."""
    if action == "claim" or task.assignee_id is None:
        return label
    raise PermissionDenied(
        _("This task is assigned to someone else; ask a supervisor to reassign it."),
        code="task_not_yours",
        action=action,
    )


def _staff_step(
    *, actor: Actor, task_id: Any, action: str, expected_version: int | None, **step: Any
) -> tuple[AgencyTask, _Step]:
    task = _locked(task_id, expected_version)
    label = _staff_require(actor, task, action)
    _to_state(task, action)
    return task, _Step(action=action, actor=label, channel=staff_channel(actor), **step)


def staff_channel(actor: Actor) -> str:
    """Where a staff-side move came from: an agency's own case system through the API, or the
    console (a person, or a command on the server)."""
    return API if isinstance(actor, AgencySystemActor) else CONSOLE


def _refreshed(task: AgencyTask, label: str) -> AgencyTask:
    application_status_refresh(application=task.application, actor=label)
    return task


def task_claim(*, actor: Actor, task_id: Any, expected_version: int | None = None) -> AgencyTask:
    """An officer of the task's agency takes a queued task as their own."""
    with transaction.atomic():
        task, step = _staff_step(
            actor=actor, task_id=task_id, action="claim", expected_version=expected_version
        )
        task.assignee = actor if isinstance(actor, AbstractBaseUser) else None  # type: ignore[assignment]
        return _refreshed(_apply(task, step, fields=["assignee"], assignee=step.actor), step.actor)


def task_assign(
    *,
    actor: Actor,
    task_id: Any,
    assignee: AbstractBaseUser,
    reason_text: str = "",
    expected_version: int | None = None,
) -> AgencyTask:
    """A supervisor gives the task to an officer of its agency (or moves it to another)."""
    with transaction.atomic():
        task, step = _staff_step(
            actor=actor,
            task_id=task_id,
            action="assign",
            expected_version=expected_version,
            reason_text=reason_text.strip(),
        )
        if not staff_may(user=assignee, action="task.decide", agency=task.agency_id):
            raise InvalidInput(
                _("Choose an officer of %(agency)s; this person cannot work its tasks.")
                % {"agency": pick(task.agency.name, task.application.language)},
                field="assignee",
            )
        if task.assignee_id == assignee.pk:
            raise InvalidInput(_("The task is already assigned to this officer."), field="assignee")
        task.assignee = assignee  # type: ignore[assignment]
        _apply(task, step, fields=["assignee"], assignee=actor_label(assignee))
        return _refreshed(task, step.actor)


def task_release(
    *, actor: Actor, task_id: Any, reason_text: str = "", expected_version: int | None = None
) -> AgencyTask:
    """The assignee (or a supervisor) puts the task back on the agency's queue."""
    with transaction.atomic():
        task, step = _staff_step(
            actor=actor,
            task_id=task_id,
            action="release",
            expected_version=expected_version,
            reason_text=reason_text.strip(),
        )
        task.assignee = None
        return _refreshed(_apply(task, step, fields=["assignee"]), step.actor)


def task_review_start(
    *, actor: Actor, task_id: Any, expected_version: int | None = None
) -> AgencyTask:
    """The assignee opens the case to examine it (again, after the applicant answered)."""
    with transaction.atomic():
        task, step = _staff_step(
            actor=actor, task_id=task_id, action="review_start", expected_version=expected_version
        )
        return _refreshed(_apply(task, step), step.actor)


def _first_response(task: AgencyTask) -> list[str]:
    """Measuring silence: the first time the applicant hears from an officer."""
    if task.first_response_at is not None:
        return []
    task.first_response_at = clock.now()
    return ["first_response_at"]


def _information_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise InvalidInput(_("Say what the applicant should send or answer."), field="request_text")
    if len(text) > INFORMATION_TEXT_MAX:
        raise InvalidInput(
            _("The text is too long; keep it under %(limit)d characters.")
            % {"limit": INFORMATION_TEXT_MAX},
            field="request_text",
        )
    return text


def task_information_request(
    *,
    actor: Actor,
    task_id: Any,
    text: str,
    respond_by: date | None = None,
    expected_version: int | None = None,
) -> AgencyTask:
    """Ask the applicant for something; the message is theirs to read, the notification says
    by when (default: INFORMATION_DEFAULT_DAYS calendar days)."""
    text = _information_text(text)
    today = timezone.localdate(clock.now())
    respond_by = respond_by or today + timedelta(days=INFORMATION_DEFAULT_DAYS)
    if respond_by <= today:
        raise InvalidInput(_("Choose a reply date after today."), field="respond_by")
    with transaction.atomic():
        task, step = _staff_step(
            actor=actor,
            task_id=task_id,
            action="information_request",
            expected_version=expected_version,
            reason_text=text,
        )
        message = ApplicationMessage.objects.create(
            application=task.application,
            task=task,
            direction=MessageDirection.TO_APPLICANT,
            kind="information_request",
            text=text,
            author=task.agency.code,
            channel=step.channel,
            created_at=clock.now(),
            respond_by=respond_by,
        )
        _apply(
            task,
            step,
            fields=_first_response(task),
            message=str(message.pk),
            respond_by=respond_by.isoformat(),
        )
        return _refreshed(task, step.actor)


def _applicant_label(actor: Applicant, application: Application, center: Any) -> str:
    """The applicant themself, an operator at a counter on their behalf (with the right to
    file for citizens at that center), or a trusted machine path. A citizen who is not the
    applicant gets the same NotFound as for a missing application."""
    if isinstance(actor, CitizenAccount):
        is_applicant = actor.pk == application.applicant_account_id or (
            actor.person_reference != ""
            and actor.person_reference == application.applicant_national_id
        )
        if not is_applicant:
            raise NotFound(_("There is no such application."), code="application_not_found")
        return f"citizen:{actor.pk}"
    return actor_require(actor=actor, action="application.file_on_behalf", center=center)


def application_information_answer(
    *,
    actor: Applicant,
    task_id: Any,
    text: str,
    channel: str,
    center: Any = None,
) -> AgencyTask:
    """The applicant answers an information request (portal, counter, API, SMS): the answer
    is kept as a message and the task goes back to its officer as resubmitted."""
    text = text.strip()
    if not text:
        raise InvalidInput(_("Write your answer before sending it."), field="text")
    if len(text) > INFORMATION_TEXT_MAX:
        raise InvalidInput(
            _("Your answer is too long; keep it under %(limit)d characters.")
            % {"limit": INFORMATION_TEXT_MAX},
            field="text",
        )
    with transaction.atomic():
        task = _locked(task_id, None)
        label = _applicant_label(actor, task.application, center)
        step = _Step(
            action="information_answer",
            actor=label,
            channel=channel,
            on_behalf_of=task.application.applicant_national_id,
        )
        _to_state(task, step.action)
        now = clock.now()
        fields = _deadline_resumed(task, now)
        task.messages.filter(kind="information_request", answered_at__isnull=True).update(
            answered_at=now
        )
        message = ApplicationMessage.objects.create(
            application=task.application,
            task=task,
            direction=MessageDirection.FROM_APPLICANT,
            kind="answer",
            text=text,
            author=label,
            channel=channel,
            created_at=now,
        )
        _apply(task, step, fields=fields, message=str(message.pk), due_at=task.due_at.isoformat())
        return _refreshed(task, label)


def _deadline_resumed(task: AgencyTask, now: datetime) -> list[str]:
    """The agency's deadline stood still while the applicant was asked for information: it
    moves on by the time the question waited (the SLA job skips tasks waiting for the
    applicant). A warning already given stands: it came at or after the warning time, before
    the question, so the moved warning time is passed too."""
    asked_at = (
        task.messages.filter(kind="information_request", answered_at__isnull=True)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if asked_at is None or asked_at >= now:
        return []
    waited = now - asked_at
    task.due_at, task.warn_at = task.due_at + waited, task.warn_at + waited
    return ["due_at", "warn_at"]


def task_decide(
    *,
    actor: Actor,
    task_id: Any,
    decision: str,
    reason_code: str,
    reason_text: str = "",
    expected_version: int | None = None,
) -> AgencyTask:
    """Approve or reject with a reason from the list plus the officer's words. An approval
    issues the output at once unless its all-or-nothing bundle still has parts undecided (then
    the last approval issues every part's); a rejection closes the open parts of an
    all-or-nothing bundle."""
    reason = decisions.decision_reason_get(decision=decision, code=reason_code)
    text = decisions.decision_text_clean(decision=decision, text=reason_text)
    with transaction.atomic():
        task, step = _staff_step(
            actor=actor,
            task_id=task_id,
            action=decision,
            expected_version=expected_version,
            reason_code=reason.code,
            reason_text=text,
        )
        now = clock.now()
        task.decided_at, task.decision_reason, task.decision_text = now, reason.code, text
        ApplicationMessage.objects.create(
            application=task.application,
            task=task,
            direction=MessageDirection.TO_APPLICANT,
            kind="decision",
            text=decisions.decision_message_text(task=task, reason=reason, text=text),
            author=task.agency.code,
            channel=step.channel,
            created_at=now,
        )
        fields = ["decided_at", "decision_reason", "decision_text", *_first_response(task)]
        issuable = _issuable_after(task, decision)
        _apply(
            task,
            step,
            fields=fields,
            decision=decision,
            is_output_following=task.pk in issuable,
        )
        _decision_followed(task, decision, issuable, step)
        return _refreshed(task, step.actor)


def _issuable_after(task: AgencyTask, decision: str) -> list[Any]:
    """The approved tasks whose outputs may be issued once `task` is decided: itself when it
    stands alone; every part of an all-or-nothing bundle when this approval completes it."""
    if decision != "approve":
        return []
    if not task.application.is_all_or_nothing:
        return [task.pk]
    others = task.application.tasks.exclude(pk=task.pk).values_list("pk", "state")
    if any(state not in APPROVED_STATES and state != S.WITHDRAWN for _, state in others):
        return []
    return [task.pk, *(pk for pk, state in others if state == S.APPROVED)]


def _decision_followed(task: AgencyTask, decision: str, issuable: list[Any], step: _Step) -> None:
    """What a decision sets off, recorded as the decider's, through the same channel."""
    if decision == "reject" and task.application.is_all_or_nothing:
        _bundle_close(task, step)
    for pk in issuable:
        other = task if pk == task.pk else _sibling_locked(task, pk)
        _output_issue(other, _Step(action="output_issue", actor=step.actor, channel=step.channel))


def _sibling_locked(task: AgencyTask, pk: Any) -> AgencyTask:
    sibling = (
        AgencyTask.objects.select_for_update(of=("self",))
        .select_related("service_version__service", "agency")
        .get(pk=pk)
    )
    sibling.application = task.application
    return sibling


def _bundle_close(task: AgencyTask, step: _Step) -> None:
    """An all-or-nothing bundle failed: its other open parts stop (no agency works on them, the
    applicant is asked nothing more for them)."""
    open_parts = (
        task.application.tasks.select_for_update(of=("self",))
        .select_related("service_version__service", "agency")
        .filter(state__in=OPEN_TASK_STATES)
        .exclude(pk=task.pk)
        .order_by("pk")
    )
    for part in open_parts:
        part.application = task.application
        closing = _Step(
            action="close",
            actor=step.actor,
            reason_code="bundle_part_rejected",
            channel=step.channel,
        )
        _apply(part, closing)


def _output_index(task: AgencyTask) -> int:
    ids = list(task.application.tasks.order_by("pk").values_list("pk", flat=True))
    return ids.index(task.pk) + 1


def _output_issue(task: AgencyTask, step: _Step) -> AgencyTask:
    output = decisions.output_record_create(
        task=task, index=_output_index(task), issued_by=step.actor
    )
    return _apply(
        task,
        step,
        output=str(output.pk),
        number=output.number,
        valid_until=output.valid_until.isoformat() if output.valid_until else "",
    )


def task_output_issue(
    *, actor: Actor, task_id: Any, expected_version: int | None = None
) -> AgencyTask:
    """Issue the output of an approved task whose issue was held; refused while its
    all-or-nothing bundle still has parts not approved."""
    with transaction.atomic():
        task, step = _staff_step(
            actor=actor, task_id=task_id, action="output_issue", expected_version=expected_version
        )
        if task.application.is_all_or_nothing and _bundle_is_waiting(task):
            raise Conflict(
                _(
                    "The other parts of this application must be approved first: they stand "
                    "or fall together."
                ),
                code="bundle_not_complete",
            )
        return _refreshed(_output_issue(task, step), step.actor)


def _bundle_is_waiting(task: AgencyTask) -> bool:
    return (
        task.application.tasks.exclude(pk=task.pk)
        .exclude(state__in=[*APPROVED_STATES, S.WITHDRAWN])
        .exists()
    )


def application_withdraw(
    *,
    actor: Applicant,
    application_id: Any,
    channel: str,
    reason_text: str = "",
    center: Any = None,
) -> Application:
    """The applicant withdraws: every open task stops; what was already decided stays."""
    with transaction.atomic():
        application = Application.objects.select_for_update().filter(pk=application_id).first()
        if application is None:
            raise NotFound(_("There is no such application."), code="application_not_found")
        label = _applicant_label(actor, application, center)
        open_tasks = list(
            application.tasks.select_for_update(of=("self",))
            .select_related("service_version__service", "agency")
            .filter(state__in=OPEN_TASK_STATES)
            .order_by("pk")
        )
        if not open_tasks:
            raise Conflict(
                _("This application has been decided; there is nothing left to withdraw."),
                code="application_not_open",
            )
        step = _Step(
            action="withdraw",
            actor=label,
            reason_text=reason_text.strip(),
            channel=channel,
            on_behalf_of=application.applicant_national_id,
        )
        for task in open_tasks:
            task.application = application
            _apply(task, step)
        event_record(
            name="application.withdrawn",
            actor=label,
            entity_type="applications.application",
            entity_id=str(application.pk),
            channel=channel,
            on_behalf_of=application.applicant_national_id,
            payload={"tasks": [str(task.pk) for task in open_tasks]},
        )
        return application_status_refresh(application=application, actor=label)


def task_actions_available(*, actor: Actor, task: AgencyTask) -> list[str]:
    """The staff actions `actor` may take next on `task`, in console order (empty for someone
    who cannot read the task). Two permission queries at most."""
    if isinstance(actor, SystemActor):
        may_decide = may_assign = True
    elif isinstance(actor, AgencySystemActor):
        may_decide = agency_system_may(actor=actor, action="task.decide", agency=task.agency_id)
        may_assign = False
    else:
        may_decide = staff_may(user=actor, action="task.decide", agency=task.agency_id)
        may_assign = staff_may(user=actor, action="task.assign", agency=task.agency_id)
    is_assignee = task.assignee_id is not None and task.assignee_id == getattr(actor, "pk", None)
    if isinstance(actor, AgencySystemActor):
        is_assignee = task.assignee_id is None  # the system works the tasks no officer holds
    available = []
    for action in STAFF_ACTIONS:
        if (task.state, action) not in TRANSITIONS:
            continue
        if action == "assign":
            allowed = may_assign
        elif action in ASSIGNEE_ACTIONS or action == "release":
            allowed = may_decide and (is_assignee or may_assign)
        else:
            allowed = may_decide
        if allowed:
            available.append(action)
    return available
