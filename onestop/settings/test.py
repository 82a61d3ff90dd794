"""Test settings: fast hashing, in-memory SQLite unless ONESTOP_DATABASE_URL names another."""

import os
import tempfile

os.environ.setdefault("ONESTOP_VAR_DIR", os.path.join(tempfile.gettempdir(), "onestop-test-var"))
os.environ.setdefault("ONESTOP_DATABASE_URL", "sqlite://:memory:")

from .base import *  # noqa: E402,F403
from .base import DATABASES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {}
DEBUG = False

from .base import STATIC_ROOT  # noqa: E402

STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# The admin's tests sign in with force_login; the TOTP tests turn the requirement on themselves.
ONESTOP_STAFF_REQUIRE_TOTP = False
