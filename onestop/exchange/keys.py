"""Members' Ed25519 keys. The public key goes into the MemberKey table, the trust list both
sides verify against; the private key is a PEM file under var/exchange-keys/ readable by its
owner only."""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import transaction

from onestop.core import clock
from onestop.core.errors import Conflict, InvalidInput, NotFound

from .models import MemberKey

MEMBER = re.compile(r"^[A-Za-z0-9-]+(/[A-Za-z0-9._-]+){2,3}$")


def keys_dir() -> Path:
    return Path(settings.VAR_DIR) / "exchange-keys"


def _key_file(member: str) -> Path:
    return keys_dir() / f"{member.replace('/', '__')}.pem"


def _check_member(member: str) -> None:
    if not MEMBER.match(member):
        raise InvalidInput(
            "A member id is INSTANCE/CLASS/CODE, optionally /SUBSYSTEM, e.g. XM/GOV/civil.",
            code="invalid_member",
            member=member,
        )


def member_key_generate(*, member: str, replace: bool = False) -> MemberKey:
    """Generate the member's key pair. A member that has one is refused unless `replace`."""
    _check_member(member)
    path = _key_file(member)
    with transaction.atomic():
        if MemberKey.objects.filter(member=member).exists() and not replace:
            raise Conflict(
                f"{member} already has a key; pass --replace to rotate it.", member=member
            )
        private_key = Ed25519PrivateKey.generate()
        raw_public = private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        key, _ = MemberKey.objects.update_or_create(
            member=member,
            defaults={
                "public_key": base64.b64encode(raw_public).decode(),
                "created_at": clock.now(),
            },
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
    return key


def member_public_key(*, member: str) -> Ed25519PublicKey:
    key = MemberKey.objects.filter(member=member).first()
    if key is None:
        raise NotFound(f"{member} has no key in the trust list.", code="unknown_member")
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(key.public_key))


def member_private_key(*, member: str) -> Ed25519PrivateKey:
    _check_member(member)
    path = _key_file(member)
    if not path.exists():
        raise NotFound(
            f"No private key for {member}; run `onestop exchange-keys generate {member}`.",
            code="no_private_key",
        )
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise InvalidInput(f"The key file for {member} is not an Ed25519 key.")
    return key
