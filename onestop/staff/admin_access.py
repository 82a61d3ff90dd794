"""Admin screens gated by a staff action: Django's model permissions say what the admin may
show, and the staff role (onestop/staff/permissions.py) must also allow it — deny by default,
so a superuser flag alone opens nothing here."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .permissions import staff_may


class StaffActionAdminMixin:
    """`view_action` gates seeing the screen (None: Django's permissions alone decide);
    `edit_action` gates adding, changing and deleting."""

    view_action: str | None = None
    edit_action: str | None = None

    def _may(self, request: HttpRequest, action: str | None) -> bool:
        return action is None or staff_may(user=request.user, action=action)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may(request, self.view_action) and super().has_module_permission(request)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, self.view_action) and super().has_view_permission(request, obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._may(request, self.edit_action) and super().has_add_permission(request, *args)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, self.edit_action) and super().has_change_permission(  # type: ignore[misc]
            request, obj
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, self.edit_action) and super().has_delete_permission(  # type: ignore[misc]
            request, obj
        )
