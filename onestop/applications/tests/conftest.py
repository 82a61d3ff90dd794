"""Fixtures shared by the applications tests (intake's: the demo pack with a population)."""

from onestop.applications.tests.intake_fixtures import frozen, population  # noqa: F401
