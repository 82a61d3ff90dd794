"""Uploads for the evidence no registry gave: checked before anything is stored.

- The type is sniffed from the content with `filetype` (magic numbers, pure Python, no system
  libmagic), never taken from the name or the browser: ONESTOP_UPLOAD_TYPES lists the accepted
  MIME types (PDF, JPEG and PNG by default).
- At most ONESTOP_UPLOAD_MAX_BYTES (10 MB by default).
- ONESTOP_UPLOAD_SCANNER names a callable `scan(content: bytes, name: str) -> bool` (True:
  clean). The default accepts everything; a deployment plugs its virus scanner in there.
- The file is stored through Django's storage API (`default_storage`), so object storage can
  replace the disk, under its SHA-256.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from onestop.catalog.models import EvidenceType
from onestop.core import clock
from onestop.core.errors import InvalidInput
from onestop.core.text import pick

from .models import Draft, ScanStatus

DEFAULT_TYPES = ("application/pdf", "image/jpeg", "image/png")
TYPE_NAMES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def scanner_accept_all(content: bytes, name: str) -> bool:
    """The default scanner: no scanner is configured, every file passes."""
    return True


def upload_types() -> tuple[str, ...]:
    return tuple(getattr(settings, "ONESTOP_UPLOAD_TYPES", DEFAULT_TYPES))


def upload_max_bytes() -> int:
    return int(getattr(settings, "ONESTOP_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))


def _fix() -> str:
    kinds = [TYPE_NAMES.get(kind, kind) for kind in upload_types()]
    listed = ", ".join(kinds[:-1]) + (" " + _("or") + " " if len(kinds) > 1 else "") + kinds[-1]
    megabytes = upload_max_bytes() // (1024 * 1024)
    return _("Upload a %(types)s under %(size)s MB.") % {"types": listed, "size": megabytes}


def _refuse(code: str, evidence_name: str, field: str, problem: str) -> InvalidInput:
    return InvalidInput(f"{evidence_name}: {problem} {_fix()}", code=code, field=field)


def attachment_upload(*, draft: Draft, evidence_code: str, file_name: str, content: bytes) -> Draft:
    """Check the file and attach it to the draft's evidence `evidence_code` (replacing an earlier
    upload). The caller got `draft` through `draft_get_for`. Bad files are InvalidInput naming
    the evidence and the fix; nothing is stored for them."""
    field = f"evidence.{evidence_code}"
    entry = draft.evidence.get(evidence_code)
    if entry is None:
        raise InvalidInput(
            _("This application does not ask for that document."),
            code="evidence_not_required",
            field=field,
        )
    name = (
        pick(EvidenceType.objects.filter(code=evidence_code).values_list("name", flat=True).first())
        or evidence_code
    )
    if entry["status"] == "found":
        raise InvalidInput(
            _("%(name)s: we already have it from the registry; there is nothing to upload.")
            % {"name": name},
            code="evidence_found",
            field=field,
        )
    stored = upload_store(
        evidence_name=name,
        field=field,
        file_name=file_name,
        content=content,
        folder=f"applications/{draft.pk.hex}",
    )
    kind, digest, path = stored.content_type, stored.sha256, stored.path
    upload = {
        "path": path,
        "name": (file_name or "")[-200:],
        "content_type": kind,
        "size": len(content),
        "sha256": digest,
        "scan_status": ScanStatus.CLEAN,
        "uploaded_at": clock.now().isoformat(),
    }
    with transaction.atomic():
        locked = Draft.objects.select_for_update().get(pk=draft.pk)
        evidence = dict(locked.evidence)
        evidence[evidence_code] = {**evidence[evidence_code], "file": upload}
        locked.evidence = evidence
        locked.updated_at = clock.now()
        locked.save(update_fields=["evidence", "updated_at"])
    return locked


@dataclass(frozen=True)
class StoredUpload:
    path: str
    content_type: str
    sha256: str


def attachments_upload(
    *, draft: Draft, files: Mapping[str, tuple[str, bytes]]
) -> tuple[Draft, dict[str, list[str]]]:
    """Each (file name, content) in `files`, keyed by evidence code, in turn (a page posting
    several documents): a refused file's message is kept under its code, and the others are
    still stored. Returns the draft as it now is and the messages."""
    errors: dict[str, list[str]] = {}
    for code, (file_name, content) in files.items():
        try:
            draft = attachment_upload(
                draft=draft, evidence_code=code, file_name=file_name, content=content
            )
        except InvalidInput as error:
            errors[code] = [error.message]
    return draft, errors


def upload_store(
    *, evidence_name: str, field: str, file_name: str, content: bytes, folder: str
) -> StoredUpload:
    """Check a file (size, type sniffed from the content, the scanner) and store it through
    `default_storage` under `folder`; InvalidInput on `field`, naming `evidence_name` and the
    fix, and nothing stored, for a bad one. Shared by draft uploads and answers to requests."""
    if not content:
        raise _refuse("upload_empty", evidence_name, field, _("the file is empty."))
    if len(content) > upload_max_bytes():
        raise _refuse("upload_too_large", evidence_name, field, _("the file is too large."))
    kind = filetype.guess_mime(content)
    if kind not in upload_types():
        raise _refuse("upload_type", evidence_name, field, _("this type of file is not accepted."))
    scanner = import_string(
        getattr(
            settings,
            "ONESTOP_UPLOAD_SCANNER",
            "onestop.applications.attachments.scanner_accept_all",
        )
    )
    if not scanner(content, file_name):
        raise InvalidInput(
            _("%(name)s: the file was refused by the virus check. Upload a clean copy.")
            % {"name": evidence_name},
            code="upload_infected",
            field=field,
        )
    digest = hashlib.sha256(content).hexdigest()
    path = default_storage.save(
        f"{folder}/{digest[:16]}.{EXTENSIONS.get(kind, 'bin')}", ContentFile(content)
    )
    return StoredUpload(path=path, content_type=str(kind), sha256=digest)
