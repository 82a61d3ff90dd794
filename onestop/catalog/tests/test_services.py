from datetime import date

import pytest
from django.db import IntegrityError, transaction

from onestop.catalog import services
from onestop.catalog.models import Service, ServiceVersion, VersionStatus
from onestop.catalog.selectors import (
    catalog_revision,
    life_event_get,
    service_version_get,
    service_version_history,
)
from onestop.core.errors import Conflict, NotFound
from onestop.core.models import DomainEvent
from onestop.packs.loader import pack_load
from onestop.packs.tests.minipack import mini_pack
from onestop.staff.actors import SystemActor

EDITOR = SystemActor("catalog-test")
pytestmark = pytest.mark.django_db


@pytest.fixture
def passport(tmp_path) -> Service:
    pack_load(path=mini_pack(tmp_path))
    return Service.objects.get(code="passport")


def test_a_draft_copies_the_published_terms_and_stays_private(passport):
    draft = services.service_version_draft(actor=EDITOR, service=passport)

    assert (draft.number, draft.status) == (2, VersionStatus.DRAFT)
    assert service_version_get(code="passport").number == 1
    with pytest.raises(NotFound):
        service_version_get(code="passport", number=2)
    assert [v.number for v in service_version_history(code="passport")] == [1]


def test_only_one_draft_at_a_time(passport):
    services.service_version_draft(actor=EDITOR, service=passport)
    events = DomainEvent.objects.count()

    with pytest.raises(Conflict, match="already has a draft"):
        services.service_version_draft(actor=EDITOR, service=passport)

    assert DomainEvent.objects.count() == events
    assert passport.versions.count() == 2


def test_publishing_retires_the_previous_version_the_day_before(passport):
    draft = services.service_version_draft(actor=EDITOR, service=passport)
    draft.processing_days = 12
    draft.save(update_fields=["processing_days"])
    revision = catalog_revision()

    services.service_version_publish(actor=EDITOR, version=draft, effective_from=date(2026, 12, 1))

    old = service_version_get(code="passport", number=1)
    new = service_version_get(code="passport")
    assert (old.status, old.effective_to) == (VersionStatus.RETIRED, date(2026, 11, 30))
    assert (new.number, new.processing_days, new.effective_from) == (2, 12, date(2026, 12, 1))
    assert old.processing_days == 15
    assert catalog_revision() > revision
    assert [v.number for v in service_version_history(code="passport")] == [2, 1]


def test_a_published_version_cannot_be_published_again(passport):
    published = passport.versions.get()

    with pytest.raises(Conflict, match="only a draft can be published"):
        services.service_version_publish(actor=EDITOR, version=published)


def test_retiring_takes_a_service_off_the_catalog_but_keeps_it_readable(passport):
    services.service_version_retire(actor=EDITOR, version=passport.versions.get())

    with pytest.raises(NotFound):
        service_version_get(code="passport")
    assert service_version_get(code="passport", number=1).status == VersionStatus.RETIRED


def test_the_database_allows_one_published_version_per_service(passport):
    published = passport.versions.get()

    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceVersion.objects.create(
            service=passport,
            number=9,
            status=VersionStatus.PUBLISHED,
            name={},
            processing_days=1,
            form_schema={},
        )
    assert passport.versions.get() == published


def test_a_life_event_lists_its_services_in_order_with_their_current_terms(passport):
    life_event, steps = life_event_get(code="having-a-baby")

    assert life_event.name["en"] == "Having a baby"
    assert [(step.position, version.service.code, version.number) for step, version in steps] == [
        (1, "birth-registration", 1),
        (2, "passport", 1),
    ]
