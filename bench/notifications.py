"""Notifications benchmark: queue many messages, then drain them with two worker processes.

    .venv/bin/python bench/notifications.py [--quick] [--messages N] [--processes 2]

Builds a dedicated database (a temporary SQLite file, or the PostgreSQL database
`onestop_bench_notifications` next to the one ONESTOP_DATABASE_URL names, created and dropped
here), creates templates through the notifications service, queues 100,000 messages (5,000
with --quick; four in five by SMS, one in five by e-mail, in four languages) through
`notification_request_many` in calls of 1,000 requests, then starts `onestop worker
--processes 2` against the same database and waits until every message went out through the
development provider. `messages_per_s` counts from the start of the workers to the last
message sent. The last line is `key=value` pairs for scripts.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchdb import bench_cleanup, bench_database

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "onestop_bench_notifications"
LANGUAGES = ["en", "fr", "ru", "ar"]
KIND = "application_acknowledged"
CALL_SIZE = 1000
TEXTS = {
    "en": "Dear {{ recipient_name }}, we received your application {{ tracking_number }}.",
    "fr": "{{ recipient_name }}, nous avons reçu votre demande {{ tracking_number }}.",
    "ru": "{{ recipient_name }}, ваше заявление {{ tracking_number }} получено.",
    "ar": "{{ recipient_name }}، استلمنا طلبك {{ tracking_number }}.",
}


def main() -> None:
    options = _arguments()
    count = 5000 if options.quick else options.messages
    workdir = Path(tempfile.mkdtemp(prefix="onestop-bench-"))
    database_url, engine, admin_url = bench_database(workdir, BENCH_DATABASE)
    environment = {
        "ONESTOP_DATABASE_URL": database_url,
        "ONESTOP_VAR_DIR": str(workdir / "var"),
        "DJANGO_SETTINGS_MODULE": "onestop.settings.base",
        "ONESTOP_PROFILE": "embedded",
        "ONESTOP_LOG_LEVEL": "WARNING",
        "ONESTOP_SMS_PROVIDER": "development",
        "ONESTOP_EMAIL_PROVIDER": "development",
    }
    os.environ.update(environment)
    try:
        figures = _run(count, options.processes)
    finally:
        bench_cleanup(workdir, admin_url, BENCH_DATABASE)
    figures |= {"db": engine}
    print(" ".join(f"{key}={value}" for key, value in figures.items()))


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="5,000 messages")
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--processes", type=int, default=2, help="worker processes")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds to wait for the drain")
    return parser.parse_args()


def _run(count: int, processes: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    _country_and_templates()
    enqueue_seconds = enqueue(count=count)
    print(f"queued {count} messages in {enqueue_seconds:.1f} s ({count / enqueue_seconds:.0f}/s)")
    drain_seconds, workers_seconds = drain(count=count, processes=processes)
    print(
        f"drained {count} messages with {processes} worker processes in {drain_seconds:.1f} s "
        f"({count / drain_seconds:.0f}/s); workers stopped after {workers_seconds:.1f} s"
    )
    checks = verify(count=count)
    return {
        "messages": count,
        "enqueue_s": round(enqueue_seconds, 1),
        "enqueue_per_s": round(count / enqueue_seconds),
        "drain_s": round(drain_seconds, 1),
        "messages_per_s": round(count / drain_seconds),
        "processes": processes,
        **checks,
    }


# --- the country and templates -------------------------------------------------------------


def _country_and_templates() -> None:
    """A country without quiet hours (so every message is due now) and the kind's SMS and
    e-mail templates in four languages, made through the notifications service."""
    from onestop.core.models import CountryProfile
    from onestop.notifications.services import notification_template_upsert
    from onestop.staff.actors import SystemActor

    CountryProfile.objects.update_or_create(
        id=1,
        defaults={
            "code": "FR",
            "name": {language: "Benchland" for language in LANGUAGES},
            "languages": LANGUAGES,
            "currency": "EUR",
            "time_zone": "Europe/Paris",
            "calendar": {"working_week": ["mon", "tue", "wed", "thu", "fri"], "holidays": {}},
            "quiet_hours": {},
        },
    )
    for language, text in TEXTS.items():
        notification_template_upsert(
            actor=SystemActor("bench"),
            kind=KIND,
            channel="sms",
            language=language,
            values={"body_text": text, "max_segments": 3},
        )
        notification_template_upsert(
            actor=SystemActor("bench"),
            kind=KIND,
            channel="email",
            language=language,
            values={
                "subject": "{{ tracking_number }}",
                "body_text": text,
                "body_html": f"<p>{text}</p><p><a href='{{{{ track_url }}}}'>→</a></p>",
            },
        )


# --- queueing -------------------------------------------------------------------------------


def message_request(number: int):  # type: ignore[no-untyped-def]
    from onestop.notifications.batches import MessageRequest

    recipient = (
        f"person{number}@example.org" if number % 5 == 4 else f"+336{10_000_000 + number:08d}"
    )
    return MessageRequest(
        kind=KIND,
        recipient=recipient,
        context={
            "recipient_name": f"Person {number}",
            "tracking_number": f"B{number:07d}",
            "service_name": "Birth certificate",
            "submitted_on": "2026-03-02",
            "decision_due_on": "2026-03-16",
            "track_url": f"https://onestop.example/t/B{number:07d}",
        },
        idempotency_key=f"bench:{number}",
        language=LANGUAGES[number % len(LANGUAGES)],
    )


def enqueue(*, count: int) -> float:
    """Seconds to queue `count` messages through the public bulk service."""
    from onestop.notifications.batches import notification_request_many

    started = time.perf_counter()
    for first in range(0, count, CALL_SIZE):
        requests = [
            message_request(number) for number in range(first, min(count, first + CALL_SIZE))
        ]
        notification_request_many(actor="bench", requests=requests)
    return time.perf_counter() - started


# --- draining -------------------------------------------------------------------------------


def drain(*, count: int, processes: int, timeout: float = 1800) -> tuple[float, float]:
    """(seconds from starting the workers to the last message sent, seconds until stopped)."""
    from django.db.models import Max

    from onestop.notifications.models import Notification, Status

    started_at = datetime.now(UTC)
    started = time.perf_counter()
    workers = subprocess.Popen(
        [sys.executable, "-m", "onestop.cli", "worker", f"--processes={processes}"],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        while Notification.objects.filter(status=Status.QUEUED).exists():
            if workers.poll() is not None:
                raise SystemExit(f"the workers exited: {workers.stderr.read().decode()[-2000:]}")
            if time.perf_counter() - started > timeout:
                raise SystemExit(f"the drain took longer than {timeout:.0f} s")
            time.sleep(0.2)
    finally:
        workers.send_signal(signal.SIGTERM)
        try:
            workers.wait(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(workers.pid, signal.SIGKILL)
            workers.wait()
    last = Notification.objects.aggregate(last=Max("status_at"))["last"]
    return (last - started_at).total_seconds(), time.perf_counter() - started


def verify(*, count: int) -> dict:
    """Every message sent exactly once, logged, and the audit chain intact."""
    from django.db.models import Count

    from onestop.core.audit import audit_verify
    from onestop.notifications.models import DeliveryLog, DevelopmentMessage, Notification

    statuses = dict(Notification.objects.values_list("status").annotate(n=Count("id")))
    outbox = DevelopmentMessage.objects.count()
    sent_logs = DeliveryLog.objects.filter(status="sent").count()
    problems = audit_verify()
    checks = {
        "sent": statuses.get("sent", 0),
        "outbox": outbox,
        "sent_logs": sent_logs,
        "audit_ok": not problems,
    }
    print(
        f"statuses {statuses}; outbox {outbox}; sent log rows {sent_logs}; audit {problems or 'intact'}"
    )
    if not (checks["sent"] == outbox == sent_logs == count and not problems):
        raise SystemExit(f"the drain is wrong: {checks}")
    return checks


if __name__ == "__main__":
    main()
