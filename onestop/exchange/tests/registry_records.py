"""Records in the reference registries for tests of the exchange's consumers (the portal's "my
data"): faces may not import `onestop.registries`, so their tests build registry rows here."""

from datetime import date
from decimal import Decimal

from onestop.registries.models import Address, FamilyLink, Marriage, Person, Vehicle


def registry_household(*, national_id: str, parent_national_id: str) -> Person:
    """Anna Marsh (born 12 April 1985) at 5 Mill Lane, Harbourtown, with her father Boris
    (born 1 January 1960) and one car, a 2019 Lada Niva AB-123-CD."""
    home = Address.objects.create(
        id=1,
        street="Mill Lane",
        house_number="5",
        postcode="10042",
        town="Harbourtown",
        region="capital",
        latitude=Decimal("44.512340"),
        longitude=Decimal("4.601280"),
    )
    anna = _person(national_id, "Anna", "Marsh", "F", date(1985, 4, 12), home)
    boris = _person(parent_national_id, "Boris", "Marsh", "M", date(1960, 1, 1), home)
    FamilyLink.objects.create(parent=boris, child=anna)
    Vehicle.objects.create(
        vin="1HGCM82633A004352",
        plate="AB-123-CD",
        make="Lada",
        model="Niva",
        year=2019,
        owner=anna,
        registered_on=date(2019, 5, 2),
    )
    return anna


def registry_spouse(*, person: Person, national_id: str) -> Person:
    """Carl Marsh (born 3 March 1984), married to `person` on 20 June 2010 in the capital."""
    carl = _person(national_id, "Carl", "Marsh", "M", date(1984, 3, 3), person.address)
    Marriage.objects.create(
        spouse_a=person, spouse_b=carl, married_on=date(2010, 6, 20), region="capital"
    )
    return carl


def _person(
    national_id: str, given: str, family: str, sex: str, born: date, home: Address
) -> Person:
    return Person.objects.create(
        national_id=national_id,
        given_name=given,
        family_name=family,
        sex=sex,
        birth_date=born,
        birth_region="capital",
        birth_town="Harbourtown",
        address=home,
        language="en",
    )
