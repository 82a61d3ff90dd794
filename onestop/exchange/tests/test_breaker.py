import threading
from datetime import UTC, datetime

import pytest

from conftest import clock_freeze
from onestop.exchange.breaker import CircuitBreaker

START = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    return clock_freeze(monkeypatch, START)


def opened(clock, failures=3, reset_seconds=30):
    breaker = CircuitBreaker(failures=failures, reset_seconds=reset_seconds)
    for _ in range(failures):
        breaker.record_failure()
    return breaker


def test_the_breaker_opens_after_the_given_consecutive_failures(clock):
    breaker = CircuitBreaker(failures=3, reset_seconds=30)

    breaker.record_failure()
    breaker.record_failure()
    assert (breaker.state, breaker.allow()) == ("closed", True)

    breaker.record_failure()
    assert (breaker.state, breaker.allow()) == ("open", False)


def test_a_success_resets_the_count_of_consecutive_failures(clock):
    breaker = CircuitBreaker(failures=3, reset_seconds=30)

    for outcome in ["failure", "failure", "success", "failure", "failure"]:
        getattr(breaker, f"record_{outcome}")()

    assert breaker.state == "closed"


def test_an_open_breaker_lets_one_trial_through_after_the_reset_time(clock):
    breaker = opened(clock)

    clock.advance(seconds=29.9)
    assert breaker.allow() is False

    clock.advance(seconds=0.1)
    assert breaker.allow() is True
    assert breaker.state == "half_open"
    assert breaker.allow() is False  # only one trial at a time


def test_a_successful_trial_closes_the_breaker(clock):
    breaker = opened(clock)
    clock.advance(seconds=30)
    breaker.allow()

    breaker.record_success()

    assert breaker.state == "closed"
    assert [breaker.allow(), breaker.allow()] == [True, True]


def test_a_failed_trial_opens_the_breaker_for_another_reset_time(clock):
    breaker = opened(clock)
    clock.advance(seconds=30)
    breaker.allow()

    breaker.record_failure()  # one failure is enough in half-open

    assert breaker.state == "open"
    clock.advance(seconds=29)
    assert breaker.allow() is False
    clock.advance(seconds=1)
    assert breaker.allow() is True


def test_concurrent_callers_get_exactly_one_trial(clock):
    breaker = opened(clock)
    clock.advance(seconds=30)
    barrier = threading.Barrier(8)
    allowed = []

    def caller():
        barrier.wait()
        allowed.append(breaker.allow())

    threads = [threading.Thread(target=caller) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(allowed) == [False] * 7 + [True]


@pytest.mark.parametrize("failures, reset_seconds", [(0, 30), (3, -1)])
def test_a_breaker_needs_sane_limits(failures, reset_seconds):
    with pytest.raises(ValueError, match="failures ≥ 1 and reset_seconds ≥ 0"):
        CircuitBreaker(failures=failures, reset_seconds=reset_seconds)
