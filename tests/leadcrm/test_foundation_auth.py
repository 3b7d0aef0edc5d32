"""Login, role gate, security headers, health check and the admin for staff."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from tests.factories import (
    ActivityFactory,
    CampaignFactory,
    DocumentFactory,
    JobFactory,
    LeadContactFactory,
    MailTemplateFactory,
    NotificationFactory,
    OpportunityFactory,
    SelectionFactory,
)

pytestmark = pytest.mark.django_db

LOGIN_URL = "/anmelden/"


def _csp(response) -> str:
    return response.headers.get("Content-Security-Policy", "")


# --------------------------------------------------------------------------- login & roles


@pytest.mark.smoke
def test_login_page_is_german_and_public(client):
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Anmelden" in html
    assert "Benutzername" in html and "Passwort" in html
    assert '<html lang="de"' in html or "lang=de" in html


@pytest.mark.smoke
def test_anonymous_start_page_redirects_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


def test_outsider_is_refused(outsider_client):
    assert outsider_client.get("/").status_code == 403


@pytest.mark.smoke
def test_rep_sees_start_page(rep_client, rep):
    response = rep_client.get("/")
    assert response.status_code == 200
    assert response.context["user"] == rep


@pytest.mark.parametrize(
    "client_fixture",
    ["rep_client", "teammate_client", "manager_client", "marketing_client", "admin_client_staff"],
)
def test_every_role_and_staff_reach_start_page(request, client_fixture):
    assert request.getfixturevalue(client_fixture).get("/").status_code == 200


def test_login_through_form_with_factory_password(client, rep):
    response = client.post(LOGIN_URL, {"username": "rep", "password": "pw-Test-12345"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_wrong_password_shows_german_error(client, rep):
    response = client.post(LOGIN_URL, {"username": "rep", "password": "falsch-falsch"})
    assert response.status_code == 200
    assert "Benutzername" in response.content.decode()
    assert client.get("/").status_code == 302


# --------------------------------------------------------------------------- headers & health


@pytest.mark.smoke
@pytest.mark.parametrize("who", ["anonymous", "rep", "staff"])
def test_csp_header_is_strict(request, who):
    client, path = {
        "anonymous": ("client", LOGIN_URL),
        "rep": ("rep_client", "/"),
        "staff": ("admin_client_staff", "/"),
    }[who]
    response = request.getfixturevalue(client).get(path)
    assert response.status_code == 200
    csp = _csp(response)
    assert "default-src 'self'" in csp
    assert "script-src" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_health_answers_json_anonymously(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"status": "ok"}


# --------------------------------------------------------------------------- admin


def test_admin_index_for_staff(admin_client_staff):
    response = admin_client_staff.get(reverse("admin:index"))
    assert response.status_code == 200


@pytest.mark.parametrize("client_fixture", ["rep_client", "outsider_client", "manager_client"])
def test_admin_index_refused_for_non_staff(request, client_fixture):
    response = request.getfixturevalue(client_fixture).get(reverse("admin:index"))
    # the admin sends non-staff users to its own login page
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_admin_refused_for_anonymous(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302


REGISTERED = sorted(admin.site._registry, key=lambda m: m._meta.label_lower)


@pytest.fixture
def some_rows(staff_admin):
    """At least one row in most admin lists, so the changelists render real rows."""
    lead_contact = LeadContactFactory(lead__follow_up_by=staff_admin, is_main=True)
    OpportunityFactory(lead=lead_contact.lead, owner=staff_admin)
    ActivityFactory(appointment=True, delegated_to=staff_admin)
    ActivityFactory(email_out=True)
    CampaignFactory()
    DocumentFactory(uploaded_by=staff_admin)
    MailTemplateFactory()
    NotificationFactory(recipient=staff_admin)
    JobFactory(created_by=staff_admin)
    SelectionFactory(owner=staff_admin)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label_lower)
def test_every_admin_model_opens_for_staff(admin_client_staff, staff_admin, some_rows, model):
    opts = model._meta
    model_admin = admin.site._registry[model]
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert admin_client_staff.get(changelist).status_code == 200
    assert admin_client_staff.get(changelist, {"q": "Müller"}).status_code == 200

    request = RequestFactory().get(changelist)
    request.user = staff_admin
    if model_admin.has_add_permission(request):
        add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        assert admin_client_staff.get(add).status_code == 200

    obj = model._default_manager.first()
    if obj is not None:
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert admin_client_staff.get(change).status_code == 200
