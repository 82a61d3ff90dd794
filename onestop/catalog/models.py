"""The service catalog, aligned with CPSV-AP 3.2.0.

Texts shown to people are JSON objects keyed by language code ({"en": …, "ar": …}); the
country pack's languages must all be present (checked when a pack loads). A service's terms
live on its versions, so an application filed under version 3 keeps version 3's fee and
deadline after version 4 is published.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onestop.core.ids import new_id


class Agency(models.Model):
    """cv:PublicOrganisation: the authority responsible for services."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    code = models.SlugField(max_length=60, unique=True, verbose_name=_("code"))
    name = models.JSONField(verbose_name=_("name"))
    acronym = models.JSONField(default=dict, blank=True, verbose_name=_("acronym"))
    description = models.JSONField(default=dict, blank=True, verbose_name=_("description"))
    website = models.URLField(blank=True, verbose_name=_("website"))
    email = models.EmailField(blank=True, verbose_name=_("email"))
    telephone = models.CharField(max_length=40, blank=True, verbose_name=_("telephone"))
    address = models.JSONField(default=dict, blank=True, verbose_name=_("address"))
    opening_hours = models.JSONField(default=dict, blank=True, verbose_name=_("opening hours"))
    spatial = models.CharField(max_length=100, blank=True, verbose_name=_("area served"))

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Category(models.Model):
    """Thematic classification (cv:thematicArea), optionally nested."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    code = models.SlugField(max_length=60, unique=True, verbose_name=_("code"))
    name = models.JSONField(verbose_name=_("name"))
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("parent category")
    )
    position = models.PositiveIntegerField(default=0, verbose_name=_("position"))

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.code


class BeneficiaryCategory(models.Model):
    """A named group that a fee exemption applies to (pensioners, people with disability…)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    code = models.SlugField(max_length=60, unique=True, verbose_name=_("code"))
    name = models.JSONField(verbose_name=_("name"))
    registry = models.CharField(max_length=60, blank=True, verbose_name=_("registry"))

    class Meta:
        verbose_name = _("beneficiary category")
        verbose_name_plural = _("beneficiary categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class EvidenceType(models.Model):
    """cv:Evidence: a document or fact that proves a requirement.

    `registry` and `registry_operation` name the registry that already holds it; when set,
    the applicant need not bring it (the once-only principle).
    """

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    code = models.SlugField(max_length=60, unique=True, verbose_name=_("code"))
    name = models.JSONField(verbose_name=_("name"))
    description = models.JSONField(default=dict, blank=True, verbose_name=_("description"))
    registry = models.CharField(max_length=60, blank=True, verbose_name=_("registry"))
    registry_operation = models.CharField(
        max_length=100, blank=True, verbose_name=_("registry operation")
    )

    class Meta:
        verbose_name = _("evidence type")
        verbose_name_plural = _("evidence types")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    @property
    def is_held_by_state(self) -> bool:
        return bool(self.registry)


class LegalResource(models.Model):
    """eli:LegalResource: the law or regulation a service rests on."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    code = models.SlugField(max_length=60, unique=True, verbose_name=_("code"))
    title = models.JSONField(verbose_name=_("title"))
    citation = models.CharField(max_length=200, blank=True, verbose_name=_("citation"))
    url = models.URLField(blank=True, verbose_name=_("URL"))

    class Meta:
        verbose_name = _("legal resource")
        verbose_name_plural = _("legal resources")
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
    code = models.SlugField(max_length=80, unique=True, verbose_name=_("code"))
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="services", verbose_name=_("agency")
    )
    categories = models.ManyToManyField(
        Category, blank=True, related_name="services", verbose_name=_("categories")
    )
    centers = models.ManyToManyField(
        "centers.Center", blank=True, related_name="services", verbose_name=_("service centers")
    )
    annual_volume = models.PositiveIntegerField(
        default=0,
        help_text=_("Applications a year; orders the 'most used services'."),
        verbose_name=_("annual volume"),
    )

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class ServiceVersion(models.Model):
    """The terms of a service for a period: what a passport shows and an application keeps."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="versions", verbose_name=_("service")
    )
    number = models.PositiveIntegerField(verbose_name=_("number"))
    status = models.CharField(
        max_length=10,
        choices=VersionStatus.choices,
        default=VersionStatus.DRAFT,
        verbose_name=_("status"),
    )
    effective_from = models.DateField(null=True, blank=True, verbose_name=_("in force from"))
    effective_to = models.DateField(null=True, blank=True, verbose_name=_("in force until"))
    name = models.JSONField(verbose_name=_("name"))
    summary = models.JSONField(default=dict, blank=True, verbose_name=_("summary"))
    description = models.JSONField(default=dict, blank=True, verbose_name=_("description"))
    eligibility = models.JSONField(default=dict, blank=True, verbose_name=_("eligibility"))
    keywords = models.JSONField(
        default=dict, blank=True, help_text=_("Synonyms per language."), verbose_name=_("keywords")
    )
    processing_days = models.PositiveIntegerField(
        help_text=_("Statutory deadline, working days."), verbose_name=_("processing time")
    )
    express_processing_days = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("express processing time")
    )
    output_name = models.JSONField(default=dict, blank=True, verbose_name=_("output name"))
    output_validity_months = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("output validity (months)")
    )
    channels = models.JSONField(default=list, verbose_name=_("channels"))
    form_schema = models.JSONField(default=dict, verbose_name=_("form schema"))
    form_hints = models.JSONField(default=dict, blank=True, verbose_name=_("form hints"))
    appeal = models.JSONField(default=dict, blank=True, verbose_name=_("appeal"))
    legal_resources = models.ManyToManyField(
        LegalResource, blank=True, verbose_name=_("legal resources")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    published_at = models.DateTimeField(null=True, blank=True, verbose_name=_("published at"))

    class Meta:
        verbose_name = _("service version")
        verbose_name_plural = _("service versions")
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
    version = models.ForeignKey(
        ServiceVersion, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("version")
    )
    position = models.PositiveIntegerField(verbose_name=_("position"))
    text = models.JSONField(verbose_name=_("text"))

    class Meta:
        verbose_name = _("eligibility criterion")
        verbose_name_plural = _("eligibility criteria")
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return f"criterion {self.position}"


class SubjectRole(models.TextChoices):
    """Whom an evidence is about: the applicant, or another person the applicant names (the
    platform's fixed vocabulary; labels and questions in `catalog/subjects.py`)."""

    APPLICANT = "applicant", _("Applicant")
    SPOUSE = "spouse", _("Spouse")
    DECEASED = "deceased", _("Deceased person")
    CHILD = "child", _("Child")
    OTHER_PARENT = "other_parent", _("Other parent")


class EvidenceRequirement(models.Model):
    """Which evidence a service version asks for, in order (cv:Requirement → cv:Evidence), and
    whom it is about (`subject_role`: a survivor's pension asks for the deceased's death
    record, looked up by the deceased's national ID)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    version = models.ForeignKey(
        ServiceVersion,
        on_delete=models.CASCADE,
        related_name="evidence_requirements",
        verbose_name=_("version"),
    )
    evidence_type = models.ForeignKey(
        EvidenceType, on_delete=models.PROTECT, related_name="+", verbose_name=_("evidence type")
    )
    position = models.PositiveIntegerField(verbose_name=_("position"))
    is_mandatory = models.BooleanField(default=True, verbose_name=_("mandatory"))
    note = models.JSONField(default=dict, blank=True, verbose_name=_("note"))
    subject_role = models.CharField(
        max_length=20,
        choices=SubjectRole.choices,
        default=SubjectRole.APPLICANT,
        verbose_name=_("about whom"),
    )

    class Meta:
        verbose_name = _("evidence requirement")
        verbose_name_plural = _("evidence requirements")
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return f"evidence {self.position}: {self.evidence_type_id}"


class FeeTier(models.TextChoices):
    STANDARD = "standard", _("Standard")
    EXPRESS = "express", _("Express")


class Cost(models.Model):
    """cv:Cost: the fee for one tier of a service version."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    version = models.ForeignKey(
        ServiceVersion, on_delete=models.CASCADE, related_name="costs", verbose_name=_("version")
    )
    tier = models.CharField(max_length=10, choices=FeeTier.choices, verbose_name=_("tier"))
    amount = models.DecimalField(max_digits=14, decimal_places=2, verbose_name=_("amount"))
    currency = models.CharField(max_length=3, verbose_name=_("currency"))
    description = models.JSONField(default=dict, blank=True, verbose_name=_("description"))

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        ordering = ["version", "tier"]
        constraints = [
            models.UniqueConstraint(fields=["version", "tier"], name="one_cost_per_tier"),
        ]

    def __str__(self) -> str:
        return f"{self.tier} {self.amount} {self.currency}"


class CostExemption(models.Model):
    """A beneficiary category pays `amount` (zero for a full exemption) instead of the fee."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    cost = models.ForeignKey(
        Cost, on_delete=models.CASCADE, related_name="exemptions", verbose_name=_("fee")
    )
    beneficiary_category = models.ForeignKey(
        BeneficiaryCategory,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("beneficiary category"),
    )
    amount = models.DecimalField(
        max_digits=14, decimal_places=2, default=0, verbose_name=_("amount")
    )

    class Meta:
        verbose_name = _("fee exemption")
        verbose_name_plural = _("fee exemptions")
        constraints = [
            models.UniqueConstraint(
                fields=["cost", "beneficiary_category"], name="one_exemption_per_category"
            ),
        ]

    def __str__(self) -> str:
        return f"exemption {self.amount}"


class LifeEventKind(models.TextChoices):
    LIFE = "life", _("Life event")
    BUSINESS = "business", _("Business event")


class LifeEvent(models.Model):
    """cv:LifeEvent / cv:BusinessEvent: a situation that bundles services of several agencies.

    `is_all_or_nothing` says whether the bundle stands or falls together (a marriage needs
    every part) or each service stands alone (moving house).
    """

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    code = models.SlugField(max_length=60, unique=True, verbose_name=_("code"))
    kind = models.CharField(max_length=10, choices=LifeEventKind.choices, verbose_name=_("kind"))
    name = models.JSONField(verbose_name=_("name"))
    description = models.JSONField(default=dict, blank=True, verbose_name=_("description"))
    is_all_or_nothing = models.BooleanField(default=False, verbose_name=_("all or nothing"))
    position = models.PositiveIntegerField(default=0, verbose_name=_("position"))

    class Meta:
        verbose_name = _("life event")
        verbose_name_plural = _("life events")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.code


class LifeEventStep(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    life_event = models.ForeignKey(
        LifeEvent, on_delete=models.CASCADE, related_name="steps", verbose_name=_("life event")
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        related_name="life_event_steps",
        verbose_name=_("service"),
    )
    position = models.PositiveIntegerField(verbose_name=_("position"))
    note = models.JSONField(default=dict, blank=True, verbose_name=_("note"))

    class Meta:
        verbose_name = _("life event step")
        verbose_name_plural = _("life event steps")
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
