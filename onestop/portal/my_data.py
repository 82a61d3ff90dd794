"""The signed-in citizen's "my data" and "who looked at my data": thin views over
`onestop.exchange.my_data`, for the person the citizen account is linked to."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from onestop.accounts.models import CitizenAccount
from onestop.accounts.oidc import oidc_config
from onestop.accounts.selectors import citizen_account_get
from onestop.exchange.my_data import access_log_for_citizen, display_time_zone, my_data_fetch

from .sign_in import _sign_in_redirect
from .views import Paging, _page_number


def _linked_person(request: HttpRequest) -> str:
    """The national ID the signed-in citizen's account is linked to, or ""."""
    account: CitizenAccount | None = citizen_account_get(user=request.user)
    return account.person_reference if account is not None else ""


def _unlinked(request: HttpRequest) -> HttpResponse:
    """How to link the account; the e-ID way only where that sign-in is configured."""
    is_eid_offered = oidc_config() is not None
    return render(request, "portal/my_data_unlinked.html", {"is_eid_offered": is_eid_offered})


@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return _sign_in_redirect(request)
    national_id = _linked_person(request)
    if not national_id:
        return _unlinked(request)
    sections = my_data_fetch(national_id=national_id, acting_user=f"citizen:{request.user.pk}")
    return render(
        request,
        "portal/my_data.html",
        {"sections": sections, "time_zone": str(display_time_zone())},
    )


@require_GET
def my_data_who_looked(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return _sign_in_redirect(request)
    page_number = _page_number(request)
    national_id = _linked_person(request)
    if not national_id:
        return _unlinked(request)
    log = access_log_for_citizen(
        national_id=national_id,
        page=page_number,
        own_acting_users=[f"citizen:{request.user.pk}"],
    )
    return render(
        request,
        "portal/my_data_who_looked.html",
        {"log": log, "paging": Paging(number=log.number, count=log.count)},
    )
