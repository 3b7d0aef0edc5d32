"""Lead numbers are unique and increasing, also when many leads are created at once."""

import re
import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction

from leads.models import Lead, LeadNumberCounter
from leads.services.numbering import next_lead_number
from tests.factories import LeadFactory, default_status

NUMBER_RE = re.compile(r"^L-\d{6}$")


@pytest.mark.smoke
@pytest.mark.django_db
def test_numbers_are_sequential_unique_and_formatted():
    numbers = [next_lead_number() for _ in range(5)]
    assert all(NUMBER_RE.match(n) for n in numbers)
    values = [int(n[2:]) for n in numbers]
    assert values == list(range(values[0], values[0] + 5))
    assert LeadNumberCounter.objects.get(name="lead").value == values[-1]


@pytest.mark.django_db
def test_first_number_creates_the_counter():
    LeadNumberCounter.objects.all().delete()
    assert next_lead_number() == "L-000001"
    assert next_lead_number() == "L-000002"


@pytest.mark.django_db
def test_factory_leads_get_increasing_numbers():
    leads = [LeadFactory() for _ in range(3)]
    numbers = [lead.number for lead in leads]
    assert numbers == sorted(numbers)
    assert len(set(numbers)) == 3


@pytest.mark.django_db
def test_rolled_back_transaction_does_not_consume_a_number():
    before = next_lead_number()
    with pytest.raises(RuntimeError), transaction.atomic():
        next_lead_number()
        raise RuntimeError("abort")
    after = next_lead_number()
    assert int(after[2:]) == int(before[2:]) + 1


THREADS = 8
PER_THREAD = 25


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_get_distinct_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    status = default_status()
    LeadNumberCounter.objects.all().delete()  # first creates race on the counter row too
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def worker(index: int) -> None:
        try:
            start.wait()
            for i in range(PER_THREAD):
                # each thread has its own connection; number and lead in one transaction,
                # as lead_create does
                with transaction.atomic():
                    lead = Lead.objects.create(
                        number=next_lead_number(),
                        status=status,
                        company_name=f"Parallel GmbH {index}-{i}",
                    )
                with lock:
                    numbers.append(lead.number)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not [e for e in errors if isinstance(e, IntegrityError)]
    assert not errors
    assert len(numbers) == THREADS * PER_THREAD
    assert len(set(numbers)) == THREADS * PER_THREAD
    assert sorted(int(n[2:]) for n in numbers) == list(range(1, THREADS * PER_THREAD + 1))
    assert Lead.objects.count() == THREADS * PER_THREAD
