"""What the JSON API needs beyond the portal's functions: answering an information request by
application (the API's resource) rather than by task."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from onestop.accounts.models import CitizenAccount
from onestop.core.errors import InvalidInput, NotFound

from .access import application_get_for
from .models import AgencyTask, Application, ApplicationMessage, TaskState
from .portal_support import information_request_get
from .workflow import application_information_answer


def application_information_answer_by_application(
    *, actor: CitizenAccount, application_id: Any, text: str, message_id: str = "", channel: str
) -> AgencyTask:
    """The applicant answers the open information request of their application: the one named
    by `message_id`, or the only one open. Not theirs or missing: NotFound (from the access
    check); none open, or several and none named: InvalidInput naming the field."""
    application = application_get_for(actor=actor, application_id=application_id)
    request = information_request_open(application=application, message_id=message_id)
    return application_information_answer(
        actor=actor, task_id=request.task_id, text=text, channel=channel
    )


def information_request_open(*, application: Application, message_id: str) -> ApplicationMessage:
    """The open information request the applicant answers: the one `message_id` names, or the
    only one open; InvalidInput naming the field when none is open, several are and none is
    named, or the id names none."""
    if message_id:
        try:
            return information_request_get(application=application, message_id=message_id)
        except (NotFound, ValidationError, ValueError) as error:  # or a malformed id
            raise InvalidInput(
                _("No open information request of this application has this id."),
                field="message",
            ) from error
    found = list(
        ApplicationMessage.objects.filter(
            application=application,
            kind="information_request",
            answered_at__isnull=True,
            task__state=TaskState.INFORMATION_REQUESTED,
        )[:2]
    )
    if not found:
        raise InvalidInput(
            _("Nothing is asked of you on this application now."),
            code="no_information_requested",
            field="text",
        )
    if len(found) > 1:
        raise InvalidInput(
            _("Several requests are open; say which one you answer (its message id)."),
            field="message",
        )
    return found[0]
