"""The interface catalogs are complete: every entry translated, nothing fuzzy, placeholders
kept, and the committed .mo files say exactly what the .po files say (a newcomer without
gettext tools runs from the committed .mo)."""

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "locale"
PLURAL_FORMS = {"fr": 2, "ru": 4, "ar": 6}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def catalog(language: str):
    with open(LOCALE / language / "LC_MESSAGES" / "django.po", "rb") as po:
        return read_po(po)


def entries(language: str):
    return [message for message in catalog(language) if message.id]


def as_list(value) -> list[str]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


@pytest.mark.parametrize("language", PLURAL_FORMS)
def test_every_entry_is_translated_and_not_fuzzy(language):
    untranslated = [m.id for m in entries(language) if not all(as_list(m.string))]
    fuzzy = [m.id for m in entries(language) if m.fuzzy]

    assert untranslated == []
    assert fuzzy == []
    assert len(entries(language)) > 100


@pytest.mark.parametrize("language", PLURAL_FORMS)
def test_plural_entries_have_every_form_of_the_language(language):
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    wrong = [
        m.id
        for m in entries(language)
        if m.pluralizable and len(as_list(m.string)) != PLURAL_FORMS[language]
    ]

    assert f"nplurals={PLURAL_FORMS[language]};" in text
    assert wrong == []


@pytest.mark.parametrize("language", PLURAL_FORMS)
def test_translations_keep_the_placeholders(language):
    """A plural form may leave the number out ("one day"), never add an unknown one."""
    broken = []
    for message in entries(language):
        expected = set(PLACEHOLDER.findall(" ".join(as_list(message.id))))
        for form in as_list(message.string):
            found = set(PLACEHOLDER.findall(form))
            if not found <= expected or (not message.pluralizable and found != expected):
                broken.append((message.id, form))

    assert broken == []


@pytest.mark.parametrize("language", PLURAL_FORMS)
def test_committed_mo_says_what_the_po_says(language):
    with open(LOCALE / language / "LC_MESSAGES" / "django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = []
    for message in entries(language):
        key = message.id if not message.pluralizable else message.id[0]
        if message.context:
            key = f"{message.context}\x04{key}"
        if message.pluralizable:
            got = [compiled._catalog.get((key, n)) for n in range(PLURAL_FORMS[language])]
        else:
            got = [compiled._catalog.get(key)]
        if got != as_list(message.string):
            stale.append(message.id)

    assert stale == []


@pytest.mark.parametrize("language", PLURAL_FORMS)
def test_po_compiles_cleanly_with_msgfmt_when_available(language, tmp_path):
    if shutil.which("msgfmt") is None:
        pytest.skip("msgfmt is not installed; the committed .mo is checked above")
    po = LOCALE / language / "LC_MESSAGES" / "django.po"

    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(po)],
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("language", "days", "expected"),
    [
        ("fr", 1, "1 jour ouvré"),
        ("fr", 2, "2 jours ouvrés"),
        ("ru", 1, "1 рабочий день"),
        ("ru", 3, "3 рабочих дня"),
        ("ru", 11, "11 рабочих дней"),
        ("ru", 21, "21 рабочий день"),
        ("ar", 1, "يوم عمل واحد"),
        ("ar", 2, "يوما عمل"),
        ("ar", 5, "5 أيام عمل"),
        ("ar", 15, "15 يوم عمل"),
        ("ar", 100, "100 يوم عمل"),
    ],
)
def test_django_picks_the_right_plural_form(language, days, expected):
    with translation.override(language):
        text = translation.ngettext("%(days)s working day", "%(days)s working days", days)

    assert text % {"days": days} == expected
