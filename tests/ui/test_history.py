"""ui.history: one reading of history records for every model (names, labels, local dates)."""

import pytest
from django.utils import translation

from contacts.models import Company
from tests.factories import CompanyFactory, category
from ui.history import history_rows

pytestmark = pytest.mark.django_db


def test_changes_show_names_and_country_names_not_ids_or_codes():
    company = CompanyFactory(country="DE", category=category("Lead"))
    company.country = "AT"
    company.category = category("Kunde")
    company.save()
    with translation.override("de"):
        rows = history_rows(company.history, Company)
    changes = dict((label, (before, after)) for label, before, after in rows[0]["changes"])
    assert changes["Land"] == ("Deutschland", "Österreich")
    assert changes["Kategorie"] == ("Lead", "Kunde")
    assert rows[1]["changes"] == []  # the creation lists no changes


def test_related_names_cost_one_query_per_relation_for_a_page(django_assert_max_num_queries):
    company = CompanyFactory()
    for n in range(12):
        company.city = f"Ort {n}"
        company.save()
    with django_assert_max_num_queries(4):  # records + category + owner (+ savepoint slack)
        rows = history_rows(company.history, Company, limit=10)
    assert len(rows) == 10
