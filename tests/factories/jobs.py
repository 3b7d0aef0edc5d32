"""Factories of the jobs app."""

import factory
from factory.django import DjangoModelFactory

from jobs.models import Job
from tests.factories.accounts import UserFactory


class JobFactory(DjangoModelFactory):
    class Meta:
        model = Job

    kind = "bulk_update"
    title = "Massenänderung Leads"
    created_by = factory.SubFactory(UserFactory)
