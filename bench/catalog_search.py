"""Catalog search benchmark: in-process latency and the search page's requests per second.

    .venv/bin/python bench/catalog_search.py [--quick] [--path /search/] [--seconds 10]

Builds a dedicated database (a temporary SQLite file, or the PostgreSQL database
`onestop_bench` next to the one ONESTOP_DATABASE_URL names, created and dropped here), fills it
with a generated catalog of 5,000 services in four languages (500 with --quick), times
`service_search` over a mix of queries, then serves the same database with `onestop serve`
(waitress) and drives the search page with concurrent keep-alive HTTP clients. The last line is
`key=value` pairs for scripts.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from benchdb import bench_cleanup, bench_database

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "onestop_bench"
LANGUAGES = ["en", "fr", "ru", "ar"]

# (en, fr, ru, ar) for each word; keywords are synonyms people type instead.
OBJECTS = [
    (
        ("passport", "passeport", "паспорт", "جواز السفر"),
        ("travel document", "document de voyage", "загранпаспорт", "وثيقة سفر"),
    ),
    (("licence", "licence", "лицензия", "رخصة"), ("license", "agrément", "допуск", "ترخيص")),
    (
        ("permit", "permis", "разрешение", "تصريح"),
        ("authorisation", "autorisation", "допуск", "إذن"),
    ),
    (
        ("certificate", "certificat", "справка", "شهادة"),
        ("attestation", "attestation", "свидетельство", "إفادة"),
    ),
    (
        ("registration", "immatriculation", "регистрация", "تسجيل"),
        ("record", "inscription", "учет", "قيد"),
    ),
    (("allowance", "allocation", "пособие", "منحة"), ("benefit", "prestation", "выплата", "إعانة")),
    (("card", "carte", "карта", "بطاقة"), ("badge", "badge", "удостоверение", "هوية")),
    (("subsidy", "subvention", "субсидия", "دعم"), ("grant", "aide", "грант", "معونة")),
    (("inspection", "inspection", "инспекция", "تفتيش"), ("check", "contrôle", "проверка", "فحص")),
    (
        ("declaration", "déclaration", "декларация", "إقرار"),
        ("return", "formulaire", "отчет", "بيان"),
    ),
    (("extract", "extrait", "выписка", "مستخرج"), ("copy", "copie", "копия", "نسخة")),
    (("pension", "pension", "пенсия", "معاش"), ("retirement", "retraite", "старость", "تقاعد")),
    (
        ("exemption", "exonération", "освобождение", "إعفاء"),
        ("waiver", "dispense", "льгота", "استثناء"),
    ),
    (("appointment", "rendez-vous", "запись", "موعد"), ("booking", "réservation", "прием", "حجز")),
    (("loan", "prêt", "кредит", "قرض"), ("credit", "crédit", "заем", "تمويل")),
    (("insurance", "assurance", "страховка", "تأمين"), ("cover", "couverture", "полис", "ضمان")),
    (("diploma", "diplôme", "диплом", "دبلوم"), ("degree", "titre", "аттестат", "مؤهل")),
    (("visa", "visa", "виза", "تأشيرة"), ("entry", "entrée", "въезд", "دخول")),
    (
        ("tax number", "numéro fiscal", "ИНН", "رقم ضريبي"),
        ("taxpayer id", "identifiant fiscal", "налоговый номер", "معرف ضريبي"),
    ),
    (
        ("connection", "raccordement", "подключение", "توصيل"),
        ("supply", "branchement", "присоединение", "ربط"),
    ),
]
QUALIFIERS = [
    ("fishing", "pêche", "рыболовство", "الصيد"),
    ("building", "construction", "строительство", "البناء"),
    ("export", "exportation", "экспорт", "التصدير"),
    ("import", "importation", "импорт", "الاستيراد"),
    ("hunting", "chasse", "охота", "القنص"),
    ("firearm", "arme à feu", "оружие", "السلاح"),
    ("taxi", "taxi", "такси", "سيارات الأجرة"),
    ("restaurant", "restauration", "общепит", "المطاعم"),
    ("pharmacy", "pharmacie", "аптека", "الصيدلية"),
    ("school", "école", "школа", "المدرسة"),
    ("university", "université", "университет", "الجامعة"),
    ("marriage", "mariage", "брак", "الزواج"),
    ("birth", "naissance", "рождение", "الولادة"),
    ("death", "décès", "смерть", "الوفاة"),
    ("residence", "résidence", "проживание", "الإقامة"),
    ("land", "foncier", "земля", "الأراضي"),
    ("water", "eau", "вода", "المياه"),
    ("electricity", "électricité", "электричество", "الكهرباء"),
    ("vehicle", "véhicule", "автомобиль", "المركبة"),
    ("driving", "conduite", "вождение", "القيادة"),
    ("boat", "bateau", "судно", "القارب"),
    ("aviation", "aviation", "авиация", "الطيران"),
    ("mining", "mines", "недропользование", "التعدين"),
    ("forestry", "forêt", "лесное хозяйство", "الغابات"),
    ("tourism", "tourisme", "туризм", "السياحة"),
    ("tobacco", "tabac", "табак", "التبغ"),
    ("media", "médias", "СМИ", "الإعلام"),
    ("telecom", "télécommunications", "связь", "الاتصالات"),
    ("veterinary", "vétérinaire", "ветеринария", "البيطرة"),
    ("disability", "handicap", "инвалидность", "الإعاقة"),
    ("unemployment", "chômage", "безработица", "البطالة"),
    ("housing", "logement", "жилье", "السكن"),
    ("agriculture", "agriculture", "сельское хозяйство", "الزراعة"),
    ("security guard", "gardiennage", "охрана", "الحراسة"),
    ("pesticide", "pesticides", "пестициды", "المبيدات"),
    ("medical", "médical", "медицина", "الطب"),
    ("nursing", "soins infirmiers", "сестринское дело", "التمريض"),
    ("freight", "fret", "грузоперевозки", "الشحن"),
    ("waste", "déchets", "отходы", "النفايات"),
    ("energy", "énergie", "энергетика", "الطاقة"),
]
ACTIONS = [
    None,
    ("renewal", "renouvellement", "продление", "تجديد"),
    ("replacement", "remplacement", "замена", "استبدال"),
    ("duplicate", "duplicata", "дубликат", "نسخة بديلة"),
    ("amendment", "modification", "изменение", "تعديل"),
    ("cancellation", "annulation", "аннулирование", "إلغاء"),
    ("transfer", "transfert", "переоформление", "نقل ملكية"),
]
# (query, reader's language, kind)
QUERIES = [
    ("passport", "en", "exact"),
    ("fishing licence", "en", "exact"),
    ("permis de construction", "fr", "exact"),
    ("пенсия", "ru", "exact"),
    ("رخصة القيادة", "ar", "exact"),
    ("pasport", "en", "typo"),
    ("fishng licnse", "en", "typo"),
    ("certificat de naisance", "fr", "typo"),
    ("лицензя такси", "ru", "typo"),
    ("pass", "en", "prefix"),
    ("regist", "en", "prefix"),
    ("électri", "fr", "prefix"),
    ("паспорт", "en", "cross-language"),
    ("جواز السفر", "fr", "cross-language"),
    ("passeport", "en", "cross-language"),
    ("zzqxw", "en", "nonsense"),
    ("qwxzv plorkt", "fr", "nonsense"),
    ("building permit renewal", "en", "multi-word"),
    ("travel document replacement", "en", "synonym"),
]


def main() -> None:
    options = _arguments()
    count = 500 if options.quick else options.services
    workdir = Path(tempfile.mkdtemp(prefix="onestop-bench-"))
    database_url, engine, admin_url = bench_database(workdir, BENCH_DATABASE)
    environment = {
        "ONESTOP_DATABASE_URL": database_url,
        "ONESTOP_VAR_DIR": str(workdir / "var"),
        "DJANGO_SETTINGS_MODULE": "onestop.settings.base",
        "ONESTOP_PROFILE": "embedded",
        "ONESTOP_LOG_LEVEL": "WARNING",
    }
    os.environ.update(environment)
    try:
        figures = _run(options, count, environment)
    finally:
        bench_cleanup(workdir, admin_url, BENCH_DATABASE)
    figures |= {"db": engine}
    print(" ".join(f"{key}={value}" for key, value in figures.items()))


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="500 services, shorter load test")
    parser.add_argument("--services", type=int, default=5000)
    parser.add_argument("--path", default="/search/", help="search page path, takes ?q=")
    parser.add_argument("--seconds", type=float, default=None, help="load test duration")
    parser.add_argument("--clients", type=int, default=8, help="concurrent HTTP clients")
    parser.add_argument("--rounds", type=int, default=None, help="in-process passes over queries")
    return parser.parse_args()


def _run(options: argparse.Namespace, count: int, environment: dict[str, str]) -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    catalog_generate(count=count)
    print(
        f"generated {count} services x {len(LANGUAGES)} languages "
        f"in {time.perf_counter() - started:.1f} s"
    )
    figures = {"services": count, "languages": len(LANGUAGES)}
    figures |= measure_in_process(rounds=options.rounds or (20 if options.quick else 50))
    seconds = options.seconds or (5.0 if options.quick else 15.0)
    figures |= measure_page(
        environment=environment, path=options.path, seconds=seconds, clients=options.clients
    )
    return figures


# --- the generated catalog ----------------------------------------------------------------


def _localised(words: tuple[str, ...]) -> dict[str, str]:
    return dict(zip(LANGUAGES, words, strict=True))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def service_name(obj: tuple, qualifier: tuple, action: tuple | None) -> dict[str, str]:
    en, fr, ru, ar = (
        f"{qualifier[0]} {obj[0]}",
        f"{obj[1]} — {qualifier[1]}",
        f"{obj[2]} ({qualifier[2]})",
        f"{obj[3]} {qualifier[3]}",
    )
    if action:
        en, fr, ru, ar = (
            f"{en} {action[0]}",
            f"{fr}, {action[1]}",
            f"{ru}: {action[2]}",
            f"{ar} - {action[3]}",
        )
    return {"en": _capital(en), "fr": _capital(fr), "ru": _capital(ru), "ar": ar}


def service_summary(name: dict[str, str], agency: dict[str, str]) -> dict[str, str]:
    return {
        "en": f"Apply for the {name['en'].lower()} online or at a service center; "
        f"the {agency['en']} decides.",
        "fr": f"Demandez « {name['fr']} » en ligne ou en centre de services ; "
        f"{agency['fr']} décide.",
        "ru": f"Подайте заявление «{name['ru']}» онлайн или в центре услуг; решает {agency['ru']}.",
        "ar": f"قدّم طلب {name['ar']} عبر الإنترنت أو في مركز الخدمات؛ تقرر {agency['ar']}.",
    }


def catalog_generate(*, count: int, seed: int = 7) -> None:
    """`count` published services, with bulk inserts: generation speed matters more here than
    the per-row events the real services record."""
    from django.db import transaction

    from onestop.catalog.models import (
        Agency,
        Category,
        Service,
        ServiceVersion,
        VersionStatus,
    )
    from onestop.catalog.services import catalog_revision_bump
    from onestop.core import clock

    random_source = random.Random(seed)
    combinations = [
        (o, q, a)
        for o in range(len(OBJECTS))
        for q in range(len(QUALIFIERS))
        for a in range(len(ACTIONS))
    ]
    random_source.shuffle(combinations)
    with transaction.atomic():
        _country_profile()
        agencies = Agency.objects.bulk_create(
            Agency(
                code=f"{words[0].replace(' ', '-')}-authority",
                name={
                    "en": f"{_capital(words[0])} Authority",
                    "fr": f"Autorité — {words[1]}",
                    "ru": f"Агентство: {words[2]}",
                    "ar": f"هيئة {words[3]}",
                },
            )
            for words in QUALIFIERS
        )
        categories = Category.objects.bulk_create(
            Category(
                code=f"{words[0][0].replace(' ', '-')}s",
                position=position,
                name={
                    "en": f"{_capital(words[0][0])}s",
                    "fr": f"{_capital(words[0][1])}s",
                    "ru": _capital(words[0][2]),
                    "ar": words[0][3],
                },
            )
            for position, words in enumerate(OBJECTS)
        )
        services, versions, links = [], [], []
        for number in range(count):
            o, q, a = combinations[number % len(combinations)]
            obj, synonyms = OBJECTS[o]
            name = service_name(obj, QUALIFIERS[q], ACTIONS[a])
            service = Service(
                code=f"service-{number:05d}",
                agency=agencies[q],
                annual_volume=int(random_source.paretovariate(1.2) * 100),
            )
            services.append(service)
            links.append(Service.categories.through(service=service, category=categories[o]))
            versions.append(
                ServiceVersion(
                    service=service,
                    number=1,
                    status=VersionStatus.PUBLISHED,
                    effective_from=date(2026, 1, 1),
                    published_at=clock.now(),
                    name=name,
                    summary=service_summary(name, agencies[q].name),
                    keywords={language: [word] for language, word in _localised(synonyms).items()},
                    processing_days=10,
                    channels=["online", "center"],
                    form_schema={"type": "object"},
                    form_hints={},
                )
            )
        Service.objects.bulk_create(services, batch_size=500)
        ServiceVersion.objects.bulk_create(versions, batch_size=500)
        Service.categories.through.objects.bulk_create(links, batch_size=500)
        catalog_revision_bump()
    _statistics_refresh()


def _statistics_refresh() -> None:
    """What autovacuum would do soon after a load: give the planner row counts."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _country_profile() -> None:
    from onestop.core.models import CountryProfile

    CountryProfile.objects.update_or_create(
        id=1,
        defaults={
            "code": "XB",
            "name": {language: "Benchland" for language in LANGUAGES},
            "languages": LANGUAGES,
            "currency": "XTS",
            "time_zone": "UTC",
            "calendar": {"working_week": ["mon", "tue", "wed", "thu", "fri"], "holidays": {}},
        },
    )


# --- in-process latency ---------------------------------------------------------------------


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def measure_in_process(*, rounds: int) -> dict:
    from onestop.catalog.search import search_index_clear, service_search

    search_index_clear()
    started = time.perf_counter()
    service_search(query="passport", language="en")
    build_ms = (time.perf_counter() - started) * 1000
    timings: dict[str, list[float]] = {}
    for _ in range(rounds):
        for query, language, kind in QUERIES:
            started = time.perf_counter()
            service_search(query=query, language=language)
            timings.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
    every = [value for values in timings.values() for value in values]
    print(f"index build {build_ms:.0f} ms; {len(every)} searches")
    for kind, values in timings.items():
        print(
            f"  {kind:15} p50 {statistics.median(values):6.2f} ms   "
            f"p95 {_percentile(values, 0.95):6.2f} ms"
        )
    for query, language, _ in QUERIES[:6] + QUERIES[12:15]:
        top = service_search(query=query, language=language, limit=1)
        shown = f"{top.hits[0].name} ({top.hits[0].code})" if top.hits else "-"
        print(f"  {query!r:28} [{language}] total {top.total:5}  first: {shown}")
    return {
        "build_ms": round(build_ms),
        "p50_ms": round(statistics.median(every), 2),
        "p95_ms": round(_percentile(every, 0.95), 2),
    }


# --- the search page under load -------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _server_start(environment: dict[str, str], port: int) -> subprocess.Popen:
    command = [
        sys.executable,
        "-c",
        "import sys; from onestop.cli import main; main(sys.argv)",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **environment},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"onestop serve exited: {server.stderr.read().decode()[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("onestop serve did not open its port within 60 s")


def _get(connection: http.client.HTTPConnection, url: str) -> tuple[int, str]:
    connection.request("GET", url, headers={"Accept-Language": "en"})
    response = connection.getresponse()
    response.read()
    return response.status, response.getheader("Location") or ""


def _page_url(path: str, query: str) -> str:
    return f"{path}?{urllib.parse.urlencode({'q': query})}"


@dataclass
class ClientTally:
    ok: int = 0
    failed: int = 0
    latencies: list[float] | None = None


def _client(port: int, path: str, stop_at: float, tally: ClientTally, offset: int) -> None:
    tally.latencies = []
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    position = offset
    while time.monotonic() < stop_at:
        query = QUERIES[position % len(QUERIES)][0]
        position += 1
        started = time.perf_counter()
        try:
            status, _ = _get(connection, _page_url(path, query))
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            tally.failed += 1
            continue
        tally.latencies.append((time.perf_counter() - started) * 1000)
        if status == 200:
            tally.ok += 1
        else:
            tally.failed += 1
    connection.close()


def _page_path(port: int, path: str) -> str | None:
    """The path to load-test: the one asked for, else the API's service list (the portal's
    search page may not exist in this build)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        for candidate in dict.fromkeys([path, "/api/v1/services"]):
            status, location = _get(connection, _page_url(candidate, "passport"))
            if status in {301, 302} and location:  # e.g. to the visitor's language prefix
                candidate = urllib.parse.urlsplit(location).path
                status, _ = _get(connection, _page_url(candidate, "passport"))
            if status == 200:
                return candidate
            print(f"  {candidate} answered {status}")
    finally:
        connection.close()
    return None


def measure_page(*, environment: dict[str, str], path: str, seconds: float, clients: int) -> dict:
    port = _free_port()
    server = _server_start(environment, port)
    try:
        used = _page_path(port, path)
        if used is None:
            print("  no search page answered 200; page_rps not measured")
            return {"page_rps": "none", "page_path": "none"}
        if used != path:
            print(f"  measured {used} for {path}")
        stop_at = time.monotonic() + seconds
        tallies = [ClientTally() for _ in range(clients)]
        threads = [
            threading.Thread(target=_client, args=(port, used, stop_at, tally, number * 3))
            for number, tally in enumerate(tallies)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    ok = sum(tally.ok for tally in tallies)
    failed = sum(tally.failed for tally in tallies)
    latencies = [value for tally in tallies for value in tally.latencies or []]
    page_p95 = round(_percentile(latencies, 0.95), 1) if latencies else "none"
    print(
        f"{used}: {ok} ok, {failed} failed in {elapsed:.1f} s with {clients} clients; "
        f"p95 {page_p95} ms"
    )
    return {
        "page_rps": round(ok / elapsed, 1),
        "page_p95_ms": page_p95,
        "page_errors": failed,
        "page_path": used,
    }


if __name__ == "__main__":
    main()
