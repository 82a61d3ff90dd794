"""The console's forms: they parse what was posted; the domain decides what it means. Every
action form carries the task version the officer saw (`expected_version`)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from onestop.applications.models import TaskState

TEXT_MAX = 4000
VERSION_ERRORS = {
    "required": _("This form is incomplete; reload the task and try again."),
    "invalid": _("This form is incomplete; reload the task and try again."),
}


class ActionForm(forms.Form):
    expected_version = forms.IntegerField(min_value=1, error_messages=VERSION_ERRORS)


class ReasonTextForm(ActionForm):
    """Release: an optional word on why."""

    reason_text = forms.CharField(required=False, max_length=TEXT_MAX, strip=True)


class AssignForm(ReasonTextForm):
    assignee = forms.IntegerField(
        error_messages={
            "required": _("Choose the officer to give the task to."),
            "invalid": _("Choose the officer to give the task to."),
        }
    )


class InformationRequestForm(ActionForm):
    request_text = forms.CharField(
        required=False,
        max_length=TEXT_MAX,
        strip=True,
        error_messages={"max_length": _("The text is too long.")},
    )
    respond_by = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={
            "invalid": _("Enter the reply date as year-month-day, such as 2027-01-31.")
        },
    )


class DecideForm(ActionForm):
    decision = forms.CharField(required=False, max_length=20)
    reason_code = forms.CharField(required=False, max_length=60)
    reason_text = forms.CharField(
        required=False,
        max_length=TEXT_MAX,
        strip=True,
        error_messages={"max_length": _("The text is too long.")},
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        required=False,
        max_length=TEXT_MAX,
        strip=True,
        error_messages={"max_length": _("The note is too long.")},
    )


OVERDUE_CHOICES = [("", ""), ("yes", "yes"), ("no", "no")]


class QueueFilterForm(forms.Form):
    """The queue's filters and its keyset cursor; bad values fall back to the full queue with
    a message next to the filter."""

    state = forms.ChoiceField(
        required=False,
        choices=[("", ""), *TaskState.choices],
        error_messages={"invalid_choice": _("Choose a state from the list.")},
    )
    service = forms.SlugField(
        required=False, error_messages={"invalid": _("Choose a service from the list.")}
    )
    overdue = forms.ChoiceField(
        required=False,
        choices=OVERDUE_CHOICES,
        error_messages={"invalid_choice": _("Choose whether to show overdue tasks from the list.")},
    )
    after = forms.CharField(required=False, max_length=200)


class SignInForm(forms.Form):
    username = forms.CharField(
        max_length=150, error_messages={"required": _("Enter your username.")}
    )
    password = forms.CharField(
        strip=False, max_length=4096, error_messages={"required": _("Enter your password.")}
    )
    otp_token = forms.CharField(required=False, max_length=16)
    next = forms.CharField(required=False, max_length=2000)
