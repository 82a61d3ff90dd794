"""Everything the generator draws from, made once per run: names per language from Faker, the
pack's regions with a town and its coordinates, and the lists of makes, activities and forms.
Drawing from pools keeps the cost per person to a few random choices."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from faker import Faker

from onestop.packs.reading import pack_read

FAKER_LOCALES = {"en": "en_GB", "fr": "fr_FR", "ru": "ru_RU", "ar": "ar_AA", "es": "es_ES"}
POOL_SIZE = 400
STREET_WORDS = {
    "ar": ["شارع", "جادة", "طريق"],
}
MAKES = [
    ("TMB", "Skoda", ["Octavia", "Fabia", "Kodiaq"]),
    ("VF1", "Renault", ["Clio", "Megane", "Kangoo"]),
    ("VF3", "Peugeot", ["208", "308", "Partner"]),
    ("WVW", "Volkswagen", ["Golf", "Polo", "Passat"]),
    ("JTD", "Toyota", ["Corolla", "Yaris", "RAV4"]),
    ("KMH", "Hyundai", ["i20", "Tucson", "Kona"]),
    ("XTA", "Lada", ["Vesta", "Granta", "Niva"]),
    ("SAL", "Land Rover", ["Defender", "Discovery"]),
    ("W0L", "Opel", ["Corsa", "Astra"]),
    ("ZFA", "Fiat", ["Panda", "500", "Doblo"]),
]
ACTIVITIES = [
    ("01.13", "Growing of vegetables"),
    ("10.71", "Bakery"),
    ("41.20", "Construction of buildings"),
    ("43.21", "Electrical installation"),
    ("45.20", "Repair of motor vehicles"),
    ("47.11", "Retail sale in non-specialised stores"),
    ("49.32", "Taxi operation"),
    ("55.10", "Hotels"),
    ("56.10", "Restaurants"),
    ("62.01", "Computer programming"),
    ("69.20", "Accounting"),
    ("71.11", "Architecture"),
    ("85.59", "Education"),
    ("86.23", "Dental practice"),
    ("96.02", "Hairdressing"),
]
LEGAL_FORMS = ["sole_trader", "sole_trader", "limited_company", "limited_company", "partnership",
               "cooperative"]  # fmt: skip
# A business's name by legal form, in the language of its founder's household.
BUSINESS_NAMES = {
    "en": {
        "sole_trader": "{name} {activity}",
        "limited_company": "{name} {activity} Ltd",
        "partnership": "{name} & Partners",
        "cooperative": "{name} Cooperative",
    },
    "fr": {
        "sole_trader": "Établissements {name}",
        "limited_company": "{name} SARL",
        "partnership": "{name} et Associés",
        "cooperative": "Coopérative {name}",
    },
    "ru": {
        "sole_trader": "ИП {name}",
        "limited_company": "ООО «{name}»",
        "partnership": "Товарищество «{name} и партнёры»",
        "cooperative": "Кооператив «{name}»",
    },
    "ar": {
        "sole_trader": "مؤسسة {name}",
        "limited_company": "شركة {name} ذ.م.م",
        "partnership": "{name} وشركاؤه",
        "cooperative": "تعاونية {name}",
    },
}
# Where a region has no service center in the pack, its town is placed around this point.
FALLBACK_CENTRE = (44.5, 4.6)


@dataclass
class Names:
    language: str
    male: list[str]
    female: list[str]
    family_male: list[str]
    family_female: list[str]  # same index, the feminine form where the language has one
    streets: list[str]
    companies: list[str]


@dataclass
class Region:
    index: int
    code: str
    towns: list[tuple[str, float, float]]  # name, latitude, longitude; the main town first
    postcode_prefix: str


@dataclass
class Pools:
    scheme_national: dict[str, Any]
    scheme_business: dict[str, Any]
    languages: list[str]
    names: dict[str, Names] = field(default_factory=dict)
    regions: list[Region] = field(default_factory=list)


def pools_build(*, pack_dir: Path, seed: int) -> Pools:
    content = pack_read(pack_dir)
    country = content.country
    languages = [code for code in content.languages if code in FAKER_LOCALES] or ["en"]
    pools = Pools(
        scheme_national=dict(country.get("national_id") or {}),
        scheme_business=dict(country.get("business_id") or {}),
        languages=languages,
    )
    for language in languages:
        pools.names[language] = _names(language, seed)
    villages = _faker(FAKER_LOCALES[languages[0]], seed).city
    centers = [item.data for item in content.items["centers"]]
    rng = random.Random(seed)
    for index, region in enumerate(country.get("regions") or [], start=1):
        code = str(region.get("code"))
        pools.regions.append(_region(index, code, centers, villages, rng))
    if not pools.regions:
        pools.regions.append(_region(1, "national", [], villages, rng))
    return pools


def _faker(locale: str, seed: int) -> Faker:
    faker = Faker(locale)
    faker.seed_instance(seed)
    return faker


def _names(language: str, seed: int) -> Names:
    faker = _faker(FAKER_LOCALES[language], seed)
    male = sorted({faker.first_name_male() for _ in range(POOL_SIZE)})
    female = sorted({faker.first_name_female() for _ in range(POOL_SIZE)})
    family_male = sorted({faker.last_name_male() for _ in range(POOL_SIZE)})
    if language == "ru":
        family_female = [_russian_feminine(name) for name in family_male]
    else:
        family_female = list(family_male)
    if language in STREET_WORDS:
        streets = [
            f"{faker.random_element(STREET_WORDS[language])} {faker.first_name_male()}"
            for _ in range(POOL_SIZE // 2)
        ]
    else:
        streets = [faker.street_name() for _ in range(POOL_SIZE // 2)]
    companies = [faker.last_name() for _ in range(POOL_SIZE // 2)]
    return Names(
        language, male, female, family_male, family_female, sorted(set(streets)), companies
    )


def _russian_feminine(name: str) -> str:
    for masculine, feminine in (("ский", "ская"), ("ой", "ая"), ("ий", "ая")):
        if name.endswith(masculine):
            return name[: -len(masculine)] + feminine
    if name.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return name + "а"
    return name


def _region(index: int, code: str, centers: list[dict], villages, rng: random.Random) -> Region:
    """The region's town is where its first service center stands (the pack gives its address
    and coordinates); a few villages lie around it."""
    own = [center for center in centers if center.get("region") == code and "latitude" in center]
    if own:
        center = own[0]
        latitude, longitude = float(center["latitude"]), float(center["longitude"])
        address = center.get("address") or {}
        english = address.get("en", "") if isinstance(address, dict) else str(address)
        found = re.search(r"(\d{5}) ([^,.]+)", english)
        town = found.group(2) if found else code.title()
        prefix = found.group(1)[:2] if found else f"{index * 10:02d}"[:2]
    else:
        latitude = FALLBACK_CENTRE[0] + (index % 3 - 1) * 0.6
        longitude = FALLBACK_CENTRE[1] + (index // 3 - 1) * 0.8
        town, prefix = code.title(), f"{(index * 10) % 100:02d}"
    towns = [(town, latitude, longitude)]
    for _ in range(4):
        towns.append(
            (villages(), latitude + rng.uniform(-0.25, 0.25), longitude + rng.uniform(-0.3, 0.3))
        )
    return Region(index=index, code=code, towns=towns, postcode_prefix=prefix)
