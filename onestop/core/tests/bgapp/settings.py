"""Settings for worker subprocesses in tests: the real (embedded or server) settings, fast
timings, and the test app."""

from onestop.settings.base import *  # noqa: F403
from onestop.settings.base import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "onestop.core.tests.bgapp"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ONESTOP_WORKER_HEARTBEAT_SECONDS = 0.5
ONESTOP_WORKER_STALE_SECONDS = 2.0
ONESTOP_SCHEDULER_TICK_SECONDS = 0.2
ONESTOP_EVENT_MAX_ATTEMPTS = 3
ONESTOP_EVENT_RETRY_BASE_SECONDS = 0.2
