"""Verifying the audit trail on a staff member's request: only roles granting `audit.verify`."""

from __future__ import annotations

from onestop.core.audit import AuditProblem, audit_verify

from .actors import Actor, actor_require


def audit_trail_verify(*, actor: Actor) -> list[AuditProblem]:
    """The problems found (none: intact); refused without `audit.verify`."""
    actor_require(actor=actor, action="audit.verify")
    return audit_verify()
