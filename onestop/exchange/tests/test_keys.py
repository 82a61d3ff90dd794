import base64
import stat

import pytest
from django.core.management import CommandError, call_command

from onestop.core.errors import Conflict, InvalidInput, NotFound
from onestop.exchange.keys import member_key_generate, member_private_key, member_public_key
from onestop.exchange.models import MemberKey
from onestop.exchange.protocol import request_build, request_sign, request_verify

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def test_the_command_generates_a_key_pair_whose_halves_sign_and_verify(var_dir, capsys):
    call_command("exchange_keys", "generate", "XM/GOV/onestop/portal")

    key = MemberKey.objects.get()
    assert key.member == "XM/GOV/onestop/portal"
    assert len(base64.b64decode(key.public_key)) == 32
    pem = var_dir / "exchange-keys" / "XM__GOV__onestop__portal.pem"
    assert stat.S_IMODE(pem.stat().st_mode) == 0o600
    assert key.public_key in capsys.readouterr().out
    request = request_build(
        client=key.member,
        registry="civil",
        operation="person",
        query={"national_id": "85041212342"},
        user_id="u",
        represented_party="",
        purpose="prefill",
    )
    signed = request_sign(request, private_key=member_private_key(member=key.member))
    request_verify(signed, public_key=member_public_key(member=key.member))


def test_a_second_key_for_a_member_is_refused_unless_replaced():
    first = member_key_generate(member="XM/GOV/civil").public_key

    with pytest.raises(Conflict):
        member_key_generate(member="XM/GOV/civil")
    assert MemberKey.objects.get().public_key == first

    rotated = member_key_generate(member="XM/GOV/civil", replace=True)
    assert rotated.public_key != first
    assert MemberKey.objects.get().public_key == rotated.public_key


def test_the_command_reports_a_bad_member_id_without_writing_anything(var_dir):
    with pytest.raises(CommandError, match="INSTANCE/CLASS/CODE"):
        call_command("exchange_keys", "generate", "../../etc/passwd")

    assert MemberKey.objects.count() == 0
    assert not (var_dir / "exchange-keys").exists()


def test_an_unknown_member_has_no_keys():
    with pytest.raises(NotFound):
        member_public_key(member="XM/GOV/ghost")
    with pytest.raises(NotFound):
        member_private_key(member="XM/GOV/ghost")
    with pytest.raises(InvalidInput):
        member_private_key(member="ghost")
