"""Every kind of notification has a name people read in the admin, in every pack language."""

import pytest
from django.utils import translation

from onestop.notifications.kinds import KINDS
from onestop.notifications.models import KIND_CHOICES, KIND_LABELS, NotificationTemplate


def test_every_kind_has_its_own_label():
    assert set(KIND_LABELS) == set(KINDS)
    assert [value for value, _label in KIND_CHOICES] == list(KINDS)


@pytest.mark.parametrize("language", ["fr", "ru", "ar"])
def test_each_label_is_translated(language):
    english = {kind: str(label) for kind, label in KIND_LABELS.items()}
    with translation.override(language):
        translated = {kind: str(label) for kind, label in KIND_LABELS.items()}
        shown = NotificationTemplate(kind="task_escalated").get_kind_display()

    assert all(translated[kind] != english[kind] for kind in KINDS), translated
    assert shown == translated["task_escalated"]
