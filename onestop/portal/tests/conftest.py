import copy

import pytest

from onestop.packs.loader import pack_load
from onestop.packs.tests.minipack import SECTIONS, mini_pack, t
from onestop.staff.actors import SystemActor

CENTERS = {
    "centers": [
        {
            "code": "central",
            "kind": "center",
            "name": t("Central Office", ar="المكتب المركزي"),
            "address": t("5 Station Road, Capital City"),
            "region": "capital",
            "telephone": "+999 21 555 0199",
            "opening_hours": {"mon": ["08:00-18:00"], "sat": ["09:00-13:00"]},
        },
        {
            "code": "north-bus",
            "kind": "mobile_unit",
            "name": t("Northern mobile unit"),
            "region": "capital",
            "opening_hours": {"tue": ["10:00-14:00"]},
        },
    ]
}


def services_with_passport_fee(amount: str) -> dict:
    services = copy.deepcopy(SECTIONS["services/main.yaml"])
    passport = next(s for s in services["services"] if s["code"] == "passport")
    passport["fees"]["standard"]["amount"] = amount
    return services


@pytest.fixture
def catalog(db, tmp_path):
    """The mini pack (two services, one life event) with two centers."""
    pack_load(
        path=mini_pack(tmp_path / "pack", {"centers.yaml": CENTERS}), actor=SystemActor("test")
    )
    return tmp_path / "pack"


@pytest.fixture
def catalog_with_new_passport_fee(catalog, tmp_path):
    """The passport service re-published as version 2 with a standard fee of 75.00."""
    pack_load(
        path=mini_pack(
            tmp_path / "pack2",
            {
                "centers.yaml": CENTERS,
                "services/main.yaml": services_with_passport_fee("75.00"),
            },
        ),
        actor=SystemActor("test"),
    )
