"""What the JSON API needs beyond the portal's functions: whether a submission is a retry, and
answering an information request by application (the API's resource) rather than by task."""

from __future__ import annotations

import uuid
from typing import Any

from django.utils.translation import gettext as _

from onestop.accounts.models import CitizenAccount
from onestop.core.errors import InvalidInput

from .access import application_get_for
from .drafts import actor_name
from .models import AgencyTask, Application, ApplicationMessage, TaskState
from .workflow import application_information_answer


def application_submitted_with(
    *, actor: CitizenAccount, idempotency_key: str
) -> Application | None:
    """The application this submitter already made with this key, if any (a retry)."""
    key = (idempotency_key or "").strip()
    if not key:
        return None
    return Application.objects.filter(submitted_by=actor_name(actor), idempotency_key=key).first()


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def application_information_answer_by_application(
    *, actor: CitizenAccount, application_id: Any, text: str, message_id: str = "", channel: str
) -> AgencyTask:
    """The applicant answers the open information request of their application: the one named
    by `message_id`, or the only one open. Not theirs or missing: NotFound (from the access
    check); none open, or several and none named: InvalidInput naming the field."""
    application = application_get_for(actor=actor, application_id=application_id)
    requests = ApplicationMessage.objects.filter(
        application=application,
        kind="information_request",
        answered_at__isnull=True,
        task__state=TaskState.INFORMATION_REQUESTED,
    )
    if message_id:
        request = requests.filter(pk=message_id).first() if _is_uuid(message_id) else None
        if request is None:
            raise InvalidInput(
                _("No open information request of this application has this id."),
                field="message",
            )
    else:
        found = list(requests[:2])
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
        request = found[0]
    return application_information_answer(
        actor=actor, task_id=request.task_id, text=text, channel=channel
    )
