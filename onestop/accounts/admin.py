from django.contrib import admin

from .models import CitizenAccount, SignInChallenge


@admin.register(CitizenAccount)
class CitizenAccountAdmin(admin.ModelAdmin):
    list_display = ["contact", "person_reference", "created_at", "last_sign_in_at"]
    search_fields = ["contact", "person_reference"]
    readonly_fields = ["user", "contact", "created_at", "last_sign_in_at"]


@admin.register(SignInChallenge)
class SignInChallengeAdmin(admin.ModelAdmin):
    """Read-only: challenges are made and spent by the sign-in service alone."""

    list_display = ["id", "contact", "created_at", "expires_at", "attempts", "used_at"]
    exclude = ["code_digest", "requester_ip_hash"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
