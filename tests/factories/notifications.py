"""Factories of the notifications app."""

import factory
from factory.django import DjangoModelFactory

from notifications.models import Kind, Notification, Priority
from tests.factories.accounts import UserFactory


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = Kind.ENTITY
    priority = Priority.B
    title = factory.Sequence(lambda n: f"Neuer Lead zugewiesen ({n})")
    text = "Bitte nehmen Sie innerhalb von 24 Stunden Kontakt auf."
    url = ""
