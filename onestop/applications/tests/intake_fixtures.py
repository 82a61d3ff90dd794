"""Fixtures of the intake tests: the demo pack, a small generated population, the exchange's
default access rights, citizens and staff."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model

from conftest import DEMO_PACK, clock_freeze
from onestop.accounts.models import CitizenAccount
from onestop.centers.models import Center
from onestop.exchange.services import access_rights_grant_defaults
from onestop.registries.generate import population_generate
from onestop.registries.models import IdentityDocument
from onestop.staff.actors import SystemActor
from onestop.staff.models import StaffRole

NOW = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)  # a Monday
AS_OF = date(2026, 6, 1)
PASSPORT_ANSWERS = {
    "passport_reason": "expiry",
    "preferred_center": "Capital",
    "delivery_method": "collect",
}


@pytest.fixture(scope="module")
def population(demo_pack_loaded, django_db_blocker):
    with django_db_blocker.unblock():
        population_generate(people=80, seed=5, as_of=AS_OF, pack_dir=DEMO_PACK)
        access_rights_grant_defaults(actor=SystemActor("test"))


@pytest.fixture
def frozen(monkeypatch):
    return clock_freeze(monkeypatch, NOW)


def card_holder(offset: int = 0) -> str:
    """A living person with an identity card (their birth record exists too)."""
    ids = IdentityDocument.objects.filter(kind="id_card", holder__death_date=None)
    return list(ids.order_by("holder_id").values_list("holder_id", flat=True).distinct())[offset]


def citizen_make(national_id: str, contact: str = "+33612345678") -> CitizenAccount:
    user = get_user_model().objects.create_user(f"c-{national_id}-{contact}")
    return CitizenAccount.objects.create(
        user=user, contact=contact, person_reference=national_id, created_at=NOW
    )


def operator_make(username: str, center: Center, role: str = "front_office_operator"):
    user = get_user_model().objects.create_user(username, is_staff=True)
    StaffRole.objects.create(
        user=user, role=role, center=center, valid_from=NOW - timedelta(days=1)
    )
    return user


def officer_make(username: str, agency, role: str = "agency_officer"):
    user = get_user_model().objects.create_user(username, is_staff=True)
    StaffRole.objects.create(
        user=user, role=role, agency=agency, valid_from=NOW - timedelta(days=1)
    )
    return user
