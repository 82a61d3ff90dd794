"""Catalog reads that other apps share."""

import pytest

from onestop.catalog.models import EvidenceType
from onestop.catalog.selectors import evidence_names

pytestmark = pytest.mark.django_db


def test_evidence_names_are_in_the_language_asked_and_an_unknown_code_keeps_its_code():
    EvidenceType.objects.create(
        code="birth-record", name={"en": "Birth record", "fr": "Acte de naissance"}
    )

    names = evidence_names(codes=["birth-record", "gone-from-the-catalog"], language="fr")

    assert names == {
        "birth-record": "Acte de naissance",
        "gone-from-the-catalog": "gone-from-the-catalog",
    }
