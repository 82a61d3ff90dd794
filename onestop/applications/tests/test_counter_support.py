"""The counter's processing tiers (counter_support.counter_tiers, counter_submit's `tier`): each
tier's fee and working days per service, a bundle where only one service offers express, and
a refused tier named together with a missing consent."""

import pytest

from onestop.applications.counter_support import (
    TierOption,
    TierTerms,
    counter_checkable,
    counter_submit,
    counter_tiers,
)
from onestop.applications.deadlines import task_deadlines
from onestop.applications.drafts import draft_evidence_checked_set, draft_save_step, draft_start
from onestop.applications.models import AgencyTask, Application, Draft
from onestop.applications.tests.intake_fixtures import (
    NOW,
    PASSPORT_ANSWERS,
    card_holder,
    operator_make,
)
from onestop.catalog.models import ServiceVersion
from onestop.centers.models import Center
from onestop.core.errors import InvalidInput

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(population, frozen):
    center = Center.objects.filter(kind="center").order_by("code").first()
    return center, operator_make("counter-op", center)


def draft_for(desk, *service_codes):
    center, operator = desk
    return draft_start(
        actor=operator,
        service_codes=list(service_codes),
        channel="center",
        center=center,
        applicant_national_id=card_holder(),
    )


def test_a_bundle_offers_express_and_shows_the_standard_terms_of_a_service_without_it(desk):
    draft = draft_for(desk, "health-insurance-card", "passport")

    tiers = counter_tiers(draft=draft, language="en")

    card = "Health insurance card"
    assert tiers == [
        TierOption(
            tier="standard",
            services=[
                TierTerms(service=card, fee="€0.00", is_free=True, working_days=10),
                TierTerms(service="Passport", fee="€60.00", is_free=False, working_days=15),
            ],
        ),
        TierOption(
            tier="express",
            services=[
                TierTerms(service=card, fee="€0.00", is_free=True, working_days=10),
                TierTerms(service="Passport", fee="€120.00", is_free=False, working_days=5),
            ],
        ),
    ]


def test_a_service_without_express_has_only_the_standard_tier(desk):
    draft = draft_for(desk, "health-insurance-card")

    tiers = counter_tiers(draft=draft, language="fr")

    assert [option.tier for option in tiers] == ["standard"]
    assert tiers[0].services[0].working_days == 10


def test_an_express_bundle_speeds_only_the_service_offering_it(desk):
    center, operator = desk
    draft = draft_for(desk, "health-insurance-card", "passport")
    answers = {**PASSPORT_ANSWERS, "card_holder": "self", "insurance_card_reason": "first-card"}
    draft = draft_save_step(draft=draft, step="check", answers=answers).draft
    seen = sorted(counter_checkable(draft=draft, channel="center"))
    draft = draft_evidence_checked_set(actor=operator, draft=draft, codes=seen)

    application = counter_submit(
        actor=operator,
        draft=draft,
        center=center,
        channel="center",
        consent_method="signed_form",
        tier="express",
    )

    assert application.tier == "express"
    due = {
        task.service_version.service.code: task.due_at
        for task in AgencyTask.objects.filter(application=application).select_related(
            "service_version__service"
        )
    }
    versions = {
        version.service.code: version
        for version in ServiceVersion.objects.filter(
            service__code__in=["passport", "health-insurance-card"], status="published"
        ).select_related("service")
    }
    assert due == {
        "passport": task_deadlines(version=versions["passport"], tier="express", start=NOW).due_at,
        "health-insurance-card": task_deadlines(
            version=versions["health-insurance-card"], tier="standard", start=NOW
        ).due_at,
    }


def test_a_refused_tier_and_a_missing_consent_are_named_together(desk):
    center, operator = desk
    draft = draft_for(desk, "health-insurance-card")

    with pytest.raises(InvalidInput) as refused:
        counter_submit(
            actor=operator,
            draft=draft,
            center=center,
            channel="center",
            consent_method="",
            tier="express",
        )

    errors = refused.value.details["errors"]
    assert set(errors) == {"tier", "consent"}
    assert errors["tier"] == ["This service has no express option; choose the standard processing."]
    assert Draft.objects.get(pk=draft.pk).tier == "standard"
    assert Application.objects.count() == 0
