import pytest
from django.contrib.auth import get_user_model

from onestop.core.errors import InvalidInput, PermissionDenied
from onestop.core.models import AuditRecord, DomainEvent
from onestop.notifications import services
from onestop.notifications.admin import NotificationTemplateForm
from onestop.notifications.models import NotificationTemplate
from onestop.notifications.templating import text_problems, text_render
from onestop.notifications.validation import template_problems
from onestop.staff.actors import SystemActor
from onestop.staff.roles import Role
from onestop.staff.services import staff_role_grant


def test_a_text_with_allowed_variables_has_no_problems():
    assert text_problems("sign_in_code", "Code {{ code }}, valid {{minutes_valid}} min.") == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "Hi {{ name }}",
            "uses the unknown variable 'name'; sign_in_code allows code, minutes_valid.",
        ),
        (
            "{{ code|upper }}",
            "applies a filter in {{ code|upper }}; filters are not allowed, write {{ code }}.",
        ),
        (
            "{% if code %}x{% endif %}",
            "uses the tag 'if'; only variables are allowed (code, minutes_valid).",
        ),
        ("{% now 'Y' %}", "uses the tag 'now'; only variables are allowed (code, minutes_valid)."),
        ("{{ 'x' }}", "writes the literal \"'x'\"; write it as plain text instead."),
        ("Code {{ code", "has an unclosed or stray {{ or {% ; write variables as {{ name }}."),
    ],
)
def test_a_text_with_anything_but_allowed_variables_is_rejected(text, problem):
    assert text_problems("sign_in_code", text) == [problem]


def test_rendering_escapes_values_in_html_only():
    context = {"code": "<b>&"}
    assert text_render("{{ code }}", context) == "<b>&"
    assert text_render("<p>{{ code }}</p>", context, is_html=True) == "<p>&lt;b&gt;&amp;</p>"


def test_an_sms_too_long_for_its_longest_plausible_values_is_rejected():
    # given: 72 characters of text and 24 + 40 + 12 of variables at their longest
    text = "Dear {{ recipient_name }}, your {{ service_name }} ({{ tracking_number }}) " + (
        "is received " * 6
    )

    # when
    problems = template_problems(
        kind="application_acknowledged",
        channel="sms",
        subject="",
        body_text=text,
        body_html="",
        max_segments=1,
    )

    # then
    assert problems == {
        "body_text": [
            "with its variables at their longest plausible values the SMS takes 2 segments "
            "(164 GSM-7 units) but at most 1 are allowed; shorten the text or raise the maximum."
        ]
    }


def test_an_arabic_sms_is_counted_in_ucs2():
    text = "رمز الدخول {{ code }} صالح لمدة {{ minutes_valid }} دقائق"
    assert (
        template_problems(
            kind="sign_in_code",
            channel="sms",
            subject="",
            body_text=text,
            body_html="",
            max_segments=1,
        )
        == {}
    )
    assert template_problems(
        kind="sign_in_code",
        channel="sms",
        subject="",
        body_text=text * 2,
        body_html="",
        max_segments=1,
    ) == {
        "body_text": [
            "with its variables at their longest plausible values the SMS takes 2 segments "
            "(72 UCS-2 units) but at most 1 are allowed; shorten the text or raise the maximum."
        ]
    }


def test_email_needs_a_subject():
    assert template_problems(
        kind="sign_in_code",
        channel="email",
        subject=" ",
        body_text="{{ code }}",
        body_html="",
        max_segments=1,
    ) == {"subject": ["is empty; a email message needs one."]}


def test_upsert_rejects_a_bad_template_and_writes_nothing(db):
    # when
    with pytest.raises(InvalidInput) as raised:
        services.notification_template_upsert(
            actor=SystemActor("test"),
            kind="sign_in_code",
            channel="sms",
            language="en",
            values={"body_text": "Your code {{ pin }}", "max_segments": 1},
        )

    # then
    assert raised.value.details["field"] == "body_text"
    assert "'pin'" in raised.value.message
    assert NotificationTemplate.objects.count() == 0
    assert DomainEvent.objects.count() == 0


def test_upsert_twice_changes_nothing_the_second_time(db):
    values = {"body_text": "Code {{ code }}", "max_segments": 1, "is_urgent": True}

    first = services.notification_template_upsert(
        actor=SystemActor("test"), kind="sign_in_code", channel="sms", language="en", values=values
    )
    events = DomainEvent.objects.count()
    second = services.notification_template_upsert(
        actor=SystemActor("test"), kind="sign_in_code", channel="sms", language="en", values=values
    )

    assert (first[1], second[1]) == (True, False)
    assert first[0].pk == second[0].pk
    assert DomainEvent.objects.count() == events == 1
    assert AuditRecord.objects.get().action == "notifications.template_created"


def _form(**overrides):
    data = {
        "kind": "sign_in_code",
        "channel": "sms",
        "language": "en",
        "subject": "",
        "body_text": "Code {{ code }}",
        "body_html": "",
        "max_segments": 1,
        "is_urgent": "on",
        "is_essential": "on",
    }
    data.update(overrides)
    return NotificationTemplateForm(data=data)


def test_admin_form_accepts_a_sound_template(db):
    assert _form().is_valid()


def test_admin_form_names_the_unknown_variable_and_the_allowed_ones(db):
    form = _form(body_text="Hello {{ recipient_name }}, code {{ code }}")

    assert not form.is_valid()
    assert form.errors["body_text"] == [
        "uses the unknown variable 'recipient_name'; sign_in_code allows code, minutes_valid."
    ]


def test_admin_form_rejects_an_sms_over_its_segment_limit(db):
    form = _form(body_text="Code {{ code }} " + "ж" * 70)

    assert not form.is_valid()
    assert form.errors["body_text"] == [
        "with its variables at their longest plausible values the SMS takes 2 segments "
        "(82 UCS-2 units) but at most 1 are allowed; shorten the text or raise the maximum."
    ]


@pytest.fixture
def template_admin(admin_client, admin_user):
    staff_role_grant(actor=SystemActor("test"), user=admin_user, role=Role.ADMINISTRATOR)
    return admin_client


def test_admin_saves_a_template_through_the_service(template_admin):
    # when
    response = template_admin.post(
        "/admin/notifications/notificationtemplate/add/",
        {
            "kind": "sign_in_code",
            "channel": "sms",
            "language": "fr",
            "subject": "",
            "body_text": "Code {{ code }}",
            "body_html": "",
            "max_segments": 1,
            "is_essential": "on",
        },
    )

    # then
    assert response.status_code == 302
    row = NotificationTemplate.objects.get()
    assert (row.language, row.body_text, row.is_urgent) == ("fr", "Code {{ code }}", False)
    assert DomainEvent.objects.filter(name="notifications.template_created").count() == 1


def test_a_superuser_without_the_administrator_role_cannot_add_a_template(admin_client):
    response = admin_client.post(
        "/admin/notifications/notificationtemplate/add/",
        {
            "kind": "sign_in_code",
            "channel": "sms",
            "language": "fr",
            "body_text": "Code {{ code }}",
        },
    )

    assert response.status_code == 403
    assert NotificationTemplate.objects.count() == 0
    assert DomainEvent.objects.count() == 0


def test_admin_shows_the_error_and_keeps_what_was_typed(template_admin):
    response = template_admin.post(
        "/admin/notifications/notificationtemplate/add/",
        {
            "kind": "sign_in_code",
            "channel": "sms",
            "language": "fr",
            "body_text": "Code {{ pin }}",
            "max_segments": 1,
        },
    )

    assert response.status_code == 200
    assert "uses the unknown variable &#x27;pin&#x27;" in response.text
    assert "Code {{ pin }}" in response.text
    assert NotificationTemplate.objects.count() == 0


def test_upsert_by_staff_without_the_administrator_role_is_refused(db):
    user = get_user_model().objects.create_user("clerk", is_staff=True, is_superuser=True)

    with pytest.raises(PermissionDenied) as refused:
        services.notification_template_upsert(
            actor=user,
            kind="sign_in_code",
            channel="sms",
            language="en",
            values={"body_text": "Code {{ code }}", "max_segments": 1},
        )

    assert refused.value.details == {"action": "notifications.templates.edit"}
    assert NotificationTemplate.objects.count() == 0
    assert DomainEvent.objects.count() == 0
