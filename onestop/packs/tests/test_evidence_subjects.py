"""Whom an evidence is about (`subject:` in a service's evidence list): loaded onto the
requirement, the applicant by default, an unknown role refused naming its path."""

import copy

import pytest

from onestop.catalog.models import EvidenceRequirement, SubjectRole
from onestop.catalog.terms import version_terms
from onestop.packs.loader import pack_load
from onestop.packs.validation import pack_validate

from .minipack import SECTIONS, mini_pack

pytestmark = pytest.mark.django_db


def _with_subject(role: str) -> dict:
    services = copy.deepcopy(SECTIONS["services/main.yaml"])
    services["services"][0]["evidence"][0]["subject"] = role
    return {"services/main.yaml": services}


def test_a_role_is_loaded_onto_the_requirement_and_loading_again_changes_nothing(tmp_path):
    pack = mini_pack(tmp_path, _with_subject("child"))

    first = pack_load(path=pack)
    second = pack_load(path=pack)

    requirement = EvidenceRequirement.objects.get(version__service__code="birth-registration")
    assert requirement.subject_role == SubjectRole.CHILD
    assert version_terms(requirement.version)["evidence"][0]["subject"] == "child"
    assert first.changed["services"] == 2 and second.total == 0


def test_without_a_role_the_evidence_is_about_the_applicant(tmp_path):
    pack_load(path=mini_pack(tmp_path))

    requirement = EvidenceRequirement.objects.get(version__service__code="birth-registration")
    assert requirement.subject_role == SubjectRole.APPLICANT
    assert "subject" not in version_terms(requirement.version)["evidence"][0]


def test_an_unknown_role_is_refused_naming_its_path(tmp_path):
    _, errors = pack_validate(mini_pack(tmp_path, _with_subject("grandmother")))

    assert [(e.file, e.key, e.problem, e.fix) for e in errors] == [
        (
            "services/main.yaml",
            "services[0].evidence[0].subject",
            "'grandmother' is not a role the platform knows.",
            "use one of applicant, spouse, deceased, child, other_parent (applicant when left "
            "out).",
        )
    ]


def test_the_demo_pack_names_the_deceased_for_a_survivors_pension():
    from conftest import DEMO_PACK

    content, errors = pack_validate(DEMO_PACK)

    assert errors == []
    survivor = next(
        item.data for item in content.items["services"] if item.data["code"] == "survivor-pension"
    )
    assert [e.get("subject") for e in survivor["evidence"] if e["type"] == "death-record"] == [
        "deceased"
    ]
