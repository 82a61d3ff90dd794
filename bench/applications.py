"""Applications benchmark: full lifecycles through the domain as the applications grow.

    .venv/bin/python bench/applications.py [--quick] [--people N] [--lifecycles N] [--clients N]

Builds a dedicated database (a temporary SQLite file, or the PostgreSQL database
`onestop_bench_applications` next to the one ONESTOP_DATABASE_URL names, created and dropped
here), loads the demo pack, generates the registries' population with `onestop synth`
(1,000,000 people; 20,000 with --quick), creates an officer and a supervisor of the passport
service's agency and citizen accounts for the applicants. The exchange runs in-process (the
embedded default transport).

Then, for each size (10,000 and 1,000,000 existing applications; 10,000 and 100,000 with
--quick), it first grows the applications to that size with bulk SQL (COPY on PostgreSQL,
executemany on SQLite; not measured): applications, their evidence, agency tasks in varied
states with their transitions, decision and information-request messages and output records.
At that size it measures, with `--clients` processes:

- lifecycles: `draft_start` (evidence resolved once-only, the form prefilled) → the form's
  page saved → the photo uploaded → `application_submit` (idempotency key) → `task_claim` →
  `task_review_start` → `task_decide` approve → the status read (`application_get_for` and
  `application_tracking`, as the tracking page does);
- submissions: `application_submit` alone, of drafts prepared beforehand;
- raw inserts: the INSERT statements one submission makes (captured from a real one), replayed
  as plain SQL with fresh ids and unique values, one transaction per application.

`ratio` = submissions per second ÷ raw inserts per second. The last line is `key=value` pairs.
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import os
import random
import re
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from benchdb import bench_cleanup, bench_database

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "onestop_bench_applications"
PACK = ROOT / "packs" / "demo"
SERVICE = "passport"
ANSWERS = {"passport_reason": "expiry", "preferred_center": "Capital", "delivery_method": "collect"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SEED = 7
WARM = 5  # untimed lifecycles per client before each timed pass
GROWTH_BATCH = 20_000


def main() -> None:
    options = _arguments()
    people = 20_000 if options.quick else options.people
    sizes = (10_000, 100_000) if options.quick else (10_000, 1_000_000)
    if options.sizes:
        sizes = tuple(int(size) for size in options.sizes.split(","))
    lifecycles = options.lifecycles or (200 if options.quick else 1000)
    workdir = Path(tempfile.mkdtemp(prefix="onestop-bench-"))
    database_url, engine, admin_url = bench_database(workdir, BENCH_DATABASE)
    clients = options.clients or (2 if engine == "postgresql" else 1)
    os.environ.update(
        {
            "ONESTOP_DATABASE_URL": database_url,
            "ONESTOP_VAR_DIR": str(workdir / "var"),
            "DJANGO_SETTINGS_MODULE": "onestop.settings.base",
            "ONESTOP_PROFILE": "embedded",
            "ONESTOP_LOG_LEVEL": "WARNING",
            "ONESTOP_EXCHANGE_TRANSPORT": "inprocess",
        }
    )
    try:
        figures = _run(people, sizes, lifecycles, clients, options.profile, options.queries)
    finally:
        bench_cleanup(workdir, admin_url, BENCH_DATABASE)
    figures |= {"clients": clients, "exchange": "inprocess", "db": engine}
    print(" ".join(f"{key}={value}" for key, value in figures.items()))


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="20,000 people; 10,000 and 100,000 applications"
    )
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--sizes", default="", help="existing applications, e.g. 10000,1000000")
    parser.add_argument("--lifecycles", type=int, default=0, help="timed per size (1000; 200)")
    parser.add_argument("--clients", type=int, default=0, help="processes (2 on PG, 1 on SQLite)")
    parser.add_argument("--profile", default="", help="write a cProfile of lifecycles here")
    parser.add_argument("--queries", default="", help="write one lifecycle's SQL here")
    return parser.parse_args()


def _run(
    people: int, sizes: Sequence[int], lifecycles: int, clients: int, profile: str, queries: str
) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_pack", str(PACK), verbosity=0)
    started = time.monotonic()
    call_command("synth", people=people, seed=SEED, verbosity=0)
    synth_s = time.monotonic() - started
    world = _World(lifecycles, clients, len(sizes), bool(profile))
    figures: dict[str, Any] = {"people": people, "synth_s": round(synth_s, 1)}
    per_size = []
    for size in sizes:
        started = time.monotonic()
        existing = world.grow(size)
        grow_s = time.monotonic() - started
        measured = _measure(world, lifecycles, clients, queries)
        measured = {"applications": existing, "grow_s": round(grow_s, 1), **measured}
        print(
            f"# at {existing} applications: " + " ".join(f"{k}={v}" for k, v in measured.items()),
            flush=True,
        )
        per_size.append((size, measured))
    if profile:
        _profile(world, profile)
    for size, measured in per_size:
        suffix = _size_suffix(size)
        for key in ("lifecycles_per_s", "lifecycle_p95_ms", "submissions_per_s", "submit_p95_ms"):
            figures[f"{key}_{suffix}"] = measured[key]
        figures[f"raw_inserts_per_s_{suffix}"] = measured["raw_inserts_per_s"]
        figures[f"ratio_{suffix}"] = measured["ratio"]
    last = per_size[-1][1]
    figures |= {
        "applications": last["applications"],
        "lifecycles": lifecycles,
        **{key: value for key, value in last.items() if key not in ("applications", "grow_s")},
    }
    return figures


def _size_suffix(size: int) -> str:
    if size % 1_000_000 == 0:
        return f"{size // 1_000_000}m"
    if size % 1000 == 0:
        return f"{size // 1000}k"
    return str(size)


# --- The world: staff, applicants, catalog facts ----------------------------------------------


class _World:
    def __init__(self, lifecycles: int, clients: int, rounds: int, profiling: bool) -> None:
        from django.contrib.auth import get_user_model

        from onestop.accounts.models import CitizenAccount
        from onestop.applications.drafts import published_versions
        from onestop.catalog.models import (
            Agency,
            EvidenceRequirement,
            ServiceVersion,
            VersionStatus,
        )
        from onestop.core import clock
        from onestop.staff.models import StaffRole
        from onestop.staff.roles import Role

        self.now = clock.now()
        self.rng = random.Random(SEED)
        User = get_user_model()  # noqa: N806
        version = published_versions(service_codes=[SERVICE])[0]
        agency = version.service.agency
        since = self.now - timedelta(days=1)
        self.officer = User.objects.create_user("bench-officer", is_staff=True)
        self.supervisor = User.objects.create_user("bench-supervisor", is_staff=True)
        StaffRole.objects.create(
            user=self.officer, role=Role.AGENCY_OFFICER, agency=agency, valid_from=since
        )
        StaffRole.objects.create(
            user=self.supervisor, role=Role.SUPERVISOR, agency=agency, valid_from=since
        )
        # The officers the grown tasks are assigned to, one per agency.
        self.assignees: dict[Any, int] = {agency.pk: self.officer.pk}
        for other in Agency.objects.exclude(pk=agency.pk):
            user = User.objects.create_user(f"bench-officer-{other.code}", is_staff=True)
            StaffRole.objects.create(
                user=user, role=Role.AGENCY_OFFICER, agency=other, valid_from=since
            )
            self.assignees[other.pk] = user.pk
        # Citizens for the timed work: living adults holding an identity card.
        per_round = lifecycles * 2 + clients * WARM * 2 + 2
        wanted = per_round * rounds + (200 if profiling else 0)
        national_ids = self._card_holders(wanted)
        users = User.objects.bulk_create(
            User(username=f"bench-citizen-{nid}", password="!")
            for nid in national_ids  # noqa: S106
        )
        self.accounts = list(
            CitizenAccount.objects.bulk_create(
                CitizenAccount(
                    user=user,
                    contact=f"+3361{index:07d}",
                    person_reference=nid,
                    created_at=self.now,
                )
                for index, (user, nid) in enumerate(zip(users, national_ids, strict=True))
            )
        )
        self.next_account = 0
        # What the grown applications are for: every published version with its evidence.
        self.versions = []
        for item in ServiceVersion.objects.filter(status=VersionStatus.PUBLISHED).select_related(
            "service__agency"
        ):
            evidence = [
                (req.evidence_type.code, req.is_mandatory, bool(req.evidence_type.registry))
                for req in EvidenceRequirement.objects.filter(version=item)
                .select_related("evidence_type")
                .order_by("position")
            ]
            self.versions.append((item, evidence))
        self.growth_people = self._growth_people()
        self.count = 0

    def take(self, count: int) -> list[Any]:
        accounts = self.accounts[self.next_account : self.next_account + count]
        if len(accounts) < count:
            raise SystemExit("not enough applicants: raise --people")
        self.next_account += count
        return accounts

    def _card_holders(self, count: int) -> list[str]:
        from django.db import connection

        from onestop.registries.models import IdentityDocument, Person

        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT DISTINCT d.holder_id FROM {IdentityDocument._meta.db_table} d"  # noqa: S608
                f" JOIN {Person._meta.db_table} p ON p.national_id = d.holder_id"
                " WHERE d.kind = 'id_card' AND p.death_date IS NULL AND p.birth_date <= %s"
                " ORDER BY d.holder_id",
                ["2006-01-01"],
            )
            everyone = [row[0] for row in cursor.fetchall()]
        if len(everyone) < count:
            raise SystemExit(f"{len(everyone)} card holders, {count} needed: raise --people")
        return random.Random(SEED).sample(everyone, count)

    def _growth_people(self) -> list[tuple[str, date]]:
        from django.db import connection

        from onestop.registries.models import Person

        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT national_id, birth_date FROM {Person._meta.db_table}"  # noqa: S608
                " WHERE death_date IS NULL ORDER BY national_id LIMIT 200000"
            )
            rows = cursor.fetchall()
        return [
            (nid, born if isinstance(born, date) else date.fromisoformat(born))
            for nid, born in rows
        ]

    def grow(self, target: int) -> int:
        """Bulk-write applications until there are `target`; returns how many there are."""
        from onestop.applications.models import Application

        self.count = Application.objects.count()
        while self.count < target:
            batch = min(GROWTH_BATCH, target - self.count)
            _bulk_write(_growth_rows(self, batch))
            self.count += batch
        _analyze()
        return Application.objects.count()


# --- Growing: realistic rows written with bulk SQL ---------------------------------------------

# The state a grown task is in, how often, and the transitions that led there.
PATHS = [
    ("queued", 15, []),
    ("assigned", 8, ["assigned"]),
    ("in_review", 12, ["assigned", "in_review"]),
    ("information_requested", 5, ["assigned", "in_review", "information_requested"]),
    ("output_issued", 45, ["assigned", "in_review", "approved", "output_issued"]),
    ("rejected", 10, ["assigned", "in_review", "rejected"]),
    ("withdrawn", 5, ["withdrawn"]),
]
APPLICATION_STATUS = {
    "queued": "submitted",
    "assigned": "in_progress",
    "in_review": "in_progress",
    "information_requested": "information_requested",
    "output_issued": "completed",
    "rejected": "rejected",
    "withdrawn": "withdrawn",
}
CHANNELS = ["online"] * 6 + ["kiosk", "center", "mobile_unit", "call_center", "partner_outlet"]
LANGUAGES = ["en", "fr", "ru", "ar"]


def _growth_rows(world: _World, count: int) -> dict[Any, list[dict[str, Any]]]:
    from onestop.applications import models as m
    from onestop.applications.tracking import tracking_number_new

    rng, now = world.rng, world.now

    def new_id() -> uuid.UUID:
        """A UUIDv7 as onestop.core.ids makes them (time-ordered), from the seeded generator."""
        ms = time.time_ns() // 1_000_000
        bits = (ms << 80) | (7 << 76) | (rng.getrandbits(12) << 64) | (2 << 62)
        return uuid.UUID(int=bits | rng.getrandbits(62))

    rows: dict[Any, list[dict[str, Any]]] = {
        m.Application: [],
        m.ApplicationEvidence: [],
        m.AgencyTask: [],
        m.TaskTransition: [],
        m.ApplicationMessage: [],
        m.OutputRecord: [],
    }
    weights = list(itertools.accumulate(weight for _, weight, _ in PATHS))
    for _ in range(count):
        version, evidence = rng.choice(world.versions)
        state, _, path = rng.choices(PATHS, cum_weights=weights)[0]
        national_id, born = rng.choice(world.growth_people)
        submitted = now - timedelta(seconds=rng.uniform(3600, 730 * 86400))
        app_id, task_id, number = new_id(), new_id(), tracking_number_new()
        moments = [submitted + timedelta(hours=6 * (step + 1)) for step in range(len(path))]
        last = moments[-1] if moments else submitted
        closed = state in ("output_issued", "rejected", "withdrawn")
        channel = rng.choice(CHANNELS)
        rows[m.Application].append(
            {
                "id": app_id,
                "tracking_number": number,
                "applicant_national_id": national_id,
                "applicant_birth_date": born,
                "submitted_by": f"citizen:{uuid.UUID(int=rng.getrandbits(128))}",
                "idempotency_key": uuid.UUID(int=rng.getrandbits(128)).hex,
                "channel": channel,
                "tier": "express" if rng.random() < 0.1 else "standard",
                "language": rng.choice(LANGUAGES),
                "contact_phone": f"+3362{rng.randrange(10**7):07d}",
                "form_data": {**ANSWERS, "given_names": "A", "family_name": "B"},
                "prefill": {
                    "birth_date": {
                        "value": born.isoformat(),
                        "evidence": "birth-record",
                        "evidence_field": "birth_date",
                        "source": "/r1/XM/GOV/civil/birth-record",
                        "fetched_at": submitted.isoformat(),
                        "request_id": uuid.UUID(int=rng.getrandbits(128)).hex,
                    }
                },
                "status": APPLICATION_STATUS[state],
                "submitted_at": submitted,
                "status_changed_at": last,
                "closed_at": last if closed else None,
            }
        )
        for code, mandatory, held in evidence:
            status = "found" if held else ("uploaded" if mandatory else "missing")
            rows[m.ApplicationEvidence].append(
                {
                    "id": new_id(),
                    "application_id": app_id,
                    "evidence_code": code,
                    "status": status,
                    "reason": "" if status != "missing" else "optional_not_given",
                    "source": f"/r1/XM/GOV/registry/{code}" if held else "",
                    "fetched_at": submitted if held else None,
                    "request_id": uuid.UUID(int=rng.getrandbits(128)).hex if held else "",
                    "subject_national_id": national_id,
                    "fields": {"national_id": {"value": national_id}} if held else {},
                    "file": f"applications/{submitted:%Y/%m}/{code}.png"
                    if status == "uploaded"
                    else "",
                    "file_name": f"{code}.png" if status == "uploaded" else "",
                    "content_type": "image/png" if status == "uploaded" else "",
                    "size": 72 if status == "uploaded" else 0,
                    "sha256": secrets.token_hex(32) if status == "uploaded" else "",
                    "scan_status": "clean" if status == "uploaded" else "not_applicable",
                    "created_at": submitted,
                }
            )
        days = version.processing_days
        due = submitted + timedelta(days=days * 7 / 5)
        warn = submitted + (due - submitted) * 0.75
        is_open = state in ("queued", "assigned", "in_review", "information_requested")
        decided = state in ("output_issued", "rejected")
        agency_id = version.service.agency_id
        rows[m.AgencyTask].append(
            {
                "id": task_id,
                "application_id": app_id,
                "service_version_id": version.pk,
                "agency_id": agency_id,
                "state": state,
                "assignee_id": world.assignees[agency_id]
                if path and state != "withdrawn"
                else None,
                "sla_working_days": days,
                "due_at": due,
                "warn_at": warn,
                "warned_at": warn if is_open and warn < now else None,
                "breached_at": due if is_open and due < now else None,
                "escalated_at": due if is_open and due < now else None,
                "first_response_at": moments[2] if len(moments) > 2 else None,
                "decided_at": moments[2] if decided else None,
                "decision_reason": {
                    "output_issued": "requirements_met",
                    "rejected": "not_eligible",
                }.get(state, ""),
                "decision_text": "Checked." if decided else "",
                "created_at": submitted,
                "updated_at": last,
                "version": len(path) + 1,
            }
        )
        before = "queued"
        for to_state, moment in zip(path, moments, strict=True):
            rows[m.TaskTransition].append(
                {
                    "id": new_id(),
                    "task_id": task_id,
                    "from_state": before,
                    "to_state": to_state,
                    "actor": "staff:bench-officer",
                    "reason_code": "requirements_met" if to_state == "approved" else "",
                    "occurred_at": moment,
                }
            )
            before = to_state
        if state in ("information_requested", "output_issued", "rejected"):
            kind = "information_request" if state == "information_requested" else "decision"
            rows[m.ApplicationMessage].append(
                {
                    "id": new_id(),
                    "application_id": app_id,
                    "task_id": task_id,
                    "direction": "to_applicant",
                    "kind": kind,
                    "text": "Please send a clearer photo." if kind != "decision" else "Decided.",
                    "author": version.service.agency.code,
                    "channel": "console",
                    "created_at": moments[2],
                    "respond_by": (moments[2] + timedelta(days=14)).date()
                    if kind != "decision"
                    else None,
                }
            )
        if state == "output_issued":
            rows[m.OutputRecord].append(
                {
                    "id": new_id(),
                    "task_id": task_id,
                    "application_id": app_id,
                    "number": f"{version.service.agency.code.upper()}-{number}-1",
                    "name": version.output_name or {"en": "Output"},
                    "holder_national_id": national_id,
                    "issued_at": moments[3],
                    "valid_until": (moments[3] + timedelta(days=3650)).date(),
                    "issued_by": "staff:bench-officer",
                }
            )
    return rows


def _bulk_write(rows: dict[Any, list[dict[str, Any]]]) -> None:
    """One transaction: COPY on PostgreSQL, executemany on SQLite."""
    from django.db import connection, transaction

    vendor = connection.vendor
    with transaction.atomic(), connection.cursor() as cursor:
        for model, dicts in rows.items():
            fields = list(model._meta.concrete_fields)
            columns = ", ".join(f'"{field.column}"' for field in fields)
            table = model._meta.db_table
            names = [field.attname for field in fields]
            defaults = (
                {
                    field.attname: _adapt(vendor, field.get_default())
                    for field in fields
                    if field.attname not in dicts[0]
                }
                if dicts
                else {}
            )
            jsons = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
            if vendor == "postgresql":
                values = [
                    [
                        (json.dumps(row[name]) if name in jsons else row[name])
                        if name in row
                        else defaults[name]
                        for name in names
                    ]
                    for row in dicts
                ]
            else:
                values = [
                    [_adapt(vendor, row[name]) if name in row else defaults[name] for name in names]
                    for row in dicts
                ]
            if vendor == "postgresql":
                with cursor.cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                    for value in values:
                        copy.write_row(value)
            else:
                marks = ", ".join(["%s"] * len(fields))
                cursor.executemany(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', values)  # noqa: S608


def _analyze() -> None:
    """Fresh planner statistics after a bulk load, as autovacuum would soon give."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _adapt(vendor: str, value: Any) -> Any:
    if value is None or isinstance(value, str | int) and not isinstance(value, bool):
        return value
    if isinstance(value, dict | list):
        return json.dumps(value)
    if vendor == "postgresql":
        return value
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


# --- Measuring ---------------------------------------------------------------------------------


def _measure(world: _World, lifecycles: int, clients: int, queries_file: str) -> dict[str, Any]:
    from onestop.applications.models import Application

    officer = world.officer
    warm = clients * WARM
    accounts = world.take(lifecycles + warm)
    queries = _queries_per_lifecycle(world.take(1)[0], officer, queries_file)
    phases, wall = _parallel(
        lambda account: account,
        lambda account: _lifecycle(account, officer),
        accounts,
        clients,
    )
    figures: dict[str, Any] = {
        "lifecycles_per_s": round(lifecycles / wall, 1),
        "lifecycle_p50_ms": _percentile(phases["lifecycle"], 50),
        "lifecycle_p95_ms": _percentile(phases["lifecycle"], 95),
    }
    for phase in ("draft", "submit", "casework", "status_read"):
        figures[f"{phase}_p95_ms"] = _percentile(phases[phase], 95)
    submit, wall = _parallel(_draft_ready, _submission, world.take(lifecycles + warm), clients)
    figures |= {
        "submissions_per_s": round(lifecycles / wall, 1),
        "submit_p50_ms": _percentile(submit["submit"], 50),
        "submit_p95_ms": _percentile(submit["submit"], 95),
    }
    statements = _submission_statements(world.take(1)[0])
    raw, wall = _parallel(
        lambda _: None, lambda _: _raw_insert(statements), [None] * (lifecycles + warm), clients
    )
    figures |= {
        "raw_inserts_per_s": round(lifecycles / wall, 1),
        "raw_p95_ms": _percentile(raw["raw"], 95),
        "raw_statements": len(statements),
    }
    figures["ratio"] = round(figures["submissions_per_s"] / figures["raw_inserts_per_s"], 3)
    figures["queries_per_lifecycle"] = queries
    world.count = Application.objects.count()
    return figures


def _lifecycle(account: Any, officer: Any) -> dict[str, float]:
    from onestop.applications.access import application_get_for
    from onestop.applications.models import AgencyTask
    from onestop.applications.selectors import application_tracking
    from onestop.applications.workflow import task_claim, task_decide, task_review_start

    begin = time.perf_counter()
    draft = _draft_ready(account)
    drafted = time.perf_counter()
    application = _submit(account, draft)
    submitted = time.perf_counter()
    task_id = AgencyTask.objects.filter(application=application).values_list("pk", flat=True)[0]
    task_claim(actor=officer, task_id=task_id)
    task_review_start(actor=officer, task_id=task_id)
    task_decide(actor=officer, task_id=task_id, decision="approve", reason_code="requirements_met")
    decided = time.perf_counter()
    seen = application_get_for(actor=account, application_id=application.pk)
    view = application_tracking(application=seen)
    if view.application.status != "completed":
        raise SystemExit(f"the application is {view.application.status}, not completed")
    done = time.perf_counter()
    return {
        "lifecycle": (done - begin) * 1000,
        "draft": (drafted - begin) * 1000,
        "submit": (submitted - drafted) * 1000,
        "casework": (decided - submitted) * 1000,
        "status_read": (done - decided) * 1000,
    }


def _draft_ready(account: Any) -> Any:
    """A draft with its evidence resolved, the form prefilled and filled, the photo uploaded."""
    from onestop.applications.attachments import attachment_upload
    from onestop.applications.drafts import draft_save_step, draft_start

    draft = draft_start(actor=account, service_codes=[SERVICE])
    draft = draft_save_step(draft=draft, step=SERVICE, answers=ANSWERS).draft
    for code, entry in list(draft.evidence.items()):
        if entry["status"] == "upload" and entry["is_mandatory"]:
            draft = attachment_upload(
                draft=draft, evidence_code=code, file_name=f"{code}.png", content=PNG
            )
    return draft


def _submit(account: Any, draft: Any) -> Any:
    from onestop.applications.intake import application_submit

    return application_submit(actor=account, draft=draft, idempotency_key=f"bench-{draft.pk}")


def _submission(prepared: Any) -> dict[str, float]:
    account_draft = prepared
    begin = time.perf_counter()
    _submit(account_draft.owner_account, account_draft)
    return {"submit": (time.perf_counter() - begin) * 1000}


def _queries_per_lifecycle(account: Any, officer: Any, queries_file: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        _lifecycle(account, officer)
    if queries_file:
        Path(queries_file).write_text("".join(f"{q['sql']}\n" for q in captured))
    return len(captured)


def _parallel(
    prepare: Callable[[Any], Any],
    run: Callable[[Any], dict[str, float]],
    items: Sequence[Any],
    clients: int,
) -> tuple[dict[str, list[float]], float]:
    """Split `items` over `clients` forked processes: each prepares its share (untimed), runs
    WARM of them untimed, waits for the others, then runs the rest timed. Returns each phase's
    durations (ms) and the wall time of the timed part."""
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(clients)
    results = context.Queue()
    shares = [list(items[index::clients]) for index in range(clients)]
    processes = [
        context.Process(target=_client, args=(share, prepare, run, barrier, results))
        for share in shares
    ]
    for process in processes:
        process.start()
    answers = [results.get() for _ in processes]
    for process in processes:
        process.join()
    failed = [answer for answer in answers if "error" in answer]
    if failed:
        raise SystemExit(f"a client failed: {failed[0]['error']}")
    phases: dict[str, list[float]] = {}
    for answer in answers:
        for phase, durations in answer["phases"].items():
            phases.setdefault(phase, []).extend(durations)
    wall = max(a["end"] for a in answers) - min(a["start"] for a in answers)
    return phases, wall


def _client(share, prepare, run, barrier, results) -> None:  # noqa: ANN001
    import traceback

    from django.db import connections

    try:
        prepared = [prepare(item) for item in share]
        for item in prepared[:WARM]:
            run(item)
        barrier.wait()
        phases: dict[str, list[float]] = {}
        start = time.monotonic()
        for item in prepared[WARM:]:
            for phase, duration in run(item).items():
                phases.setdefault(phase, []).append(duration)
        results.put({"phases": phases, "start": start, "end": time.monotonic()})
    except BaseException:  # noqa: BLE001
        barrier.abort()
        results.put({"error": traceback.format_exc()})
    finally:
        connections.close_all()


def _percentile(values: list[float], percent: int) -> float:
    return round(statistics.quantiles(values, n=100)[percent - 1], 2)


# --- Raw inserts: one submission's INSERTs replayed as plain SQL ------------------------------

INSERT = re.compile(r'^INSERT INTO "(?P<table>[^"]+)" \((?P<columns>[^)]*)\)', re.IGNORECASE)
UNIQUE_COLUMNS = {"tracking_number", "idempotency_key", "sequence", "digest", "resume_code"}


def _submission_statements(account: Any) -> list[tuple[str, list[str], Any]]:
    """The INSERT statements (SQL, columns, parameters) of one real submission."""
    from django.db import connection

    draft = _draft_ready(account)
    captured: list[tuple[str, list[str], Any]] = []

    def wrapper(execute, sql, params, many, context):  # noqa: ANN001
        found = INSERT.match(sql)
        if found:
            columns = [column.strip().strip('"') for column in found["columns"].split(",")]
            for one in params if many else [params]:
                captured.append((sql, columns, list(one or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        _submit(account, draft)
    if not captured:
        raise SystemExit("no INSERT captured from a submission")
    return captured


def _raw_insert(statements: list[tuple[str, list[str], Any]]) -> dict[str, float]:
    from django.db import connection, transaction

    inserted = _inserted_ids(statements)
    fresh: dict[Any, Any] = {}
    prepared = [
        (sql, _fresh_params(columns, params, inserted, fresh))
        for sql, columns, params in statements
    ]
    begin = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, params in prepared:
            cursor.execute(sql, params)
    return {"raw": (time.perf_counter() - begin) * 1000}


def _inserted_ids(statements: list[tuple[str, list[str], Any]]) -> set[Any]:
    """The ids of the rows the submission inserted (references to them get the new ids;
    references to rows that were there before stay)."""
    ids: set[Any] = set()
    for _, columns, params in statements:
        if "id" not in columns:
            continue
        width, at = len(columns), columns.index("id")
        if _is_unnest(columns, params):
            ids.update(params[at])
        else:
            ids.update(params[at::width])
    return ids


def _is_unnest(columns: list[str], params: list[Any]) -> bool:
    return len(params) == len(columns) and all(isinstance(value, list) for value in params)


def _fresh_params(
    columns: list[str], params: list[Any], inserted: set[Any], fresh: dict[Any, Any]
) -> list[Any]:
    """The same values, but every inserted row's id a new one (the same new one wherever it
    recurs) and every unique column a fresh value."""
    width = len(columns)
    unnest = _is_unnest(columns, params)
    out = []
    for index, value in enumerate(params):
        column = columns[index % width]
        if unnest:
            out.append([_fresh(column, item, inserted, fresh) for item in value])
        else:
            out.append(_fresh(column, value, inserted, fresh))
    return out


def _fresh(column: str, value: Any, inserted: set[Any], fresh: dict[Any, Any]) -> Any:
    from onestop.applications.tracking import tracking_number_new
    from onestop.core.ids import new_id

    if column in UNIQUE_COLUMNS and value is not None:  # an unsealed audit entry stays so
        key = (column, value)
        if key not in fresh:
            fresh[key] = {
                "tracking_number": tracking_number_new,
                "resume_code": tracking_number_new,
                "idempotency_key": lambda: uuid.uuid4().hex,
                "digest": lambda: secrets.token_hex(32),
                "sequence": lambda: 10**15 + secrets.randbelow(10**17),
            }[column]()
        return fresh[key]
    if isinstance(value, uuid.UUID | str) and value in inserted:
        if value not in fresh:
            new = new_id()
            fresh[value] = new if isinstance(value, uuid.UUID) else new.hex
        return fresh[value]
    return value


# --- Profile -----------------------------------------------------------------------------------


def _profile(world: _World, path: str) -> None:
    import cProfile
    import io
    import pstats

    accounts = world.take(100)
    for account in accounts[:5]:
        _lifecycle(account, world.officer)
    profiler = cProfile.Profile()
    profiler.enable()
    for account in accounts[5:]:
        _lifecycle(account, world.officer)
    profiler.disable()
    profiler.dump_stats(path)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
    print(out.getvalue(), file=sys.stderr)


if __name__ == "__main__":
    main()
