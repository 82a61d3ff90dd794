"""One form for one service or a life-event bundle, merged from the services' form schemas.

- A field several services share (the same name) is asked once. The pack loader refuses
  differing definitions of a shared name; should two still differ, the merged field must
  satisfy both (`allOf` of the definitions: the strictest reading) and takes its label from the
  first service.
- A field is required when any service requires it. Fields keep the order of the services and,
  within a service, of its `hints.order`.
- Pages: one per service (the fields it adds), except that a field whose hints say
  `own_page: true` gets a page of its own (one question per page where it helps).
- Answers are validated with `jsonschema`; each error becomes a translated message naming the
  field (never the library's English). Invalid input is kept by the caller, never dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from onestop.catalog.models import ServiceVersion
from onestop.core.text import pick


@dataclass(frozen=True)
class FormField:
    name: str
    schema: dict[str, Any]
    is_required: bool
    label: str
    help: str
    options: dict[str, str]  # enum value → label in the active language
    services: tuple[str, ...]  # the service codes that ask for it
    has_own_page: bool = False


@dataclass(frozen=True)
class FormPage:
    key: str  # the step name drafts save under: a service code, or `field:<name>`
    title: str
    fields: tuple[FormField, ...]


@dataclass(frozen=True)
class MergedForm:
    service_codes: tuple[str, ...]
    schema: dict[str, Any]
    fields: tuple[FormField, ...]
    pages: tuple[FormPage, ...]
    _by_name: dict[str, FormField] = field(default_factory=dict, compare=False, repr=False)

    def field(self, name: str) -> FormField | None:
        if not self._by_name:
            self._by_name.update({item.name: item for item in self.fields})
        return self._by_name.get(name)

    def page(self, key: str) -> FormPage | None:
        return next((page for page in self.pages if page.key == key), None)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(item.name for item in self.fields)


@dataclass
class _Collected:
    schemas: list[dict[str, Any]]
    is_required: bool
    hints: dict[str, Any]
    services: list[str]
    first_service: str


def form_merge(*, versions: Sequence[ServiceVersion], language: str | None = None) -> MergedForm:
    """The merged form of `versions` (in the bundle's order), labelled in `language` (default:
    the active one)."""
    collected: dict[str, _Collected] = {}
    for version in versions:
        code = version.service.code
        schema = version.form_schema or {}
        properties = schema.get("properties") or {}
        required = set(schema.get("required") or [])
        hints = version.form_hints or {}
        order = list(hints.get("order") or []) + [
            n for n in properties if n not in (hints.get("order") or [])
        ]
        for name in order:
            if name not in properties:
                continue
            item = collected.get(name)
            if item is None:
                item = collected[name] = _Collected([], False, {}, [], code)
            if properties[name] not in item.schemas:
                item.schemas.append(properties[name])
            item.is_required = item.is_required or name in required
            item.hints = item.hints or ((hints.get("fields") or {}).get(name) or {})
            item.services.append(code)
    fields = tuple(_field(name, item, language) for name, item in collected.items())
    titles = {version.service.code: pick(version.name, language) for version in versions}
    return MergedForm(
        service_codes=tuple(version.service.code for version in versions),
        schema=_schema(fields),
        fields=fields,
        pages=_pages(
            fields, {name: item.first_service for name, item in collected.items()}, titles
        ),
    )


def _field(name: str, item: _Collected, language: str | None) -> FormField:
    schema = item.schemas[0] if len(item.schemas) == 1 else {"allOf": item.schemas}
    options = item.hints.get("options") or {}
    return FormField(
        name=name,
        schema=schema,
        is_required=item.is_required,
        label=pick(item.hints.get("label"), language) or name,
        help=pick(item.hints.get("help"), language),
        options={value: pick(text, language) for value, text in options.items()},
        services=tuple(item.services),
        has_own_page=bool(item.hints.get("own_page")),
    )


def _schema(fields: Iterable[FormField]) -> dict[str, Any]:
    fields = list(fields)
    return {
        "type": "object",
        "properties": {item.name: item.schema for item in fields},
        "required": [item.name for item in fields if item.is_required],
    }


def _pages(
    fields: Sequence[FormField], first_service: Mapping[str, str], titles: Mapping[str, str]
) -> tuple[FormPage, ...]:
    pages: list[FormPage] = []
    grouped: dict[str, list[FormField]] = {}
    for item in fields:
        if item.has_own_page:
            pages.append(FormPage(f"field:{item.name}", item.label, (item,)))
            continue
        service = first_service[item.name]
        if service not in grouped:
            grouped[service] = []
            pages.append(FormPage(service, titles.get(service, service), ()))
        grouped[service].append(item)
    return tuple(
        FormPage(page.key, page.title, tuple(grouped[page.key])) if page.key in grouped else page
        for page in pages
    )


# --- Answers -----------------------------------------------------------------------------------


def answers_coerce(*, form: MergedForm, raw: Mapping[str, Any]) -> dict[str, Any]:
    """What a web form posts (text) typed as the schema expects where it reads as such; a blank
    answer is no answer. A value that does not read stays as typed, so the validation names it
    and the applicant sees what they wrote."""
    answers: dict[str, Any] = {}
    for name, value in raw.items():
        item = form.field(name)
        if isinstance(value, str):
            value = value.strip()
            if value == "":
                continue
            if item is not None:
                value = _typed(value, _type_of(item.schema))
        answers[name] = value
    return answers


def _type_of(schema: Mapping[str, Any]) -> str:
    if "type" in schema:
        return str(schema["type"])
    for part in schema.get("allOf") or []:
        if "type" in part:
            return str(part["type"])
    return "string"


def _typed(value: str, kind: str) -> Any:
    try:
        if kind == "integer":
            return int(value)
        if kind == "number":
            number = float(value.replace(",", "."))
            return int(number) if number.is_integer() else number
    except ValueError:
        return value
    if kind == "boolean" and value.lower() in {"true", "false", "yes", "no", "on", "1", "0"}:
        return value.lower() in {"true", "yes", "on", "1"}
    return value


def form_errors(
    *, form: MergedForm, answers: Mapping[str, Any], only: Iterable[str] | None = None
) -> dict[str, list[str]]:
    """Field name → translated messages; empty when the answers are valid. `only` restricts the
    check to some fields (one page)."""
    wanted = set(form.field_names if only is None else only)
    validator = Draft202012Validator(form.schema, format_checker=FormatChecker())
    errors: dict[str, list[str]] = {}
    for error in validator.iter_errors(dict(answers)):
        for name, message in _messages(form, error):
            if name in wanted and message not in errors.setdefault(name, []):
                errors[name].append(message)
    for name in list(errors):
        if not errors[name]:
            del errors[name]
    unknown = sorted(set(answers) - set(form.field_names))
    for name in unknown:
        if only is None:
            errors[name] = [_("This form has no question called %(name)s.") % {"name": name}]
    return errors


def _messages(form: MergedForm, error: ValidationError) -> list[tuple[str, str]]:
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in (error.instance or {})]
        return [(name, _message(form, name, "required", None)) for name in missing]
    if not error.absolute_path:
        return []
    name = str(error.absolute_path[0])
    if error.validator == "allOf" and error.context:
        return [
            (name, _message(form, name, sub.validator, sub.validator_value))
            for sub in error.context
        ]
    return [(name, _message(form, name, str(error.validator), error.validator_value))]


def _message(form: MergedForm, name: str, rule: Any, limit: Any) -> str:
    item = form.field(name)
    label = item.label if item else name
    values = {"field": label, "limit": limit}
    if rule == "enum" and item is not None:
        values["limit"] = ", ".join(item.options.get(str(v), str(v)) for v in limit or [])
    template = MESSAGES.get(str(rule), MESSAGES["const"])
    if rule == "type":
        template = TYPE_MESSAGES.get(str(limit), template)
    if rule == "format":
        template = FORMAT_MESSAGES.get(str(limit), template)
    return _(template) % values


MESSAGES = {
    "required": gettext_noop("Enter %(field)s."),
    "minLength": gettext_noop("%(field)s must be at least %(limit)s characters long."),
    "maxLength": gettext_noop("%(field)s must be at most %(limit)s characters long."),
    "pattern": gettext_noop(
        "%(field)s is not in the expected format; see the hint below the question."
    ),
    "enum": gettext_noop("Choose one of the options for %(field)s: %(limit)s."),
    "const": gettext_noop("Check %(field)s: this answer is not accepted."),
    "minimum": gettext_noop("%(field)s must be %(limit)s or more."),
    "maximum": gettext_noop("%(field)s must be %(limit)s or less."),
    "exclusiveMinimum": gettext_noop("%(field)s must be more than %(limit)s."),
    "exclusiveMaximum": gettext_noop("%(field)s must be less than %(limit)s."),
    "minItems": gettext_noop("Choose at least %(limit)s for %(field)s."),
    "maxItems": gettext_noop("Choose at most %(limit)s for %(field)s."),
    "uniqueItems": gettext_noop("Choose each option for %(field)s only once."),
}
TYPE_MESSAGES = {
    "integer": gettext_noop("%(field)s must be a whole number, such as 3."),
    "number": gettext_noop("%(field)s must be a number, such as 12.5."),
    "boolean": gettext_noop("Answer yes or no for %(field)s."),
    "string": gettext_noop("%(field)s must be text."),
    "array": gettext_noop("Choose one or more options for %(field)s."),
}
FORMAT_MESSAGES = {
    "email": gettext_noop("%(field)s must be an email address, such as name@example.com."),
    "date": gettext_noop("%(field)s must be a date, such as 2026-03-31."),
}
