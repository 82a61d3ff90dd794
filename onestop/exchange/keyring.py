"""Private keys loaded once per process: signing is on every exchange call, reading and parsing
a PEM file is not needed each time. Public keys are read from the trust list on each use, so a
rotated key there takes effect at once; a rotated private key needs a restart of the process
that signs with it."""

from __future__ import annotations

import threading

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from . import keys

_cache: dict[tuple[str, str], Ed25519PrivateKey] = {}
_lock = threading.Lock()


def private_key_cached(*, member: str) -> Ed25519PrivateKey:
    """The member's private key (keys.member_private_key), cached per key directory."""
    cache_key = (str(keys.keys_dir()), member)
    with _lock:
        key = _cache.get(cache_key)
    if key is None:
        key = keys.member_private_key(member=member)
        with _lock:
            _cache[cache_key] = key
    return key


def private_keys_forget() -> None:
    with _lock:
        _cache.clear()
