"""The login backend reads the user and the role names in one query."""

import pytest
from django.contrib.auth.models import Group

from accounts.backends import RoleModelBackend
from accounts.models import Role
from tests.factories import UserFactory


@pytest.mark.django_db
def test_user_and_roles_in_one_query(django_assert_num_queries):
    user = UserFactory()
    for name in (Role.SALES, Role.MARKETING, "Extern, mit Komma"):
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    with django_assert_num_queries(1):
        loaded = RoleModelBackend().get_user(user.pk)
        assert loaded.has_role(Role.MARKETING)
        assert not loaded.has_role(Role.SALES_MANAGER)
    assert loaded._role_names == {Role.SALES, Role.MARKETING, "Extern, mit Komma"}


@pytest.mark.django_db
def test_without_groups_and_inactive():
    lonely = UserFactory()
    assert RoleModelBackend().get_user(lonely.pk)._role_names == set()
    gone = UserFactory(is_active=False)
    assert RoleModelBackend().get_user(gone.pk) is None
    assert RoleModelBackend().get_user(10**9) is None


@pytest.mark.django_db
def test_role_change_applies_at_the_next_request(rep, rep_client):
    from django.urls import reverse

    assert rep_client.get(reverse("leads:list")).status_code == 200
    rep.groups.clear()
    assert rep_client.get(reverse("leads:list")).status_code == 403
