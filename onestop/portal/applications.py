"""The signed-in citizen's applications: the list (drafts to resume, applications sent), the
confirmation after submitting, one application's page (timeline, what is expected, deadlines,
each service's state, messages, decisions, documents issued), answering an information request
and withdrawing. Thin views: access is `application_get_for`, the moves are the domain's."""

from __future__ import annotations

from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from onestop.accounts.models import CitizenAccount
from onestop.applications.access import application_get_for
from onestop.applications.attachments import upload_max_bytes
from onestop.applications.models import Application, ApplicationChannel
from onestop.applications.portal_support import (
    application_correspondence,
    drafts_of,
    information_answer_send,
    information_request_get,
)
from onestop.applications.selectors import application_tracking, applications_of, status_label
from onestop.applications.workflow import application_withdraw
from onestop.core.errors import Conflict, InvalidInput, NotFound

from .apply import _applicant, draft_titles
from .views import PAGE_SIZE, Paging, _page_number


def tracking_number_spoken(number: str) -> str:
    """The tracking number in short groups, easier to read aloud and to copy by hand
    (7K3-D9Q-X21E); the lookup reads it with or without the dashes."""
    return "-".join(number[index : index + 3] for index in range(0, 9, 3)) + number[9:]


def _application(
    request: HttpRequest, application_id: UUID
) -> tuple[CitizenAccount, Application] | HttpResponse:
    account = _applicant(request)
    if isinstance(account, HttpResponse):
        return account
    try:
        return account, application_get_for(actor=account, application_id=application_id)
    except NotFound as error:
        raise Http404(str(application_id)) from error


@require_GET
def my_applications(request: HttpRequest) -> HttpResponse:
    account = _applicant(request)
    if isinstance(account, HttpResponse):
        return account
    page = applications_of(account=account, page=_page_number(request))
    drafts = drafts_of(account=account) if page.number == 1 else []
    return render(
        request,
        "portal/applications.html",
        {
            "drafts": [
                {"draft": draft, "title": title}
                for draft, title in zip(drafts, draft_titles(drafts), strict=True)
            ],
            "applications": [
                {"application": item, "status": status_label(item.status)} for item in page.items
            ],
            "paging": Paging(number=page.number, count=page.count),
            "page_size": PAGE_SIZE,
        },
    )


@require_GET
def application_submitted(request: HttpRequest, application_id: UUID) -> HttpResponse:
    found = _application(request, application_id)
    if isinstance(found, HttpResponse):
        return found
    _account, application = found
    return render(
        request,
        "portal/application_submitted.html",
        {
            "application": application,
            "view": application_tracking(application=application),
            "spoken": tracking_number_spoken(application.tracking_number),
        },
    )


@require_GET
def application_detail(request: HttpRequest, application_id: UUID) -> HttpResponse:
    found = _application(request, application_id)
    if isinstance(found, HttpResponse):
        return found
    _account, application = found
    view = application_tracking(application=application)
    return render(
        request,
        "portal/application.html",
        {
            "application": application,
            "view": view,
            "correspondence": application_correspondence(application=application),
            "spoken": tracking_number_spoken(application.tracking_number),
            "is_open": any(task.is_open for task in view.tasks),
        },
    )


@require_http_methods(["GET", "POST"])
def information_answer(
    request: HttpRequest, application_id: UUID, message_id: UUID
) -> HttpResponse:
    found = _application(request, application_id)
    if isinstance(found, HttpResponse):
        return found
    account, application = found
    try:
        request_message = information_request_get(application=application, message_id=message_id)
    except NotFound as error:
        raise Http404(str(message_id)) from error
    text, errors = request.POST.get("text", ""), {}
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            information_answer_send(
                actor=account,
                message=request_message,
                text=text,
                file_name=upload.name or "" if upload else "",
                content=upload.read(upload_max_bytes() + 1) if upload else None,
            )
        except InvalidInput as refused:
            errors[refused.details.get("field") or "text"] = refused.message
        except Conflict as refused:
            errors["text"] = refused.message
        else:
            return redirect(f"{_detail_url(application)}?answered=1")
    return render(
        request,
        "portal/application_answer.html",
        {
            "application": application,
            "request_message": request_message,
            "text": text,
            "errors": errors,
            "max_megabytes": upload_max_bytes() // (1024 * 1024),
        },
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "POST"])
def application_withdraw_confirm(request: HttpRequest, application_id: UUID) -> HttpResponse:
    found = _application(request, application_id)
    if isinstance(found, HttpResponse):
        return found
    account, application = found
    reason, error_text = request.POST.get("reason", ""), ""
    if request.method == "POST":
        try:
            application_withdraw(
                actor=account,
                application_id=application.pk,
                channel=ApplicationChannel.ONLINE,
                reason_text=reason[:1000],
            )
        except Conflict as refused:
            error_text = refused.message
        else:
            return redirect(f"{_detail_url(application)}?withdrawn=1")
    return render(
        request,
        "portal/application_withdraw.html",
        {"application": application, "reason": reason, "error": error_text},
        status=409 if error_text else 200,
    )


def _detail_url(application: Application) -> str:
    return reverse("portal:application", args=[application.pk])
