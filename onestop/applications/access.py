"""The one check of who may read an application; the same NotFound for missing and not yours.

- a citizen: their own application (their account, or their national ID linked to the
  account), or one of a person they hold a mandate for today (people.person_may_act_for);
- staff: `task.read` in an agency that has a task in it, or the operator who filed it, still
  holding `application.file_on_behalf` in its center.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from onestop.accounts.models import CitizenAccount
from onestop.core import clock
from onestop.core.errors import NotFound
from onestop.core.ids import is_uuid
from onestop.people.models import Person
from onestop.people.selectors import person_may_act_for
from onestop.staff.permissions import staff_may

from .models import AgencyTask, Application


def _not_found() -> NotFound:
    return NotFound(_("There is no such application."), code="application_not_found")


def application_get_for(*, actor: Any, application_id: Any) -> Application:
    application = (
        Application.objects.filter(pk=application_id).select_related("center", "life_event").first()
        if is_uuid(application_id)
        else None
    )
    if application is None or not application_may_read(actor=actor, application=application):
        raise _not_found()
    return application


def application_may_read(*, actor: Any, application: Application) -> bool:
    if isinstance(actor, CitizenAccount):
        return _citizen_may_read(actor, application)
    if isinstance(actor, AbstractBaseUser) and actor.is_authenticated:
        return _staff_may_read(actor, application)
    return False


def _citizen_may_read(account: CitizenAccount, application: Application) -> bool:
    if application.applicant_account_id == account.pk:
        return True
    own = account.person_reference
    if not own:
        return False
    if own == application.applicant_national_id:
        return True
    people = {
        person.national_id: person
        for person in Person.objects.filter(
            national_id__in=[own, application.applicant_national_id]
        )
    }
    if len(people) < 2:
        return False
    return person_may_act_for(
        actor_person=people[own],
        subject_person=people[application.applicant_national_id],
        on=clock.today(),
    )


def _staff_may_read(user: AbstractBaseUser, application: Application) -> bool:
    agencies = set(
        AgencyTask.objects.filter(application=application).values_list("agency_id", flat=True)
    )
    if any(staff_may(user=user, action="task.read", agency=agency) for agency in agencies):
        return True
    return (
        application.filed_by_id == user.pk
        and application.center_id is not None
        and staff_may(user=user, action="application.file_on_behalf", center=application.center_id)
    )
