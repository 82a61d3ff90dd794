"""Task deadlines in the pack's working days, its time zone and the SLA warning share."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from onestop.applications.deadlines import pack_calendar, task_deadlines
from onestop.catalog.models import ServiceVersion
from onestop.core.errors import InvalidInput
from onestop.core.models import CountryProfile

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def country():
    return CountryProfile.objects.create(
        code="XM",
        name={"en": "Meridia"},
        languages=["en"],
        currency="EUR",
        time_zone="Europe/Paris",
        calendar={
            "working_week": ["mon", "tue", "wed", "thu", "fri"],
            "holidays": {"fixed": [{"month": 7, "day": 9}], "dated": [{"date": "2026-05-25"}]},
        },
    )


def version(days=5, express=None):
    return ServiceVersion(processing_days=days, express_processing_days=express)


def test_five_working_days_from_a_friday_skip_the_weekend(country):
    start = datetime(2026, 6, 5, 14, 0, tzinfo=UTC)  # Friday

    deadlines = task_deadlines(version=version(5), tier="standard", start=start)

    assert deadlines.working_days == 5
    assert deadlines.due_at == datetime(2026, 6, 13, 0, 0, tzinfo=PARIS)  # end of Fri 12 June
    assert deadlines.warn_at == start + (deadlines.due_at - start) * 0.75


def test_holidays_are_not_counted(country):
    start = datetime(2026, 7, 8, 8, 0, tzinfo=UTC)  # Wednesday; Thursday 9 July is a holiday

    deadlines = task_deadlines(version=version(2), tier="standard", start=start)

    assert deadlines.due_at == datetime(2026, 7, 14, 0, 0, tzinfo=PARIS)  # Fri 10, Mon 13


def test_a_dated_holiday_counts_only_in_its_year(country):
    start = datetime(2026, 5, 22, 8, 0, tzinfo=UTC)  # Friday before Whit Monday 2026

    deadlines = task_deadlines(version=version(1), tier="standard", start=start)

    assert deadlines.due_at == datetime(2026, 5, 27, 0, 0, tzinfo=PARIS)  # Tuesday 26 May


def test_the_local_date_decides_the_first_day(country):
    # 23:30 UTC on Friday is already Saturday in Paris: counting starts from Saturday.
    start = datetime(2026, 6, 5, 23, 30, tzinfo=UTC)

    deadlines = task_deadlines(version=version(1), tier="standard", start=start)

    assert deadlines.due_at == datetime(2026, 6, 9, 0, 0, tzinfo=PARIS)  # Monday 8 June


def test_express_uses_the_express_days(country):
    start = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)  # Monday

    deadlines = task_deadlines(version=version(15, express=5), tier="express", start=start)

    assert deadlines.working_days == 5
    assert deadlines.due_at == datetime(2026, 6, 9, 0, 0, tzinfo=PARIS)


def test_express_where_none_is_offered_names_the_tier(country):
    with pytest.raises(InvalidInput) as caught:
        task_deadlines(version=version(5), tier="express", start=datetime(2026, 6, 1, tzinfo=UTC))

    assert caught.value.details["field"] == "tier"


def test_the_warning_share_is_a_setting(country, settings):
    settings.ONESTOP_SLA_WARNING_SHARE = 0.5
    start = datetime(2026, 6, 1, 22, 0, tzinfo=UTC)  # Tuesday 00:00 in Paris

    deadlines = task_deadlines(version=version(1), tier="standard", start=start)

    assert deadlines.due_at == datetime(2026, 6, 4, 0, 0, tzinfo=PARIS)  # end of Wednesday
    assert deadlines.warn_at == datetime(2026, 6, 2, 22, 0, tzinfo=UTC)  # half of 48 hours


def test_without_a_pack_monday_to_friday_in_the_server_zone():
    calendar = pack_calendar()

    assert calendar.calendar.working_week == frozenset(range(5))
    assert str(calendar.zone) == "UTC"
