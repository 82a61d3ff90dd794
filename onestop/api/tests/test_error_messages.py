"""Bad input over the API is answered in the request's language, naming the field and what it
must be: a body that is not JSON, and values of the wrong kind or size for fields the API has
no fix of its own for (the validator's English is never the message)."""

import json

import pytest
from django.utils import translation
from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from onestop.api.errors import _field_error
from onestop.applications.models import Application
from onestop.applications.tests.intake_fixtures import (
    card_holder,
    citizen_make,
    frozen,  # noqa: F401
    population,  # noqa: F401
)

pytestmark = pytest.mark.django_db
LANGUAGES = ["en", "fr", "ar"]


@pytest.fixture
def citizen(population, frozen, client):  # noqa: F811
    account = citizen_make(card_holder())
    client.force_login(account.user)
    return account


def submit(client, body, language):
    return client.post(
        "/api/v1/applications",
        data=body,
        content_type="application/json",
        headers={"Idempotency-Key": "errors-1", "Accept-Language": language},
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_body_that_is_not_json_is_a_400_saying_so_in_the_request_language(
    client, citizen, language
):
    response = submit(client, "{not json", language)

    with translation.override(language):
        expected = _(
            "The request body is not valid JSON: send one JSON object, with the header "
            "Content-Type: application/json."
        )
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "invalid_json",
        "message": expected,
        "details": {"field": "body"},
    }
    assert not Application.objects.exists()


WRONG_KINDS = [
    # (body, field, the message's template, its values)
    (
        {"services": ["passport"], "contact_phone": ["+33"]},
        "contact_phone",
        "%(field)s must be text, in quotes.",
        {},
    ),
    (
        {"services": ["passport"], "contact_email": "a" * 300 + "@example.org"},
        "contact_email",
        "%(field)s is too long: at most %(max_length)s characters.",
        {"max_length": "254"},
    ),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("body", "field", "template", "values"), WRONG_KINDS)
def test_a_value_of_the_wrong_kind_is_named_with_what_it_must_be(
    client, citizen, language, body, field, template, values
):
    response = submit(client, json.dumps(body), language)

    with translation.override(language):
        expected = _(template) % {"field": field, **values}
    error = response.json()["error"]
    assert response.status_code == 422, error
    assert error["code"] == "invalid_input"
    [entry] = [item for item in error["details"]["errors"] if item["field"] == field]
    assert entry["message"] == expected
    assert expected in error["message"]
    assert "Input should" not in error["message"]
    assert not Application.objects.exists()


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")
    codes: list[str] = []
    count: int = Field(0, ge=1, le=9)
    options: dict[str, str] = {}
    flag: bool = False
    when: str = Field("", min_length=2)
    tags: list[str] = Field([], max_length=2)


KINDS = [
    ({"codes": "passport"}, "codes", "%(field)s must be a list, in square brackets.", {}),
    ({"count": "many"}, "count", "%(field)s must be a whole number.", {}),
    ({"count": 0}, "count", "%(field)s must be %(ge)s or more.", {"ge": "1"}),
    ({"count": 10}, "count", "%(field)s must be %(le)s or less.", {"le": "9"}),
    ({"options": [1]}, "options", "%(field)s must be an object: names and their values.", {}),
    ({"flag": "perhaps"}, "flag", "%(field)s must be true or false.", {}),
    (
        {"when": "x"},
        "when",
        "%(field)s is too short: at least %(min_length)s characters.",
        {"min_length": "2"},
    ),
    (
        {"tags": ["a", "b", "c"]},
        "tags",
        "%(field)s has too many items: at most %(max_length)s.",
        {"max_length": "2"},
    ),
    ({"extra": 1}, "extra", "%(field)s is not a field of this request: leave it out.", {}),
]


@pytest.mark.parametrize("language", ["fr", "ar"])
@pytest.mark.parametrize(("data", "field", "template", "values"), KINDS)
def test_each_kind_of_mistake_has_its_own_translated_message(
    language, data, field, template, values
):
    with pytest.raises(ValidationError) as raised:
        Strict.model_validate(data)
    [error] = raised.value.errors()

    with translation.override(language):
        entry = _field_error(dict(error, loc=("body", *error["loc"])))
        expected = _(template) % {"field": field, **values}
    assert expected != template % {"field": field, **values}  # it is translated
    assert entry == {
        "field": field,
        "location": "body",
        "message": expected,
    }
    assert error["msg"] not in entry["message"]
