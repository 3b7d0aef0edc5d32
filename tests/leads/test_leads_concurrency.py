"""Optimistic locking under real concurrency (PostgreSQL): two saves of the same version,
exactly one wins, the other gets a ConflictError naming the winner."""

import threading

import pytest
from django.db import connection

from leads.errors import ConflictError
from leads.models import Lead
from leads.services.lead import lead_create, lead_update
from tests.factories.leads import lead_data

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_concurrent_saves_of_same_version(rep, teammate):
    lead = lead_create(data={**lead_data(), "company_name": "Parallel GmbH"}, user=rep).lead
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def save(name, user, city):
        try:
            barrier.wait(timeout=10)
            lead_update(
                lead=Lead.objects.get(pk=lead.pk),
                data={"city": city},
                user=user,
                expected_version=1,
            )
            results[name] = "ok"
        except ConflictError as exc:
            results[name] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=("a", rep, "Kiel")),
        threading.Thread(target=save, args=("b", teammate, "Bonn")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    outcomes = sorted(type(v).__name__ if v != "ok" else "ok" for v in results.values())
    assert outcomes == ["ConflictError", "ok"]
    lead.refresh_from_db()
    assert lead.version == 2
    winner = rep if results["a"] == "ok" else teammate
    loser_error = results["b"] if results["a"] == "ok" else results["a"]
    assert loser_error.changed_by == winner
    assert ("Ort", "—", lead.city) in loser_error.changes
