"""The catalog-editor role: staff who codify and publish services in the admin."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from onestop.staff.roles import CATALOG_EDITOR_GROUP

# The staff role of the same name (onestop/staff/roles.py) joins and leaves this group.
CATALOG_EDITOR = CATALOG_EDITOR_GROUP
EDITABLE_MODELS = (
    "agency",
    "category",
    "beneficiarycategory",
    "evidencetype",
    "legalresource",
    "service",
    "serviceversion",
    "criterion",
    "evidencerequirement",
    "cost",
    "costexemption",
    "lifeevent",
    "lifeeventstep",
)


def catalog_editor_group_ensure() -> Group:
    """Create or refresh the group; retired versions stay readable, so no delete rights on
    services or versions."""
    group, _ = Group.objects.get_or_create(name=CATALOG_EDITOR)
    permissions = Permission.objects.filter(
        content_type__app_label="catalog", content_type__model__in=EDITABLE_MODELS
    ).exclude(codename__in=["delete_service", "delete_serviceversion", "delete_agency"])
    group.permissions.set(permissions)
    return group
