from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from onestop.centers.models import Center
from onestop.core.admin import ReadOnlyAdmin
from onestop.core.errors import DomainError
from onestop.staff.actors import OUTLET_KINDS

from .models import ApiKey, ApiScope, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from .services import api_key_issue, api_key_revoke, api_key_terms_check
from .webhooks import (
    SECRET_MIN_LENGTH,
    webhook_add,
    webhook_deactivate,
    webhook_delivery_retry,
    webhook_url_clean,
)


class ApiKeyIssueForm(forms.ModelForm):
    """Issue a key to one agency's system, or to a partner outlet's or kiosk's system (a
    center; scope `applications:file`). The key is shown once, after saving."""

    scopes = forms.MultipleChoiceField(
        choices=ApiScope.choices, widget=forms.CheckboxSelectMultiple, label=capfirst(_("scopes"))
    )

    class Meta:
        model = ApiKey
        fields = ["agency", "center", "name"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        center: Any = self.fields.get("center")
        if center is None:  # the change page: every field is read-only
            return
        center.queryset = Center.objects.filter(kind__in=sorted(OUTLET_KINDS))
        center.help_text = _(
            "A partner outlet or kiosk whose system files applications for citizens; leave the "
            "agency empty then."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            api_key_terms_check(
                agency=data.get("agency"),
                center=data.get("center"),
                name=data.get("name") or "",
                scopes=list(data.get("scopes") or []),
            )
        except DomainError as error:
            field = str(error.details.get("field", ""))
            self.add_error(field if field in self.fields else None, error.message)
        return data


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """An administrator issues keys here or with `onestop api-key issue` (the secret is shown
    once); the admin lists and revokes them, never edits them."""

    form = ApiKeyIssueForm

    list_display = [
        "name",
        "agency",
        "center",
        "prefix",
        "scopes",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["agency", "center", "revoked_at"]
    actions = ["revoke"]

    def get_fields(self, request: HttpRequest, obj: object = None) -> Any:
        if obj is None:
            return ["agency", "center", "name", "scopes"]
        return [f.name for f in ApiKey._meta.fields if f.name != "digest"]

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> Any:
        return self.get_fields(request, obj) if obj is not None else []

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        try:
            issued = api_key_issue(
                actor=f"staff:{request.user.get_username()}",
                agency=form.cleaned_data.get("agency"),
                center=form.cleaned_data.get("center"),
                name=form.cleaned_data["name"],
                scopes=list(form.cleaned_data["scopes"]),
            )
        except DomainError as error:  # checked by the form; a race is the only way here
            raise ValidationError(error.message) from error
        obj.pk = issued.api_key.pk
        self.message_user(
            request,
            gettext(
                "Key for %(owner)s (shown only now; give it to the system's operators): %(token)s"
            )
            % {"owner": issued.api_key.owner_code, "token": issued.token},
            messages.WARNING,
        )

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected keys"), permissions=["view"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        if not request.user.has_perm("integrations.delete_apikey"):
            self.message_user(
                request, gettext("Only administrators may revoke keys."), messages.ERROR
            )
            return
        for api_key in queryset:
            try:
                api_key_revoke(actor=f"staff:{request.user.get_username()}", api_key=api_key)
            except DomainError as error:
                self.message_user(request, f"{api_key}: {error.message}", messages.ERROR)
            else:
                self.message_user(request, gettext("%(key)s revoked.") % {"key": api_key})


class WebhookEndpointForm(forms.ModelForm):
    """The secret is typed once (or left empty to have one made); it is never shown again."""

    url = forms.URLField(max_length=500, assume_scheme="https", label=capfirst(_("URL")))
    secret = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        label=capfirst(_("secret")),
        help_text=_("24 characters or more; leave empty to have one made (shown once)."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["agency", "url", "secret"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        url, secret = data.get("url") or "", data.get("secret") or ""
        try:
            webhook_url_clean(url)
        except DomainError as error:
            self.add_error("url", error.message)
        if secret and not SECRET_MIN_LENGTH <= len(secret) <= 200:
            self.add_error(
                "secret",
                gettext("Use %(min)s to %(max)s characters.")
                % {"min": SECRET_MIN_LENGTH, "max": 200},
            )
        agency = data.get("agency")
        active = WebhookEndpoint.objects.filter(agency=agency, url=url.strip(), is_active=True)
        if agency is not None and url and active.exists():
            self.add_error(
                "url", gettext("This agency already has an active webhook at this address.")
            )
        return data


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """Added here or with `onestop webhook add`; switched off, never edited (a new address is a
    new endpoint, so the delivery log stays true)."""

    form = WebhookEndpointForm
    list_display = ["url", "agency", "events", "is_active", "created_at", "created_by"]
    list_filter = ["agency", "is_active"]
    actions = ["deactivate"]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        return ["agency", "url", "events", "is_active", "created_at", "created_by"] if obj else []

    def get_fields(self, request: HttpRequest, obj: object = None) -> Any:
        if obj is not None:
            return ["agency", "url", "events", "is_active", "created_at", "created_by"]
        return ["agency", "url", "secret"]

    def save_model(
        self, request: HttpRequest, obj: WebhookEndpoint, form: Any, change: bool
    ) -> None:
        try:
            endpoint, secret = webhook_add(
                actor=f"staff:{request.user.get_username()}",
                agency=form.cleaned_data["agency"],
                url=form.cleaned_data["url"],
                secret=form.cleaned_data.get("secret") or "",
            )
        except DomainError as error:
            raise ValidationError(error.message) from error
        obj.pk = endpoint.pk
        if not form.cleaned_data.get("secret"):
            self.message_user(
                request,
                gettext("Secret of %(url)s (shown only now; give it to the agency): %(secret)s")
                % {"url": endpoint.url, "secret": secret},
                messages.WARNING,
            )

    @admin.action(description=_("Switch off the selected webhooks"), permissions=["view"])
    def deactivate(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        if not request.user.has_perm("integrations.change_webhookendpoint"):
            self.message_user(
                request, gettext("Only administrators may switch webhooks off."), messages.ERROR
            )
            return
        for endpoint in queryset:
            try:
                webhook_deactivate(actor=f"staff:{request.user.get_username()}", endpoint=endpoint)
            except DomainError as error:
                self.message_user(request, f"{endpoint}: {error.message}", messages.ERROR)
            else:
                self.message_user(
                    request, gettext("%(webhook)s switched off.") % {"webhook": endpoint}
                )


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ["number", "at", "status_code", "error", "duration_ms"]
    readonly_fields = ["number", "at", "status_code", "error", "duration_ms"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    """Every delivery with its attempts; a parked one can be sent again."""

    list_display = [
        "event_name",
        "endpoint",
        "status",
        "attempts",
        "next_attempt_at",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status", "event_name"]
    inlines = [WebhookAttemptInline]
    actions = ["send_again"]

    @admin.action(description=_("Send the selected parked deliveries again"), permissions=["view"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        if not request.user.has_perm("integrations.change_webhookendpoint"):
            self.message_user(
                request, gettext("Only administrators may send again."), messages.ERROR
            )
            return
        for delivery in queryset:
            try:
                webhook_delivery_retry(
                    actor=f"staff:{request.user.get_username()}", delivery=delivery
                )
            except DomainError as error:
                self.message_user(request, f"{delivery}: {error.message}", messages.ERROR)
            else:
                self.message_user(
                    request, gettext("%(delivery)s queued again.") % {"delivery": delivery}
                )
