"""The synthetic population, one household at a time: its address, its people (a couple, a
single adult or a single parent, and children at least 18 years younger than their parents),
then what the other registries hold about them. Every draw comes from one seeded generator, so
a seed always gives the same population."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from onestop.registries import models as m
from onestop.registries.numbers import BusinessIds, NationalIds, parcel_number, vin_make
from onestop.registries.pools import (
    ACTIVITIES,
    BUSINESS_NAMES,
    LEGAL_FORMS,
    MAKES,
    Names,
    Pools,
    Region,
)
from onestop.registries.writer import RowWriter

PLATE_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
PLATE_SPACE = len(PLATE_LETTERS) ** 4 * 1000


def years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28)


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


@dataclass
class Member:
    national_id: str
    sex: str
    birth: date
    death: date | None = None

    @property
    def alive(self) -> bool:
        return self.death is None


@dataclass
class Counters:
    address: int = 0
    marriage: int = 0
    link: int = 0
    id_card: int = 0
    passport: int = 0
    vehicle: int = 0
    share: int = 0
    director: int = 0
    benefit: int = 0
    parcels: dict[int, int] = field(default_factory=dict)


class PopulationGenerator:
    def __init__(self, *, pools: Pools, seed: int, as_of: date, writer: RowWriter) -> None:
        self.pools = pools
        self.rng = random.Random(seed)
        self.as_of = as_of
        self.today = as_of.toordinal()
        self.writer = writer
        self.national_ids = NationalIds(pools.scheme_national)
        self.business_ids = BusinessIds(pools.scheme_business, start=10_000_000 + seed % 997)
        self.count = Counters()
        self.language_weights = [4 if i == 0 else 2 for i in range(len(pools.languages))]
        self.region_weights = [3 if i == 0 else 1 for i in range(len(pools.regions))]

    # --- households -----------------------------------------------------------------------

    def household(self, *, remaining: int) -> int:
        """Writes one household of at most `remaining` people; returns how many it made."""
        rng = self.rng
        language = rng.choices(self.pools.languages, self.language_weights)[0]
        names = self.pools.names[language]
        region = rng.choices(self.pools.regions, self.region_weights)[0]
        address_id = self._address(region, names)
        family = rng.randrange(len(names.family_male))
        shape = rng.random()
        if remaining == 1 or shape < 0.28:
            adults = [self._adult(rng.choice("FM"), 18, 92)]
        elif shape < 0.9:
            adults = self._couple()
        else:
            adults = [self._adult(rng.choice("FFFM"), 22, 55)]
        raising = (len(adults) == 2 and shape >= 0.46) or shape >= 0.9
        room = remaining - len(adults) if raising else 0
        children = self._children(adults, room)
        household = adults + children
        for member in household:
            self._person_write(member, names, family, language, address_id, region)
        if len(adults) == 2:
            self._marriage_write(adults, children, region)
        for child in children:
            for parent in adults:
                self.count.link += 1
                self.writer.add(
                    m.FamilyLink, (self.count.link, parent.national_id, child.national_id)
                )
        self._registries_write(household, adults, address_id, region, names, family)
        return len(household)

    def _birth(self, age_low: int, age_high: int) -> date:
        age = min(age_high, int(self.rng.triangular(age_low, age_high + 1, age_low + 15)))
        return date.fromordinal(self.today - age * 365 - self.rng.randrange(365))

    def _adult(self, sex: str, age_low: int, age_high: int) -> Member:
        birth = self._birth(age_low, age_high)
        return Member(self.national_ids.issue(birth), sex, birth)

    def _couple(self) -> list[Member]:
        rng = self.rng
        first = self._birth(20, 92)
        gap = rng.randint(-3, 6) * 365 + rng.randrange(365)
        second = date.fromordinal(min(first.toordinal() + gap, self.today - 18 * 366))
        man = Member(self.national_ids.issue(first), "M", first)
        woman = Member(self.national_ids.issue(second), "F", second)
        elder = min(man.birth, woman.birth)
        if age_on(elder, self.as_of) >= 70 and rng.random() < 0.3:
            widowed = man if rng.random() < 0.7 else woman
            widowed.death = date.fromordinal(self.today - rng.randrange(1, 8 * 365))
        return [man, woman]

    def _children(self, parents: list[Member], room: int) -> list[Member]:
        if room <= 0:
            return []
        youngest = max(parent.birth for parent in parents)
        latest = min(self.today, years_after(youngest, 44).toordinal())
        earliest = years_after(youngest, 18).toordinal()
        if latest <= earliest:
            return []
        count = min(room, self.rng.choice((1, 1, 2, 2, 2, 3, 4)))
        children = []
        for _ in range(count):
            birth = date.fromordinal(self.rng.randint(earliest, latest))
            if age_on(birth, self.as_of) > 30:  # grown children have homes of their own
                continue
            sex = self.rng.choice("FM")
            children.append(Member(self.national_ids.issue(birth), sex, birth))
        return children

    # --- civil registry -------------------------------------------------------------------

    def _address(self, region: Region, names: Names) -> int:
        rng = self.rng
        town, latitude, longitude = region.towns[0 if rng.random() < 0.6 else rng.randrange(5)]
        self.count.address += 1
        self.writer.add(
            m.Address,
            (
                self.count.address,
                rng.choice(names.streets),
                str(rng.randint(1, 240)),
                f"{region.postcode_prefix}{rng.randrange(1000):03d}",
                town,
                region.code,
                f"{latitude + rng.uniform(-0.03, 0.03):.6f}",
                f"{longitude + rng.uniform(-0.04, 0.04):.6f}",
            ),
        )
        return self.count.address

    def _person_write(
        self, member: Member, names: Names, family: int, language: str, address: int, region: Region
    ) -> None:
        rng = self.rng
        female = member.sex == "F"
        given = rng.choice(names.female if female else names.male)
        family_name = (names.family_female if female else names.family_male)[family]
        born_in = region if rng.random() < 0.7 else rng.choice(self.pools.regions)
        town = born_in.towns[rng.randrange(5)][0]
        death = member.death.isoformat() if member.death else None
        self.writer.add(
            m.Person,
            (
                member.national_id,
                given,
                family_name,
                member.sex,
                member.birth.isoformat(),
                born_in.code,
                town,
                death,
                address,
                language,
            ),
        )

    def _marriage_write(self, couple: list[Member], children: list[Member], region: Region) -> None:
        rng = self.rng
        adult_from = years_after(max(p.birth for p in couple), 18).toordinal()
        death = next((p.death for p in couple if p.death), None)
        events = [c.birth.toordinal() for c in children] + [death.toordinal() if death else 0]
        until = min([day for day in events if day] + [self.today])
        married = date.fromordinal(max(adult_from, until - rng.randrange(6 * 365)))
        self.count.marriage += 1
        self.writer.add(
            m.Marriage,
            (
                self.count.marriage,
                couple[0].national_id,
                couple[1].national_id,
                married.isoformat(),
                region.code,
                death.isoformat() if death else None,
                "death" if death else "",
            ),
        )

    # --- the other registries -------------------------------------------------------------

    def _registries_write(
        self,
        household: list[Member],
        adults: list[Member],
        address: int,
        region: Region,
        names: Names,
        family: int,
    ) -> None:
        rng = self.rng
        for member in household:
            self._documents_write(member)
            self._benefits_write(member)
            grown = member.alive and age_on(member.birth, self.as_of) >= 18
            if grown and rng.random() < 0.4:
                for _ in range(2 if rng.random() < 0.1 else 1):
                    self._vehicle_write(member)
            if grown and age_on(member.birth, self.as_of) <= 75 and rng.random() < 0.05:
                self._business_write(member, adults, address, region, names, family)
        owners = [adult for adult in adults if adult.alive]
        if owners and rng.random() < 0.3:
            self._property_write(owners, address, region)
        if owners and rng.random() < 0.07:
            self._low_income_write(owners)

    def _documents_write(self, member: Member) -> None:
        rng = self.rng
        end = member.death.toordinal() if member.death else self.today
        from_age_12 = years_after(member.birth, 12).toordinal()
        if end > from_age_12 and rng.random() < 0.95:
            issued = date.fromordinal(max(from_age_12, end - rng.randrange(10 * 365)))
            years = 10 if age_on(member.birth, issued) >= 18 else 5
            self.count.id_card += 1
            self._document(f"C{self.count.id_card:08d}", "id_card", member, issued, years)
        if rng.random() < 0.3:
            issued = date.fromordinal(max(member.birth.toordinal(), end - rng.randrange(10 * 365)))
            self.count.passport += 1
            serial = self.count.passport
            letter = PLATE_LETTERS[serial // 10**7 % len(PLATE_LETTERS)]
            self._document(f"P{letter}{serial % 10**7:07d}", "passport", member, issued, 5)

    def _document(self, number: str, kind: str, member: Member, issued: date, years: int) -> None:
        chance = self.rng.random()
        status = "cancelled" if member.death else "issued"
        if member.alive and chance < 0.015:
            status = "lost" if chance < 0.01 else "stolen"
        expires = years_after(issued, years)
        self.writer.add(
            m.IdentityDocument,
            (number, kind, member.national_id, issued.isoformat(), expires.isoformat(), status),
        )

    def _vehicle_write(self, owner: Member) -> None:
        rng = self.rng
        wmi, make, models = rng.choice(MAKES)
        year = rng.randint(max(1995, self.as_of.year - 25), self.as_of.year)
        self.count.vehicle += 1
        serial = self.count.vehicle
        descriptor = "".join(rng.choices("ABCDEFGHJKLMNPRSTUVWXYZ0123456789", k=5))
        spread = serial * 829_348_951 % PLATE_SPACE  # a bijection: coprime to the space
        letters = spread // 1000
        plate = "".join(PLATE_LETTERS[letters // 23**k % 23] for k in range(4))
        registered = date.fromordinal(rng.randint(date(year, 1, 1).toordinal(), self.today))
        self.writer.add(
            m.Vehicle,
            (
                vin_make(wmi, descriptor, year, serial),
                f"{plate[:2]}-{spread % 1000:03d}-{plate[2:]}",
                make,
                rng.choice(models),
                year,
                owner.national_id,
                max(registered, years_after(owner.birth, 18)).isoformat(),
            ),
        )

    def _property_write(self, owners: list[Member], address: int, region: Region) -> None:
        rng = self.rng
        serial = self.count.parcels.get(region.index, 0)
        self.count.parcels[region.index] = serial + 1
        parcel = parcel_number(region.index % 100, serial // 9999 + 1, serial % 9999 + 1)
        kind = rng.choice(("apartment", "apartment", "house", "house", "land"))
        area = {"apartment": (28, 140), "house": (60, 320), "land": (400, 20000)}[kind]
        adult_from = years_after(max(o.birth for o in owners), 18).toordinal()
        registered = date.fromordinal(rng.randint(min(adult_from, self.today), self.today))
        self.writer.add(
            m.PropertyTitle,
            (parcel, kind, address, rng.randint(*area), registered.isoformat()),
        )
        for owner in owners:
            self.count.share += 1
            self.writer.add(
                m.PropertyShare, (self.count.share, parcel, owner.national_id, 1, len(owners))
            )

    def _business_write(
        self,
        person: Member,
        adults: list[Member],
        address: int,
        region: Region,
        names: Names,
        family: int,
    ) -> None:
        rng = self.rng
        form = rng.choice(LEGAL_FORMS)
        code, activity = rng.choice(ACTIVITIES)
        if form != "sole_trader" and rng.random() < 0.6:
            address = self._address(region, names)
        adult_from = years_after(person.birth, 18).toordinal()
        registered = rng.randint(max(adult_from, self.today - 30 * 365), self.today)
        dissolved = None
        if rng.random() < 0.1 and registered < self.today:
            dissolved = date.fromordinal(rng.randint(registered + 1, self.today)).isoformat()
        business_id = self.business_ids.issue()
        template = BUSINESS_NAMES.get(names.language, BUSINESS_NAMES["en"])[form]
        own_name = (names.family_female if person.sex == "F" else names.family_male)[family]
        founder = own_name if form == "sole_trader" else rng.choice(names.companies)
        self.writer.add(
            m.Business,
            (
                business_id,
                template.format(name=founder, activity=activity),
                form,
                code,
                activity,
                address,
                date.fromordinal(registered).isoformat(),
                dissolved,
            ),
        )
        partners = [a for a in adults if a is not person and a.alive and form != "sole_trader"]
        directors = [person] + (partners[:1] if rng.random() < 0.3 else [])
        for director in directors:
            self.count.director += 1
            since = max(registered, years_after(director.birth, 18).toordinal())
            role = "owner" if form == "sole_trader" else "director"
            self.writer.add(
                m.BusinessDirector,
                (
                    self.count.director,
                    business_id,
                    director.national_id,
                    role,
                    date.fromordinal(min(since, self.today)).isoformat(),
                ),
            )

    def _benefit(self, member: Member, category: str, since: date, until: date | None) -> None:
        self.count.benefit += 1
        self.writer.add(
            m.Benefit,
            (
                self.count.benefit,
                member.national_id,
                category,
                since.isoformat(),
                until.isoformat() if until else None,
            ),
        )

    def _benefits_write(self, member: Member) -> None:
        end = member.death or self.as_of
        if age_on(member.birth, end) >= 65:
            self._benefit(member, "pensioner", years_after(member.birth, 65), member.death)
        if member.alive and self.rng.random() < 0.03:
            since = self.rng.randint(member.birth.toordinal(), self.today)
            self._benefit(member, "disability", date.fromordinal(since), None)

    def _low_income_write(self, owners: list[Member]) -> None:
        rng = self.rng
        since = self.today - rng.randrange(6 * 365)
        ended = rng.random() < 0.4 and since + 366 < self.today
        until = date.fromordinal(rng.randint(since + 365, self.today)) if ended else None
        for owner in owners:
            start = max(since, years_after(owner.birth, 18).toordinal())
            if until and start > until.toordinal():
                continue
            self._benefit(owner, "low_income", date.fromordinal(start), until)
