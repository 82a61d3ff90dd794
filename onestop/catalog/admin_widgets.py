"""Editing a translated text (a JSON object keyed by language) as one field per language."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class TranslatedTextWidget(forms.MultiWidget):
    template_name = "catalog/admin/translated_text_widget.html"

    def __init__(self, multiline: bool = False, attrs: dict | None = None) -> None:
        self.languages = [code for code, _name in settings.LANGUAGES]
        inner = (
            forms.Textarea(attrs={"rows": 3, "cols": 80})
            if multiline
            else forms.TextInput(attrs={"size": 80})
        )
        super().__init__([inner] * len(self.languages), attrs)

    def decompress(self, value: Any) -> list[str]:
        value = value if isinstance(value, dict) else {}
        return [value.get(code, "") for code in self.languages]

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        names = dict(settings.LANGUAGES)
        for widget, code in zip(context["widget"]["subwidgets"], self.languages, strict=True):
            widget["language"] = names[code]
            widget["attrs"]["lang"] = code
            widget["attrs"]["dir"] = "rtl" if code in settings.LANGUAGES_BIDI else "ltr"
        return context


class TranslatedTextField(forms.MultiValueField):
    def __init__(self, *, multiline: bool = False, required: bool = True, **kwargs: Any) -> None:
        languages = [code for code, _name in settings.LANGUAGES]
        kwargs.pop("encoder", None)
        kwargs.pop("decoder", None)
        kwargs.pop("max_length", None)
        super().__init__(
            fields=[forms.CharField(required=False) for _code in languages],
            widget=TranslatedTextWidget(multiline=multiline),
            require_all_fields=False,
            required=required,
            **kwargs,
        )
        self.languages = languages

    def compress(self, data_list: list[str]) -> dict[str, str]:
        return {
            code: text.strip()
            for code, text in zip(self.languages, data_list or [], strict=False)
            if text and text.strip()
        }

    def validate(self, value: dict[str, str]) -> None:
        if self.required:
            missing = [code for code in self.languages if not value.get(code)]
            if missing:
                raise forms.ValidationError(
                    _("Write this text in every language; missing: %(missing)s."),
                    params={"missing": ", ".join(missing)},
                    code="missing_language",
                )
