from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from onestop.core.errors import DomainError

from .models import ApiKey
from .services import api_key_revoke


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are issued with `onestop api-key issue` (the secret is shown once, on the
    operator's terminal); the admin lists and revokes them."""

    list_display = [
        "name",
        "agency",
        "prefix",
        "scopes",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["agency", "revoked_at"]
    readonly_fields = [f.name for f in ApiKey._meta.fields if f.name != "digest"]
    exclude = ["digest"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description="Revoke the selected keys", permissions=["view"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        if not request.user.has_perm("integrations.delete_apikey"):
            self.message_user(request, "Only administrators may revoke keys.", messages.ERROR)
            return
        for api_key in queryset:
            try:
                api_key_revoke(actor=f"staff:{request.user.get_username()}", api_key=api_key)
            except DomainError as error:
                self.message_user(request, f"{api_key}: {error.message}", messages.ERROR)
            else:
                self.message_user(request, f"{api_key} revoked.")
