"""The staff roles. Each is held within a scope: an agency, a center, or the whole platform."""

from __future__ import annotations

from django.db import models

# The Django group the catalog admin's model permissions hang on (onestop/catalog/roles.py);
# a member counts as holding the catalog-editor role everywhere.
CATALOG_EDITOR_GROUP = "catalog-editor"


class Role(models.TextChoices):
    FRONT_OFFICE_OPERATOR = "front_office_operator", "front-office operator"
    AGENCY_OFFICER = "agency_officer", "agency officer"
    SUPERVISOR = "supervisor", "supervisor"
    CENTER_MANAGER = "center_manager", "center manager"
    CATALOG_EDITOR = "catalog_editor", "catalog editor"
    INSIGHTS_VIEWER = "insights_viewer", "insights viewer"
    AUDITOR = "auditor", "auditor"
    ADMINISTRATOR = "administrator", "administrator"
