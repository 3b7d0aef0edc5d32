"""Row lock of `lead_update` / `lead_set_status` on PostgreSQL.

A `SELECT … FOR UPDATE` with a join (select_related("status")) that waits for a concurrent
transaction changing the lead's status re-checks the join against the *old* status row
after that transaction commits, finds no row and raises DoesNotExist. The services lock the
lead row alone, so the waiting save sees the new version and answers ConflictError.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from leads.errors import ConflictError
from leads.models import Lead
from leads.services.lead import lead_create, lead_update
from leads.services.lifecycle import lead_set_status
from tests import factories as f
from tests.factories.leads import lead_data


def _wait_until_blocked(timeout: float = 10.0) -> bool:
    """True once another backend of this database waits for a row lock."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            # pg_stat_activity is a per-transaction snapshot unless cleared
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock' "
                "AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.05)
    return False


def _second_save(kind: str, lead_pk: int, version: int, user):
    lead = Lead.objects.get(pk=lead_pk)
    if kind == "update":
        return lead_update(
            lead=lead, data={"notes": "zweiter"}, user=user, expected_version=version
        )
    return lead_set_status(
        lead=lead, status=f.status("Qualifiziert"), user=user, expected_version=version
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["update", "set_status"])
def test_concurrent_status_change_gives_conflict_not_does_not_exist(rep, manager, kind):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    lead = lead_create(data={**lead_data(), "company_name": "Sperre GmbH"}, user=rep).lead
    version = lead.version
    contacted = f.status("Kontaktiert")
    assert lead.status_id != contacted.pk
    locked = threading.Event()
    outcome: dict[str, object] = {}

    def status_change() -> None:
        try:
            with transaction.atomic():
                lead_set_status(
                    lead=Lead.objects.get(pk=lead.pk),
                    status=contacted,
                    user=manager,
                    expected_version=version,
                )
                locked.set()
                # hold the row lock until the second save waits for it
                outcome["blocked"] = _wait_until_blocked()
        except Exception as exc:  # noqa: BLE001 - reported by the assertions
            outcome["first"] = exc
        finally:
            locked.set()
            connection.close()

    def second() -> None:
        try:
            locked.wait(timeout=10)
            _second_save(kind, lead.pk, version, rep)
            outcome["second"] = "ok"
        except Exception as exc:  # noqa: BLE001 - ConflictError expected
            outcome["second"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=status_change), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert "first" not in outcome, outcome
    assert outcome.get("blocked") is True, outcome
    assert isinstance(outcome["second"], ConflictError), outcome
    lead.refresh_from_db()
    assert lead.status_id == contacted.pk
    assert lead.version == version + 1
