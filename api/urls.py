"""/api/v1/: token-authenticated resources (login middleware off: they answer 401), the
JSON capture endpoint (public), and the schema and docs pages (logged-in session)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from django.views.decorators.http import require_GET
from rest_framework.routers import SimpleRouter

from api.serializers import LIST_MODELS
from api.views import capture, docs, leads, records

app_name = "api"

router = SimpleRouter()
router.register("leads", leads.LeadViewSet, basename="lead")
router.register("persons", records.PersonViewSet, basename="person")
router.register("companies", records.CompanyViewSet, basename="company")
router.register("activities", records.ActivityViewSet, basename="activity")
router.register("opportunities", records.OpportunityViewSet, basename="opportunity")
router.register("notifications", records.NotificationViewSet, basename="notification")
router.register("statuses", records.StatusListViewSet, basename="status")
router.register("users", records.UserListViewSet, basename="user")
for key, model in LIST_MODELS.items():
    router.register(key, records.list_viewset(key, model), basename=key.rstrip("s"))


def _token_only(patterns):
    """The API answers 401 itself; LoginRequiredMiddleware must not redirect to the login
    (DRF's as_view marks its views so already; said here so it does not depend on that)."""
    for pattern in patterns:
        pattern.callback = login_not_required(pattern.callback)
    return patterns


def _page(view):
    """Schema and docs are pages of the logged-in site: DRF marks its views login-free, so
    hand them back to LoginRequiredMiddleware (anonymous → login page); GET only."""
    view = require_GET(view)
    view.login_required = True
    return view


urlpatterns = [
    *_token_only(router.urls),
    path("capture/<slug:key>/", capture.capture, name="capture"),
    path("schema/", _page(docs.SchemaView.as_view()), name="schema"),
    path("docs/", _page(docs.DocsView.as_view(url_name="api:schema")), name="docs"),
]
