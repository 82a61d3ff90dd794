"""Reads of citizen accounts: the account of a user and the citizen's inbox."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from onestop.notifications.models import Notification
from onestop.notifications.selectors import inbox_list

from .models import CitizenAccount


def citizen_account_get(*, user: AbstractBaseUser | AnonymousUser) -> CitizenAccount | None:
    if not user.is_authenticated:
        return None
    return CitizenAccount.objects.filter(user_id=user.pk).first()


def person_keys(*, user: AbstractBaseUser | AnonymousUser) -> list[str]:
    """The `person` values inbox messages of this citizen carry: the linked person, if any,
    and the contact they signed in with."""
    account = citizen_account_get(user=user)
    if account is None:
        return []
    return [key for key in (account.person_reference, account.contact) if key]


def citizen_inbox_list(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Notification]:
    """The citizen's inbox, newest first; empty for anyone without a citizen account."""
    keys = person_keys(user=user)
    if not keys:
        return Notification.objects.none()
    rows = inbox_list(person=keys[0])
    for key in keys[1:]:
        rows = rows | inbox_list(person=key)
    return rows.order_by("-created_at", "-id")


def citizen_unread_count(*, user: AbstractBaseUser | AnonymousUser) -> int:
    return citizen_inbox_list(user=user).filter(is_read=False).count()
