from pathlib import Path

import pytest
import yaml

from onestop.core.models import AuditRecord, DomainEvent
from onestop.exchange.catalog import OPERATIONS
from onestop.exchange.models import AccessRight
from onestop.exchange.services import access_right_grant
from onestop.packs.loader import PackInvalid, pack_load
from onestop.packs.validation import pack_validate
from onestop.staff.actors import SystemActor

from .minipack import mini_pack

pytestmark = pytest.mark.django_db

DEMO_PACK = Path(__file__).resolve().parents[3] / "packs" / "demo"
PORTAL = "XM/GOV/onestop/portal"
CONSOLE = "XM/GOV/onestop/console"
LEGAL = "Data Protection Act, art. 15"


def rights(*entries):
    return {"access_rights.yaml": {"access_rights": list(entries)}}


def entry(consumer=PORTAL, purpose="my-data", operations=("civil/person",), **more):
    return {
        "consumer": consumer,
        "purpose": purpose,
        "legal_basis": LEGAL,
        "operations": list(operations),
        **more,
    }


def _held():
    return set(AccessRight.objects.values_list("consumer", "registry", "operation", "purpose"))


def _errors(tmp_path, changes):
    _, errors = pack_validate(mini_pack(tmp_path, changes))
    return [(e.file, e.key, e.problem, e.fix) for e in errors]


def test_loading_grants_the_listed_rights_once_each_as_an_event(tmp_path):
    pack = mini_pack(tmp_path, rights(entry(operations=["civil/person", "civil/address"])))

    first = pack_load(path=pack)
    events = DomainEvent.objects.count()
    second = pack_load(path=pack)

    assert _held() == {
        (PORTAL, "civil", "person", "my-data"),
        (PORTAL, "civil", "address", "my-data"),
    }
    assert (first.changed["access_rights"], second.changed["access_rights"]) == (2, 0)
    assert DomainEvent.objects.count() == events
    granted = DomainEvent.objects.filter(name="exchange.access_right_granted")
    assert {(e.actor, e.payload["legal_basis"]) for e in granted} == {("pack-loader", LEGAL)}


def test_a_right_the_pack_no_longer_lists_is_revoked_and_recorded(tmp_path):
    pack_load(path=mini_pack(tmp_path, rights(entry(operations=["civil/person", "civil/family"]))))
    access_right_grant(
        consumer=CONSOLE,
        registry="vehicles",
        operation="vehicle",
        purpose="case-review",
        actor=SystemActor("test"),
    )

    report = pack_load(path=mini_pack(tmp_path, rights(entry(operations=["civil/person"]))))

    assert _held() == {(PORTAL, "civil", "person", "my-data")}
    assert report.changed["access_rights"] == 2
    revoked = DomainEvent.objects.filter(name="exchange.access_right_revoked")
    assert sorted((e.payload["operation"], e.actor) for e in revoked) == [
        ("family", "pack-loader"),
        ("vehicle", "pack-loader"),
    ]


def test_an_empty_list_revokes_every_right_and_no_file_leaves_them_alone(tmp_path):
    pack_load(path=mini_pack(tmp_path, rights(entry())))

    pack_load(path=mini_pack(tmp_path / "without"))
    kept = _held()
    pack_load(path=mini_pack(tmp_path / "empty", rights()))

    assert kept == {(PORTAL, "civil", "person", "my-data")}
    assert _held() == set()


def test_an_unknown_operation_names_the_file_and_entry_and_nothing_is_loaded(tmp_path):
    pack = mini_pack(
        tmp_path,
        rights(entry(purpose="prefill"), entry(operations=["civil/person", "civil/persn"])),
    )

    with pytest.raises(PackInvalid) as invalid:
        pack_load(path=pack)

    [error] = invalid.value.errors
    assert (error.file, error.key, error.problem) == (
        "access_rights.yaml",
        "access_rights[1].operations[1]",
        "'civil/persn' is not an operation the data exchange offers.",
    )
    assert error.fix.startswith("use one of ") and "civil/person" in error.fix
    assert AccessRight.objects.count() == 0
    assert AuditRecord.objects.count() == 0


def test_a_right_listed_twice_is_an_error(tmp_path):
    errors = _errors(tmp_path, rights(entry(), entry(operations=["civil/family", "civil/person"])))

    assert errors == [
        (
            "access_rights.yaml",
            "access_rights[1].operations[1]",
            f"'civil/person' for {PORTAL} and purpose 'my-data' is already granted at "
            "access_rights[0].operations[0].",
            "list each right once.",
        )
    ]


@pytest.mark.parametrize(
    ("change", "key", "fix"),
    [
        ({"legal_basis": ""}, "access_rights[0].legal_basis", "write a non-empty text."),
        ({"consumer": "portal"}, "access_rights[0].consumer", "write a value matching"),
        ({"operations": []}, "access_rights[0].operations", "give at least one entry."),
        ({"purpose": "My Data"}, "access_rights[0].purpose", "write a value matching"),
        ({"why": "x"}, "access_rights[0]", "remove or rename the key"),
    ],
)
def test_a_malformed_entry_names_the_key_and_the_fix(tmp_path, change, key, fix):
    errors = _errors(tmp_path, rights(entry(**change)))

    assert [(e[0], e[1]) for e in errors] == [("access_rights.yaml", key)]
    assert errors[0][3].startswith(fix)


def test_the_demo_pack_gives_the_portal_my_data_on_every_person_operation():
    data = yaml.safe_load((DEMO_PACK / "access_rights.yaml").read_text(encoding="utf-8"))
    listed = {
        (item["consumer"], operation, item["purpose"])
        for item in data["access_rights"]
        for operation in item["operations"]
    }
    person = {f"{r}/{o}" for (r, o), op in OPERATIONS.items() if op.parameter == "national_id"}

    missing = {
        (consumer, operation, purpose)
        for operation in person
        for consumer, purpose in [
            (PORTAL, "my-data"),
            (PORTAL, "prefill"),
            (PORTAL, "application"),
            (CONSOLE, "application"),
        ]
        if (consumer, operation, purpose) not in listed
    } | {
        (CONSOLE, f"{r}/{o}", "case-review")
        for r, o in OPERATIONS
        if (CONSOLE, f"{r}/{o}", "case-review") not in listed
    }
    assert missing == set()
    assert pack_validate(DEMO_PACK)[1] == []


def test_a_changed_legal_basis_is_updated_and_recorded(tmp_path):
    pack_load(path=mini_pack(tmp_path, rights(entry())))
    amended = "Data Protection Act, art. 15 as amended in 2026"

    report = pack_load(path=mini_pack(tmp_path, rights(entry(legal_basis=amended))))

    assert report.changed["access_rights"] == 1
    assert list(AccessRight.objects.values_list("legal_basis", flat=True)) == [amended]
    changed = DomainEvent.objects.get(name="exchange.access_right_basis_changed")
    assert (changed.actor, changed.payload["legal_basis"]) == ("pack-loader", amended)
