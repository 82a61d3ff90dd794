import pytest
from django.core.management import CommandError, call_command

from onestop.catalog.models import Agency
from onestop.core.errors import Conflict, InvalidInput
from onestop.core.models import AuditRecord
from onestop.integrations.models import ApiKey
from onestop.integrations.services import api_key_authenticate, api_key_issue, api_key_revoke

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency() -> Agency:
    return Agency.objects.create(code="civil-registry", name={"en": "Civil Registry"})


def test_an_issued_key_authenticates_and_only_its_digest_is_stored(agency):
    issued = api_key_issue(
        actor="cli:test", agency=agency, name="Case system", scopes=["notifications:send"]
    )

    stored = ApiKey.objects.get()
    assert issued.token.startswith(f"osk_{stored.prefix}_")
    secret = issued.token.split("_", 2)[2]
    assert secret not in stored.digest and len(stored.digest) == 64
    assert api_key_authenticate(token=issued.token) == stored
    assert ApiKey.objects.get().last_used_at is not None
    assert AuditRecord.objects.filter(action="integrations.api_key_issued").count() == 1


@pytest.mark.parametrize(
    "token",
    ["", "osk", "osk_abc", "osk_unknown_secret", "Bearer x", "osk_{prefix}_wrong-secret"],
)
def test_wrong_tokens_are_refused_alike(agency, token):
    issued = api_key_issue(actor="t", agency=agency, name="S", scopes=["notifications:read"])

    assert api_key_authenticate(token=token.format(prefix=issued.api_key.prefix)) is None


def test_a_revoked_key_stops_working_and_cannot_be_revoked_twice(agency):
    issued = api_key_issue(actor="t", agency=agency, name="S", scopes=["notifications:read"])

    api_key_revoke(actor="staff:admin", api_key=issued.api_key)

    assert api_key_authenticate(token=issued.token) is None
    with pytest.raises(Conflict):
        api_key_revoke(actor="staff:admin", api_key=issued.api_key)
    assert AuditRecord.objects.filter(action="integrations.api_key_revoked").count() == 1


def test_bad_scopes_or_names_issue_nothing(agency):
    with pytest.raises(InvalidInput, match="scopes"):
        api_key_issue(actor="t", agency=agency, name="S", scopes=["everything"])
    with pytest.raises(InvalidInput, match="Name the system"):
        api_key_issue(actor="t", agency=agency, name=" ", scopes=["notifications:send"])

    assert ApiKey.objects.count() == 0
    assert AuditRecord.objects.count() == 0


def test_the_command_issues_lists_and_revokes(agency, capsys):
    call_command(
        "api_key",
        "issue",
        "--agency",
        "civil-registry",
        "--name",
        "Case system",
        "--scope",
        "notifications:send",
    )
    token = capsys.readouterr().out.splitlines()[1]
    prefix = ApiKey.objects.get().prefix

    call_command("api_key", "list")
    listed = capsys.readouterr().out
    call_command("api_key", "revoke", prefix)

    assert api_key_authenticate(token=token) is None
    assert listed.strip() == f"{prefix}  civil-registry  Case system  notifications:send  active"
    assert token not in listed
    with pytest.raises(CommandError, match="No agency"):
        call_command(
            "api_key",
            "issue",
            "--agency",
            "nowhere",
            "--name",
            "x",
            "--scope",
            "notifications:send",
        )
