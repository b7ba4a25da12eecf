"""Settings for the test suite: the normal settings with the test profile forced."""

import os

os.environ["JIANGUAN_ENV"] = "test"
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]  # noqa: F405

# Parallel runs on one PostgreSQL server (several developers' sessions) need distinct test databases.
_suffix = os.environ.get("JIANGUAN_TEST_DB_SUFFIX", "")
if _suffix:
    DATABASES["default"].setdefault("TEST", {})["NAME"] = f"test_jianguan_{_suffix}"  # noqa: F405

# Live-server (browser) tests must not leave connections open, or PostgreSQL cannot drop the test database.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

# The embedded database is tested in memory (Django shares it between threads). Named explicitly because
# pytest-django recognises only Django's own SQLite engine name when it gives each xdist worker its database.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"].setdefault("TEST", {}).setdefault("NAME", ":memory:")  # noqa: F405
