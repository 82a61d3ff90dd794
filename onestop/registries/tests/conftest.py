from datetime import date
from pathlib import Path

import pytest

AS_OF = date(2026, 6, 1)
COUNTRY = """
code: XT
name: {en: Testland}
languages: [en, ru]
currency: EUR
time_zone: Europe/Paris
national_id: {pattern: '^[0-9]{11}$', check_digit: luhn}
business_id: {pattern: '^[0-9]{9}$', check_digit: mod11}
regions:
  - {code: capital, name: {en: Capital}}
  - {code: coast, name: {en: Coast}}
"""
CENTERS = """
centers:
  - code: capital-one
    region: capital
    latitude: 44.5
    longitude: 4.6
    address: {en: "1 Main Street, 10001 Harbourtown"}
"""


@pytest.fixture
def tiny_pack(tmp_path: Path) -> Path:
    """Country and centers only: all the generator reads from a pack."""
    (tmp_path / "country.yaml").write_text(COUNTRY, encoding="utf-8")
    (tmp_path / "centers.yaml").write_text(CENTERS, encoding="utf-8")
    return tmp_path
