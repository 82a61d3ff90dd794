"""Staff roles in the admin, for administrators (`staff.manage`): granted and ended through the
services, so each change is checked and is an event; a role is never edited or deleted, it
ends and stays as the record of who could do what, when."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from onestop.core import clock
from onestop.core.errors import DomainError, InvalidInput

from .models import StaffRole
from .permissions import staff_may
from .roles import Role
from .services import staff_role_check, staff_role_end, staff_role_grant


class StaffRoleForm(forms.ModelForm):
    class Meta:
        model = StaffRole
        fields = ["user", "role", "agency", "center", "valid_until"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            staff_role_check(
                role=data["role"],
                agency=data.get("agency"),
                center=data.get("center"),
                valid_from=clock.now(),
                valid_until=data.get("valid_until"),
            )
        except InvalidInput as problem:
            self.add_error(problem.details.get("field"), problem.message)
        return data


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "agency", "center", "valid_from", "valid_until"]
    list_filter = ["role", "agency", "center"]
    list_select_related = ["user", "agency", "center"]
    search_fields = ["=user__username"]
    form = StaffRoleForm
    actions = ["end_selected"]

    def _manages(self, request: HttpRequest) -> bool:
        return staff_may(user=request.user, action="staff.manage")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._manages(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._manages(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._manages(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_end_permission(self, request: HttpRequest) -> bool:
        return self._manages(request)

    def save_model(self, request: HttpRequest, obj: StaffRole, form: Any, change: bool) -> None:
        granted = staff_role_grant(
            actor=request.user,
            user=obj.user,
            role=Role(obj.role),
            agency=obj.agency,
            center=obj.center,
            valid_until=obj.valid_until,
        )
        obj.pk, obj.valid_from = granted.pk, granted.valid_from

    @admin.action(description=_("End the selected roles now"), permissions=["end"])
    def end_selected(self, request: HttpRequest, queryset: QuerySet[StaffRole]) -> None:
        ended = 0
        for staff_role in queryset:
            try:
                staff_role_end(actor=request.user, staff_role=staff_role)
                ended += 1
            except DomainError as error:
                self.message_user(request, f"{staff_role}: {error.message}", messages.ERROR)
        self.message_user(
            request,
            ngettext("%(count)s role ended.", "%(count)s roles ended.", ended) % {"count": ended},
        )
