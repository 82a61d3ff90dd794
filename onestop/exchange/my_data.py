"""The citizen's view of the exchange: "my data" (what the registries hold about me, asked
through the exchange like any other consumer would) and "who looked at my data" (the exchange
log about me, in plain words).

Both answer plain dataclasses with translated (lazy) labels, so a face renders them without
knowing a registry's field names. The log never shows another person's national ID or a staff
login: a data-protection officer accepts "an agency officer of the civil registry office", not
"jsmith". Every log row is shown, refused ones too; a purpose or an operation without a plain
label gets a generic sentence that still names what the log holds, never nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onestop.centers.models import Center, CenterKind
from onestop.core.models import CountryProfile
from onestop.core.text import pick
from onestop.staff.models import StaffRole

from .client import exchange_query
from .models import ExchangeLogEntry
from .my_data_sections import ITEMS, RECORDS, Item, Record, regions_named
from .selectors import exchange_log_about
from .services import CONSOLE, PORTAL

PURPOSE_MY_DATA = "my-data"
LOG_PAGE_SIZE = 20

# What "my data" asks, in the order the page shows it.
MY_DATA_OPERATIONS: tuple[tuple[str, str], ...] = (
    ("civil", "person"),
    ("civil", "address"),
    ("civil", "family"),
    ("documents", "identity-documents"),
    ("vehicles", "vehicles-of"),
    ("property", "properties-of"),
    ("business", "businesses-of"),
    ("benefits", "benefit-status"),
)

REGISTRIES: dict[str, Promise] = {
    "civil": gettext_lazy("the civil registry"),
    "documents": gettext_lazy("the identity document registry"),
    "vehicles": gettext_lazy("the vehicle registry"),
    "property": gettext_lazy("the land and property registry"),
    "business": gettext_lazy("the business registry"),
    "benefits": gettext_lazy("the social benefits registry"),
}

SECTION_TITLES: dict[tuple[str, str], Promise] = {
    ("civil", "person"): gettext_lazy("Your civil record"),
    ("civil", "address"): gettext_lazy("Your address"),
    ("civil", "family"): gettext_lazy("Your family"),
    ("documents", "identity-documents"): gettext_lazy("Your identity documents"),
    ("vehicles", "vehicles-of"): gettext_lazy("Your vehicles"),
    ("property", "properties-of"): gettext_lazy("Your land and property"),
    ("business", "businesses-of"): gettext_lazy("Your businesses"),
    ("benefits", "benefit-status"): gettext_lazy("Your social benefits"),
}

# "What" in the log: the operation as the person it is about would say it.
OPERATIONS_IN_WORDS: dict[tuple[str, str], Promise] = {
    ("civil", "person"): gettext_lazy("your civil record (name, birth, address)"),
    ("civil", "address"): gettext_lazy("your address"),
    ("civil", "family"): gettext_lazy("your family (parents, children, marriages)"),
    ("documents", "identity-documents"): gettext_lazy("your identity documents"),
    ("vehicles", "vehicles-of"): gettext_lazy("your vehicles"),
    ("vehicles", "vehicle"): gettext_lazy("a vehicle registered in your name"),
    ("property", "properties-of"): gettext_lazy("your land and property"),
    ("business", "businesses-of"): gettext_lazy("the businesses you own or direct"),
    ("benefits", "benefit-status"): gettext_lazy("your social benefits"),
    ("civil", "birth-record"): gettext_lazy("your birth record"),
    ("civil", "marriage-record"): gettext_lazy("your marriage record"),
    ("civil", "divorce-record"): gettext_lazy("your divorce record"),
    ("civil", "death-record"): gettext_lazy("a death record"),
    ("civil", "residence-record"): gettext_lazy("your place of residence"),
    ("civil", "family-composition"): gettext_lazy("the members of your household"),
    ("documents", "identity-card"): gettext_lazy("your identity card"),
    ("documents", "passport-document"): gettext_lazy("your passport"),
    ("vehicles", "vehicle-record"): gettext_lazy("your vehicle registrations"),
    ("property", "property-title"): gettext_lazy("your property titles"),
    ("business", "business-record"): gettext_lazy("your business registrations"),
    ("benefits", "social-benefit-status"): gettext_lazy("your social benefits"),
}

PURPOSES_IN_WORDS: dict[str, Promise] = {
    "my-data": gettext_lazy("to show you your data"),
    "prefill": gettext_lazy("to prefill an application form"),
    "case-review": gettext_lazy("to review a case that concerns you"),
    "application": gettext_lazy(
        "to obtain a document for an application, so you need not bring it"
    ),
}

RESULTS_IN_WORDS: dict[str, Promise] = {
    "ok": gettext_lazy("found and passed on"),
    "not_found": gettext_lazy("nothing found"),
    "refused": gettext_lazy("refused: no right to ask this"),
    "pending": gettext_lazy("the registry was not answering"),
    "error": gettext_lazy("the registry was not answering"),
}

STAFF_ROLES: dict[str, Promise] = {
    "front_office_operator": gettext_lazy("a front-office operator"),
    "agency_officer": gettext_lazy("an agency officer"),
    "supervisor": gettext_lazy("a supervisor"),
    "center_manager": gettext_lazy("a service center manager"),
    "catalog_editor": gettext_lazy("a catalog editor"),
    "insights_viewer": gettext_lazy("a statistics analyst"),
    "auditor": gettext_lazy("an auditor"),
    "administrator": gettext_lazy("an administrator"),
}


@dataclass(frozen=True)
class MyDataSection:
    registry: str
    operation: str
    title: str
    registry_label: str
    status: str  # ok, not_found, unavailable, refused
    source: str
    fetched_at: datetime | None
    items: list[Item] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)


@dataclass(frozen=True)
class AccessLogEntry:
    occurred_at: datetime  # in the country pack's time zone
    who: str
    what: str
    why: str
    result: str
    status: str
    request_id: str


@dataclass(frozen=True)
class AccessLogPage:
    entries: list[AccessLogEntry]
    number: int
    count: int
    time_zone: str


def _page_status(status: str) -> str:
    return {"pending": "unavailable", "error": "unavailable"}.get(status, status)


def my_data_fetch(*, national_id: str, acting_user: str) -> list[MyDataSection]:
    """Ask every registry what it holds about this person, as the portal, for `my-data`.

    One exchange query (and one log row) per operation. A registry that fails or is slow gives
    an `unavailable` section, never an exception: the other sections still show."""
    regions = regions_named()
    sections = []
    for registry, operation in MY_DATA_OPERATIONS:
        result = exchange_query(
            consumer=PORTAL,
            registry=registry,
            operation=operation,
            params={"national_id": national_id},
            acting_user=acting_user,
            on_behalf_of=national_id,
            purpose=PURPOSE_MY_DATA,
        )
        key = (registry, operation)
        data = result.data if result.ok else {}
        sections.append(
            MyDataSection(
                registry=registry,
                operation=operation,
                title=str(SECTION_TITLES[key]),
                registry_label=str(REGISTRIES[registry]),
                status=_page_status(result.status),
                source=result.source,
                fetched_at=result.fetched_at,
                items=ITEMS[key](data, regions) if key in ITEMS and data else [],
                records=RECORDS[key](data, regions) if key in RECORDS and data else [],
            )
        )
    return sections


def display_time_zone() -> ZoneInfo:
    """The country pack's time zone, in which the citizen's pages show times."""
    name = CountryProfile.objects.filter(id=1).values_list("time_zone", flat=True).first()
    return ZoneInfo(name or settings.TIME_ZONE)


OUTLET_PREFIX = "outlet:"  # a partner outlet's or kiosk's system (staff.actors.OutletSystemActor)


def _staff_roles(entries: Iterable[ExchangeLogEntry]) -> dict[str, list[StaffRole]]:
    """The roles ever held by the staff named on this page, in one query."""
    usernames = {
        e.acting_user.removeprefix("staff:") for e in entries if e.acting_user.startswith("staff:")
    }
    if not usernames:
        return {}
    held: dict[str, list[StaffRole]] = {}
    rows = StaffRole.objects.filter(user__username__in=usernames).select_related(
        "user", "agency", "center"
    )
    for role in rows.order_by("valid_from"):
        held.setdefault(role.user.get_username(), []).append(role)
    return held


def _role_at(roles: list[StaffRole], moment: datetime) -> StaffRole | None:
    """The role held at that moment, an agency-scoped one first (it says whose officer)."""
    live = [
        r
        for r in roles
        if r.valid_from <= moment and (r.valid_until is None or r.valid_until > moment)
    ]
    live.sort(key=lambda r: (r.agency_id is None, r.center_id is None))
    return live[0] if live else None


def _staff_in_words(role: StaffRole | None) -> str:
    if role is None:
        return _("A member of staff, in the staff console")
    label = STAFF_ROLES.get(role.role)
    role_words = str(label) if label is not None else _("a member of staff")
    scope = role.agency or role.center
    if scope is None:
        return _("Staff: %(role)s, in the staff console") % {"role": role_words}
    return _("Staff: %(role)s of %(organisation)s, in the staff console") % {
        "role": role_words,
        "organisation": pick(scope.name),
    }


def _outlets(entries: Iterable[ExchangeLogEntry]) -> dict[str, Center]:
    """The partner outlets and kiosks (`outlet:<center code>:<key prefix>`) on this page, in one
    query."""
    codes = {
        e.acting_user.split(":")[1] for e in entries if e.acting_user.startswith(OUTLET_PREFIX)
    }
    return (
        {center.code: center for center in Center.objects.filter(code__in=codes)} if codes else {}
    )


def _outlet_in_words(actor: str, outlets: dict[str, Center]) -> str:
    center = outlets.get(actor.split(":")[1])
    name = pick(center.name) if center else actor.split(":")[1]
    if center is not None and center.kind == CenterKind.KIOSK:
        return _("A self-service kiosk, for your application: %(center)s") % {"center": name}
    return _("A partner outlet, for your application: %(center)s") % {"center": name}


def _who(
    entry: ExchangeLogEntry,
    own: Collection[str],
    roles: dict[str, list[StaffRole]],
    outlets: dict[str, Center],
) -> str:
    actor = entry.acting_user
    if entry.consumer == PORTAL:
        if actor in own:
            return _("You, on this portal")
        if actor.startswith("citizen:"):
            return _(
                "Another person signed in to this portal (for example someone you gave a mandate)"
            )
        return _("This portal, automatically")
    if entry.consumer == CONSOLE:
        if actor.startswith("staff:"):
            username = actor.removeprefix("staff:")
            return _staff_in_words(_role_at(roles.get(username, []), entry.occurred_at))
        if actor.startswith(OUTLET_PREFIX):
            return _outlet_in_words(actor, outlets)
        return _("The staff console, automatically")
    return _("Another system connected to the data exchange: %(system)s") % {
        "system": entry.consumer
    }


def _what(entry: ExchangeLogEntry) -> str:
    label = OPERATIONS_IN_WORDS.get((entry.registry, entry.operation))
    if label is not None:
        return str(label)
    registry = REGISTRIES.get(entry.registry)
    return _("information about you in %(registry)s (the request “%(operation)s”)") % {
        "registry": str(registry) if registry is not None else entry.registry,
        "operation": entry.operation,
    }


def _why(entry: ExchangeLogEntry) -> str:
    label = PURPOSES_IN_WORDS.get(entry.purpose)
    if label is not None:
        return str(label)
    return _("for a purpose recorded as “%(purpose)s”") % {"purpose": entry.purpose}


def access_log_for_citizen(
    *, national_id: str, page: int, own_acting_users: Collection[str] = ()
) -> AccessLogPage:
    """One page (20 entries, newest first) of everything asked about this person through the
    exchange, refused attempts included, in plain words. `own_acting_users` are the ids the
    person acts under (e.g. `citizen:<user id>`), so those entries read "you"."""
    own = {f"citizen:{national_id}", *own_acting_users}
    rows = exchange_log_about(national_id=national_id)
    count = rows.count()
    offset = (max(page, 1) - 1) * LOG_PAGE_SIZE
    entries = list(rows[offset : offset + LOG_PAGE_SIZE])
    roles, outlets = _staff_roles(entries), _outlets(entries)
    zone = display_time_zone()
    return AccessLogPage(
        entries=[
            AccessLogEntry(
                occurred_at=entry.occurred_at.astimezone(zone),
                who=_who(entry, own, roles, outlets),
                what=_what(entry),
                why=_why(entry),
                result=str(RESULTS_IN_WORDS.get(entry.status, entry.status)),
                status=entry.status,
                request_id=str(entry.request_id),
            )
            for entry in entries
        ],
        number=max(page, 1),
        count=count,
        time_zone=str(zone),
    )
