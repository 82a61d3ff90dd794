"""The counter: an operator at a service center, a mobile unit or a call center files an
application on a citizen's behalf. Thin views over `onestop.applications.counter_support`
(every rule and permission check is there): start or resume a draft, fill the merged form's
pages, the evidence, check the answers with the citizen's consent, submit, print the receipt.

The session keeps, per draft, what the operator chose that the draft does not hold: the
channel of a draft resumed by its code (with the code and the national ID to reopen it through
the same check). The evidence seen at the counter and the processing tier are kept on the
draft, so another computer continues where this one stopped."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from onestop.applications.access import application_get_for
from onestop.applications.attachments import attachments_upload, upload_max_bytes
from onestop.applications.counter_support import (
    EVIDENCE_STEP,
    PEOPLE_STEP,
    counter_catalog,
    counter_centers,
    counter_channels,
    counter_check_prepare,
    counter_checkable,
    counter_draft_get,
    counter_draft_resume,
    counter_draft_start,
    counter_evidence,
    counter_evidence_checked_set,
    counter_people,
    counter_people_set,
    counter_questions,
    counter_step_save,
    counter_steps,
    counter_submit,
    counter_tiers,
)
from onestop.applications.drafts import CHECK_STEP, draft_form
from onestop.applications.form_merge import MergedForm
from onestop.applications.models import ConsentMethod, Draft
from onestop.applications.selectors import application_tracking
from onestop.centers.models import Center
from onestop.core.errors import InvalidInput, NotFound, PermissionDenied
from onestop.core.text import active_language, pick
from onestop.staff.otp import staff_totp_required

from .sign_in import sign_in_redirect
from .templatetags.console import CHANNEL_NAMES

SESSION_CENTER = "console.counter.center"
SESSION_DRAFTS = "console.counter.drafts"
CHANNEL_LABELS = CHANNEL_NAMES
CONSENT_LABELS: dict[str, Promise] = {
    ConsentMethod.SIGNED_FORM: _("The citizen signed the paper consent form"),
    ConsentMethod.SIGNED_ON_SCREEN: _("The citizen signed on the screen"),
    ConsentMethod.VERBAL_RECORDED: _("The citizen consented on a recorded call"),
    ConsentMethod.MANDATE: _("A registered mandate allows it"),
}
TIER_LABELS: dict[str, Promise] = {  # the same words as the service passport's fees
    "standard": pgettext_lazy("fee tier", "Standard"),
    "express": pgettext_lazy("fee tier", "Express"),
}


@dataclass(frozen=True)
class Counter:
    """Where the operator files: the centers they may file in, the one chosen, its channels."""

    centers: list[Center]
    center: Center
    channels: list[tuple[str, str]]


CounterView = Callable[..., HttpResponseBase]


def _counter(request: HttpRequest, centers: list[Center]) -> Counter:
    wanted = request.GET.get("center") or request.session.get(SESSION_CENTER)
    center = next((item for item in centers if item.code == wanted), centers[0])
    if request.session.get(SESSION_CENTER) != center.code:
        request.session[SESSION_CENTER] = center.code
    channels = [(code, str(CHANNEL_LABELS[code])) for code in counter_channels(center=center)]
    return Counter(centers=centers, center=center, channels=channels)


def counter_view(view: CounterView) -> CounterView:
    """Signed-in operators holding `application.file_on_behalf` in a center only: anyone else
    goes to the sign-in page or gets the polite no-role page (403)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated:
            return sign_in_redirect(request)
        if staff_totp_required() and not getattr(user, "is_verified", lambda: False)():
            return sign_in_redirect(request)
        centers = counter_centers(user=user)
        if not centers:
            return render(request, "console/counter_no_role.html", status=403)
        try:
            return view(request, _counter(request, centers), *args, **kwargs)
        except NotFound as missing:
            raise Http404(missing.message) from missing
        except PermissionDenied:
            return render(request, "console/counter_no_role.html", status=403)

    return wrapper


def _context(counter: Counter, **values: Any) -> dict[str, Any]:
    return {"counter": counter, "nav": "counter", **values}


def _errors_of(error: InvalidInput) -> dict[str, list[str]]:
    listed = error.details.get("errors")
    if isinstance(listed, dict) and listed:
        return {str(name): [str(text) for text in texts] for name, texts in listed.items()}
    return {str(error.details.get("field", "")): [error.message]}


# --- Starting or resuming ----------------------------------------------------------------------


def _start_page(
    request: HttpRequest,
    counter: Counter,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    errors = errors or {}
    posted = request.POST if request.method == "POST" else request.GET
    return render(
        request,
        "console/counter_start.html",
        _context(
            counter,
            catalog=counter_catalog(language=active_language()),
            posted=posted,
            errors=errors,
            page_path=reverse("console:counter"),
        ),
        status=status,
    )


@require_http_methods(["GET", "POST"])
@counter_view
def start(request: HttpRequest, counter: Counter) -> HttpResponse:
    if request.method == "GET":
        return _start_page(request, counter)
    try:
        draft = counter_draft_start(
            actor=request.user,
            center=counter.center,
            national_id=request.POST.get("national_id", "")[:40],
            choice=request.POST.get("choice", "")[:200],
            channel=request.POST.get("channel", "")[:40],
            language=active_language(),
        )
    except InvalidInput as error:
        return _start_page(request, counter, _errors_of(error), status=400)
    return redirect(_step_url(draft, counter_steps(form=draft_form(draft=draft), draft=draft)[0]))


@require_POST
@counter_view
def resume(request: HttpRequest, counter: Counter) -> HttpResponse:
    try:
        resumed = counter_draft_resume(
            actor=request.user,
            center=counter.center,
            resume_code=request.POST.get("resume_code", "")[:40],
            national_id=request.POST.get("resume_national_id", "")[:40],
            channel=request.POST.get("resume_channel", "")[:40],
        )
    except InvalidInput as error:
        return _start_page(request, counter, _errors_of(error), status=400)
    draft = resumed.draft
    _remember(
        request,
        draft,
        resume_code=resumed.resume_code,
        national_id=resumed.national_id,
        channel=resumed.channel,
    )
    steps = counter_steps(form=draft_form(draft=draft), draft=draft)
    return redirect(_step_url(draft, draft.step if draft.step in steps else steps[0]))


# --- The draft and what the session keeps of it ------------------------------------------------


def _kept(request: HttpRequest, draft_id: Any) -> dict[str, Any]:
    return dict((request.session.get(SESSION_DRAFTS) or {}).get(str(draft_id)) or {})


def _remember(request: HttpRequest, draft: Draft, **values: Any) -> None:
    drafts = dict(request.session.get(SESSION_DRAFTS) or {})
    drafts[str(draft.pk)] = {**drafts.get(str(draft.pk), {}), **values}
    request.session[SESSION_DRAFTS] = drafts


def _forget(request: HttpRequest, draft: Draft) -> None:
    drafts = dict(request.session.get(SESSION_DRAFTS) or {})
    drafts.pop(str(draft.pk), None)
    request.session[SESSION_DRAFTS] = drafts


def _draft(request: HttpRequest, counter: Counter, draft_id: UUID) -> Draft:
    kept = _kept(request, draft_id)
    resumed = kept if kept.get("resume_code") else None
    return counter_draft_get(
        actor=request.user, center=counter.center, draft_id=draft_id, resumed=resumed
    )


def _channel(request: HttpRequest, draft: Draft) -> str:
    return str(_kept(request, draft.pk).get("channel") or draft.channel)


def _step_url(draft: Draft, step: str) -> str:
    if step == CHECK_STEP:
        return reverse("console:counter_check", args=[draft.pk])
    if step == EVIDENCE_STEP:
        return reverse("console:counter_evidence", args=[draft.pk])
    if step == PEOPLE_STEP:
        return reverse("console:counter_people", args=[draft.pk])
    return reverse("console:counter_step", args=[draft.pk, step])


@dataclass(frozen=True)
class Progress:
    number: int
    total: int
    back_url: str


def _progress(draft: Draft, form: MergedForm, step: str) -> Progress:
    steps = counter_steps(form=form, draft=draft)
    index = steps.index(step)
    back = _step_url(draft, steps[index - 1]) if index > 0 else reverse("console:counter")
    return Progress(number=index + 1, total=len(steps), back_url=back)


def _next_url(draft: Draft, form: MergedForm, step: str) -> str:
    steps = counter_steps(form=form, draft=draft)
    return _step_url(draft, steps[min(steps.index(step) + 1, len(steps) - 1)])


def _title(draft: Draft, form: MergedForm) -> str:
    if draft.life_event is not None:
        return pick(draft.life_event.name)
    return ", ".join(page.title for page in form.pages) or ", ".join(draft.service_codes)


def _submitted(draft: Draft) -> HttpResponse | None:
    if draft.submitted_application_id is None:
        return None
    return redirect("console:counter_done", draft.submitted_application_id)


# --- The form's pages --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@counter_view
def draft_step(request: HttpRequest, counter: Counter, draft_id: UUID, step: str) -> HttpResponse:
    draft = _draft(request, counter, draft_id)
    done = _submitted(draft)
    if done is not None:
        return done
    form = draft_form(draft=draft)
    page = form.page(step)
    if page is None:
        raise Http404(step)
    status = 200
    if request.method == "POST":
        draft, is_valid = counter_step_save(
            draft=draft, page=page, posted=dict(request.POST.lists())
        )
        if is_valid:
            return redirect(_next_url(draft, form, step))
        status = 400
    questions = counter_questions(draft=draft, page=page)
    return render(
        request,
        "console/counter_step.html",
        _context(
            counter,
            draft=draft,
            page=page,
            questions=questions,
            has_errors=any(question.errors for question in questions),
            progress=_progress(draft, form, step),
            title=_title(draft, form),
            page_path=_step_url(draft, step),
        ),
        status=status,
    )


# --- The other people some evidence is about ---------------------------------------------------


@require_http_methods(["GET", "POST"])
@counter_view
def people(request: HttpRequest, counter: Counter, draft_id: UUID) -> HttpResponse:
    draft = _draft(request, counter, draft_id)
    done = _submitted(draft)
    if done is not None:
        return done
    form = draft_form(draft=draft)
    rows = counter_people(draft=draft)
    if not rows:
        raise Http404(PEOPLE_STEP)
    errors: dict[str, list[str]] = {}
    posted: dict[str, str] = {}
    if request.method == "POST":
        posted = {row.role: request.POST.get(f"subject-{row.role}", "")[:40] for row in rows}
        draft, errors = counter_people_set(
            actor=request.user, draft=draft, center=counter.center, posted=posted
        )
        if not errors:
            return redirect(_next_url(draft, form, PEOPLE_STEP))
        rows = counter_people(draft=draft, posted=posted, errors=errors)
    return render(
        request,
        "console/counter_people.html",
        _context(
            counter,
            draft=draft,
            rows=rows,
            errors=errors,
            progress=_progress(draft, form, PEOPLE_STEP),
            title=_title(draft, form),
            page_path=_step_url(draft, PEOPLE_STEP),
        ),
        status=400 if errors else 200,
    )


# --- Evidence ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@counter_view
def evidence(request: HttpRequest, counter: Counter, draft_id: UUID) -> HttpResponse:
    draft = _draft(request, counter, draft_id)
    done = _submitted(draft)
    if done is not None:
        return done
    form = draft_form(draft=draft)
    channel = _channel(request, draft)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            draft = counter_evidence_checked_set(
                actor=request.user,
                draft=draft,
                center=counter.center,
                channel=channel,
                codes=request.POST.getlist("checked"),
            )
        except InvalidInput as error:
            errors = {
                name.removeprefix("evidence."): texts for name, texts in _errors_of(error).items()
            }
        draft, upload_errors = _uploads(request, draft)
        errors.update(upload_errors)
        if not errors:
            return redirect(_next_url(draft, form, EVIDENCE_STEP))
    return render(
        request,
        "console/counter_evidence.html",
        _context(
            counter,
            draft=draft,
            items=counter_evidence(draft=draft),
            checkable=counter_checkable(draft=draft, channel=channel),
            errors=errors,
            progress=_progress(draft, form, EVIDENCE_STEP),
            title=_title(draft, form),
            max_megabytes=upload_max_bytes() // (1024 * 1024),
            page_path=_step_url(draft, EVIDENCE_STEP),
        ),
        status=400 if errors else 200,
    )


def _uploads(request: HttpRequest, draft: Draft) -> tuple[Draft, dict[str, list[str]]]:
    files = {
        code: (upload.name or "", upload.read(upload_max_bytes() + 1))
        for code in draft.evidence
        if (upload := request.FILES.get(f"evidence-{code}")) is not None
    }
    return attachments_upload(draft=draft, files=files)


# --- Check the answers, consent, submit --------------------------------------------------------


@dataclass
class Posted:
    """What the operator typed on the check page, kept when the submission is refused."""

    consent: str = ""
    tier: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)


@require_http_methods(["GET", "POST"])
@counter_view
def check(request: HttpRequest, counter: Counter, draft_id: UUID) -> HttpResponse:
    draft = _draft(request, counter, draft_id)
    if request.method == "GET":
        done = _submitted(draft)
        if done is not None:
            return done
        return _check_page(request, counter, counter_check_prepare(draft=draft), Posted())
    posted = Posted(
        consent=request.POST.get("consent", "")[:40],
        tier=request.POST.get("tier", "")[:40],
        contact_phone=request.POST.get("contact_phone", "")[:40],
        contact_email=request.POST.get("contact_email", "")[:254],
    )
    try:
        application = counter_submit(
            actor=request.user,
            draft=draft,
            center=counter.center,
            channel=_channel(request, draft),
            consent_method=posted.consent,
            tier=posted.tier,
            contact_phone=posted.contact_phone,
            contact_email=posted.contact_email,
        )
    except InvalidInput as error:
        posted.errors = _errors_of(error)
        return _check_page(request, counter, draft, posted, status=400)
    _forget(request, draft)
    return redirect("console:counter_done", application.pk)


CHECK_FIELDS = {"phone": "contact_phone", "email": "contact_email"}


def _check_page(
    request: HttpRequest, counter: Counter, draft: Draft, posted: Posted, status: int = 200
) -> HttpResponse:
    form = draft_form(draft=draft)
    errors = {CHECK_FIELDS.get(name, name): texts for name, texts in posted.errors.items()}
    sections = [
        {
            "page": page,
            "url": _step_url(draft, page.key),
            "questions": counter_questions(draft=draft, page=page),
        }
        for page in form.pages
    ]
    on_this_page = {"tier", "consent", "contact_phone", "contact_email"}
    tiers = [
        {"tier": option.tier, "label": str(TIER_LABELS[option.tier]), "services": option.services}
        for option in counter_tiers(draft=draft, language=active_language())
    ]
    return render(
        request,
        "console/counter_check.html",
        _context(
            counter,
            draft=draft,
            sections=sections,
            items=counter_evidence(draft=draft),
            tiers=tiers,
            chosen_tier=posted.tier or draft.tier,
            evidence_url=_step_url(draft, EVIDENCE_STEP),
            channel_label=CHANNEL_LABELS.get(_channel(request, draft), _channel(request, draft)),
            consent_methods=[(code, str(label)) for code, label in CONSENT_LABELS.items()],
            posted=posted,
            errors=errors,
            other_errors=[
                text for name, texts in errors.items() if name not in on_this_page for text in texts
            ],
            has_errors=bool(draft.errors) or bool(errors),
            progress=_progress(draft, form, CHECK_STEP),
            title=_title(draft, form),
            page_path=_step_url(draft, CHECK_STEP),
        ),
        status=status,
    )


# --- Done: the receipt -------------------------------------------------------------------------


def tracking_number_spoken(number: str) -> str:
    """In short groups, easier to read aloud and copy by hand (7K3-D9Q-X21E)."""
    return "-".join(number[index : index + 3] for index in range(0, 9, 3)) + number[9:]


@require_GET
@counter_view
def done(request: HttpRequest, counter: Counter, application_id: UUID) -> HttpResponse:
    application = application_get_for(actor=request.user, application_id=application_id)
    return render(
        request,
        "console/counter_done.html",
        _context(
            counter,
            application=application,
            view=application_tracking(application=application),
            spoken=tracking_number_spoken(application.tracking_number),
            channel_label=CHANNEL_LABELS.get(application.channel, application.channel),
            consent_label=CONSENT_LABELS.get(application.consent_method, ""),
            tier_label=TIER_LABELS.get(application.tier, application.tier),
        ),
    )
