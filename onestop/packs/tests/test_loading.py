import copy

import pytest
from django.core.management import CommandError, call_command

from onestop.catalog.models import Category, Service, ServiceVersion, VersionStatus
from onestop.catalog.selectors import service_version_get
from onestop.core.models import AuditRecord, CountryProfile, DomainEvent
from onestop.packs.loader import PackInvalid, pack_load
from onestop.packs.validation import pack_validate

from .minipack import SECTIONS, mini_pack, service, t

pytestmark = pytest.mark.django_db


def _errors(tmp_path, changes):
    _, errors = pack_validate(mini_pack(tmp_path, changes))
    return [(e.file, e.key, e.problem, e.fix) for e in errors]


def test_loading_twice_changes_nothing(tmp_path):
    pack = mini_pack(tmp_path)
    first = pack_load(path=pack)
    events = DomainEvent.objects.count()

    second = pack_load(path=pack)

    assert first.changed["services"] == 2
    assert second.total == 0
    assert DomainEvent.objects.count() == events
    assert ServiceVersion.objects.count() == 2
    assert CountryProfile.objects.get().languages == ["en", "fr", "ru", "ar"]


def test_a_changed_service_gets_a_new_version_and_the_old_keeps_its_terms(tmp_path):
    pack_load(path=mini_pack(tmp_path))
    services = copy.deepcopy(SECTIONS["services/main.yaml"])
    services["services"][1]["fees"]["standard"]["amount"] = "75.00"

    report = pack_load(path=mini_pack(tmp_path, {"services/main.yaml": services}))

    assert report.changed["services"] == 1
    current = service_version_get(code="passport")
    old = service_version_get(code="passport", number=1)
    assert (current.number, current.status) == (2, VersionStatus.PUBLISHED)
    assert (old.status, str(old.effective_to)) == (VersionStatus.RETIRED, "2026-01-01")
    assert {c.tier: str(c.amount) for c in current.costs.all()} == {
        "standard": "75.00",
        "express": "120.00",
    }
    assert {c.tier: str(c.amount) for c in old.costs.all()} == {
        "standard": "60.00",
        "express": "120.00",
    }
    assert service_version_get(code="birth-registration").number == 1


def test_the_loaded_passport_holds_every_part_of_the_pack(tmp_path):
    pack_load(path=mini_pack(tmp_path))

    version = service_version_get(code="passport")

    assert version.name["ru"] == "Паспорт"
    assert (version.processing_days, version.express_processing_days) == (15, 5)
    assert [e.evidence_type.code for e in version.evidence_requirements.all()] == ["photo"]
    standard = version.costs.get(tier="standard")
    assert [(x.beneficiary_category.code, str(x.amount)) for x in standard.exemptions.all()] == [
        ("pensioner", "30.00")
    ]
    assert [c.code for c in version.service.centers.all()] == ["central"]
    assert [s.life_event.code for s in version.service.life_event_steps.all()] == ["having-a-baby"]
    assert version.form_hints["order"] == ["reason", "contact_phone"]


def test_an_invalid_pack_loads_nothing(tmp_path):
    broken = copy.deepcopy(SECTIONS["services/main.yaml"])
    broken["services"][0]["agency"] = "no-such-agency"

    with pytest.raises(PackInvalid) as invalid:
        pack_load(path=mini_pack(tmp_path, {"services/main.yaml": broken}))

    assert [str(e) for e in invalid.value.errors] == [
        "services/main.yaml: services[0].agency: 'no-such-agency' is not defined in the pack's "
        "agencies. Fix: define 'no-such-agency' under agencies: or correct the code."
    ]
    assert Service.objects.count() == 0
    assert AuditRecord.objects.count() == 0


def test_a_missing_translation_names_the_file_key_and_fix(tmp_path):
    agencies = copy.deepcopy(SECTIONS["agencies.yaml"])
    del agencies["agencies"][1]["name"]["ar"]

    assert _errors(tmp_path, {"agencies.yaml": agencies}) == [
        (
            "agencies.yaml",
            "agencies[1].name",
            "'ar' is missing.",
            "add the missing key (for a text, write it in every pack language).",
        )
    ]


def test_form_schemas_and_hints_are_checked(tmp_path):
    bad_schema = service("bad-schema", t("Bad"))
    bad_schema["form"]["schema"]["properties"]["reason"]["type"] = "text"
    unlabelled = service("unlabelled", t("Unlabelled"))
    unlabelled["form"]["schema"]["properties"]["extra"] = {"type": "string", "enum": ["a"]}
    services = {"services": [bad_schema, unlabelled]}

    errors = _errors(tmp_path, {"services/main.yaml": services, "life_events.yaml": None})

    assert [(file, key) for file, key, _, _ in errors] == [
        ("services/main.yaml", "services[0].form.schema"),
        ("services/main.yaml", "services[1].form.hints.order"),
        ("services/main.yaml", "services[1].form.hints.fields.extra"),
        ("services/main.yaml", "services[1].form.schema.properties.reason"),
    ]
    assert errors[0][2].startswith("is not a valid JSON Schema")


def test_schema_errors_say_how_to_fix(tmp_path):
    wrong = service("wrong", t("Wrong"), channels=["telepathy"], processing_days="ten")
    wrong["fees"]["standard"]["amount"] = 12.5

    errors = _errors(
        tmp_path, {"services/main.yaml": {"services": [wrong]}, "life_events.yaml": None}
    )

    assert [(key, fix) for _, key, _, fix in errors] == [
        (
            "services[0].channels[0]",
            "use one of ['online', 'center', 'mobile_unit', 'kiosk', "
            "'partner_outlet', 'call_center', 'sms', 'post'].",
        ),
        ("services[0].fees.standard.amount", "write a value of type string."),
        ("services[0].processing_days", "write a value of type integer."),
    ]


def test_yaml_syntax_errors_and_unknown_sections_are_reported(tmp_path):
    pack = mini_pack(tmp_path, {"extra.yaml": {"servises": []}})
    (pack / "broken.yaml").write_text("services: [unclosed\n")

    _, errors = pack_validate(pack)

    assert [(e.file, e.key) for e in errors] == [("broken.yaml", "-"), ("extra.yaml", "servises")]
    assert errors[0].problem.startswith("is not valid YAML")


def test_the_command_reports_errors_and_refuses(tmp_path, capsys):
    broken = copy.deepcopy(SECTIONS["evidence.yaml"])
    broken["evidence_types"].append(copy.deepcopy(broken["evidence_types"][0]))
    pack = mini_pack(tmp_path, {"evidence.yaml": broken})

    with pytest.raises(CommandError, match="2 error"):
        call_command("load_pack", str(pack))

    assert "evidence.yaml: evidence_types[0].code: 'birth-record' is defined twice." in (
        capsys.readouterr().err
    )
    assert Service.objects.count() == 0


def test_the_command_loads_and_reports_changes(tmp_path, capsys):
    pack = mini_pack(tmp_path)

    call_command("load_pack", str(pack))
    call_command("load_pack", str(pack))

    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith(
        "loaded; 13 change(s) (country 1, beneficiaries 1, legal_resources 1, "
        "evidence_types 2, agencies 2, categories 2, centers 1, services 2, "
        "life_events 1)."
    )
    assert "loaded; 0 change(s)" in out[1]


def test_category_parents_are_loaded_and_reloading_keeps_them(tmp_path):
    categories = {
        "categories": [
            {"code": "family", "name": t("Family")},
            {"code": "travel", "name": t("Travel"), "parent": "family"},
        ]
    }
    pack = mini_pack(tmp_path, {"categories.yaml": categories})

    pack_load(path=pack)
    second = pack_load(path=pack)

    assert Category.objects.get(code="travel").parent.code == "family"
    assert second.total == 0


def test_a_field_name_means_the_same_in_every_service(tmp_path):
    one = service("one", t("One"))
    other = service("other", t("Other"))
    other["form"]["schema"]["properties"]["reason"] = {"type": "integer"}

    errors = _errors(
        tmp_path, {"services/main.yaml": {"services": [one, other]}, "life_events.yaml": None}
    )

    assert errors == [
        (
            "services/main.yaml",
            "services[1].form.schema.properties.reason",
            "differs from the field 'reason' of service 'one'.",
            "give the field the same schema in every service, or another name if it means "
            "something else.",
        )
    ]
