"""German 403, 404 and 500 pages in the app layout (issue #15, 9): no bare English
"403 Forbidden"; the 500 page renders without the database and without a request."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import include, path
from django.views.defaults import permission_denied, server_error

from tests.factories import LeadFactory


def _boom(request):
    raise RuntimeError("kaputt")


def _forbidden(request):
    raise PermissionDenied


# the project's URLs (the layout links them) plus two views that fail
urlpatterns = [
    path("kaputt/", _boom),
    path("verboten/", _forbidden),
    path("", include("leadcrm.urls")),
]


def _no_inline_code(html: str) -> None:
    assert "style=" not in html and "<style" not in html
    assert "<script>" not in html and "onclick" not in html


@pytest.mark.django_db
def test_permission_denied_in_an_app_view_is_the_german_page_in_the_layout(outsider_client):
    lead = LeadFactory()
    response = outsider_client.get(lead.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 403
    assert "Zugriff verweigert" in html and "Forbidden" not in html
    assert 'class="navbar' in html and 'href="/"' in html  # layout with the way home
    assert "keine Rolle" in html  # an outsider is told why
    _no_inline_code(html)


@pytest.mark.django_db
@pytest.mark.urls("tests.leadcrm.test_error_pages")
def test_permission_denied_page_for_a_rep(rep_client):
    response = rep_client.get("/verboten/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "Sie haben keine Berechtigung für diese Seite oder Aktion." in html


@pytest.mark.django_db
def test_403_page_renders_for_an_anonymous_user():
    request = RequestFactory().get("/irgendwo/")
    request.user = AnonymousUser()
    response = permission_denied(request, PermissionDenied())
    html = response.content.decode()
    assert response.status_code == 403 and "Zugriff verweigert" in html
    assert "Abmelden" not in html  # no user menu without a user


@pytest.mark.django_db
def test_404_is_the_german_page_in_the_layout(rep_client):
    response = rep_client.get("/leads/999999/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Seite nicht gefunden" in html and 'class="navbar' in html
    assert "Not Found" not in html
    _no_inline_code(html)


@pytest.mark.django_db
@pytest.mark.urls("tests.leadcrm.test_error_pages")
def test_an_exception_in_a_view_gives_the_german_500_page(rep):
    client = Client(raise_request_exception=False)
    client.force_login(rep)
    response = client.get("/kaputt/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Es ist ein Fehler aufgetreten" in html and "Server Error" not in html
    _no_inline_code(html)


def test_500_page_renders_without_database_and_request_context():
    """Not a django_db test: pytest-django makes any database access raise here (even
    opening a connection), and server_error renders with an empty context (no context
    processors, no user)."""
    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Es ist ein Fehler aufgetreten" in html and 'href="/"' in html
    _no_inline_code(html)
