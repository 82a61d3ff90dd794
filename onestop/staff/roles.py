"""The staff roles. Each is held within a scope: an agency, a center, or the whole platform."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# The Django group the catalog admin's model permissions hang on (onestop/catalog/roles.py);
# a member counts as holding the catalog-editor role everywhere.
CATALOG_EDITOR_GROUP = "catalog-editor"


class Role(models.TextChoices):
    """The labels are what people read (the admin, in their language); code uses the values."""

    FRONT_OFFICE_OPERATOR = "front_office_operator", _("front-office operator")
    AGENCY_OFFICER = "agency_officer", _("agency officer")
    SUPERVISOR = "supervisor", _("supervisor")
    CENTER_MANAGER = "center_manager", _("center manager")
    CATALOG_EDITOR = "catalog_editor", _("catalog editor")
    INSIGHTS_VIEWER = "insights_viewer", _("insights viewer")
    AUDITOR = "auditor", _("auditor")
    ADMINISTRATOR = "administrator", _("administrator")
