"""The signed-in citizen's message preferences: thin views over `onestop.notifications`, keyed
by the contact the citizen signed in with."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from onestop.accounts.selectors import citizen_account_get
from onestop.notifications.models import RecipientPreference
from onestop.notifications.selectors import recipient_preference_get
from onestop.notifications.services import recipient_preference_set

from .forms import PreferencesForm, channels_for
from .sign_in import _sign_in_redirect

TEMPLATE = "portal/inbox_preferences.html"


def _initial(preference: RecipientPreference | None, contact: str) -> dict[str, Any]:
    """The saved choices; without any, what messages to this citizen get by default."""
    offered = channels_for(contact)
    if preference is None:
        return {"channels": offered, "language": get_language(), "is_essential_only": False}
    return {
        "channels": [code for code in preference.channels if code in offered] or offered,
        "language": preference.language or get_language(),
        "is_essential_only": preference.is_non_essential_opted_out,
    }


@require_http_methods(["GET", "POST"])
def inbox_preferences(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return _sign_in_redirect(request)
    account = citizen_account_get(user=request.user)
    if account is None or not account.contact:
        # An e-ID-only account has no contact to send messages to, so nothing to choose.
        raise Http404("no citizen account with a contact")
    contact = account.contact
    if request.method == "GET":
        preference = recipient_preference_get(contact=contact)
        form = PreferencesForm(contact=contact, initial=_initial(preference, contact))
        return render(request, TEMPLATE, {"form": form})
    form = PreferencesForm(request.POST, contact=contact)
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form}, status=400)
    recipient_preference_set(
        actor=f"citizen:{request.user.pk}",
        contact=contact,
        channels=form.cleaned_data["channels"],
        language=form.cleaned_data["language"],
        is_non_essential_opted_out=form.cleaned_data["is_essential_only"],
    )
    messages.success(request, _("Your message preferences are saved."))
    return redirect("portal:inbox_preferences")
