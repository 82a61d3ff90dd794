from __future__ import annotations

from django import forms
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
