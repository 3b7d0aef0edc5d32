"""With DATABASE_REPLICA_TEST_PORT (scripts/test starts a streaming standby of the test
cluster), a "replica" alias exists from session start: a test mirror of "default", so
pytest-django creates no database there and never flushes it; its NAME becomes the test
database's, which reaches the standby by replication. The router is enabled per test."""

from __future__ import annotations

import os

from django.conf import settings

_port = os.environ.get("DATABASE_REPLICA_TEST_PORT", "")
if _port and "replica" not in settings.DATABASES:
    settings.DATABASES["replica"] = {
        **settings.DATABASES["default"],
        "PORT": _port,
        "OPTIONS": dict(settings.DATABASES["default"].get("OPTIONS", {})),
        "TEST": {"MIRROR": "default"},
    }
