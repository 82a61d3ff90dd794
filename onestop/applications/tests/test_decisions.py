"""Decision reasons from the country pack, and the output an approval issues."""

from datetime import date

import pytest

from onestop.applications.decisions import (
    decision_reason_get,
    decision_reason_label,
    decision_reasons_list,
    months_added,
)
from onestop.applications.models import DecisionReason
from onestop.core.errors import InvalidInput, PermissionDenied
from onestop.core.models import DomainEvent
from onestop.packs.loader import pack_load
from onestop.packs.tests.minipack import mini_pack, t
from onestop.packs.validation import pack_validate
from onestop.staff.roles import Role

from .factories import staff_make

pytestmark = pytest.mark.django_db


def reasons(*entries):
    return {"decision_reasons.yaml": {"decision_reasons": list(entries)}}


def reason(code, decision="reject", label=None):
    return {"code": code, "decision": decision, "label": label or t(code.replace("_", " "))}


def _active():
    return list(DecisionReason.objects.filter(is_active=True).values_list("code", flat=True))


def test_the_pack_lists_the_reasons_officers_choose_from_in_its_order(tmp_path):
    pack = mini_pack(
        tmp_path,
        reasons(reason("too_young"), reason("all_good", "approve"), reason("no_papers")),
    )

    first = pack_load(path=pack)
    events = DomainEvent.objects.count()
    second = pack_load(path=pack)

    assert (first.changed["decision_reasons"], second.changed["decision_reasons"]) == (3, 0)
    assert DomainEvent.objects.count() == events
    assert [r.code for r in decision_reasons_list(decision="reject")] == ["too_young", "no_papers"]
    assert [r.code for r in decision_reasons_list(decision="approve")] == ["all_good"]
    assert decision_reason_label(code="too_young", language="fr") == "too young (fr)"


def test_a_reason_dropped_from_the_pack_is_retired_but_keeps_its_label(tmp_path):
    pack_load(path=mini_pack(tmp_path / "a", reasons(reason("too_young"), reason("no_papers"))))

    report = pack_load(path=mini_pack(tmp_path / "b", reasons(reason("no_papers"))))

    assert report.changed["decision_reasons"] == 2  # one retired, one moved up
    assert _active() == ["no_papers"]
    assert decision_reason_label(code="too_young", language="en") == "too young"
    with pytest.raises(InvalidInput) as retired:
        decision_reason_get(decision="reject", code="too_young")
    assert retired.value.details == {"field": "reason_code", "choices": ["no_papers"]}


def test_a_reason_without_a_language_or_with_an_unknown_decision_is_named(tmp_path):
    label = {"en": "Too young", "fr": "Trop jeune", "ru": "Слишком молод"}
    pack = mini_pack(tmp_path, reasons(reason("too_young", label=label), reason("x", "maybe")))

    _, errors = pack_validate(pack)

    keys = sorted((error.file, error.key) for error in errors)
    assert keys == [
        ("decision_reasons.yaml", "decision_reasons[0].label"),
        ("decision_reasons.yaml", "decision_reasons[1].decision"),
    ]
    assert DecisionReason.objects.count() == 0


def test_a_staff_user_needs_catalog_edit_to_load_reasons(tmp_path):
    officer = staff_make("officer", Role.AGENCY_OFFICER)

    with pytest.raises(PermissionDenied):
        pack_load(path=mini_pack(tmp_path, reasons(reason("too_young"))), actor=officer)

    assert DecisionReason.objects.count() == 0


def test_the_demo_pack_has_reasons_for_both_decisions_in_every_language(demo_pack_loaded):
    approve = decision_reasons_list(decision="approve")
    reject = decision_reasons_list(decision="reject")

    assert approve and reject
    assert all(set(r.label) == {"en", "fr", "ru", "ar"} for r in approve + reject)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 3, 2), 60, date(2031, 3, 2)),
        (date(2026, 11, 15), 2, date(2027, 1, 15)),
    ],
)
def test_validity_is_counted_in_calendar_months(start, months, expected):
    assert months_added(start, months) == expected
