"""Admin: templates are checked on save; messages and their delivery log are read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from onestop.staff.admin_access import StaffActionAdminMixin

from . import services
from .models import (
    DeliveryLog,
    DevelopmentMessage,
    Notification,
    NotificationTemplate,
    RecipientPreference,
)
from .validation import template_problems


class NotificationTemplateForm(forms.ModelForm):
    class Meta:
        model = NotificationTemplate
        fields = [
            "kind",
            "channel",
            "language",
            "subject",
            "body_text",
            "body_html",
            "max_segments",
            "is_urgent",
            "is_essential",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        problems = template_problems(
            kind=data["kind"],
            channel=data["channel"],
            subject=data.get("subject", ""),
            body_text=data.get("body_text", ""),
            body_html=data.get("body_html", ""),
            max_segments=data.get("max_segments", 1),
        )
        for field, messages in problems.items():
            for message in messages:
                self.add_error(field, message)
        return data


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(StaffActionAdminMixin, admin.ModelAdmin):
    form = NotificationTemplateForm
    edit_action = "notifications.templates.edit"
    list_display = ["kind", "channel", "language", "is_urgent", "is_essential", "updated_at"]
    list_filter = ["kind", "channel", "language"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Saved through the service, so the change is a domain event in the audit trail."""
        saved, _ = services.notification_template_upsert(
            actor=request.user,
            kind=obj.kind,
            channel=obj.channel,
            language=obj.language,
            values={name: getattr(obj, name) for name in services.TEMPLATE_FIELDS},
        )
        obj.pk = saved.pk


class DeliveryLogInline(admin.TabularInline):
    model = DeliveryLog
    extra = 0
    can_delete = False
    readonly_fields = ["status", "at", "reason"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "channel", "recipient", "status", "attempts"]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["recipient", "idempotency_key", "provider_message_id", "person"]
    inlines = [DeliveryLogInline]


@admin.register(DevelopmentMessage)
class DevelopmentMessageAdmin(ReadOnlyAdmin):
    list_display = ["sent_at", "channel", "recipient", "subject"]
    list_filter = ["channel"]


@admin.register(RecipientPreference)
class RecipientPreferenceAdmin(admin.ModelAdmin):
    list_display = ["contact", "language", "is_non_essential_opted_out"]
    search_fields = ["contact"]
