"""Entity keys: UUIDv7, time-ordered so indexes stay compact and safe to mint on an offline node."""

import uuid

import uuid6


def new_id() -> uuid.UUID:
    return uuid.UUID(int=uuid6.uuid7().int)
