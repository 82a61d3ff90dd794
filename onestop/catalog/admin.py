"""The catalog editor's admin. Every change goes into the audit trail; a published version is
never edited in place — the editor starts a draft, edits it, and publishes it. Editing needs
the staff action `catalog.edit` besides the model permission; drafting, publishing and retiring
go through the catalog's services with the signed-in user, which check their own action."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from onestop.core.errors import DomainError
from onestop.core.events import event_record
from onestop.staff.admin_access import StaffActionAdminMixin

from . import services
from .admin_widgets import TranslatedTextField
from .models import (
    Agency,
    BeneficiaryCategory,
    Category,
    Cost,
    CostExemption,
    Criterion,
    EvidenceRequirement,
    EvidenceType,
    LegalResource,
    LifeEvent,
    LifeEventStep,
    Service,
    ServiceVersion,
    VersionStatus,
)

TRANSLATED_FIELDS = {
    "name",
    "acronym",
    "description",
    "address",
    "title",
    "summary",
    "eligibility",
    "output_name",
    "appeal",
    "text",
    "note",
}
MULTILINE_FIELDS = {"description", "eligibility", "appeal", "text", "summary"}


def staff_actor(request: HttpRequest) -> str:
    return f"staff:{request.user.get_username()}"


class AuditedAdminMixin:
    """Every addition, change and deletion made in the admin is a domain event in the audit
    trail, committed in the admin's own transaction."""

    def _audit(self, request: HttpRequest, obj: models.Model, verb: str, message: Any) -> None:
        meta = obj._meta
        event_record(
            name=f"admin.{meta.model_name}_{verb}",
            actor=staff_actor(request),
            entity_type=f"{meta.app_label}.{meta.model_name}",
            entity_id=str(obj.pk),
            payload={"object": str(obj), "change": message},
        )
        services.catalog_revision_bump()

    def log_addition(self, request, obj, message):  # type: ignore[no-untyped-def]
        self._audit(request, obj, "added", message)
        return super().log_addition(request, obj, message)  # type: ignore[misc]

    def log_change(self, request, obj, message):  # type: ignore[no-untyped-def]
        self._audit(request, obj, "changed", message)
        return super().log_change(request, obj, message)  # type: ignore[misc]

    def log_deletions(self, request, queryset):  # type: ignore[no-untyped-def]
        for obj in queryset:
            self._audit(request, obj, "deleted", [])
        return super().log_deletions(request, queryset)  # type: ignore[misc]


class TranslatedFormMixin:
    def formfield_for_dbfield(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if isinstance(db_field, models.JSONField) and db_field.name in TRANSLATED_FIELDS:
            return TranslatedTextField(
                multiline=db_field.name in MULTILINE_FIELDS,
                required=not db_field.blank,
                label=db_field.verbose_name.capitalize(),
                help_text=db_field.help_text,
            )
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]


class CatalogAdmin(StaffActionAdminMixin, AuditedAdminMixin, TranslatedFormMixin, admin.ModelAdmin):
    search_fields = ["code"]
    edit_action = "catalog.edit"


@admin.register(Agency)
class AgencyAdmin(CatalogAdmin):
    list_display = ["code", "website", "email", "telephone"]


@admin.register(Category)
class CategoryAdmin(CatalogAdmin):
    list_display = ["code", "parent", "position"]


@admin.register(BeneficiaryCategory)
class BeneficiaryCategoryAdmin(CatalogAdmin):
    list_display = ["code", "registry"]


@admin.register(EvidenceType)
class EvidenceTypeAdmin(CatalogAdmin):
    list_display = ["code", "registry", "registry_operation"]


@admin.register(LegalResource)
class LegalResourceAdmin(CatalogAdmin):
    list_display = ["code", "citation", "url"]


class LifeEventStepInline(TranslatedFormMixin, admin.TabularInline):
    model = LifeEventStep
    extra = 0
    autocomplete_fields = ["service"]


@admin.register(LifeEvent)
class LifeEventAdmin(CatalogAdmin):
    list_display = ["code", "kind", "is_all_or_nothing", "position"]
    inlines = [LifeEventStepInline]


class VersionInline(admin.TabularInline):
    model = ServiceVersion
    fields = ("number", "status", "effective_from", "effective_to", "published_at")
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Service)
class ServiceAdmin(CatalogAdmin):
    list_display = ["code", "agency", "annual_volume", "current_status"]
    list_filter = ["agency", "categories"]
    filter_horizontal = ["categories", "centers"]
    inlines = [VersionInline]
    actions = ["start_draft"]

    @admin.display(description=_("Current version"))
    def current_status(self, service: Service) -> str:
        current = services.service_current_version(service)
        if current is None:
            return gettext("none published")
        return gettext("v%(number)s published") % {"number": current.number}

    @admin.action(description=_("Start a new draft version from the published one"))
    def start_draft(self, request: HttpRequest, queryset: models.QuerySet[Service]) -> None:
        for service in queryset:
            try:
                draft = services.service_version_draft(actor=request.user, service=service)
            except DomainError as error:
                self.message_user(request, f"{service.code}: {error.message}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("%(service)s: draft v%(number)s created.")
                    % {"service": service.code, "number": draft.number},
                )


class DraftOnlyInlineMixin:
    """Inline rows of a published or retired version are as read-only as the version."""

    def _parent_is_draft(self, obj: Any) -> bool:
        version = obj.version if isinstance(obj, Cost) else obj
        return obj is None or version.status == VersionStatus.DRAFT

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return self._parent_is_draft(obj) and super().has_add_permission(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return self._parent_is_draft(obj) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return self._parent_is_draft(obj) and super().has_delete_permission(request, obj)  # type: ignore[misc]


class CriterionInline(DraftOnlyInlineMixin, TranslatedFormMixin, admin.StackedInline):
    model = Criterion
    extra = 0


class EvidenceRequirementInline(DraftOnlyInlineMixin, TranslatedFormMixin, admin.TabularInline):
    model = EvidenceRequirement
    extra = 0


class CostInline(DraftOnlyInlineMixin, TranslatedFormMixin, admin.StackedInline):
    model = Cost
    extra = 0
    show_change_link = True


@admin.register(ServiceVersion)
class ServiceVersionAdmin(CatalogAdmin):
    """Only drafts can be changed; published and retired versions are read-only records."""

    list_display = ["service", "number", "status", "effective_from", "effective_to"]
    list_filter = ["status", "service__agency"]
    search_fields = ["service__code"]
    inlines = [CriterionInline, EvidenceRequirementInline, CostInline]
    filter_horizontal = ["legal_resources"]
    readonly_fields = ["service", "number", "status", "published_at", "effective_to"]
    actions = ["publish", "retire"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        if obj is not None and obj.status != VersionStatus.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    @admin.action(description=_("Publish the selected drafts (retires the versions they replace)"))
    def publish(self, request: HttpRequest, queryset: models.QuerySet[ServiceVersion]) -> None:
        self._each(
            request,
            queryset,
            services.service_version_publish,
            gettext("%(service)s v%(number)s published."),
        )

    @admin.action(description=_("Retire the selected published versions"))
    def retire(self, request: HttpRequest, queryset: models.QuerySet[ServiceVersion]) -> None:
        self._each(
            request,
            queryset,
            services.service_version_retire,
            gettext("%(service)s v%(number)s retired."),
        )

    def _each(self, request: HttpRequest, queryset: Any, command: Any, done: str) -> None:
        for version in queryset:
            try:
                command(actor=request.user, version=version)
            except DomainError as error:
                self.message_user(request, f"{version}: {error.message}", messages.ERROR)
            else:
                self.message_user(
                    request, done % {"service": version.service.code, "number": version.number}
                )


class CostExemptionInline(DraftOnlyInlineMixin, admin.TabularInline):
    model = CostExemption
    extra = 0


@admin.register(Cost)
class CostAdmin(CatalogAdmin):
    list_display = ["version", "tier", "amount", "currency"]
    search_fields = ["version__service__code"]
    inlines = [CostExemptionInline]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        if obj is not None and obj.version.status != VersionStatus.DRAFT:
            return False
        return super().has_change_permission(request, obj)
