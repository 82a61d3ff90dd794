"""Entity keys: UUIDv7, time-ordered so indexes stay compact and safe to mint on an offline node."""

import uuid

import uuid6


def new_id() -> uuid.UUID:
    return uuid.UUID(int=uuid6.uuid7().int)


def is_uuid(value: object) -> bool:
    """Whether `value` reads as an id: anything else from a form, a URL or an API is an entity
    that does not exist, never an error."""
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
