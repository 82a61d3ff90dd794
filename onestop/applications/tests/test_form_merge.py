"""Merged forms: shared fields asked once, the strictest definition, pages, translated errors."""

import pytest
from django.utils import translation

from onestop.applications.form_merge import answers_coerce, form_errors, form_merge
from onestop.catalog.models import Service, ServiceVersion


def version(code, properties, required, hints=None, name=None):
    return ServiceVersion(
        service=Service(code=code),
        name=name or {"en": code.title(), "fr": f"Démarche {code}"},
        form_schema={"type": "object", "properties": properties, "required": required},
        form_hints=hints
        or {
            "order": list(properties),
            "fields": {
                field: {"label": {"en": field.replace("_", " ").title(), "fr": f"« {field} »"}}
                for field in properties
            },
        },
    )


CHILD = {"type": "string", "minLength": 2, "maxLength": 60}
BIRTH = version(
    "birth",
    {"child_name": CHILD, "sex": {"type": "string", "enum": ["f", "m"]}},
    ["child_name"],
    hints={
        "order": ["child_name", "sex"],
        "fields": {
            "child_name": {"label": {"en": "Child's name", "fr": "Nom de l'enfant"}},
            "sex": {
                "label": {"en": "Sex", "fr": "Sexe"},
                "options": {"f": {"en": "Female", "fr": "Féminin"}, "m": {"en": "Male"}},
                "own_page": True,
            },
        },
    },
)
ALLOWANCE = version(
    "allowance",
    {"iban": {"type": "string", "pattern": "^[A-Z]{2}[0-9]{2}"}, "child_name": CHILD},
    ["iban"],
)


def test_a_shared_field_is_asked_once_and_required_if_any_service_requires_it():
    form = form_merge(versions=[ALLOWANCE, BIRTH], language="en")

    assert form.field_names == ("iban", "child_name", "sex")
    assert form.schema["required"] == ["iban", "child_name"]
    assert form.field("child_name").services == ("allowance", "birth")
    assert form.field("child_name").schema == CHILD


def test_pages_group_by_service_and_give_a_hinted_field_its_own():
    form = form_merge(versions=[BIRTH, ALLOWANCE], language="en")

    assert [(page.key, [f.name for f in page.fields]) for page in form.pages] == [
        ("birth", ["child_name"]),
        ("field:sex", ["sex"]),
        ("allowance", ["iban"]),
    ]
    assert form.page("birth").title == "Birth"


def test_labels_and_options_are_in_the_users_language():
    form = form_merge(versions=[BIRTH], language="fr")

    assert form.field("child_name").label == "Nom de l'enfant"
    assert form.field("sex").options == {"f": "Féminin", "m": "Male"}  # falls back to English


def test_conflicting_definitions_must_both_hold():
    shorter = version("other", {"child_name": {"type": "string", "maxLength": 5}}, [])
    form = form_merge(versions=[BIRTH, shorter], language="en")

    assert form.field("child_name").schema == {"allOf": [CHILD, {"type": "string", "maxLength": 5}]}
    errors = form_errors(form=form, answers={"child_name": "Alexandrina"})
    assert errors == {"child_name": ["Child's name must be at most 5 characters long."]}


def test_errors_name_the_field_in_the_users_language_never_the_librarys_text():
    form = form_merge(versions=[BIRTH, ALLOWANCE], language="fr")

    with translation.override("fr"):
        errors = form_errors(form=form, answers={"child_name": "A", "sex": "x"})

    assert set(errors) == {"child_name", "sex", "iban"}
    assert errors["iban"] == ["Saisissez « iban »."]
    assert all("is not" not in message for messages in errors.values() for message in messages)
    assert "Nom de l'enfant" in errors["child_name"][0]


def test_errors_can_be_limited_to_one_page():
    form = form_merge(versions=[BIRTH, ALLOWANCE], language="en")

    errors = form_errors(form=form, answers={}, only=["iban"])

    assert errors == {"iban": ["Enter Iban."]}


def test_an_unknown_answer_is_named():
    form = form_merge(versions=[BIRTH], language="en")

    assert form_errors(form=form, answers={"child_name": "Ann", "shoe_size": 3}) == {
        "shoe_size": ["This form has no question called shoe_size."]
    }


@pytest.mark.parametrize(
    ("kind", "raw", "typed"),
    [
        ("integer", "3", 3),
        ("integer", "three", "three"),
        ("number", "12,5", 12.5),
        ("number", "12", 12),
        ("boolean", "yes", True),
        ("boolean", "maybe", "maybe"),
        ("string", " Ann ", "Ann"),
    ],
)
def test_posted_text_is_typed_where_it_reads_and_kept_as_typed_where_not(kind, raw, typed):
    form = form_merge(versions=[version("s", {"value": {"type": kind}}, [])], language="en")

    assert answers_coerce(form=form, raw={"value": raw}) == {"value": typed}


def test_a_blank_answer_is_no_answer():
    form = form_merge(versions=[BIRTH], language="en")

    assert answers_coerce(form=form, raw={"child_name": "  "}) == {}
