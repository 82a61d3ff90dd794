"""Whom an evidence is about: the platform's fixed vocabulary of roles (`SubjectRole`), each
with its translated label and the question that asks for the person's national ID. A country
pack names a role per evidence requirement (`subject: deceased`); the applicant is the default.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import SubjectRole

SUBJECT_LABELS: dict[str, Promise] = {
    SubjectRole.APPLICANT: _("The applicant"),
    SubjectRole.SPOUSE: _("The spouse"),
    SubjectRole.DECEASED: _("The deceased person"),
    SubjectRole.CHILD: _("The child"),
    SubjectRole.OTHER_PARENT: _("The child's other parent"),
}
SUBJECT_QUESTIONS: dict[str, Promise] = {
    SubjectRole.APPLICANT: _("The applicant's national ID number"),
    SubjectRole.SPOUSE: _("The spouse's national ID number"),
    SubjectRole.DECEASED: _("The deceased person's national ID number"),
    SubjectRole.CHILD: _("The child's national ID number"),
    SubjectRole.OTHER_PARENT: _("The child's other parent's national ID number"),
}
SUBJECT_ROLES: tuple[str, ...] = tuple(SubjectRole.values)


def subject_label(role: str) -> str:
    return str(SUBJECT_LABELS.get(role, role))


def subject_question(role: str) -> str:
    return str(SUBJECT_QUESTIONS.get(role, role))
