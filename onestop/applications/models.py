"""Applications and the casework on them.

An application is what a person (or an operator on their behalf, with consent) submits once,
for one service or a life-event bundle. Each service in it becomes an agency task on the
responsible agency's queue, with a deadline counted in working days. The application's status
derives from its tasks.

Indexes: every foreign key and every lookup a queue, a tracking page or the SLA job makes has
one; nothing is searched with a leading wildcard.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from onestop.catalog.models import FeeTier
from onestop.core.ids import new_id


class ApplicationChannel(models.TextChoices):
    """Where the application was made; recorded on every application."""

    ONLINE = "online", "Online"
    CENTER = "center", "Service center counter"
    MOBILE_UNIT = "mobile_unit", "Mobile unit"
    KIOSK = "kiosk", "Kiosk"
    PARTNER_OUTLET = "partner_outlet", "Partner outlet"
    CALL_CENTER = "call_center", "Call center"


class ConsentMethod(models.TextChoices):
    """How an operator recorded the citizen's consent to apply on their behalf."""

    SIGNED_FORM = "signed_form", "Signed form"
    SIGNED_ON_SCREEN = "signed_on_screen", "Signed on screen"
    VERBAL_RECORDED = "verbal_recorded", "Verbal, recorded call"
    MANDATE = "mandate", "Registered mandate"


# An application's tier is the fee tier it chose: one list, the catalog's.
Tier = FeeTier


class ApplicationStatus(models.TextChoices):
    """Derived from the tasks (status.py); stored so lists and counts need no join."""

    SUBMITTED = "submitted", "Submitted"
    IN_PROGRESS = "in_progress", "In progress"
    INFORMATION_REQUESTED = "information_requested", "Information requested"
    APPROVED = "approved", "Approved"
    PARTLY_APPROVED = "partly_approved", "Partly approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"
    COMPLETED = "completed", "Completed"


class Draft(models.Model):
    """An application being filled in: saved at every step, resumable on another device or
    channel (by its owner signed in, or at a counter with its resume code)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    resume_code = models.CharField(max_length=16, unique=True)
    owner_account = models.ForeignKey(
        "accounts.CitizenAccount",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="application_drafts",
    )
    owner_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="application_drafts",
    )
    # A partner outlet's or kiosk's system that started it (`outlet:<center code>:<key prefix>`);
    # any key of that center may continue it (drafts._may_continue).
    owner_system = models.CharField(max_length=120, blank=True, default="")
    applicant_national_id = models.CharField(max_length=20, blank=True, db_index=True)
    service_codes = models.JSONField(default=list)
    life_event = models.ForeignKey(
        "catalog.LifeEvent", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=20, choices=ApplicationChannel.choices)
    center = models.ForeignKey(
        "centers.Center", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    tier = models.CharField(max_length=10, choices=Tier.choices, default=Tier.STANDARD)
    language = models.CharField(max_length=8)
    data = models.JSONField(default=dict, blank=True)
    prefill = models.JSONField(
        default=dict, blank=True, help_text="Prefilled values with their source, per field."
    )
    step = models.CharField(max_length=60, blank=True)
    # Each evidence the services ask for: found (with provenance), pending, to upload or an
    # uploaded file, keyed by evidence code (drafts.py writes it, intake.py copies it).
    evidence = models.JSONField(default=dict, blank=True)
    # Another person an evidence is about (`{"death-record": <national ID>}`).
    subjects = models.JSONField(default=dict, blank=True)
    # The messages of the last save per field: invalid input is kept in `data`, its errors here.
    errors = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    submitted_application = models.OneToOneField(
        "Application", on_delete=models.SET_NULL, null=True, blank=True, related_name="draft"
    )

    class Meta:
        indexes = [models.Index(fields=["owner_account", "updated_at"], name="draft_owner")]

    def __str__(self) -> str:
        return f"draft {self.resume_code}"


class Application(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    tracking_number = models.CharField(max_length=16, unique=True)
    applicant_national_id = models.CharField(max_length=20)
    # Kept at submission for the public lookup's second factor (the registries are not asked).
    applicant_birth_date = models.DateField(null=True, blank=True)
    applicant_account = models.ForeignKey(
        "accounts.CitizenAccount",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
    )
    # Who pressed submit: `citizen:<account id>`, `staff:<username>`, `api:<key prefix>`.
    submitted_by = models.CharField(max_length=200)
    idempotency_key = models.CharField(max_length=100)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications_filed",
        help_text="The operator who filed it on the applicant's behalf.",
    )
    consent_method = models.CharField(max_length=20, choices=ConsentMethod.choices, blank=True)
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    channel = models.CharField(max_length=20, choices=ApplicationChannel.choices)
    center = models.ForeignKey(
        "centers.Center", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    life_event = models.ForeignKey(
        "catalog.LifeEvent", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_all_or_nothing = models.BooleanField(default=False)
    tier = models.CharField(max_length=10, choices=Tier.choices, default=Tier.STANDARD)
    language = models.CharField(max_length=8)
    contact_phone = models.CharField(max_length=20, blank=True)
    contact_email = models.EmailField(blank=True)
    form_data = models.JSONField(default=dict)
    prefill = models.JSONField(
        default=dict, blank=True, help_text="Prefilled values with their source, per field."
    )
    status = models.CharField(
        max_length=24, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField()
    status_changed_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submitted_by", "idempotency_key"], name="application_idempotent"
            ),
            models.CheckConstraint(
                condition=Q(filed_by__isnull=True) | ~Q(consent_method=""),
                name="application_on_behalf_has_consent",
            ),
        ]
        indexes = [
            models.Index(fields=["applicant_national_id", "submitted_at"], name="app_applicant"),
            models.Index(fields=["applicant_account", "submitted_at"], name="app_account"),
            models.Index(fields=["status", "submitted_at"], name="app_status"),
            # A center's filings, newest first (a partner outlet's list over the API).
            models.Index(fields=["center", "submitted_at"], name="app_center"),
        ]

    def __str__(self) -> str:
        return self.tracking_number


class EvidenceStatus(models.TextChoices):
    FOUND = "found", "Found in a registry"
    UPLOADED = "uploaded", "Uploaded"
    PENDING = "pending", "Registry not answering; to be fetched again"
    MISSING = "missing", "To be brought or uploaded"
    CHECKED_AT_COUNTER = "checked_at_counter", "Checked at a counter"


class ScanStatus(models.TextChoices):
    NOT_APPLICABLE = "not_applicable", "Not a file"
    PENDING = "pending", "Waiting for the scanner"
    CLEAN = "clean", "Clean"
    INFECTED = "infected", "Refused by the scanner"


class ApplicationEvidence(models.Model):
    """One evidence of an application: fetched once-only with its provenance, or a file."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="evidence")
    evidence_code = models.CharField(max_length=80)
    status = models.CharField(max_length=20, choices=EvidenceStatus.choices)
    reason = models.CharField(max_length=40, blank=True)
    source = models.CharField(max_length=200, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    request_id = models.CharField(max_length=40, blank=True)
    # Whose record it is (the applicant's unless the service asks about another person), and
    # how often a pending evidence was asked again (jobs.py).
    subject_national_id = models.CharField(max_length=20, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    fields = models.JSONField(default=dict, blank=True, help_text="Provenance per field.")
    file = models.FileField(upload_to="applications/%Y/%m/", blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    scan_status = models.CharField(
        max_length=16, choices=ScanStatus.choices, default=ScanStatus.NOT_APPLICABLE
    )
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["application", "evidence_code"], name="evidence_app"),
            models.Index(fields=["status", "next_attempt_at"], name="evidence_retry"),
        ]

    def __str__(self) -> str:
        return f"{self.evidence_code}: {self.status}"


class TaskState(models.TextChoices):
    QUEUED = "queued", "Queued"
    ASSIGNED = "assigned", "Assigned"
    IN_REVIEW = "in_review", "In review"
    INFORMATION_REQUESTED = "information_requested", "Information requested"
    RESUBMITTED = "resubmitted", "Resubmitted"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    OUTPUT_ISSUED = "output_issued", "Output issued"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_TASK_STATES = [
    TaskState.QUEUED,
    TaskState.ASSIGNED,
    TaskState.IN_REVIEW,
    TaskState.INFORMATION_REQUESTED,
    TaskState.RESUBMITTED,
]


class AgencyTask(models.Model):
    """One service of an application, on the responsible agency's queue."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="tasks")
    service_version = models.ForeignKey(
        "catalog.ServiceVersion", on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=24, choices=TaskState.choices, default=TaskState.QUEUED)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agency_tasks",
    )
    sla_working_days = models.PositiveIntegerField()
    due_at = models.DateTimeField()
    warn_at = models.DateTimeField()
    warned_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    # "Measuring silence": the first thing the applicant hears from an officer.
    first_response_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(max_length=60, blank=True)
    decision_text = models.TextField(blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    # Bumped by every transition: a stale console form cannot overwrite a newer decision.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [
            models.Index(fields=["agency", "state", "due_at"], name="task_queue"),
            models.Index(fields=["assignee", "state", "due_at"], name="task_mine"),
            models.Index(fields=["state", "warn_at"], name="task_sla_warn"),
            models.Index(fields=["state", "due_at"], name="task_sla_due"),
            models.Index(fields=["agency", "breached_at"], name="task_sla_breaches"),
            # The console's pages of open tasks, in deadline order, read straight off an index
            # however many open tasks an agency (or an officer) has.
            models.Index(
                fields=["agency", "due_at", "id"],
                condition=Q(state__in=OPEN_TASK_STATES),
                name="task_queue_open",
            ),
            models.Index(
                fields=["assignee", "due_at", "id"],
                condition=Q(state__in=OPEN_TASK_STATES),
                name="task_mine_open",
            ),
            # The SLA job's next batches: only the open tasks not yet warned (escalated), so a
            # backlog of warned tasks still open never slows the next run.
            models.Index(
                fields=["warn_at"],
                condition=Q(state__in=OPEN_TASK_STATES, warned_at__isnull=True),
                name="task_sla_to_warn",
            ),
            models.Index(
                fields=["due_at"],
                condition=Q(state__in=OPEN_TASK_STATES, breached_at__isnull=True),
                name="task_sla_to_escalate",
            ),
        ]

    def __str__(self) -> str:
        return f"task {self.id} ({self.state})"


class TaskTransition(models.Model):
    """The history of a task: every transition with actor and reason (also a domain event)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    task = models.ForeignKey(AgencyTask, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=24, blank=True)
    to_state = models.CharField(max_length=24)
    actor = models.CharField(max_length=200)
    reason_code = models.CharField(max_length=60, blank=True)
    reason_text = models.TextField(blank=True)
    occurred_at = models.DateTimeField()

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["task", "occurred_at"], name="transition_task")]

    def __str__(self) -> str:
        return f"{self.from_state or '-'} → {self.to_state}"


class TaskNote(models.Model):
    """An internal note between staff; never shown to the applicant."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    task = models.ForeignKey(AgencyTask, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["task", "created_at"], name="note_task")]

    def __str__(self) -> str:
        return f"note {self.id}"


class DecisionReason(models.Model):
    """A reason an officer picks when deciding, from the country pack (decision_reasons.yaml).
    A reason the pack no longer lists is kept inactive: past decisions still name it."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    code = models.SlugField(max_length=60, unique=True)
    decision = models.CharField(
        max_length=10, choices=[("approve", "Approve"), ("reject", "Reject")]
    )
    label = models.JSONField(help_text="The reason as the applicant reads it, per language.")
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "code"]
        indexes = [models.Index(fields=["decision", "is_active", "position"], name="reason_list")]

    def __str__(self) -> str:
        return self.code


class MessageDirection(models.TextChoices):
    TO_APPLICANT = "to_applicant", "To the applicant"
    FROM_APPLICANT = "from_applicant", "From the applicant"


class ApplicationMessage(models.Model):
    """What the applicant and the agency say to each other: information requests and their
    answers, decisions' reasons. Kept apart from internal notes."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="messages")
    task = models.ForeignKey(
        AgencyTask, on_delete=models.CASCADE, null=True, blank=True, related_name="messages"
    )
    direction = models.CharField(max_length=16, choices=MessageDirection.choices)
    kind = models.CharField(max_length=30)  # information_request, answer, decision, general
    text = models.TextField()
    author = models.CharField(max_length=200)
    channel = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    # An information request's reply date, shown to the applicant as what is expected of them.
    respond_by = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["application", "created_at"], name="message_application"),
            models.Index(fields=["task", "created_at"], name="message_task"),
        ]

    def __str__(self) -> str:
        return f"{self.direction} {self.kind}"


class OutputRecord(models.Model):
    """What an approval issues (licence, certificate, card): type and validity from the
    catalog's service version."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    task = models.OneToOneField(AgencyTask, on_delete=models.PROTECT, related_name="output")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="outputs")
    number = models.CharField(max_length=40, unique=True)
    name = models.JSONField()
    holder_national_id = models.CharField(max_length=20)
    issued_at = models.DateTimeField()
    valid_until = models.DateField(null=True, blank=True)
    issued_by = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.number


class LookupAttempt(models.Model):
    """A failed public lookup of a tracking number, kept per number and per client (both as
    keyed digests) so the rate limit holds across every server of a cluster."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    scope = models.CharField(max_length=10)  # number | client
    key_digest = models.CharField(max_length=64)
    attempted_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["scope", "key_digest", "attempted_at"], name="lookup_key")]

    def __str__(self) -> str:
        return f"lookup {self.scope} at {self.attempted_at:%Y-%m-%d %H:%M}"
