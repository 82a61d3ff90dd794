from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

MAX_PAGE = 1000


class SearchForm(forms.Form):
    """The search query and its filters; every field is optional."""

    q = forms.CharField(
        label=_("Search for a service"),
        required=False,
        max_length=200,
        error_messages={"max_length": _("Use at most %(limit_value)d characters.")},
    )
    agency = forms.SlugField(label=_("Agency"), required=False)
    category = forms.SlugField(label=_("Category"), required=False)
    life_event = forms.SlugField(label=_("Life event"), required=False)
    page = forms.IntegerField(
        label=_("Page"),
        required=False,
        min_value=1,
        max_value=MAX_PAGE,
        error_messages={"invalid": _("The page must be a whole number.")},
    )

    def has_filters(self) -> bool:
        return any(self.cleaned_data.get(name) for name in ("agency", "category", "life_event"))


class SignInForm(forms.Form):
    contact = forms.CharField(
        label=_("Phone number or e-mail address"),
        max_length=140,
        error_messages={
            "required": _("Enter your phone number or your e-mail address."),
            "max_length": _("Use at most %(limit_value)d characters."),
        },
    )
    next = forms.CharField(required=False, max_length=2000)


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Sign-in code"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={
            "required": _("Enter the 6-digit code we sent you."),
            "invalid": _("The code is 6 digits, such as 123456."),
        },
    )


CHANNEL_LABELS = {
    "sms": _("Text message (SMS)"),
    "email": _("E-mail"),
    "inbox": _("Your messages on this site"),
}


def channels_for(contact: str) -> list[str]:
    """The channels that can reach a citizen's contact: their phone or e-mail, and the inbox."""
    return ["email" if "@" in contact else "sms", "inbox"]


class PreferencesForm(forms.Form):
    """How a citizen wants messages: channels among those their contact allows, a language
    among the enabled ones, and whether only essential messages are sent."""

    channels = forms.MultipleChoiceField(
        label=_("How should we send you messages?"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one way to receive messages."),
            "invalid_choice": _("Choose only among the ways offered to receive messages."),
        },
    )
    language = forms.ChoiceField(
        label=_("Language of your messages"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the language of your messages."),
            "invalid_choice": _("Choose one of the languages offered."),
        },
    )
    is_essential_only = forms.BooleanField(label=_("Only essential messages"), required=False)

    def __init__(self, *args: Any, contact: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        channels: Any = self.fields["channels"]
        channels.choices = [(code, CHANNEL_LABELS[code]) for code in channels_for(contact)]
        language: Any = self.fields["language"]
        language.choices = list(settings.LANGUAGES)
