"""Database router for an optional streaming read replica (DATABASE_REPLICA_URL).

Reads go to "replica" only inside `ui.replica.replica_reads` (views decorated with
`reads_from_replica`) and only while that block has not written; everything else, every
write and every read after a write, goes to "default". Migrations run on "default" only.
Imports no app (it sits in the top layer but needs nothing above `ui`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction

from ui import replica

PRIMARY_ALIAS = "default"


class ReplicaRouter:
    def db_for_read(self, model: type, **hints: Any) -> str:
        if (
            replica.REPLICA_ALIAS in settings.DATABASES
            and replica.replica_allowed()
            # inside an open transaction on the primary, stay there (locks, consistency)
            and not transaction.get_connection(PRIMARY_ALIAS).in_atomic_block
        ):
            return replica.REPLICA_ALIAS
        return PRIMARY_ALIAS

    def db_for_write(self, model: type, **hints: Any) -> str:
        replica.note_write()
        return PRIMARY_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY_ALIAS
