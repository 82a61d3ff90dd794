"""Template helpers for the console: translated names of states, actions and reasons, the
deadline's standing, and links to the page in the other languages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils import translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy

from onestop.applications.console_support import staff_task_agencies
from onestop.applications.counter_support import counter_centers
from onestop.applications.models import OPEN_TASK_STATES
from onestop.applications.workflow import ACTION_NAMES, STATE_NAMES
from onestop.core import clock
from onestop.core.text import pick

register = template.Library()


@register.filter
def text(value: Mapping[str, str] | None) -> str:
    """A catalog text in the active language."""
    return pick(value)


@register.filter
def state_label(state: str) -> str:
    return str(STATE_NAMES.get(state, state))  # type: ignore[call-overload]


@register.filter
def action_label(action: str) -> str:
    return str(ACTION_NAMES.get(action, action))


@register.filter
def reason_label(reason: Any) -> str:
    """A decision reason's label in the active language (the pack gives one per language)."""
    label = getattr(reason, "label", reason)
    return pick(label) if isinstance(label, Mapping) else str(label)


@register.filter
def deadline_state(task: Any) -> str:
    """`breached`, `warning`, `on_time`, or `closed` once nothing more is due."""
    if task.state not in OPEN_TASK_STATES:
        return "closed"
    now = clock.now()
    if task.breached_at is not None or now >= task.due_at:
        return "breached"
    if task.warned_at is not None or now >= task.warn_at:
        return "warning"
    return "on_time"


@register.filter
def as_datetime(value: str) -> datetime | None:
    """An ISO timestamp kept in JSON (a prefilled value's fetch time), or None."""
    return parse_datetime(value) if isinstance(value, str) else None


@register.filter
def get(mapping: Mapping[str, Any] | None, key: str) -> Any:
    return (mapping or {}).get(key)


def _split(posted: Any, key: str) -> tuple[bool, str]:
    action, _, name = key.partition(".")
    return getattr(posted, "action", "") == action, name


@register.filter
def field_value(posted: Any, key: str) -> str:
    """What the officer typed in the refused form `action.field`, so nothing typed is lost."""
    is_this_form, name = _split(posted, key)
    return posted.data.get(name, "") if is_this_form and posted.data is not None else ""


@register.filter
def field_errors(posted: Any, key: str) -> list[str]:
    """The messages for `action.field` when that form was the one refused."""
    is_this_form, name = _split(posted, key)
    return list(posted.errors.get(name, [])) if is_this_form else []


EVIDENCE_STATUS = {
    "found": gettext_lazy("found in a registry"),
    "uploaded": gettext_lazy("uploaded by the applicant"),
    "pending": gettext_lazy("registry not answering; asked again automatically"),
    "missing": gettext_lazy("missing: to be brought or uploaded"),
    "checked_at_counter": gettext_lazy("checked at a counter"),
}


@register.filter
def evidence_status(status: str) -> str:
    return str(EVIDENCE_STATUS.get(status, status))


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str
    url: str
    is_current: bool


def _url_in(request: HttpRequest | None, path: str, language: str) -> str:
    if request is None:
        return f"/{language}/console/"
    return translate_url(path or request.get_full_path(), language)


@register.simple_tag(takes_context=True)
def language_links(context: template.Context) -> list[LanguageLink]:
    request = context.get("request")
    # A page shown again after a refused POST links to its GET address, not the action's.
    path = context.get("page_path") or ""
    current = translation.get_language()
    return [
        LanguageLink(
            code=code, name=name, url=_url_in(request, path, code), is_current=code == current
        )
        for code, name in settings.LANGUAGES
    ]


@dataclass(frozen=True)
class Reach:
    """Which parts of the console the signed-in staff member may open, for the header's links."""

    tasks: bool
    counter: bool


@register.simple_tag(takes_context=True)
def console_reach(context: template.Context) -> Reach:
    request = context.get("request")
    user = getattr(request, "user", None)
    return Reach(
        tasks=bool(context.get("desk")) or bool(staff_task_agencies(user=user)),
        counter=bool(context.get("counter")) or bool(counter_centers(user=user)),
    )


CHANNEL_NAMES = {
    "online": gettext_lazy("Online"),
    "center": gettext_lazy("At the service center counter"),
    "mobile_unit": gettext_lazy("At the mobile unit"),
    "kiosk": gettext_lazy("At a kiosk"),
    "partner_outlet": gettext_lazy("At the partner outlet"),
    "call_center": gettext_lazy("By telephone (call center)"),
}


@register.filter
def channel_label(channel: str) -> str:
    return str(CHANNEL_NAMES.get(channel, channel))
