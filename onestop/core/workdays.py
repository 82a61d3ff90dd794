"""The working-day calendar that statutory deadlines are counted in.

A country pack gives the working week and its public holidays: either the `holidays` library's
calendar for a real country (with optional subdivision) or its own list of fixed dates (every
year) and single dates (one year only), which a fictional or unlisted country needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import holidays as holidays_library

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class WorkingCalendar:
    working_week: frozenset[int] = frozenset(range(5))
    fixed_holidays: frozenset[tuple[int, int]] = frozenset()
    dated_holidays: frozenset[date] = frozenset()
    library_country: str | None = None
    library_subdivision: str | None = None
    _cache: dict[int, frozenset[date]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_pack(cls, spec: dict) -> WorkingCalendar:
        holidays_spec = spec.get("holidays", {})
        library = holidays_spec.get("library") or {}
        return cls(
            working_week=frozenset(WEEKDAYS.index(day) for day in spec.get("working_week", [])),
            fixed_holidays=frozenset(
                (int(item["month"]), int(item["day"])) for item in holidays_spec.get("fixed", [])
            ),
            dated_holidays=frozenset(
                date.fromisoformat(str(item["date"])) for item in holidays_spec.get("dated", [])
            ),
            library_country=library.get("country"),
            library_subdivision=library.get("subdivision"),
        )

    def holidays_in(self, year: int) -> frozenset[date]:
        if year not in self._cache:
            days = {date(year, month, day) for month, day in self.fixed_holidays}
            days |= {day for day in self.dated_holidays if day.year == year}
            if self.library_country:
                days |= set(
                    holidays_library.country_holidays(
                        self.library_country, subdiv=self.library_subdivision, years=year
                    )
                )
            self._cache[year] = frozenset(days)
        return self._cache[year]

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.working_week and day not in self.holidays_in(day.year)

    def add_working_days(self, start: date, days: int) -> date:
        """The date `days` working days after `start`; the start day itself never counts."""
        if days < 0:
            raise ValueError("days must be zero or more")
        if not self.working_week:
            raise ValueError("a calendar without working days cannot count deadlines")
        current = start
        remaining = days
        while remaining:
            current += timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`."""
        count = 0
        current = start
        while current < end:
            current += timedelta(days=1)
            count += self.is_working_day(current)
        return count
