"""What the admin and the command line show when an administrator's input is refused comes in
the administrator's language: staff roles, API keys, webhook addresses."""

from datetime import UTC, datetime

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from onestop.core.errors import InvalidInput
from onestop.integrations.services import api_key_terms_check
from onestop.integrations.webhooks import webhook_url_clean
from onestop.staff.roles import Role
from onestop.staff.services import staff_role_check

START = datetime(2026, 6, 1, tzinfo=UTC)

REFUSALS = [
    (
        lambda: staff_role_check(
            role=Role.SUPERVISOR, agency=None, center=None, valid_from=START, valid_until=None
        ),
        "agency",
        "A supervisor acts for an agency: choose one.",
    ),
    (
        lambda: staff_role_check(
            role=Role.CENTER_MANAGER, agency=None, center=None, valid_from=START, valid_until=None
        ),
        "center",
        "A center manager works in a center: choose one.",
    ),
    (
        lambda: staff_role_check(
            role=Role.AUDITOR, agency=None, center=None, valid_from=START, valid_until=START
        ),
        "valid_until",
        "A role must end after it starts.",
    ),
    (
        lambda: api_key_terms_check(
            agency=None, center=None, name=" ", scopes=["applications:file"]
        ),
        "name",
        "Name the system that will use the key.",
    ),
    (
        lambda: webhook_url_clean("https://user:secret@cases.example.gov/hooks"),
        "url",
        "Leave credentials out of the address; each delivery is signed with the secret.",
    ),
]


@pytest.mark.parametrize("language", ["fr", "ru", "ar"])
@pytest.mark.parametrize(("refuse", "field", "english"), REFUSALS)
def test_a_refused_input_is_named_in_the_administrators_language(language, refuse, field, english):
    with translation.override(language), pytest.raises(InvalidInput) as refused:
        refuse()
    with translation.override(language):
        expected = _(english)

    assert refused.value.details.get("field") == field
    assert refused.value.message == expected
    assert expected != english


@pytest.mark.parametrize(("refuse", "field", "english"), REFUSALS)
def test_in_english_the_messages_are_unchanged(refuse, field, english):
    with pytest.raises(InvalidInput) as refused:
        refuse()

    assert refused.value.message == english
