"""Lead numbers ("L-000042"): gap-tolerant, never duplicated, safe under concurrency.

Why not `LeadNumberCounter.objects.get_or_create(name="lead")` followed by `value += 1;
save()`? Two requests would read the same value and both write value + 1: the second lead
then fails on the unique `Lead.number` (or, worse, a number is reused after a delete).
`Max(number) + 1` has the same race.

Instead the increment happens in the database, `UPDATE … SET value = value + 1`. The UPDATE
takes the row lock, which is held until the surrounding transaction commits, so a
concurrent caller's UPDATE waits and then increments the committed value (PostgreSQL's
READ COMMITTED re-reads the row after the wait; SQLite serialises writers anyway). Reading
the value back inside the same transaction therefore sees exactly our own increment.

Call it inside the transaction that creates the lead (`lead_create` does): if that
transaction rolls back, the increment rolls back with it, and the lock serialises only
the few milliseconds between the number and the commit. Numbers may still have gaps (a
deleted lead) – they are identifiers, not an invoice sequence.
"""

from django.db import IntegrityError, connection, transaction
from django.db.models import F

from leads.models import LeadNumberCounter

COUNTER_NAME = "lead"
NUMBER_FORMAT = "L-{value:06d}"


def _ensure_counter_row() -> None:
    """Create the counter row once; tolerate another transaction creating it at the same time.

    The insert runs in its own savepoint, so an IntegrityError from a concurrent insert
    (the loser waits on the primary key until the winner commits) rolls back only the
    savepoint, not the caller's transaction.
    """
    if LeadNumberCounter.objects.filter(name=COUNTER_NAME).exists():
        return
    try:
        with transaction.atomic():
            LeadNumberCounter.objects.get_or_create(name=COUNTER_NAME)
    except IntegrityError:
        pass  # created concurrently; the UPDATE below finds it


def next_lead_number() -> str:
    """Reserve and return the next lead number, e.g. "L-000001"."""
    with transaction.atomic():
        _ensure_counter_row()
        counter = LeadNumberCounter.objects.filter(name=COUNTER_NAME)
        counter.update(value=F("value") + 1)
        value = counter.values_list("value", flat=True).get()
    return NUMBER_FORMAT.format(value=value)


def reserve_lead_numbers(count: int) -> list[str]:
    """Reserve `count` consecutive lead numbers in one step (bulk import).

    The same single `UPDATE … SET value = value + count` as `next_lead_number`, so the
    block is race-free; call it inside the transaction that inserts the leads, as late as
    possible (the counter row stays locked until that transaction commits).
    """
    if count <= 0:
        return []
    if connection.vendor == "postgresql":
        # one statement: the increment and its result (UPDATE … RETURNING)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE leads_leadnumbercounter SET value = value + %s WHERE name = %s "
                "RETURNING value",
                [count, COUNTER_NAME],
            )
            found = cursor.fetchone()
        if found is not None:
            last = found[0]
            return [NUMBER_FORMAT.format(value=v) for v in range(last - count + 1, last + 1)]
    with transaction.atomic():
        _ensure_counter_row()
        counter = LeadNumberCounter.objects.filter(name=COUNTER_NAME)
        counter.update(value=F("value") + count)
        last = counter.values_list("value", flat=True).get()
    return [NUMBER_FORMAT.format(value=value) for value in range(last - count + 1, last + 1)]
