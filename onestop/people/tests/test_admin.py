from datetime import date

import pytest
from django.urls import reverse

from onestop.core.models import AuditRecord
from onestop.people.models import Mandate, MandateKind
from onestop.people.services import mandate_grant

from .conftest import BUSINESS_IDS, NATIONAL_IDS, NOW, organisation, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def mandate(country, frozen):
    return mandate_grant(
        actor="test",
        kind=MandateKind.DIRECTOR_FOR_COMPANY,
        holder=person(NATIONAL_IDS[0]),
        subject_organisation=organisation(BUSINESS_IDS[0]),
        valid_from=date(2024, 1, 1),
    )


@pytest.mark.parametrize("model", ["person", "organisation", "mandate"])
def test_the_admin_lists_people_but_offers_no_add_or_change(admin_client, mandate, model):
    listing = admin_client.get(reverse(f"admin:people_{model}_changelist"))
    adding = admin_client.get(reverse(f"admin:people_{model}_add"))

    assert listing.status_code == 200
    assert adding.status_code == 403


def test_the_admin_finds_a_person_by_exact_national_id(admin_client, mandate):
    page = admin_client.get(reverse("admin:people_person_changelist"), {"q": NATIONAL_IDS[0]})

    assert page.context["cl"].result_count == 1


def test_revoking_in_the_admin_goes_through_the_service_and_is_audited(admin_client, mandate):
    admin_client.post(
        reverse("admin:people_mandate_changelist"),
        {"action": "revoke", "_selected_action": [str(mandate.pk)]},
    )

    stored = Mandate.objects.get()
    assert (stored.revoked_at, stored.revoked_by) == (NOW, "staff:admin")
    record = AuditRecord.objects.get(action="people.mandate_revoked")
    assert (record.actor, record.entity_id) == ("staff:admin", str(mandate.pk))
