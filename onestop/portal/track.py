"""Public tracking: anyone with a tracking number and a second factor (the applicant's date of
birth, or the last four digits of the contact phone) sees the status and the deadlines, nothing
personal. A thin view over `applications.lookup.application_lookup`, which keeps the
rate limit (TooManyAttempts → the 429 page)."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language_from_request, override
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from onestop.applications.lookup import TooManyAttempts, application_lookup
from onestop.applications.tracking import tracking_number_parse
from onestop.core.errors import NotFound

from .applications import tracking_number_spoken


class TrackForm(forms.Form):
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=30,
        error_messages={"required": _("Enter the tracking number from your acknowledgement.")},
    )
    birth_date = forms.DateField(
        label=_("Date of birth of the applicant"),
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Enter the date of birth as a date, such as 1984-03-31.")},
    )
    phone_last_digits = forms.CharField(
        label=_("Last four digits of the phone number given in the application"),
        required=False,
        max_length=10,
    )

    def clean_tracking_number(self) -> str:
        number = tracking_number_parse(self.cleaned_data["tracking_number"])
        if number is None:
            raise forms.ValidationError(
                _(
                    "This is not a tracking number: it has 10 letters and digits, such as "
                    "7K3-D9Q-X21E. Check it and try again."
                )
            )
        return number

    def clean_phone_last_digits(self) -> str:
        digits = "".join(self.cleaned_data["phone_last_digits"].split())
        if digits and (len(digits) != 4 or not digits.isdigit()):
            raise forms.ValidationError(_("Enter exactly four digits, such as 5678."))
        return digits

    def clean(self) -> dict:
        data = super().clean() or {}
        if not self.errors and not data.get("birth_date") and not data.get("phone_last_digits"):
            self.add_error(
                "birth_date",
                _(
                    "Enter the date of birth of the applicant, or the last four digits of the phone."
                ),
            )
        return data


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest, number: str = "") -> HttpResponse:
    if request.method == "GET":
        form = TrackForm(
            initial={"tracking_number": tracking_number_spoken(number) if number else ""}
        )
        return render(request, "portal/track.html", {"form": form})
    form = TrackForm(request.POST)
    if not form.is_valid():
        return render(request, "portal/track.html", {"form": form}, status=400)
    data = form.cleaned_data
    try:
        view = application_lookup(
            tracking_number=data["tracking_number"],
            client_ip=request.META.get("REMOTE_ADDR", ""),
            birth_date=data["birth_date"],
            phone_last_digits=data["phone_last_digits"],
        )
    except TooManyAttempts as error:
        return render(request, "portal/track_too_many.html", {"message": error.message}, status=429)
    except NotFound as error:
        return render(
            request, "portal/track.html", {"form": form, "not_found": error.message}, status=404
        )
    return render(
        request,
        "portal/track_result.html",
        {"view": view, "spoken": tracking_number_spoken(view.tracking_number)},
    )


@require_GET
def track_link(request: HttpRequest, number: str) -> HttpResponseRedirect:
    """The address in acknowledgements (`ONESTOP_PUBLIC_URL/track/<number>`, no language):
    the lookup page in the visitor's language, the number filled in."""
    with override(get_language_from_request(request)):
        return HttpResponseRedirect(reverse("portal:track_number", args=[number]))
