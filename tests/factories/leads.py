"""Factories of the leads app: campaigns, leads, lead contacts."""

import datetime as dt
import itertools

import factory
from django.utils import timezone
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from leads.models import (
    AssignmentMember,
    AssignmentRule,
    Campaign,
    Lead,
    LeadContact,
)
from leads.services.numbering import next_lead_number
from tests.factories.base import _as_obj, _german_phone, default_status, fake, interest
from tests.factories.contacts import PersonFactory


class CampaignFactory(DjangoModelFactory):
    class Meta:
        model = Campaign
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Frühjahrsaktion {2026 + n // 100}-{n}")
    slug = factory.LazyAttribute(lambda c: slugify(c.name))
    description = "Kampagne zur Gewinnung neuer Interessenten."
    start_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=14))
    end_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=60))
    active = True


class LeadFactory(DjangoModelFactory):
    """A lead in the default status ("Offen"); `interests=["Windkraft", obj]` sets interests."""

    class Meta:
        model = Lead
        skip_postgeneration_save = True

    class Params:
        female = factory.Faker("pybool")

    number = factory.LazyFunction(next_lead_number)
    company_name = fake("company")
    salutation = factory.LazyAttribute(lambda o: "Frau" if o.female else "Herr")
    first_name = factory.Maybe(
        "female", yes_declaration=fake("first_name_female"), no_declaration=fake("first_name_male")
    )
    last_name = fake("last_name")
    status = factory.LazyFunction(default_status)
    source = None
    type = None
    function = "Einkaufsleitung"
    street = fake("street_address")
    postal_code = fake("postcode")
    city = fake("city")
    country = "DE"
    phone = _german_phone("40")
    email = factory.LazyAttributeSequence(
        lambda o, n: f"{slugify(o.first_name)}.{slugify(o.last_name)}{n}@interessent-beispiel.de"
    )

    @factory.post_generation
    def interests(self, create, extracted, **kwargs):
        if create and extracted:
            self.interests.set([_as_obj(i, interest) for i in extracted])


class LeadContactFactory(DjangoModelFactory):
    class Meta:
        model = LeadContact

    lead = factory.SubFactory(LeadFactory)
    person = factory.SubFactory(PersonFactory)
    is_main = False


# --- Helpers for the jobs/distribution tests: many leads fast, rules with members.

_numbers = itertools.count(1)


def bulk_leads(n: int, **fields) -> list[Lead]:
    """`n` leads in one INSERT (no factories, no history), numbered J-<seq>."""
    fields.setdefault("status", default_status())
    leads = [
        Lead(number=f"J-{next(_numbers):07d}", company_name=f"Firma {i}", **fields)
        for i in range(n)
    ]
    return Lead.objects.bulk_create(leads, batch_size=2000)


def make_rule(name="Alle", *, members=(), rank=0, **fields) -> AssignmentRule:
    """A rule; `members` is a sequence of users or (user, weight) pairs."""
    rule = AssignmentRule.objects.create(name=name, rank=rank, **fields)
    for entry in members:
        user, weight = entry if isinstance(entry, tuple) else (entry, 1)
        AssignmentMember.objects.create(rule=rule, user=user, weight=weight)
    return rule


def days_ago(days: int) -> dt.date:
    from django.utils import timezone

    return timezone.localdate() - dt.timedelta(days=days)


def lead_data(**overrides) -> dict:
    """The least `data` a lead service accepts (leads.models.lead.lead_identity_errors:
    a company or a name, an e-mail or a phone), plus `overrides`."""
    return {
        "company_name": "Testkunde GmbH",
        "last_name": "Muster",
        "email": "kontakt@testkunde-beispiel.de",
        **overrides,
    }
