"""Factories of the contacts app: category groups, categories, statuses, companies, persons."""

import factory
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from contacts.models import Category, CategoryGroup, Company, GroupKind, LeadStatus, Person
from tests.factories.base import _german_phone, category, fake


class CategoryGroupFactory(DjangoModelFactory):
    class Meta:
        model = CategoryGroup
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Kategoriengruppe {n}")
    kind = GroupKind.PROSPECT
    rank = factory.Sequence(lambda n: 100 + n)


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Kategorie {n}")
    group = factory.SubFactory(CategoryGroupFactory)
    lead_status_enabled = factory.LazyAttribute(lambda c: c.group.kind == GroupKind.PROSPECT)
    rank = factory.Sequence(lambda n: 100 + n)
    active = True


class LeadStatusFactory(DjangoModelFactory):
    """Only for extra statuses; prefer `status(name)` for the default list."""

    class Meta:
        model = LeadStatus
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Status {n}")
    phase = "working"
    rank = factory.Sequence(lambda n: 100 + n)
    colour = "#6c757d"
    is_default = False


class CompanyFactory(DjangoModelFactory):
    """A company in the prospect category "Lead" (lead status applies) unless told otherwise."""

    class Meta:
        model = Company

    name = fake("company")
    category = factory.LazyFunction(lambda: category("Lead"))
    street = fake("street_address")
    postal_code = fake("postcode")
    city = fake("city")
    country = "DE"
    phone = _german_phone("89")
    email = factory.Sequence(lambda n: f"info{n}@firma-beispiel.de")
    website = factory.Sequence(lambda n: f"https://www.firma{n}-beispiel.de")
    industry = factory.Iterator(["Maschinenbau", "Energie", "Handel", "Bau", "Logistik"])
    owner = None


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    class Params:
        female = factory.Faker("pybool")

    company = factory.SubFactory(CompanyFactory)
    salutation = factory.LazyAttribute(lambda p: "Frau" if p.female else "Herr")
    first_name = factory.Maybe(
        "female", yes_declaration=fake("first_name_female"), no_declaration=fake("first_name_male")
    )
    last_name = fake("last_name")
    function = factory.Iterator(
        ["Geschäftsführer", "Einkaufsleitung", "Technischer Leiter", "Projektleitung"]
    )
    email = factory.LazyAttributeSequence(
        lambda p, n: f"{slugify(p.first_name)}.{slugify(p.last_name)}{n}@kunde-beispiel.de"
    )
    phone = _german_phone("30")
    mobile = _german_phone("151")
    owner = None
    lead_status = None
