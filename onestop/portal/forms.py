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
