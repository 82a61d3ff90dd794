import os
import time
from pathlib import Path

from onestop.core.audit import audit_append
from onestop.core.models import DomainEvent
from onestop.core.subscriptions import subscriber


def flags() -> Path:
    return Path(os.environ.get("ONESTOP_TEST_FLAGS", "/nonexistent"))


def effect(event: DomainEvent) -> None:
    audit_append(
        actor="bgtest", action="bgtest.effect", entity_type="event", entity_id=str(event.id)
    )


@subscriber("bgtest.simple", name="bgtest.simple")
def simple(event: DomainEvent) -> None:
    effect(event)


@subscriber("bgtest.blocking", name="bgtest.blocking")
def blocking(event: DomainEvent) -> None:
    """Writes its effect, says it started, then waits for the test's release flag."""
    effect(event)
    (flags() / f"started-{os.getpid()}").touch()
    deadline = time.monotonic() + 60
    while not (flags() / "release").exists():
        if time.monotonic() > deadline:
            raise TimeoutError("the test never released the blocking subscriber")
        time.sleep(0.05)


@subscriber("bgtest.flaky", name="bgtest.flaky")
def flaky(event: DomainEvent) -> None:
    if not (flags() / "heal").exists():
        raise RuntimeError("the test operator is down")
    effect(event)
