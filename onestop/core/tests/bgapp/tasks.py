import os
from datetime import timedelta

from onestop.core.audit import audit_append
from onestop.core.models import PeriodicJob
from onestop.core.periodic import periodic

EVERY = timedelta(seconds=1)

if os.environ.get("ONESTOP_TEST_PERIODIC"):

    @periodic(name="bgtest.tick", every=EVERY)
    def tick() -> None:
        """Records which period it ran for (the one its claim moved past) and where."""
        claimed = PeriodicJob.objects.get(name="bgtest.tick").next_run_at - EVERY
        audit_append(
            actor="bgtest",
            action="bgtest.tick",
            entity_type="period",
            entity_id=claimed.isoformat(),
            data={"pid": os.getpid()},
        )
