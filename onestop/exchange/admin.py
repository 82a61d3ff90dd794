"""The data-protection officer's screens: access rights (granted and revoked through the
services, so each change is an event and needs `exchange.rights.manage`) and the exchange log
(read-only; auditors and administrators only; a subject lookup is recorded in the audit trail).
The country pack stays the source of rights: the next `onestop load-pack` undoes a change made
here that the pack does not list."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from onestop.core.errors import DomainError
from onestop.people.identifiers import identifier_mask
from onestop.staff.permissions import staff_may

from . import services
from .access import exchange_log_entry_get, exchange_log_for_staff, exchange_log_search
from .catalog import OPERATIONS
from .models import AccessRight, ExchangeLogEntry

OPERATION_CHOICES = [(f"{r}/{o}", f"{r}/{o}") for r, o in OPERATIONS]


class AccessRightForm(forms.ModelForm):
    service = forms.ChoiceField(choices=OPERATION_CHOICES, label=_("Registry operation"))

    class Meta:
        model = AccessRight
        fields = ["consumer", "purpose", "legal_basis"]
        help_texts = {"legal_basis": _("The law and article that allow this access.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["legal_basis"].required = True


@admin.register(AccessRight)
class AccessRightAdmin(admin.ModelAdmin):
    form = AccessRightForm
    list_display = [
        "consumer",
        "registry",
        "operation",
        "purpose",
        "legal_basis",
        "granted_at",
        "granted_by",
    ]
    list_filter = ["consumer", "registry", "purpose"]
    search_fields = ["=operation"]
    actions = ["revoke_selected"]

    def _manages(self, request: HttpRequest) -> bool:
        return staff_may(user=request.user, action="exchange.rights.manage")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._manages(request) or staff_may(user=request.user, action="exchange.log.read")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._manages(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a right is granted or revoked, never edited

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._manages(request)

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return self._manages(request)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # revoke_selected records an event per right
        return actions

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        registry, operation = form.cleaned_data["service"].split("/", 1)
        granted = services.access_right_grant(
            actor=request.user,
            consumer=obj.consumer,
            registry=registry,
            operation=operation,
            purpose=obj.purpose,
            legal_basis=obj.legal_basis,
        )
        obj.pk = granted.pk
        obj.registry, obj.operation = registry, operation

    def delete_model(self, request: HttpRequest, obj: AccessRight) -> None:
        services.access_right_revoke(actor=request.user, right=obj)

    @admin.action(description=_("Revoke the selected access rights"), permissions=["revoke"])
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[AccessRight]) -> None:
        revoked = 0
        for right in queryset:
            try:
                revoked += services.access_right_revoke(actor=request.user, right=right)
            except DomainError as error:
                self.message_user(request, f"{right}: {error.message}", messages.ERROR)
        self.message_user(
            request,
            ngettext("%(count)s access right revoked.", "%(count)s access rights revoked.", revoked)
            % {"count": revoked},
        )


@admin.register(ExchangeLogEntry)
class ExchangeLogEntryAdmin(admin.ModelAdmin):
    """Read-only. The list shows subjects masked; the full subject is shown on an entry's own
    page and to a search by that exact subject, both recorded as an access in the audit trail."""

    list_display = [
        "occurred_at",
        "request_id",
        "consumer",
        "registry",
        "operation",
        "purpose",
        "status",
        "masked_subject",
        "duration_ms",
    ]
    list_filter = ["registry", "status", "purpose", "occurred_at"]
    date_hierarchy = "occurred_at"
    search_fields = ["=request_id", "=subject"]  # only shown; get_search_results decides
    search_help_text = _("An exact request id or an exact national ID (the lookup is audited).")
    show_full_result_count = False

    def _reads(self, request: HttpRequest) -> bool:
        return staff_may(user=request.user, action="exchange.log.read")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._reads(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._reads(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[ExchangeLogEntry]:
        return exchange_log_for_staff(actor=request.user)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[ExchangeLogEntry], search_term: str
    ) -> tuple[QuerySet[ExchangeLogEntry], bool]:
        if not search_term.strip():
            return queryset, False
        return exchange_log_search(actor=request.user, term=search_term, entries=queryset), False

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        if not self._reads(request):  # Django fetches the object before it checks permissions
            raise PermissionDenied
        try:
            entry_id = uuid.UUID(str(object_id))
        except ValueError:
            return None
        return exchange_log_entry_get(actor=request.user, entry_id=entry_id)

    @admin.display(description=_("subject"))
    def masked_subject(self, entry: ExchangeLogEntry) -> str:
        return identifier_mask(entry.subject) if entry.subject else ""
