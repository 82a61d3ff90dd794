"""The service catalog, aligned with CPSV-AP 3.2.0.

Texts shown to people are JSON objects keyed by language code ({"en": …, "ar": …}); the
country pack's languages must all be present (checked when a pack loads). A service's terms
live on its versions, so an application filed under version 3 keeps version 3's fee and
deadline after version 4 is published.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from onestop.core.ids import new_id


class Agency(models.Model):
    """cv:PublicOrganisation: the authority responsible for services."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    code = models.SlugField(max_length=60, unique=True)
    name = models.JSONField()
    acronym = models.JSONField(default=dict, blank=True)
    description = models.JSONField(default=dict, blank=True)
    website = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    telephone = models.CharField(max_length=40, blank=True)
    address = models.JSONField(default=dict, blank=True)
    opening_hours = models.JSONField(default=dict, blank=True)
    spatial = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.code


class Category(models.Model):
    """Thematic classification (cv:thematicArea), optionally nested."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    code = models.SlugField(max_length=60, unique=True)
    name = models.JSONField()
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.code


class BeneficiaryCategory(models.Model):
    """A named group that a fee exemption applies to (pensioners, people with disability…)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    code = models.SlugField(max_length=60, unique=True)
    name = models.JSONField()
    registry = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "beneficiary categories"

    def __str__(self) -> str:
        return self.code


class EvidenceType(models.Model):
    """cv:Evidence: a document or fact that proves a requirement.

    `registry` and `registry_operation` name the registry that already holds it; when set,
    the applicant need not bring it (the once-only principle).
    """

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    code = models.SlugField(max_length=60, unique=True)
    name = models.JSONField()
    description = models.JSONField(default=dict, blank=True)
    registry = models.CharField(max_length=60, blank=True)
    registry_operation = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    @property
    def is_held_by_state(self) -> bool:
        return bool(self.registry)


class LegalResource(models.Model):
    """eli:LegalResource: the law or regulation a service rests on."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    code = models.SlugField(max_length=60, unique=True)
    title = models.JSONField()
    citation = models.CharField(max_length=200, blank=True)
    url = models.URLField(blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Channel(models.TextChoices):
    """cv:Channel types a service can be used through."""

    ONLINE = "online", "Online"
    CENTER = "center", "Service center counter"
    MOBILE_UNIT = "mobile_unit", "Mobile unit"
    KIOSK = "kiosk", "Kiosk"
    PARTNER_OUTLET = "partner_outlet", "Partner outlet"
    CALL_CENTER = "call_center", "Call center"
    SMS = "sms", "SMS"
    POST = "post", "Post"


class Service(models.Model):
    """cpsv:PublicService, the stable identity across versions."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    code = models.SlugField(max_length=80, unique=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="services")
    categories = models.ManyToManyField(Category, blank=True, related_name="services")
    centers = models.ManyToManyField("centers.Center", blank=True, related_name="services")
    annual_volume = models.PositiveIntegerField(
        default=0, help_text="Applications a year; orders the 'most used services'."
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class ServiceVersion(models.Model):
    """The terms of a service for a period: what a passport shows and an application keeps."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    effective_from = models.DateField(null=True, blank=True)
    effective_to = models.DateField(null=True, blank=True)
    name = models.JSONField()
    summary = models.JSONField(default=dict, blank=True)
    description = models.JSONField(default=dict, blank=True)
    eligibility = models.JSONField(default=dict, blank=True)
    keywords = models.JSONField(default=dict, blank=True, help_text="Synonyms per language.")
    processing_days = models.PositiveIntegerField(help_text="Statutory deadline, working days.")
    express_processing_days = models.PositiveIntegerField(null=True, blank=True)
    output_name = models.JSONField(default=dict, blank=True)
    output_validity_months = models.PositiveIntegerField(null=True, blank=True)
    channels = models.JSONField(default=list)
    form_schema = models.JSONField(default=dict)
    form_hints = models.JSONField(default=dict, blank=True)
    appeal = models.JSONField(default=dict, blank=True)
    legal_resources = models.ManyToManyField(LegalResource, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["service__code", "number"]
        constraints = [
            models.UniqueConstraint(fields=["service", "number"], name="service_version_number"),
            models.UniqueConstraint(
                fields=["service"],
                condition=Q(status="published"),
                name="one_published_version_per_service",
            ),
            models.UniqueConstraint(
                fields=["service"],
                condition=Q(status="draft"),
                name="one_draft_version_per_service",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service.code} v{self.number} ({self.status})"


class Criterion(models.Model):
    """cv:CriterionRequirement: a condition the applicant must meet."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    version = models.ForeignKey(ServiceVersion, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveIntegerField()
    text = models.JSONField()

    class Meta:
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return f"criterion {self.position}"


class SubjectRole(models.TextChoices):
    """Whom an evidence is about: the applicant, or another person the applicant names (the
    platform's fixed vocabulary; labels and questions in `catalog/subjects.py`)."""

    APPLICANT = "applicant", "Applicant"
    SPOUSE = "spouse", "Spouse"
    DECEASED = "deceased", "Deceased person"
    CHILD = "child", "Child"
    OTHER_PARENT = "other_parent", "Other parent"


class EvidenceRequirement(models.Model):
    """Which evidence a service version asks for, in order (cv:Requirement → cv:Evidence), and
    whom it is about (`subject_role`: a survivor's pension asks for the deceased's death
    record, looked up by the deceased's national ID)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    version = models.ForeignKey(
        ServiceVersion, on_delete=models.CASCADE, related_name="evidence_requirements"
    )
    evidence_type = models.ForeignKey(EvidenceType, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()
    is_mandatory = models.BooleanField(default=True)
    note = models.JSONField(default=dict, blank=True)
    subject_role = models.CharField(
        max_length=20, choices=SubjectRole.choices, default=SubjectRole.APPLICANT
    )

    class Meta:
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return f"evidence {self.position}: {self.evidence_type_id}"


class FeeTier(models.TextChoices):
    STANDARD = "standard", "Standard"
    EXPRESS = "express", "Express"


class Cost(models.Model):
    """cv:Cost: the fee for one tier of a service version."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    version = models.ForeignKey(ServiceVersion, on_delete=models.CASCADE, related_name="costs")
    tier = models.CharField(max_length=10, choices=FeeTier.choices)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)
    description = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["version", "tier"]
        constraints = [
            models.UniqueConstraint(fields=["version", "tier"], name="one_cost_per_tier"),
        ]

    def __str__(self) -> str:
        return f"{self.tier} {self.amount} {self.currency}"


class CostExemption(models.Model):
    """A beneficiary category pays `amount` (zero for a full exemption) instead of the fee."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    cost = models.ForeignKey(Cost, on_delete=models.CASCADE, related_name="exemptions")
    beneficiary_category = models.ForeignKey(
        BeneficiaryCategory, on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cost", "beneficiary_category"], name="one_exemption_per_category"
            ),
        ]

    def __str__(self) -> str:
        return f"exemption {self.amount}"


class LifeEventKind(models.TextChoices):
    LIFE = "life", "Life event"
    BUSINESS = "business", "Business event"


class LifeEvent(models.Model):
    """cv:LifeEvent / cv:BusinessEvent: a situation that bundles services of several agencies.

    `is_all_or_nothing` says whether the bundle stands or falls together (a marriage needs
    every part) or each service stands alone (moving house).
    """

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    code = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=10, choices=LifeEventKind.choices)
    name = models.JSONField()
    description = models.JSONField(default=dict, blank=True)
    is_all_or_nothing = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.code


class LifeEventStep(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    life_event = models.ForeignKey(LifeEvent, on_delete=models.CASCADE, related_name="steps")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="life_event_steps")
    position = models.PositiveIntegerField()
    note = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["life_event", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["life_event", "service"], name="service_once_per_event"
            ),
        ]

    def __str__(self) -> str:
        return f"step {self.position}"


class CatalogRevision(models.Model):
    """A counter bumped by every catalog change, so caches (search index, ETags) know when
    to rebuild without asking every table."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    number = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"catalog revision {self.number}"
