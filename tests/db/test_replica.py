"""Read-replica routing (leadcrm.db_router + ui.replica).

The routing rules are tested without a replica (the router's decisions); the real-replica
tests need a streaming standby of the test cluster (scripts/test: start_pg_replica, which
exports DATABASE_REPLICA_TEST_PORT). They pause WAL replay on the replica, create a lead on
the primary and show which side a request read from: the replica does not have the lead yet.
"""

from __future__ import annotations

import os
import time

import pytest
from django.db import DatabaseError, connections
from django.test import override_settings
from django.urls import reverse

from leadcrm.db_router import ReplicaRouter
from leads.models import Lead
from tests.api.conftest import token_client
from tests.factories import LeadFactory
from ui import replica

REPLICA_PORT = os.environ.get("DATABASE_REPLICA_TEST_PORT", "")
ROUTER = ["leadcrm.db_router.ReplicaRouter"]


def test_without_replica_everything_goes_to_default(settings):
    router = ReplicaRouter()
    with override_settings(DATABASES={"default": settings.DATABASES["default"]}):
        with replica.replica_reads():
            assert router.db_for_read(Lead) == "default"
        assert router.db_for_write(Lead) == "default"


def test_router_rules_with_a_replica_alias(db, settings):
    router = ReplicaRouter()
    dbs = {**settings.DATABASES, "replica": settings.DATABASES["default"]}
    with override_settings(DATABASES=dbs):
        # outside a marked view: primary
        assert router.db_for_read(Lead) == "default"
        with replica.replica_reads():
            # pytest's test case runs in a transaction on the primary: stay there
            assert router.db_for_read(Lead) == "default"
        assert router.db_for_write(Lead) == "default"
        assert router.allow_migrate("replica", "leads") is False
        assert router.allow_migrate("default", "leads") is True


def test_write_inside_block_switches_reads_to_primary():
    with replica.replica_reads():
        assert replica.replica_allowed()
        ReplicaRouter().db_for_write(Lead)
        assert not replica.replica_allowed()
    assert not replica.replica_allowed()  # nothing leaks out of the block


def test_decorator_sets_and_resets_state():
    seen = []

    @replica.reads_from_replica
    def view():
        seen.append(replica.replica_allowed())

    view()
    assert seen == [True]
    assert not replica.replica_allowed()


# ------------------------------------------------------------------ real streaming replica

needs_replica = pytest.mark.skipif(
    not REPLICA_PORT, reason="no streaming replica (DATABASE_REPLICA_TEST_PORT; scripts/test)"
)


def _wait_for_replay(timeout: float = 20.0) -> None:
    with connections["default"].cursor() as cur:
        cur.execute("SELECT pg_current_wal_lsn()")
        lsn = cur.fetchone()[0]
    deadline = time.monotonic() + timeout
    with connections["replica"].cursor() as cur:
        while True:
            cur.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
            if cur.fetchone()[0]:
                return
            if time.monotonic() > deadline:
                raise AssertionError("replica did not catch up")
            time.sleep(0.05)


@pytest.fixture
def real_replica(settings):
    """The router on, the standby caught up; replay resumed afterwards."""
    settings.DATABASE_ROUTERS = ROUTER
    _wait_for_replay()
    yield
    with connections["replica"].cursor() as cur:
        cur.execute("SELECT pg_wal_replay_resume()")


def _pause_replay() -> None:
    with connections["replica"].cursor() as cur:
        cur.execute("SELECT pg_is_in_recovery()")
        assert cur.fetchone()[0] is True
        cur.execute("SELECT pg_wal_replay_pause()")


@needs_replica
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_marked_views_read_from_the_replica(real_replica, rep_client, rep):
    old = LeadFactory(appointment_with=rep, company_name="Altbestand Replika GmbH")
    _wait_for_replay()
    _pause_replay()
    new = LeadFactory(appointment_with=rep, company_name="Neuzugang Replika GmbH")

    # Suchen: served by the replica, which has the old lead but not the new one
    page = rep_client.get(reverse("search:results"), {"q": "Replika"})
    assert page.status_code == 200
    html = page.content.decode()
    assert old.company_name in html and new.company_name not in html

    # API list endpoint: replica; the API detail (unmarked) reads the primary
    api = token_client(rep)
    listed = api.get("/api/v1/leads/")
    assert listed.status_code == 200
    ids = {row["id"] for row in listed.json()["results"]}
    assert old.pk in ids and new.pk not in ids
    assert api.get(f"/api/v1/leads/{new.pk}/").status_code == 200

    # dashboard answers from the replica too (no 500, no write)
    assert rep_client.get(reverse("boards:dashboard")).status_code == 200

    # an unmarked read (the ORM outside a marked view) sees the primary
    assert Lead.objects.filter(pk=new.pk).exists()


@needs_replica
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_read_after_write_in_the_same_block_hits_the_primary(real_replica, rep):
    lead = LeadFactory(appointment_with=rep, company_name="Vorher")
    _wait_for_replay()
    _pause_replay()
    with replica.replica_reads():
        assert Lead.objects.filter(pk=lead.pk).exists()  # replica has it
        assert Lead.objects.all().db == "replica"
        Lead.objects.filter(pk=lead.pk).update(company_name="Nachher")  # write: primary
        assert Lead.objects.all().db == "default"
        assert Lead.objects.get(pk=lead.pk).company_name == "Nachher"
    with connections["replica"].cursor() as cur:  # replay paused: replica still old
        cur.execute("SELECT company_name FROM leads_lead WHERE id = %s", [lead.pk])
        assert cur.fetchone()[0] == "Vorher"


@needs_replica
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_writes_never_reach_the_replica(real_replica, rep):
    with replica.replica_reads():
        lead = LeadFactory(appointment_with=rep)  # routed to the primary
    assert lead._state.db == "default"
    # and the replica refuses a write that bypasses the router
    with pytest.raises(DatabaseError):
        Lead.objects.using("replica").filter(pk=lead.pk).update(company_name="x")
