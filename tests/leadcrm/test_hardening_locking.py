"""Issue 19, point 7 (activities): optimistic locking like leads — a stale form is refused
with a message and keeps the new version; a POST without version is refused."""

import pytest
from django.urls import reverse

from activities.models import Activity
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


def _post(client, activity, **changes):
    data = {
        "kind": activity.kind,
        "subject": activity.subject,
        "status": activity.status,
        "body": activity.body,
        **changes,
    }
    return client.post(reverse("activities:edit", args=[activity.pk]), data)


def test_edit_form_carries_the_version(manager_client):
    activity = ActivityFactory()
    page = manager_client.get(reverse("activities:edit", args=[activity.pk])).content.decode()
    assert f'name="version" value="{activity.version}"' in page


def test_stale_form_is_refused_and_the_kept_form_has_the_new_version(manager_client):
    activity = ActivityFactory(subject="Alt")
    loaded = activity.version
    Activity.objects.filter(pk=activity.pk).update(subject="Kollegin", version=loaded + 1)
    response = _post(manager_client, activity, subject="Meins", version=loaded)
    assert response.status_code == 200
    assert "inzwischen von jemand anderem geändert" in response.content.decode()
    assert Activity.objects.get(pk=activity.pk).subject == "Kollegin"
    assert f'name="version" value="{loaded + 1}"' in response.content.decode()
    # saving again on purpose applies the user's values
    again = _post(manager_client, activity, subject="Meins", version=loaded + 1)
    assert again.status_code == 302
    assert Activity.objects.get(pk=activity.pk).subject == "Meins"


def test_post_without_version_is_refused(manager_client):
    activity = ActivityFactory(subject="Alt")
    response = _post(manager_client, activity, subject="Ohne Version")
    assert response.status_code == 200
    assert Activity.objects.get(pk=activity.pk).subject == "Alt"
    assert "Version des Formulars fehlt" in response.content.decode()


def test_current_version_saves(manager_client):
    activity = ActivityFactory(subject="Alt")
    response = _post(manager_client, activity, subject="Neu", version=activity.version)
    assert response.status_code == 302
    stored = Activity.objects.get(pk=activity.pk)
    assert (stored.subject, stored.version) == ("Neu", activity.version + 1)


@pytest.mark.parametrize("kind", ["company", "person"])
def test_company_and_person_forms_refuse_a_post_without_version(kind, manager_client):
    from contacts.models import Company, Person
    from tests.factories import CompanyFactory, PersonFactory

    obj = CompanyFactory(name="Alt GmbH") if kind == "company" else PersonFactory(last_name="Alt")
    url = reverse(f"contacts:{kind}_edit", args=[obj.pk])
    field = "name" if kind == "company" else "last_name"
    response = manager_client.post(url, {field: "Ohne Version"})
    assert response.status_code == 200
    model = Company if kind == "company" else Person
    assert getattr(model.objects.get(pk=obj.pk), field).startswith("Alt")


def test_company_conflict_form_keeps_the_stored_version(manager_client):
    from contacts.models import Company
    from tests.factories import CompanyFactory

    company = CompanyFactory(name="Alt GmbH")
    loaded = company.version
    Company.objects.filter(pk=company.pk).update(name="Kollegin GmbH", version=loaded + 1)
    url = reverse("contacts:company_edit", args=[company.pk])
    page = manager_client.get(url).content.decode()
    assert f'name="version" value="{loaded + 1}"' in page
    response = manager_client.post(url, {"name": "Meine GmbH", "version": loaded, "country": "DE"})
    body = response.content.decode()
    assert "inzwischen von jemand anderem geändert" in body
    assert f'name="version" value="{loaded + 1}"' in body
