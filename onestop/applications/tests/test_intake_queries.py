"""Submission's queries: what the bench (bench/applications.py) found redundant stays gone."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onestop.accounts.models import CitizenAccount
from onestop.applications.attachments import attachment_upload
from onestop.applications.drafts import draft_save_step, draft_start
from onestop.applications.intake import application_submit

from .intake_fixtures import PASSPORT_ANSWERS, card_holder, citizen_make

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_submitting_a_saved_draft_does_not_read_the_applicants_account_again(population, frozen):
    account = citizen_make(card_holder())
    draft = draft_start(actor=account, service_codes=["passport"])
    # A saved step gives a fresh draft row, its account not loaded (as a resumed draft is).
    draft = draft_save_step(draft=draft, step="passport", answers=PASSPORT_ANSWERS).draft
    draft = attachment_upload(draft=draft, evidence_code="photo", file_name="me.png", content=PNG)
    accounts = CitizenAccount._meta.db_table

    with CaptureQueriesContext(connection) as captured:
        application = application_submit(actor=account, draft=draft, idempotency_key="k-1")

    assert application.applicant_account_id == account.pk
    assert not [q["sql"] for q in captured if f'FROM "{accounts}"' in q["sql"]]
