import pytest
from django.core.management import CommandError, call_command

from onestop.registries.models import Person

pytestmark = pytest.mark.django_db


def test_synth_command_fills_then_refuses_without_replace(tiny_pack, settings):
    settings.ONESTOP_PACK_DIR = tiny_pack
    call_command("synth", "--people=40", "--seed=2", "--as-of=2026-06-01", verbosity=0)
    before = list(Person.objects.values_list("national_id", flat=True).order_by("national_id"))
    with pytest.raises(CommandError, match="pass --replace"):
        call_command("synth", people=10, seed=2, verbosity=0)
    after = list(Person.objects.values_list("national_id", flat=True).order_by("national_id"))
    assert len(before) == 40 and after == before
    call_command("synth", people=10, seed=2, replace=True, verbosity=0)
    assert Person.objects.count() == 10
