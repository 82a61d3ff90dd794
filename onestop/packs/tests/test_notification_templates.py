import copy

import pytest

from onestop.core.models import AuditRecord, DomainEvent
from onestop.notifications.kinds import KINDS
from onestop.notifications.models import NotificationTemplate
from onestop.packs.loader import PackInvalid, pack_load
from onestop.packs.validation import pack_validate

from .minipack import mini_pack, t

pytestmark = pytest.mark.django_db

FILE = "notifications.yaml"
ACKNOWLEDGED = {
    "kind": "application_acknowledged",
    "is_essential": True,
    "is_urgent": False,
    "sms_max_segments": 3,  # "reçue": ç is not GSM-7, so the French SMS is UCS-2
    "sms": t(
        "{{ service_name }}: received, ref {{ tracking_number }}. Decision by "
        "{{ decision_due_on }}. {{ track_url }}",
        "{{ service_name }} : reçue, réf. {{ tracking_number }}. Décision avant le "
        "{{ decision_due_on }}. {{ track_url }}",
        "{{ service_name }}: заявление принято, номер {{ tracking_number }}. {{ track_url }}",
        "{{ service_name }}: تم استلام طلبك، الرقم {{ tracking_number }}. {{ track_url }}",
    ),
    "email_subject": t("We received your application {{ tracking_number }}"),
    "email_text": t("Dear {{ recipient_name }},\nWe received it on {{ submitted_on }}."),
    "email_html": t('<p>Dear {{ recipient_name }},</p><p><a href="{{ track_url }}">Track</a></p>'),
    "inbox_subject": t("Application {{ tracking_number }} received"),
    "inbox_body": t("Your application for {{ service_name }} is being processed."),
}
SIGN_IN = {
    "kind": "sign_in_code",
    "is_essential": True,
    "is_urgent": True,
    "sms_max_segments": 1,
    "sms": t("Code {{ code }}, valid {{ minutes_valid }} min.", ar="الرمز {{ code }}"),
}


def _pack(tmp_path, *entries):
    return mini_pack(tmp_path, {FILE: {"notification_templates": list(entries)}})


def _errors(tmp_path, *entries):
    _, errors = pack_validate(_pack(tmp_path, *entries))
    return [(e.file, e.key, e.problem, e.fix) for e in errors]


def test_templates_load_per_channel_and_language(tmp_path):
    report = pack_load(path=_pack(tmp_path, ACKNOWLEDGED, SIGN_IN))

    assert report.changed["notification_templates"] == 16
    rows = {(r.kind, r.channel, r.language): r for r in NotificationTemplate.objects.all()}
    assert len(rows) == 16
    email = rows["application_acknowledged", "email", "fr"]
    assert (email.subject, email.body_text) == (
        "We received your application {{ tracking_number }} (fr)",
        "Dear {{ recipient_name }},\nWe received it on {{ submitted_on }}. (fr)",
    )
    sms = rows["sign_in_code", "sms", "ar"]
    assert (sms.body_text, sms.max_segments, sms.is_urgent, sms.is_essential) == (
        "الرمز {{ code }}",
        1,
        True,
        True,
    )
    assert rows["application_acknowledged", "inbox", "en"].body_html == ""


def test_loading_templates_twice_changes_nothing(tmp_path):
    pack = _pack(tmp_path, ACKNOWLEDGED, SIGN_IN)
    pack_load(path=pack)
    events, audit = DomainEvent.objects.count(), AuditRecord.objects.count()

    report = pack_load(path=pack)

    assert report.total == 0
    assert (DomainEvent.objects.count(), AuditRecord.objects.count()) == (events, audit)


def test_a_changed_text_updates_only_its_row_and_is_audited(tmp_path):
    pack_load(path=_pack(tmp_path, ACKNOWLEDGED, SIGN_IN))
    changed = copy.deepcopy(SIGN_IN)
    changed["sms"]["fr"] = "Votre code {{ code }}"

    report = pack_load(path=_pack(tmp_path, ACKNOWLEDGED, changed))

    assert report.changed["notification_templates"] == 1
    assert NotificationTemplate.objects.get(kind="sign_in_code", language="fr").body_text == (
        "Votre code {{ code }}"
    )
    assert AuditRecord.objects.last().action == "notifications.template_updated"


def test_an_unknown_variable_is_named_with_its_file_and_key(tmp_path):
    entry = copy.deepcopy(SIGN_IN)
    entry["sms"]["ru"] = "Код {{ code }} для {{ recipient_name }}"

    assert _errors(tmp_path, ACKNOWLEDGED, entry) == [
        (
            FILE,
            "notification_templates[1].sms.ru",
            "uses the unknown variable 'recipient_name'; sign_in_code allows code, minutes_valid.",
            "use only {{ variable }} with the variables of docs/notifications.md.",
        )
    ]


def test_an_sms_over_its_segment_limit_is_an_error_in_the_language_it_overflows(tmp_path):
    # given: 70 UCS-2 units at the longest plausible values fit one SMS; this has 75
    entry = copy.deepcopy(SIGN_IN)
    entry["sms"]["ar"] = (
        "رمز الدخول الخاص بك هو {{ code }} وهو صالح لمدة {{ minutes_valid }} دقائق فقط، لا تعطه لأحد أبدا"
    )

    assert _errors(tmp_path, entry) == [
        (
            FILE,
            "notification_templates[0].sms.ar",
            "with its variables at their longest plausible values the SMS takes 2 segments "
            "(75 UCS-2 units) but at most 1 are allowed; shorten the text or raise the maximum.",
            "use only {{ variable }} with the variables of docs/notifications.md.",
        )
    ]


def test_an_unknown_kind_and_a_missing_language_are_errors_and_nothing_loads(tmp_path):
    unknown = {**SIGN_IN, "kind": "birthday_wishes"}
    missing = copy.deepcopy(ACKNOWLEDGED)
    del missing["inbox_body"]["ar"]

    errors = _errors(tmp_path, unknown, missing)
    with pytest.raises(PackInvalid):
        pack_load(path=_pack(tmp_path, unknown, missing))

    assert [(file, key, problem) for file, key, problem, _ in errors] == [
        (
            FILE,
            "notification_templates[0].kind",
            f"'birthday_wishes' is not one of {sorted(KINDS)}.",
        ),
        (FILE, "notification_templates[1].inbox_body", "'ar' is missing."),
    ]
    assert NotificationTemplate.objects.count() == 0
    assert DomainEvent.objects.count() == 0


def test_a_kind_twice_and_a_channel_half_given_are_errors(tmp_path):
    half = {"kind": "reminder", "email_subject": t("Reminder {{ tracking_number }}")}

    errors = _errors(tmp_path, SIGN_IN, SIGN_IN, half)

    assert [(key, problem) for _, key, problem, _ in errors] == [
        ("notification_templates[2]", "'email_text' is a dependency of 'email_subject'."),
        ("notification_templates[0].kind", "'sign_in_code' is defined twice."),
        ("notification_templates[1].kind", "'sign_in_code' is defined twice."),
    ]


def test_an_entry_without_any_channel_is_an_error(tmp_path):
    assert _errors(tmp_path, {"kind": "reminder"}) == [
        (
            FILE,
            "notification_templates[0]",
            "gives reminder no channel.",
            "write the sms text, the email_subject and email_text, or the inbox texts.",
        )
    ]
