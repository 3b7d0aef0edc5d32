"""Lead-status rules on persons (seed 000, DESIGN §3) as parametrized tables."""

import pytest

from accounts.models import Role
from contacts import services
from contacts.errors import ConflictError, ContactError
from contacts.models import Category, CategoryGroup, GroupKind, Person
from contacts.rules import lead_status_applies
from tests.factories import CompanyFactory, PersonFactory, UserFactory, category, status

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


@pytest.fixture
def user():
    return UserFactory(roles=[Role.SALES])


def _cat(name):
    return None if name is None else category(name)


# --- which categories carry the lead status ------------------------------------------------


@pytest.mark.parametrize(
    ("category_name", "applies"),
    [
        ("Lead", True),
        ("Marketingqualifiziertes Lead", True),
        ("Verkaufschance", True),
        ("Verlorene Chance", True),
        ("Kunde", False),
        ("Partner", False),
        ("Lieferant", False),
        (None, False),
    ],
)
def test_lead_status_applies_by_category(category_name, applies):
    assert lead_status_applies(_cat(category_name)) is applies


def test_prospect_category_without_flag_does_not_apply():
    cat = Category.objects.create(
        name="Interessent ohne Status",
        group=CategoryGroup.objects.get(kind=GroupKind.PROSPECT),
        lead_status_enabled=False,
    )
    assert lead_status_applies(cat) is False


def test_predicate_and_queryset_twin_agree_on_every_category_and_person():
    """The one rule in Python (Category.uses_lead_status, Person.lead_status_applicable)
    and in SQL (Category.uses_lead_status_q, PersonQuerySet.with_lead_status_applicable)."""
    Category.objects.create(
        name="Interessent ohne Status",
        group=CategoryGroup.objects.get(kind=GroupKind.PROSPECT),
        lead_status_enabled=False,
    )
    in_sql = set(
        Category.objects.filter(Category.uses_lead_status_q()).values_list("pk", flat=True)
    )
    categories = list(Category.objects.select_related("group"))
    assert {c.pk for c in categories if lead_status_applies(c)} == in_sql
    assert in_sql and len(in_sql) < len(categories)
    persons = [PersonFactory(company=CompanyFactory(category=c)) for c in categories]
    persons.append(PersonFactory(company=None))
    applicable = set(Person.objects.with_lead_status_applicable().values_list("pk", flat=True))
    assert {p.pk for p in persons if p.lead_status_applicable} == applicable


def test_lead_status_enabled_outside_prospect_group_is_refused_by_admin_validation():
    from django.core.exceptions import ValidationError

    cat = Category(name="Kunde mit Status", group=category("Kunde").group, lead_status_enabled=True)
    with pytest.raises(ValidationError) as exc:
        cat.full_clean()
    assert "Potenzieller Kunde" in str(exc.value)


# --- new person ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("company_category", "expected_status"),
    [
        ("Lead", "Offen"),
        ("Verkaufschance", "Offen"),
        ("Kunde", None),
        ("Partner", None),
        (None, None),
    ],
)
def test_person_create_gets_default_status_only_in_applicable_company(
    user, company_category, expected_status
):
    company = CompanyFactory(category=_cat(company_category))
    person = services.person_create(data={"company": company, "last_name": "Neu"}, user=user)
    assert (person.lead_status.name if person.lead_status else None) == expected_status
    assert (person.lead_status_changed_at is not None) is (expected_status is not None)


def test_person_create_without_company_has_no_status(user):
    person = services.person_create(data={"last_name": "Solo"}, user=user)
    assert person.lead_status is None


def test_person_create_with_status_in_non_applicable_company_is_refused(user):
    company = CompanyFactory(category=category("Kunde"))
    with pytest.raises(ContactError, match="Der Lead-Status kann für diese Person nicht"):
        services.person_create(
            data={"company": company, "last_name": "X", "lead_status": status("Qualifiziert")},
            user=user,
        )


def test_category_is_never_set_on_a_person(user):
    person = PersonFactory(company=CompanyFactory(category=category("Kunde")))
    with pytest.raises(ContactError, match="erben die Kategorie"):
        services.person_update(
            person=person, data={"category": category("Lead")}, user=user, expected_version=None
        )


# --- company re-categorised --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old_category", "new_category", "old_status", "expected_status"),
    [
        # into an applicable category: everybody starts with Offen
        ("Kunde", "Lead", None, "Offen"),
        ("Kunde", "Lead", "Qualifiziert", "Offen"),
        (None, "Verkaufschance", None, "Offen"),
        ("Partner", "Marketingqualifiziertes Lead", "Disqualifiziert", "Offen"),
        # within applicable categories: status kept
        ("Lead", "Verkaufschance", "Qualifiziert", "Qualifiziert"),
        ("Lead", "Verlorene Chance", "Kontaktaufnahme", "Kontaktaufnahme"),
        # out of applicable: hidden but kept
        ("Lead", "Kunde", "Qualifiziert", "Qualifiziert"),
        ("Lead", None, "Erneut bearbeiten", "Erneut bearbeiten"),
        # non-applicable to non-applicable: untouched
        ("Kunde", "Partner", None, None),
    ],
)
def test_company_set_category(user, old_category, new_category, old_status, expected_status):
    company = CompanyFactory(category=_cat(old_category))
    persons = [
        PersonFactory(company=company, lead_status=status(old_status) if old_status else None)
        for _ in range(2)
    ]
    services.company_set_category(company=company, category=_cat(new_category), user=user)
    for person in persons:
        person.refresh_from_db()
        assert (person.lead_status.name if person.lead_status else None) == expected_status
    if expected_status == "Offen":
        assert all(p.lead_status_changed_at is not None for p in persons)


def test_company_update_with_category_change_applies_the_rule(user):
    company = CompanyFactory(category=category("Kunde"))
    person = PersonFactory(company=company)
    updated = services.company_update(
        company=company,
        data={"name": "Neuer Name GmbH", "category": category("Lead")},
        user=user,
        expected_version=company.version,
    )
    person.refresh_from_db()
    assert updated.name == "Neuer Name GmbH"
    assert updated.version > 1
    assert person.lead_status.name == "Offen"


def test_company_update_stale_version_raises_conflict(user):
    company = CompanyFactory()
    services.company_update(
        company=company, data={"name": "A"}, user=user, expected_version=company.version
    )
    with pytest.raises(ConflictError):
        services.company_update(company=company, data={"name": "B"}, user=user, expected_version=1)


# --- person lead status --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("company_category", "old_status", "new_status", "allowed"),
    [
        ("Lead", "Offen", "Qualifiziert", True),
        ("Verkaufschance", "Qualifiziert", "Disqualifiziert", True),
        ("Lead", "Offen", "Offen", True),
        ("Kunde", "Qualifiziert", "Offen", False),  # moved out: hidden, not editable
        ("Kunde", None, "Qualifiziert", False),
        (None, None, "Offen", False),
        ("Kunde", "Qualifiziert", "Qualifiziert", True),  # unchanged hidden value is not a change
    ],
)
def test_person_set_lead_status(user, company_category, old_status, new_status, allowed):
    company = CompanyFactory(category=_cat(company_category))
    person = PersonFactory(company=company, lead_status=status(old_status) if old_status else None)
    if allowed:
        updated = services.person_set_lead_status(
            person=person, status=status(new_status), user=user, expected_version=person.version
        )
        assert updated.lead_status.name == new_status
    else:
        with pytest.raises(ContactError, match="Der Lead-Status kann für diese Person nicht"):
            services.person_set_lead_status(
                person=person, status=status(new_status), user=user, expected_version=None
            )
        person.refresh_from_db()
        assert (person.lead_status.name if person.lead_status else None) == old_status


def test_persons_of_one_company_may_differ(user):
    company = CompanyFactory(category=category("Lead"))
    a = services.person_create(data={"company": company, "last_name": "A"}, user=user)
    b = services.person_create(data={"company": company, "last_name": "B"}, user=user)
    services.person_set_lead_status(
        person=a, status=status("Qualifiziert"), user=user, expected_version=a.version
    )
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.lead_status.name, b.lead_status.name) == ("Qualifiziert", "Offen")


def test_person_stale_version_raises_conflict(user):
    person = PersonFactory(company=CompanyFactory(category=category("Lead")))
    with pytest.raises(ConflictError):
        services.person_set_lead_status(
            person=person, status=status("Qualifiziert"), user=user, expected_version=99
        )


# --- person moved to another company ------------------------------------------------------------


@pytest.mark.parametrize(
    ("from_category", "to_category", "old_status", "expected_status"),
    [
        ("Kunde", "Lead", None, "Offen"),
        ("Kunde", "Lead", "Qualifiziert", "Offen"),  # hidden old value → starts again with Offen
        (None, "Verkaufschance", None, "Offen"),
        ("Lead", "Verkaufschance", "Qualifiziert", "Qualifiziert"),
        ("Lead", "Kunde", "Qualifiziert", "Qualifiziert"),  # kept, hidden
        ("Kunde", "Partner", None, None),
    ],
)
def test_person_changes_company(user, from_category, to_category, old_status, expected_status):
    person = PersonFactory(
        company=CompanyFactory(category=_cat(from_category)),
        lead_status=status(old_status) if old_status else None,
    )
    target = CompanyFactory(category=_cat(to_category))
    updated = services.person_update(
        person=person, data={"company": target}, user=user, expected_version=person.version
    )
    assert (updated.lead_status.name if updated.lead_status else None) == expected_status
    assert updated.company == target


def test_category_change_records_person_history(user):
    company = CompanyFactory(category=category("Kunde"))
    person = PersonFactory(company=company)
    before = person.history.count()
    services.company_set_category(company=company, category=category("Lead"), user=user)
    latest = person.history.order_by("-history_id").first()
    assert person.history.count() == before + 1
    assert latest.lead_status.name == "Offen" and latest.history_user == user
