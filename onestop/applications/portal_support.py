"""What the citizen's portal needs beyond drafts, intake and tracking: choosing the processing
tier of a draft, the drafts a citizen may resume, the messages and outputs of an application,
and the open information request an answer is for. Callers check access first
(drafts.draft_get_for, access.application_get_for)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from onestop.accounts.models import CitizenAccount
from onestop.core import clock
from onestop.core.errors import InvalidInput, NotFound

from .attachments import upload_store
from .drafts import draft_days, published_versions
from .models import (
    AgencyTask,
    Application,
    ApplicationChannel,
    ApplicationEvidence,
    ApplicationMessage,
    Draft,
    EvidenceStatus,
    MessageDirection,
    OutputRecord,
    ScanStatus,
    Tier,
)
from .workflow import application_information_answer

DRAFTS_SHOWN = 20


def draft_tier_set(*, draft: Draft, tier: str) -> Draft:
    """Choose standard or express processing for `draft` (got through `draft_get_for`). Express
    is refused where no service of the draft offers it; in a bundle it speeds only those that
    do (deadlines.task_deadlines)."""
    if tier not in Tier.values:
        raise InvalidInput(_("Choose standard or express processing."), field="tier")
    if tier == Tier.EXPRESS and not draft_offers_express(draft=draft):
        raise InvalidInput(
            _("This service has no express option; choose the standard processing."),
            code="express_not_offered",
            field="tier",
        )
    with transaction.atomic():
        locked = Draft.objects.select_for_update().get(pk=draft.pk)
        if locked.submitted_application_id is not None:
            raise InvalidInput(
                _("This application was already submitted; follow it with its tracking number."),
                code="draft_submitted",
                field="tier",
            )
        locked.tier = tier
        locked.updated_at = clock.now()
        locked.expires_at = locked.updated_at + timedelta(days=draft_days())
        locked.save(update_fields=["tier", "updated_at", "expires_at"])
    return locked


def draft_offers_express(*, draft: Draft) -> bool:
    versions = published_versions(service_codes=draft.service_codes)
    return any(version.express_processing_days is not None for version in versions)


def drafts_of(*, account: CitizenAccount) -> list[Draft]:
    """The account's drafts not yet submitted nor expired, last saved first (one query)."""
    return list(
        Draft.objects.filter(
            owner_account=account,
            submitted_application__isnull=True,
            expires_at__gt=clock.now(),
        )
        .select_related("life_event")
        .order_by("-updated_at", "-id")[:DRAFTS_SHOWN]
    )


@dataclass(frozen=True)
class Correspondence:
    """What the applicant and the agencies said to each other (internal notes never), and the
    documents issued."""

    messages: list[ApplicationMessage]
    outputs: list[OutputRecord]


def application_correspondence(*, application: Application) -> Correspondence:
    """Two queries, oldest message first."""
    messages = list(
        ApplicationMessage.objects.filter(application=application)
        .select_related("task__service_version")
        .order_by("created_at", "id")
    )
    outputs = list(
        OutputRecord.objects.filter(application=application).order_by("issued_at", "number")
    )
    return Correspondence(messages=messages, outputs=outputs)


def information_request_get(*, application: Application, message_id: Any) -> ApplicationMessage:
    """The open information request `message_id` of `application`; NotFound when it is not
    one, is another application's, or was already answered."""
    message = (
        ApplicationMessage.objects.filter(
            application=application,
            pk=message_id,
            kind="information_request",
            direction=MessageDirection.TO_APPLICANT,
            answered_at__isnull=True,
        )
        .select_related("task__service_version")
        .first()
    )
    if message is None or message.task_id is None:
        raise NotFound(
            _("There is no open request for information with this reference."),
            code="information_request_not_found",
        )
    return message


def information_answer_send(
    *,
    actor: CitizenAccount,
    message: ApplicationMessage,
    text: str,
    file_name: str = "",
    content: bytes | None = None,
) -> AgencyTask:
    """Answer the open request `message` (got through `information_request_get`) online, with
    an optional file checked and stored like an upload (attachments.upload_store) and kept as
    the application's evidence `answer:<message id>`, so the officer sees it in the case view.
    One transaction: a bad file sends no answer, and a refused answer stores no file."""
    with transaction.atomic():
        task = application_information_answer(
            actor=actor, task_id=message.task_id, text=text, channel=ApplicationChannel.ONLINE
        )
        if content is None:
            return task
        stored = upload_store(
            evidence_name=_("The attached file"),
            field="file",
            file_name=file_name,
            content=content,
            folder=f"applications/{message.application_id.hex}",
        )
        ApplicationEvidence.objects.create(
            application_id=message.application_id,
            evidence_code=f"answer:{message.pk}",
            status=EvidenceStatus.UPLOADED,
            source="applicant",
            file=stored.path,
            file_name=(file_name or "")[-200:],
            content_type=stored.content_type,
            size=len(content),
            sha256=stored.sha256,
            scan_status=ScanStatus.CLEAN,
            created_at=clock.now(),
        )
    return task
