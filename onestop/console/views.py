"""The officer console's pages: thin views over `onestop.applications` (task_selectors,
workflow, console_support). Each parses, calls one domain function and renders; domain errors
become pages in one place (`_refused`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from onestop.applications import workflow
from onestop.applications.console_support import (
    agency_officers_list,
    agency_services_list,
    case_form_rows,
    evidence_file_open,
    staff_task_agencies,
    tasks_claimable,
)
from onestop.applications.counter_support import counter_centers
from onestop.applications.decisions import decision_reasons_list
from onestop.applications.task_selectors import (
    TaskPage,
    task_case_get,
    task_escalated_list,
    task_mine_list,
    task_note_add,
    task_queue_list,
)
from onestop.catalog.models import Agency
from onestop.catalog.selectors import evidence_names
from onestop.core.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied
from onestop.staff.otp import staff_totp_required
from onestop.staff.permissions import staff_may

from . import forms
from .sign_in import sign_in_redirect

SESSION_AGENCY = "console.agency"


@dataclass(frozen=True)
class Desk:
    """Where the signed-in officer is working: the agencies they hold a task role in, the one
    chosen in the switcher, and whether they supervise it (for the escalations link)."""

    agencies: list[Agency]
    agency: Agency
    is_supervisor: bool


ConsoleView = Callable[..., HttpResponseBase]


def _desk(request: HttpRequest, agencies: list[Agency]) -> Desk:
    wanted = request.GET.get("agency") or request.session.get(SESSION_AGENCY)
    agency = next((item for item in agencies if item.code == wanted), agencies[0])
    if request.session.get(SESSION_AGENCY) != agency.code:
        request.session[SESSION_AGENCY] = agency.code
    is_supervisor = staff_may(user=request.user, action="task.assign", agency=agency)
    return Desk(agencies=agencies, agency=agency, is_supervisor=is_supervisor)


def console_view(view: ConsoleView) -> ConsoleView:
    """Signed-in staff with a task role only: anyone else goes to the sign-in page (a session
    not verified by a TOTP device too, when one is required); staff without a task role get a
    polite page. A domain NotFound is the site's 404."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated:
            return sign_in_redirect(request)
        if staff_totp_required() and not getattr(user, "is_verified", lambda: False)():
            return sign_in_redirect(request)
        agencies = staff_task_agencies(user=user)
        if not agencies and counter_centers(user=user):
            return redirect("console:counter")  # a front-office operator's console is the counter
        if not agencies:
            return render(request, "console/no_role.html", status=403)
        try:
            return view(request, _desk(request, agencies), *args, **kwargs)
        except NotFound as missing:
            raise Http404(missing.message) from missing

    return wrapper


def _cursor_error(error: InvalidInput) -> dict[str, list[str]]:
    return {str(error.details.get("field", "after")): [error.message]}


def _listed(
    request: HttpRequest, read: Callable[[str], TaskPage], after: str
) -> tuple[TaskPage, dict[str, list[str]]]:
    """A page of a task list; a damaged cursor shows the first page and says so."""
    try:
        return read(after), {}
    except InvalidInput as error:
        return read(""), _cursor_error(error)


@require_GET
@console_view
def mine(request: HttpRequest, desk: Desk) -> HttpResponse:
    after = request.GET.get("after", "")[:200]
    page, errors = _listed(
        request, lambda cursor: task_mine_list(actor=request.user, after=cursor), after
    )
    return render(
        request,
        "console/mine.html",
        {"desk": desk, "page": page, "errors": errors, "after": after, "nav": "mine"},
    )


@require_GET
@console_view
def queue(request: HttpRequest, desk: Desk) -> HttpResponse:
    filters = forms.QueueFilterForm(request.GET)
    filters.is_valid()  # what is valid filters; what is not is named next to its field
    chosen = filters.cleaned_data
    overdue = {"yes": True, "no": False}.get(chosen.get("overdue") or "")

    def read(cursor: str) -> TaskPage:
        return task_queue_list(
            actor=request.user,
            agency=desk.agency,
            states=[chosen["state"]] if chosen.get("state") else None,
            service_code=chosen.get("service") or "",
            is_overdue=overdue,
            after=cursor,
        )

    page, errors = _listed(request, read, chosen.get("after") or "")
    return render(
        request,
        "console/queue.html",
        {
            "desk": desk,
            "page": page,
            "filters": filters,
            "errors": {**filters.errors, **errors},
            "services": agency_services_list(actor=request.user, agency=desk.agency),
            "states": workflow.STATE_NAMES,
            "claimable": tasks_claimable(actor=request.user, agency=desk.agency, tasks=page.tasks),
            "after": chosen.get("after") or "",
            "nav": "queue",
        },
    )


@require_GET
@console_view
def escalations(request: HttpRequest, desk: Desk) -> HttpResponse:
    after = request.GET.get("after", "")[:200]
    try:
        page, errors = _listed(
            request,
            lambda cursor: task_escalated_list(
                actor=request.user, agency=desk.agency, after=cursor
            ),
            after,
        )
    except PermissionDenied:
        return render(
            request,
            "console/supervisors_only.html",
            {"desk": desk, "nav": "escalations"},
            status=403,
        )
    return render(
        request,
        "console/escalations.html",
        {"desk": desk, "page": page, "errors": errors, "after": after, "nav": "escalations"},
    )


@dataclass
class Posted:
    """What an officer posted that the domain refused: kept to show again with the messages."""

    action: str = ""
    data: QueryDict | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)
    alert: str = ""


def _case_render(
    request: HttpRequest, desk: Desk, task_id: UUID, posted: Posted | None = None, status: int = 200
) -> HttpResponse:
    view = task_case_get(actor=request.user, task_id=task_id)
    task = view.task
    context: dict[str, Any] = {
        "desk": desk,
        "case": view,
        "task": task,
        "form_rows": case_form_rows(task=task),
        "evidence_names": evidence_names(codes=[row.evidence_code for row in view.evidence]),
        "posted": posted or Posted(),
        "officers": [],
        "reasons": {},
        "nav": "",
        "page_path": reverse("console:case", args=[task_id]),
    }
    if "assign" in view.actions:
        context["officers"] = agency_officers_list(actor=request.user, agency=task.agency_id)
    for decision in ("approve", "reject"):
        if decision in view.actions:
            context["reasons"][decision] = decision_reasons_list(decision=decision)
    return render(request, "console/case.html", context, status=status)


@require_GET
@console_view
def case(request: HttpRequest, desk: Desk, task_id: UUID) -> HttpResponse:
    return _case_render(request, desk, task_id)


def _assignee(form: forms.AssignForm) -> Any:
    assignee = get_user_model().objects.filter(pk=form.cleaned_data["assignee"]).first()
    if assignee is None:
        raise InvalidInput(_("Choose the officer to give the task to."), field="assignee")
    return assignee


def _act(request: HttpRequest, action: str, task_id: UUID, form: Any) -> Any:
    """Call the one domain function for `action` with what the form parsed."""
    data = form.cleaned_data
    common = {
        "actor": request.user,
        "task_id": task_id,
        "expected_version": data["expected_version"],
    }
    if action == "claim":
        return workflow.task_claim(**common)
    if action == "assign":
        return workflow.task_assign(
            **common, assignee=_assignee(form), reason_text=data["reason_text"]
        )
    if action == "release":
        return workflow.task_release(**common, reason_text=data["reason_text"])
    if action == "review_start":
        return workflow.task_review_start(**common)
    if action == "information_request":
        return workflow.task_information_request(
            **common, text=data["request_text"], respond_by=data["respond_by"]
        )
    if action == "decide":
        return workflow.task_decide(
            **common,
            decision=data["decision"],
            reason_code=data["reason_code"],
            reason_text=data["reason_text"],
        )
    return workflow.task_output_issue(**common)


ACTION_FORMS: dict[str, type[forms.ActionForm]] = {
    "claim": forms.ActionForm,
    "assign": forms.AssignForm,
    "release": forms.ReasonTextForm,
    "review_start": forms.ActionForm,
    "information_request": forms.InformationRequestForm,
    "decide": forms.DecideForm,
    "output_issue": forms.ActionForm,
}


def _form_errors(form: Any) -> dict[str, list[str]]:
    return {name: [str(error) for error in errors] for name, errors in form.errors.items()}


def _refused(error: DomainError, posted: Posted) -> int:
    """The one place a refused action becomes what the officer sees: a message next to the
    field for bad input, a message at the top for a conflict (a stale form) or a refusal."""
    if isinstance(error, InvalidInput):
        posted.errors.setdefault(str(error.details.get("field", "")), []).append(error.message)
        return 400
    posted.alert = error.message
    if isinstance(error, Conflict):
        return 409
    if isinstance(error, PermissionDenied):
        posted.alert = _("You cannot do this on this task: %(reason)s") % {"reason": error.message}
        return 403
    return error.status


@require_POST
@console_view
def task_action(request: HttpRequest, desk: Desk, task_id: UUID, action: str) -> HttpResponse:
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404(action)
    form = form_class(request.POST)
    posted = Posted(action=action, data=request.POST)
    if not form.is_valid():
        posted.errors = _form_errors(form)
        return _case_render(request, desk, task_id, posted, status=400)
    try:
        _act(request, action, task_id, form)
    except NotFound:
        raise
    except DomainError as error:
        status = _refused(error, posted)
        return _case_render(request, desk, task_id, posted, status=status)
    messages.success(request, _("Done. The task's history records what you did."))
    return redirect(reverse("console:case", args=[task_id]))


@require_POST
@console_view
def note_add(request: HttpRequest, desk: Desk, task_id: UUID) -> HttpResponse:
    form = forms.NoteForm(request.POST)
    posted = Posted(action="note", data=request.POST)
    if not form.is_valid():
        posted.errors = _form_errors(form)
        return _case_render(request, desk, task_id, posted, status=400)
    try:
        task_note_add(actor=request.user, task_id=task_id, text=form.cleaned_data["text"])
    except NotFound:
        raise
    except DomainError as error:
        return _case_render(request, desk, task_id, posted, status=_refused(error, posted))
    messages.success(request, _("Your note is saved. Only staff can read it."))
    return redirect(reverse("console:case", args=[task_id]) + "#notes")


@require_GET
@console_view
def evidence_file(
    request: HttpRequest, desk: Desk, task_id: UUID, evidence_id: UUID
) -> HttpResponseBase:
    try:
        opened = evidence_file_open(actor=request.user, task_id=task_id, evidence_id=evidence_id)
    except Conflict as refused:
        posted = Posted()
        return _case_render(request, desk, task_id, posted, status=_refused(refused, posted))
    return FileResponse(
        opened.file, as_attachment=True, filename=opened.name, content_type=opened.content_type
    )
