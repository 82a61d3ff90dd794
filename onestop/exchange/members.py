"""Who is who on the wire: the member behind an X-Road client id, and a registry's member."""

from __future__ import annotations


def member_of_client(client: str) -> str:
    """`XM/GOV/onestop/portal` (a subsystem) belongs to the member `XM/GOV/onestop`, whose key
    signs for all its subsystems."""
    return "/".join(client.split("/")[:3])


def registry_member(registry: str) -> str:
    return f"XM/GOV/{registry}"
