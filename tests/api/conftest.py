import pytest
from rest_framework.test import APIClient

from accounts.models import TokenScope
from accounts.tokens import api_token_create


def token_client(user, scope=TokenScope.WRITE, name="Zapier"):
    token, secret = api_token_create(user=user, name=name, scope=scope)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    client.token = token
    client.secret = secret
    return client


@pytest.fixture
def rep_api(rep):
    return token_client(rep)


@pytest.fixture
def teammate_api(teammate):
    return token_client(teammate)


@pytest.fixture
def manager_api(manager):
    return token_client(manager)
