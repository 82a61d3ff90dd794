from io import StringIO

import pytest
from django.core.management import call_command

from onestop.accounts.models import CitizenAccount
from onestop.cli.management.commands.demo import DEMO_CITIZEN
from onestop.core import clock
from onestop.people.models import Person as KnownPerson
from onestop.registries.models import IdentityDocument, Person

pytestmark = pytest.mark.django_db


def test_the_demo_links_its_citizen_to_the_same_adult_card_holder_on_every_run():
    out = StringIO()
    call_command("demo", stdout=out)

    account = CitizenAccount.objects.get(contact=DEMO_CITIZEN)
    national_id = account.person_reference
    person = Person.objects.get(national_id=national_id)
    today = clock.now().date()
    assert person.death_date is None
    assert 25 <= (today - person.birth_date).days // 365 <= 46
    assert IdentityDocument.objects.filter(
        holder_id=national_id, kind="id_card", expires_on__gt=today
    ).exists()
    # The platform's own record of the person, which the applications read, exists too.
    assert KnownPerson.objects.filter(national_id=national_id).exists()
    printed = out.getvalue()
    assert f"Citizen sign-in (/en/sign-in/): {DEMO_CITIZEN}" in printed
    assert national_id not in printed  # masked, never the whole national ID

    call_command("demo", stdout=StringIO())
    assert CitizenAccount.objects.get(contact=DEMO_CITIZEN).person_reference == national_id
    assert CitizenAccount.objects.filter(contact=DEMO_CITIZEN).count() == 1
