"""A form field's `own_page` hint: accepted as a boolean, refused otherwise, honoured once loaded."""

from pathlib import Path

import pytest
from django.conf import settings

from onestop.applications.form_merge import form_merge
from onestop.catalog.models import ServiceVersion
from onestop.catalog.selectors import service_version_get
from onestop.packs.loader import PackInvalid, pack_load
from onestop.packs.validation import pack_validate

from .minipack import mini_pack, service, t

pytestmark = pytest.mark.django_db


def _with_hint(value):
    passport = service("passport", t("Passport"))
    passport["form"]["hints"]["fields"]["reason"]["own_page"] = value
    return {"services/main.yaml": {"services": [passport]}, "life_events.yaml": None}


def test_a_field_with_own_page_gets_a_page_of_its_own_once_loaded(tmp_path):
    pack_load(path=mini_pack(tmp_path, _with_hint(True)))
    version = service_version_get(code="passport")

    form = form_merge(versions=[version], language="en")

    assert version.form_hints["fields"]["reason"]["own_page"] is True
    assert [(page.key, [item.name for item in page.fields]) for page in form.pages] == [
        ("field:reason", ["reason"]),
        ("passport", ["contact_phone"]),
    ]


def test_without_the_hint_the_fields_share_their_services_page(tmp_path):
    pack_load(path=mini_pack(tmp_path, _with_hint(False)))

    form = form_merge(versions=[service_version_get(code="passport")], language="en")

    assert [page.key for page in form.pages] == ["passport"]


def test_an_own_page_that_is_not_a_boolean_is_refused_naming_its_path(tmp_path):
    pack = mini_pack(tmp_path, _with_hint("yes"))

    _, errors = pack_validate(pack)
    with pytest.raises(PackInvalid):
        pack_load(path=pack)

    assert [(e.file, e.key, e.problem, e.fix) for e in errors] == [
        (
            "services/main.yaml",
            "services[0].form.hints.fields.reason.own_page",
            "'yes' is not of type 'boolean'.",
            "write a value of type boolean.",
        )
    ]
    assert not ServiceVersion.objects.exists()


def test_the_demo_pack_puts_a_long_free_text_on_its_own_page():
    content, errors = pack_validate(Path(settings.PROJECT_DIR) / "packs" / "demo")
    [changes] = [
        item.data
        for item in content.items["services"]
        if item.data["code"] == "business-changes-registration"
    ]

    assert errors == []
    assert changes["form"]["hints"]["fields"]["change_description"]["own_page"] is True
