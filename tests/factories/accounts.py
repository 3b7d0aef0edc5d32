"""Factories of the accounts app: users with roles."""

import factory
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from accounts.models import User
from tests.factories.base import PASSWORD, ensure_role_groups, fake


class UserFactory(DjangoModelFactory):
    """A user; `UserFactory(roles=[Role.SALES])` puts them in the role groups."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"benutzer{n}")
    first_name = fake("first_name")
    last_name = fake("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@vertrieb.example.de")
    password = factory.django.Password(PASSWORD)
    is_active = True

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        for name in extracted:
            group = Group.objects.filter(name=name).first()
            if group is None:
                ensure_role_groups()
                group, _ = Group.objects.get_or_create(name=name)
            self.groups.add(group)
        self.__dict__.pop("_role_names", None)


class StaffAdminFactory(UserFactory):
    is_staff = True
    is_superuser = True
