"""Small builders for staff tests: agencies, centers and users without a country pack."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from onestop.catalog.models import Agency
from onestop.centers.models import Center


def agency_make(code: str) -> Agency:
    return Agency.objects.create(code=code, name={"en": code})


def center_make(code: str) -> Center:
    return Center.objects.create(code=code, kind="center", name={"en": code}, region="capital")


def user_make(username: str, **fields: Any) -> Any:
    return get_user_model().objects.create_user(
        username, password="a-long-password", **({"is_staff": True} | fields)
    )
