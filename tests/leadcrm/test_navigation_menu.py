"""The main menu: the Aktivitäten entry and which entry is marked active."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _active(response) -> list[str]:
    return [str(i["label"]) for i in response.context["main_navigation"] if i["active"]]


def test_activities_entry_follows_personen(rep_client):
    response = rep_client.get(reverse("activities:list"))
    assert response.status_code == 200
    labels = [str(i["label"]) for i in response.context["main_navigation"]]
    assert labels.index("Aktivitäten") == labels.index("Personen") + 1
    assert _active(response) == ["Aktivitäten"]


def test_activities_entry_active_on_create(rep_client):
    response = rep_client.get(reverse("activities:create"))
    assert response.status_code == 200
    assert _active(response) == ["Aktivitäten"]


def test_activities_entry_not_active_elsewhere(rep_client):
    for url in (reverse("leads:list"), reverse("contacts:person_list")):
        response = rep_client.get(url)
        assert "Aktivitäten" not in _active(response)
    assert _active(rep_client.get(reverse("contacts:person_list"))) == ["Personen"]
