"""Liveness and readiness for load balancers, orchestrators and docker-compose.

- `/health/live/`: the process answers (no dependency is asked, so a database outage
  does not make the orchestrator restart every web container).
- `/health/ready/`: may this process take traffic? django-health-check's database, cache
  and storage probes plus two of ours: the Celery broker accepts a connection, and every
  migration on disk is applied (a web container started before the `migrate` service
  finished is not ready). 503 names the failing check.
- `/health/` (leadcrm.views.health): the database only, kept for existing probes.

No login, no personal data: the answer names checks and their generic error text only.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from health_check import checks as library_checks
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView
from kombu import Connection


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker (settings.CELERY_BROKER_URL, read per probe) accepts a connection."""

    timeout = datetime.timedelta(seconds=3)

    def run(self) -> None:
        options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None) or {}
        try:
            with Connection(
                settings.CELERY_BROKER_URL, connect_timeout=2, transport_options=options
            ) as connection:
                connection.ensure_connection(max_retries=1, interval_start=0, timeout=2)
        except Exception as exc:  # noqa: BLE001 - any transport error means "unreachable"
            raise ServiceUnavailable("broker unreachable") from exc


@dataclasses.dataclass
class Migrations(HealthCheck):
    """Every migration the code ships is applied to the database."""

    alias: str = DEFAULT_DB_ALIAS

    def run(self) -> None:
        connection = connections[self.alias]
        try:
            executor = MigrationExecutor(connection)
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except Exception as exc:  # noqa: BLE001 - no database, no answer
            raise ServiceUnavailable("migration state unknown") from exc
        finally:
            # the probe runs in a worker thread: do not leave its connection behind
            connection.close()
        if plan:
            raise ServiceUnavailable(f"{len(plan)} migrations not applied")


# the check name each probe is reported under
CHECKS: dict[str, HealthCheck] = {
    "database": library_checks.Database(),
    "cache": library_checks.Cache(),
    "broker": Broker(),
    "storage": library_checks.Storage(),
    "migrations": Migrations(),
}


class ReadinessView(HealthCheckView):
    """JSON only: {"status": "ok"|"error", "checks": {name: "ok" | error}}; 503 on an error."""

    async def get(self, request, *args, **kwargs):
        names = list(CHECKS)
        results = await asyncio.gather(*(CHECKS[name].get_result() for name in names))
        answers = {
            name: "ok" if result.error is None else str(result.error)
            for name, result in zip(names, results, strict=True)
        }
        failing = [name for name, result in zip(names, results, strict=True) if result.error]
        body = {"status": "error" if failing else "ok", "checks": answers}
        if failing:
            body["failing"] = failing
        return JsonResponse(body, status=503 if failing else 200)


ready = login_not_required(ReadinessView.as_view())


@login_not_required
@never_cache
@require_GET
def live(request: HttpRequest) -> JsonResponse:
    """The process is up and serving requests; asks no dependency."""
    return JsonResponse({"status": "ok"})
