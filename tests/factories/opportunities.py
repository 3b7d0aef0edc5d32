"""Factories of the opportunities app."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from opportunities.models import Opportunity, OpportunityKind, OpportunityStatus
from tests.factories.contacts import CompanyFactory, PersonFactory


class OpportunityFactory(DjangoModelFactory):
    class Meta:
        model = Opportunity

    kind = OpportunityKind.OFFER
    title = factory.Sequence(lambda n: f"Angebot Photovoltaikanlage {n}")
    status = OpportunityStatus.OPEN
    company = factory.SubFactory(CompanyFactory)
    person = factory.SubFactory(PersonFactory, company=factory.SelfAttribute("..company"))
    lead = None
    amount = factory.Sequence(lambda n: Decimal("25000.00") + n * 1000)
    expected_close = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=45))
    description = "Angebot nach Vor-Ort-Termin."
    owner = None
