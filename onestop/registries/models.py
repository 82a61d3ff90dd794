"""Tables of the six reference registries. They stand in for agencies' own systems: keyed by the
registries' natural numbers (national ID, VIN, parcel, business ID), with no link to the
platform's tables, so that the platform can reach them only through the data exchange."""

from __future__ import annotations

from django.db import models

SEXES = [("F", "female"), ("M", "male")]


class Address(models.Model):
    """A dwelling; everyone in a household shares one. Ids are given by the generator."""

    id = models.BigIntegerField(primary_key=True)
    street = models.CharField(max_length=120)
    house_number = models.CharField(max_length=10)
    postcode = models.CharField(max_length=10, db_index=True)
    town = models.CharField(max_length=80)
    region = models.CharField(max_length=40, db_index=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)

    def __str__(self) -> str:
        return f"{self.house_number} {self.street}, {self.postcode} {self.town}"


class Person(models.Model):
    """The civil registry's record of a person: birth, name, sex, address, death."""

    national_id = models.CharField(max_length=20, primary_key=True)
    given_name = models.CharField(max_length=80)
    family_name = models.CharField(max_length=80, db_index=True)
    sex = models.CharField(max_length=1, choices=SEXES)
    birth_date = models.DateField(db_index=True)
    birth_region = models.CharField(max_length=40)
    birth_town = models.CharField(max_length=80)
    death_date = models.DateField(null=True, blank=True)
    address = models.ForeignKey(Address, on_delete=models.PROTECT, related_name="residents")
    language = models.CharField(max_length=8)

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name} ({self.national_id})"


class Marriage(models.Model):
    spouse_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    spouse_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    married_on = models.DateField()
    region = models.CharField(max_length=40)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=10, blank=True)  # "death" or "divorce"

    def __str__(self) -> str:
        return f"{self.spouse_a_id} & {self.spouse_b_id}, {self.married_on}"


class FamilyLink(models.Model):
    """A parent and a child, as the birth record states."""

    parent = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    child = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"{self.parent_id} → {self.child_id}"


class IdentityDocument(models.Model):
    KINDS = [("id_card", "ID card"), ("passport", "passport")]
    STATUSES = [
        ("issued", "issued"),
        ("lost", "lost"),
        ("stolen", "stolen"),
        ("cancelled", "cancelled"),
    ]

    number = models.CharField(max_length=20, primary_key=True)
    kind = models.CharField(max_length=10, choices=KINDS)
    holder = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="documents")
    issued_on = models.DateField()
    expires_on = models.DateField()
    status = models.CharField(max_length=10, choices=STATUSES)

    def __str__(self) -> str:
        return f"{self.kind} {self.number}"


class Vehicle(models.Model):
    vin = models.CharField(max_length=17, primary_key=True)
    plate = models.CharField(max_length=12, unique=True)
    make = models.CharField(max_length=40)
    model = models.CharField(max_length=40)
    year = models.PositiveSmallIntegerField()
    owner = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="vehicles")
    registered_on = models.DateField()

    def __str__(self) -> str:
        return f"{self.plate} {self.make} {self.model}"


class PropertyTitle(models.Model):
    KINDS = [("apartment", "apartment"), ("house", "house"), ("land", "land")]

    parcel_number = models.CharField(max_length=12, primary_key=True)
    kind = models.CharField(max_length=10, choices=KINDS)
    address = models.ForeignKey(Address, on_delete=models.PROTECT, related_name="titles")
    area_m2 = models.PositiveIntegerField()
    registered_on = models.DateField()

    def __str__(self) -> str:
        return self.parcel_number


class PropertyShare(models.Model):
    """An owner's share of a title, as a fraction."""

    title = models.ForeignKey(PropertyTitle, on_delete=models.CASCADE, related_name="shares")
    owner = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="property_shares")
    numerator = models.PositiveSmallIntegerField()
    denominator = models.PositiveSmallIntegerField()

    def __str__(self) -> str:
        return f"{self.title_id}: {self.owner_id} {self.numerator}/{self.denominator}"


class Business(models.Model):
    LEGAL_FORMS = [
        ("sole_trader", "sole trader"),
        ("limited_company", "limited company"),
        ("partnership", "partnership"),
        ("cooperative", "cooperative"),
    ]

    business_id = models.CharField(max_length=20, primary_key=True)
    name = models.CharField(max_length=160, db_index=True)
    legal_form = models.CharField(max_length=20, choices=LEGAL_FORMS)
    activity_code = models.CharField(max_length=8)
    activity = models.CharField(max_length=80)
    address = models.ForeignKey(Address, on_delete=models.PROTECT, related_name="businesses")
    registered_on = models.DateField()
    dissolved_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.business_id})"


class BusinessDirector(models.Model):
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="directors")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="directorships")
    role = models.CharField(max_length=20)
    since = models.DateField()

    def __str__(self) -> str:
        return f"{self.person_id} {self.role} of {self.business_id}"


class Benefit(models.Model):
    CATEGORIES = [
        ("pensioner", "pensioner"),
        ("disability", "disability"),
        ("low_income", "low income"),
    ]

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="benefits")
    category = models.CharField(max_length=12, choices=CATEGORIES)
    since = models.DateField()
    until = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.category} for {self.person_id}"


# Every registry table, parents before children: the generator writes in this order.
TABLES = [
    Address,
    Person,
    Marriage,
    FamilyLink,
    IdentityDocument,
    Vehicle,
    PropertyTitle,
    PropertyShare,
    Business,
    BusinessDirector,
    Benefit,
]
