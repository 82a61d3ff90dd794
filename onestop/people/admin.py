"""Persons, organisations and mandates in the admin: read only, because every change goes
through the services that validate IDs and record audited events. A mandate is revoked with an
admin action that calls `mandate_revoke`."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from onestop.core.errors import DomainError

from .models import Mandate, Organisation, Person
from .services import mandate_revoke


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ["national_id", "family_name", "given_names", "birth_date", "updated_at"]
    search_fields = ["=national_id", "family_name", "given_names"]
    date_hierarchy = "created_at"


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ["business_id", "name", "legal_form", "updated_at"]
    search_fields = ["=business_id", "name"]


@admin.register(Mandate)
class MandateAdmin(ReadOnlyAdmin):
    list_display = ["holder", "kind", "subject", "valid_from", "valid_until", "revoked_at"]
    list_filter = ["kind", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = [
        "=holder__national_id",
        "=subject_person__national_id",
        "=subject_organisation__business_id",
    ]
    list_select_related = ["holder", "subject_person", "subject_organisation"]
    actions = ["revoke"]

    @admin.display(description=_("subject"))
    def subject(self, mandate: Mandate) -> str:
        return str(mandate.subject_person or mandate.subject_organisation)

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("people.change_mandate"))

    @admin.action(description=_("Revoke the selected mandates"), permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[Mandate]) -> None:
        actor = f"staff:{request.user.get_username()}"
        try:
            for mandate in queryset:
                mandate_revoke(actor=actor, mandate=mandate, reason="revoked in the admin")
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        count = queryset.count()
        self.message_user(
            request,
            ngettext("%(count)s mandate revoked.", "%(count)s mandates revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )
