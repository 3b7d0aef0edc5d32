"""Access matrix: every URL of the URLconf × every role × GET/POST → the expected answer.

The URL list is walked from `get_resolver()`, so a new view is covered automatically: a URL
name missing from `SPEC` fails `test_every_url_is_classified` with a message that asks to
classify it. Path converters are filled with ids of real objects that belong to *another*
user (the teammate), so the matrix doubles as an IDOR check:

    anonymous → redirect to the login page, except the public views (login, health, web
                form, DOI, anymail webhooks)
    outsider  → 403 (or 404 for objects / 405 for a wrong method)
    roles     → allowed (any status below 500 except 403/404/405) or refused (403/404)

Every request runs in a savepoint that is rolled back, so a POST of one role (a delete, a
move) does not change what the next role sees. No request may answer 500.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from PIL import Image

from accounts.models import Role
from accounts.tokens import api_token_create
from activities.models import Document
from contacts.models import LeadStatus, Phase
from leads.models import Campaign, LeadImport, SavedView
from tests.factories import (
    ActivityFactory,
    CompanyFactory,
    JobFactory,
    LeadFactory,
    NotificationFactory,
    OpportunityFactory,
    PersonFactory,
    SelectionFactory,
    UserFactory,
    default_status,
)

ROLES = ("anonymous", "outsider", "marketing", "rep", "manager", "staff")
WORKING_ROLES = ("marketing", "rep", "manager", "staff")

# Who is allowed (among the working roles) — applied to objects that belong to the teammate.
ANY = frozenset(WORKING_ROLES)
EDIT = frozenset({"manager", "staff"})  # another rep's lead: only managers and staff edit it
MANAGERS = frozenset({"manager", "staff"})
IMPORTERS = frozenset({"marketing", "manager", "staff"})
STAFF = frozenset({"staff"})
NOBODY = frozenset()  # private objects of the teammate: nobody else reaches them
NOT_ALLOWED = "405"  # the method is refused for everyone (anonymous still goes to login)
PUBLIC = "public"  # login not required: anyone, anything below 500
LOGGED_IN = "logged-in"  # any logged-in user, also the outsider (log out, language)


@dataclasses.dataclass(frozen=True)
class Rule:
    kwargs: Callable[[dict], dict]
    get: frozenset | str
    post: frozenset | str


def _none(w):
    return {}


def _lead(w):
    return {"pk": w["lead"].pk}


def _person(w):
    return {"pk": w["person"].pk}


def _company(w):
    return {"pk": w["company"].pk}


def _activity(w):
    return {"pk": w["activity"].pk}


def _document(w):
    document = Document(title="Preisliste")
    document.file.save("preisliste.pdf", ContentFile(b"%PDF-1.4"), save=True)
    w["activity"].documents.add(document)
    return {"pk": w["activity"].pk, "document_pk": document.pk}


def _appointment(w):
    teammate = w["lead"].follow_up_by
    appointment = ActivityFactory(appointment=True, created_by=teammate, delegated_to=teammate)
    return {"pk": appointment.pk}


def _notification(w):
    return {"pk": w["notification"].pk}


def _job(w):
    return {"job_id": w["job"].pk}


def _bulk_job(w):
    return {"job_id": w["bulk_job"].pk}


def _saved_view(w):
    return {"pk": w["saved_view"].pk}


def _selection(w):
    return {"pk": w["selection"].pk}


def _shared_selection(w):
    return {"pk": w["shared_selection"].pk}


def _import(w):
    return {"pk": w["lead_import"].pk}


def _opportunity(w):
    return {"pk": w["opportunity"].pk}


def _campaign(w):
    return {"slug": w["campaign"].slug}


def _token(w):
    return {"token": "nicht-gueltig-1234567890"}


def _api_token(w):
    return {"pk": api_token_create(user=w["lead"].follow_up_by, name="Sync", scope="read")[0].pk}


def _campaign_key(w):
    return {"key": w["campaign"].slug}


R = Rule
SPEC: dict[str, Rule] = {
    # project
    "home": R(_none, ANY, ANY),
    "login": R(_none, PUBLIC, PUBLIC),
    "logout": R(_none, NOT_ALLOWED, LOGGED_IN),
    "set_language": R(_none, LOGGED_IN, LOGGED_IN),
    "health": R(_none, PUBLIC, PUBLIC),
    "health_live": R(_none, PUBLIC, PUBLIC),
    "health_ready": R(_none, PUBLIC, PUBLIC),
    "metrics": R(_none, STAFF, NOT_ALLOWED),
    # accounts
    "accounts:profile": R(_none, ANY, ANY),
    "accounts:token_create": R(_none, NOT_ALLOWED, ANY),
    # another user's API token: only admins revoke it
    "accounts:token_revoke": R(_api_token, NOT_ALLOWED, STAFF),
    "accounts:password_change": R(_none, LOGGED_IN, LOGGED_IN),
    "accounts:password_change_done": R(_none, LOGGED_IN, NOT_ALLOWED),
    "accounts:password_reset": R(_none, PUBLIC, PUBLIC),
    "accounts:password_reset_done": R(_none, PUBLIC, PUBLIC),
    "accounts:password_reset_confirm": R(
        lambda w: {"uidb64": "MQ", "token": "abc-123"}, PUBLIC, PUBLIC
    ),
    "accounts:password_reset_complete": R(_none, PUBLIC, PUBLIC),
    "search:results": R(_none, ANY, NOT_ALLOWED),
    # REST API: schema and docs are logged-in pages; the JSON capture endpoint is public;
    # the token-authenticated resources answer 401 to a session (tests/api/test_api_access.py)
    "api:schema": R(_none, ANY, NOT_ALLOWED),
    "api:docs": R(_none, ANY, NOT_ALLOWED),
    "api:capture": R(_campaign_key, PUBLIC, PUBLIC),
    # notifications: another user's notification and job are never reachable
    "notifications:list": R(_none, ANY, ANY),
    "notifications:bell": R(_none, ANY, ANY),
    "notifications:open": R(_notification, NOBODY, NOBODY),
    "notifications:read": R(_notification, NOT_ALLOWED, NOBODY),
    "notifications:read_all": R(_none, NOT_ALLOWED, ANY),
    "notifications:job_status": R(_job, STAFF, STAFF),
    "notifications:job_cancel": R(_job, NOT_ALLOWED, STAFF),
    # contacts: company-wide
    "contacts:company_list": R(_none, ANY, ANY),
    "contacts:company_create": R(_none, ANY, ANY),
    "contacts:company_detail": R(_company, ANY, ANY),
    "contacts:company_edit": R(_company, ANY, ANY),
    "contacts:company_options": R(_none, ANY, ANY),
    "contacts:person_list": R(_none, ANY, ANY),
    "contacts:person_create": R(_none, ANY, ANY),
    "contacts:person_detail": R(_person, ANY, ANY),
    "contacts:person_edit": R(_person, ANY, ANY),
    "contacts:find": R(_none, ANY, ANY),
    "contacts:list_columns": R(_none, NOT_ALLOWED, ANY),
    "boards:bulk_update": R(_none, ANY, ANY),
    "boards:bulk_job": R(_bulk_job, NOBODY, NOBODY),
    "boards:lead_bulk": R(_none, NOT_ALLOWED, ANY),
    # activities: the teammate's activity is visible, editable by managers/staff
    "activities:list": R(_none, ANY, ANY),
    "activities:create": R(_none, ANY, ANY),
    "activities:subarea": R(_none, ANY, ANY),
    "activities:detail": R(_activity, ANY, ANY),
    "activities:edit": R(_activity, EDIT, EDIT),
    "activities:done": R(_activity, NOT_ALLOWED, EDIT),
    "activities:document_download": R(_document, ANY, NOT_ALLOWED),
    # agenda: the own calendar for everyone; the teammate's appointment only for managers
    "agenda:week": R(_none, ANY, ANY),
    "agenda:month": R(_none, ANY, ANY),
    "agenda:move": R(_appointment, EDIT, EDIT),
    "agenda:invite": R(_appointment, NOT_ALLOWED, EDIT),
    "agenda:cancel": R(_appointment, NOT_ALLOWED, EDIT),
    "agenda:subscription": R(_none, ANY, ANY),
    "agenda:subscription_create": R(_none, NOT_ALLOWED, ANY),
    "agenda:subscription_revoke": R(_none, NOT_ALLOWED, ANY),
    "agenda:feed": R(_token, PUBLIC, PUBLIC),
    # leads
    "leads:list": R(_none, ANY, ANY),
    "leads:columns": R(_none, NOT_ALLOWED, ANY),
    # saved views: the teammate's private view is nobody else's
    "leads:view_save": R(_none, NOT_ALLOWED, ANY),
    "leads:view_open": R(_saved_view, NOBODY, NOBODY),
    "leads:view_change": R(_saved_view, NOT_ALLOWED, NOBODY),
    "leads:export": R(_none, MANAGERS, NOT_ALLOWED),
    "leads:create": R(_none, ANY, ANY),
    "leads:score_preview": R(_none, NOT_ALLOWED, ANY),
    "leads:company_search": R(_none, ANY, NOT_ALLOWED),
    "leads:person_search": R(_none, ANY, NOT_ALLOWED),
    "leads:detail": R(_lead, ANY, EDIT),
    "leads:history": R(_lead, ANY, NOT_ALLOWED),
    "leads:delete": R(_lead, MANAGERS, MANAGERS),
    "leads:business_card": R(_lead, ANY, ANY),
    "leads:timeline": R(_lead, ANY, NOT_ALLOWED),
    "leads:quick_log": R(lambda w: {"pk": w["lead"].pk, "kind": "notiz"}, EDIT, EDIT),
    "leads:timeline_done": R(
        lambda w: {"pk": w["lead"].pk, "activity_pk": w["activity"].pk}, NOT_ALLOWED, EDIT
    ),
    "processes:contacts": R(_lead, EDIT, EDIT),
    "processes:contact_search": R(_lead, EDIT, EDIT),
    "processes:confirmation": R(_lead, EDIT, EDIT),
    "processes:employees": R(_lead, EDIT, EDIT),
    "processes:info_material": R(_lead, EDIT, EDIT),
    # the mail dialog belongs to whoever delegated the mail (the teammate) or staff
    "processes:mail": R(lambda w: {"pk": w["lead"].pk, "activity_pk": w["mail"].pk}, STAFF, STAFF),
    "capture:web_form": R(_campaign, PUBLIC, PUBLIC),
    "capture:web_form_thanks": R(_campaign, PUBLIC, PUBLIC),
    "capture:doi_confirm": R(_token, PUBLIC, PUBLIC),
    "capture:consent_withdraw": R(_token, PUBLIC, PUBLIC),
    "capture:duplicate_check": R(_none, NOT_ALLOWED, ANY),
    "capture:card_scan": R(_none, NOT_ALLOWED, ANY),
    # a scan is seen only by whoever started it (the world's job is the teammate's)
    "capture:card_scan_status": R(lambda w: {"pk": w["job"].pk}, NOBODY, NOT_ALLOWED),
    "capture:import_upload": R(_none, IMPORTERS, IMPORTERS),
    "capture:import_mapping": R(_import, MANAGERS, MANAGERS),
    "capture:import_values": R(_import, MANAGERS, MANAGERS),
    "capture:import_detail": R(_import, MANAGERS, MANAGERS),
    "capture:import_cancel": R(_import, NOT_ALLOWED, MANAGERS),
    "capture:import_resume": R(_import, NOT_ALLOWED, MANAGERS),
    "capture:import_errors": R(_import, MANAGERS, MANAGERS),
    "conversion:convert": R(_lead, EDIT, EDIT),
    "merge:lead": R(_lead, EDIT, EDIT),
    "privacy:gdpr_lead": R(_lead, ANY, ANY),
    "privacy:gdpr_lead_export": R(_lead, MANAGERS, MANAGERS),
    "privacy:gdpr_lead_erase": R(_lead, NOT_ALLOWED, MANAGERS),
    "privacy:lead_consent_withdraw": R(_lead, NOT_ALLOWED, EDIT),
    "privacy:gdpr_person": R(_person, ANY, ANY),
    "privacy:gdpr_person_export": R(_person, MANAGERS, MANAGERS),
    "privacy:gdpr_person_erase": R(_person, NOT_ALLOWED, MANAGERS),
    "merge:person": R(_person, MANAGERS, MANAGERS),
    # opportunities: company-wide reading; the teammate's one is edited by managers/staff
    "opportunities:list": R(_none, ANY, NOT_ALLOWED),
    "opportunities:detail": R(_opportunity, ANY, NOT_ALLOWED),
    "opportunities:edit": R(_opportunity, EDIT, EDIT),
    "opportunities:status": R(_opportunity, NOT_ALLOWED, EDIT),
    "opportunities:lead_section": R(_lead, ANY, NOT_ALLOWED),
    "opportunities:create_from_lead": R(_lead, EDIT, EDIT),
    "opportunities:company_section": R(_company, ANY, NOT_ALLOWED),
    # sequences: the report for managers; enrol/stop a lead = editing it; the signed link public
    "sequences:report": R(_none, MANAGERS, NOT_ALLOWED),
    "sequences:lead_section": R(_lead, ANY, NOT_ALLOWED),
    "sequences:lead_enrol": R(_lead, NOT_ALLOWED, EDIT),
    "sequences:lead_stop": R(_lead, NOT_ALLOWED, EDIT),
    "sequences:bulk_enrol": R(_none, NOT_ALLOWED, ANY),
    "sequences:unsubscribe": R(_token, PUBLIC, PUBLIC),
    # boards
    "boards:lead_board": R(_none, ANY, NOT_ALLOWED),
    "boards:lead_board_more": R(lambda w: {"status_id": w["status"].pk}, ANY, NOT_ALLOWED),
    # refused moves answer with a message and a redirect (the card stays): see
    # test_marketing_does_not_qualify_other_leads for the object rule
    "boards:lead_move": R(_lead, NOT_ALLOWED, ANY),
    "boards:selection_board": R(_shared_selection, ANY, NOT_ALLOWED),
    "boards:selection_board_more": R(
        lambda w: {"pk": w["shared_selection"].pk, "status_id": w["status"].pk},
        ANY,
        NOT_ALLOWED,
    ),
    "boards:selection_person_move": R(
        lambda w: {"pk": w["shared_selection"].pk, "person_pk": w["person"].pk},
        NOT_ALLOWED,
        ANY,
    ),
    "boards:selection_list": R(_none, ANY, ANY),
    "boards:selection_create": R(_none, NOT_ALLOWED, ANY),
    "boards:selection_detail": R(_selection, NOBODY, NOBODY),
    "boards:selection_rename": R(_selection, NOBODY, NOBODY),
    "boards:selection_delete": R(_selection, NOT_ALLOWED, NOBODY),
    "boards:dashboard": R(_none, ANY, NOT_ALLOWED),
    "boards:dashboard_csv": R(lambda w: {"key": "funnel"}, ANY, NOT_ALLOWED),
}

# A private selection of the teammate, addressed through the shared-selection URLs too.
PRIVATE_SELECTION_URLS = (
    "boards:selection_board",
    "boards:selection_board_more",
    "boards:selection_person_move",
)


def _walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern):
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            yield namespace, name, entry


def url_patterns() -> list[tuple[str | None, URLPattern]]:
    """All URL patterns of the product (the Django admin is checked on its own)."""
    return [
        (name, pattern)
        for namespace, name, pattern in _walk(get_resolver().url_patterns)
        if namespace.split(":")[0] != "admin"
    ]


def _is_anymail(name: str | None) -> bool:
    """anymail's webhooks (tracking and inbound mail): anymail authenticates them."""
    return bool(name) and name.startswith(("activities:anymail:", "inbound:"))


def _is_token_api(name: str | None) -> bool:
    """The token-authenticated REST API: no session reaches it (tests/api/test_api_access.py)."""
    return bool(name) and name.startswith("api:") and name not in SESSION_API_PAGES


SESSION_API_PAGES = ("api:schema", "api:docs", "api:capture")


# --------------------------------------------------------------------------- fixtures


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def world(rep, teammate, manager, marketing, staff_admin, outsider):
    """Objects of the teammate (and one shared selection) for the converters."""
    company = CompanyFactory()
    person = PersonFactory(company=company)
    lead = LeadFactory(follow_up_by=teammate, created_by=teammate)
    lead.business_card.save("karte.png", ContentFile(_png()), save=True)
    activity = ActivityFactory(person=person, created_by=teammate)
    mail = ActivityFactory(
        email_out=True, person=person, created_by=teammate, delegated_by=teammate
    )
    lead.activities.add(activity, mail)
    campaign = Campaign.objects.create(
        name="Messe Hannover", slug="messe-hannover", web_form_enabled=True
    )
    lead_import = LeadImport.objects.create(
        original_name="messe.csv", file_format="csv", created_by=teammate
    )
    lead_import.file.save("messe.csv", ContentFile(b"Firma;Nachname\nA;B\n"), save=True)
    return {
        "lead": lead,
        "company": company,
        "person": person,
        "activity": activity,
        "mail": mail,
        "notification": NotificationFactory(recipient=teammate),
        "job": JobFactory(created_by=teammate),
        "bulk_job": JobFactory(created_by=teammate, kind="contacts_bulk_update"),
        "selection": SelectionFactory(owner=teammate, target="person"),
        "shared_selection": SelectionFactory(owner=teammate, target="person", shared=True),
        "saved_view": SavedView.objects.create(owner=teammate, name="Privat"),
        "lead_import": lead_import,
        "opportunity": OpportunityFactory(company=company, person=person, owner=teammate),
        "campaign": campaign,
        "status": default_status(),
        "users": {
            "outsider": outsider,
            "marketing": marketing,
            "rep": rep,
            "manager": manager,
            "staff": staff_admin,
        },
    }


def _clients(world) -> dict[str, Client]:
    clients = {"anonymous": Client()}
    for role, user in world["users"].items():
        client = Client()
        client.force_login(user)
        clients[role] = client
    return clients


def _request(client: Client, method: str, url: str):
    """One request inside a savepoint that is rolled back afterwards."""
    with transaction.atomic():
        response = client.get(url) if method == "GET" else client.post(url, {})
        transaction.set_rollback(True)
    return response


def _verdict(role: str, rule, response, login_url: str) -> str | None:
    status = response.status_code
    if status >= 500:
        return f"{status} (server error)"
    if rule == PUBLIC:
        return None
    if role == "anonymous":
        location = response.headers.get("Location", "")
        if status == 302 and urlsplit(location).path == login_url:
            return None
        return f"{status} {location!r}, expected a redirect to the login page"
    if rule == NOT_ALLOWED:
        return None if status == 405 else f"{status}, expected 405"
    if rule == LOGGED_IN:
        return None if status not in (403, 404, 405) else f"{status}, expected to be allowed"
    if role == "outsider" or role not in rule:
        return None if status in (403, 404) else f"{status}, expected 403/404"
    if status in (403, 404, 405):
        return f"{status}, expected to be allowed"
    return None


# --------------------------------------------------------------------------- tests


def test_every_url_is_classified():
    unknown = sorted(
        name or str(pattern.pattern)
        for name, pattern in url_patterns()
        if not _is_anymail(name) and not _is_token_api(name) and name not in SPEC
    )
    assert not unknown, (
        "New URL(s) without an access rule: "
        + ", ".join(unknown)
        + ". Add each to SPEC in tests/test_security_access.py (who may GET/POST it)."
    )


# open to a bearer token instead of a session (the view checks it; staff with a session too)
TOKEN_VIEWS = {"metrics"}


def test_public_views_are_exactly_the_expected_ones():
    """A view that drops the login requirement must be a deliberate decision."""
    public = {
        name
        for name, pattern in url_patterns()
        if not getattr(pattern.callback, "login_required", True)
        and not _is_anymail(name)
        and not _is_token_api(name)
        and name not in TOKEN_VIEWS
    }
    expected = {name for name, rule in SPEC.items() if rule.get == PUBLIC}
    assert public == expected


@pytest.mark.parametrize("name", sorted(SPEC))
def test_access_matrix(name, world):
    patterns = dict(url_patterns())
    if name not in patterns:
        pytest.skip(f"{name} is not in the URLconf (any more)")
    rule = SPEC[name]
    url = reverse(name, kwargs=rule.kwargs(world))
    login_url = reverse("login")
    clients = _clients(world)
    problems = []
    for method, expected in (("GET", rule.get), ("POST", rule.post)):
        for role in ROLES:
            response = _request(clients[role], method, url)
            problem = _verdict(role, expected, response, login_url)
            if problem:
                problems.append(f"{method} {url} as {role}: {problem}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", PRIVATE_SELECTION_URLS)
def test_private_selection_of_another_user_is_not_reachable(name, world):
    kwargs = SPEC[name].kwargs(world)
    kwargs["pk"] = world["selection"].pk
    url = reverse(name, kwargs=kwargs)
    clients = _clients(world)
    for role in WORKING_ROLES:
        for method in ("GET", "POST"):
            status = _request(clients[role], method, url).status_code
            assert status in (403, 404, 405), f"{method} {url} as {role}: {status}"


def test_anymail_webhooks_refuse_unauthenticated_posts(client):
    """Without the basic-auth WEBHOOK_SECRET a tracking webhook changes nothing.

    Only the ESPs of settings.ANYMAIL_TRACKING_ESPS are routed, so every routed webhook is
    fully configured and must refuse (never a 500 from a missing package or secret).
    """
    names = [name for name, _ in url_patterns() if _is_anymail(name)]
    inbound = [name for name in names if name.startswith("inbound:")]
    assert len(names) - len(inbound) == len(settings.ANYMAIL_TRACKING_ESPS)
    assert inbound  # the inbound-mail webhooks refuse the same way
    for name in names:
        response = client.post(reverse(name), b"{}", content_type="application/json")
        assert response.status_code in (400, 401, 403), (name, response.status_code)


def test_django_admin_only_for_staff(client, rep_client, manager_client, admin_client_staff):
    url = reverse("admin:index")
    assert client.get(url).status_code == 302
    assert rep_client.get(url).status_code == 302
    assert manager_client.get(url).status_code == 302
    assert admin_client_staff.get(url).status_code == 200


# --------------------------------------------------------------------------- object rules (IDOR)


@pytest.fixture
def leads(rep, teammate, marketing):
    return {
        "own": LeadFactory(follow_up_by=rep, created_by=teammate),
        "appointment": LeadFactory(follow_up_by=teammate, appointment_with=rep),
        "unassigned": LeadFactory(follow_up_by=None, created_by=teammate),
        "other": LeadFactory(follow_up_by=teammate, created_by=teammate),
        "marketing_own": LeadFactory(follow_up_by=None, created_by=marketing),
        "marketing_assigned": LeadFactory(follow_up_by=teammate, created_by=marketing),
    }


def _edit(client, lead, **changes):
    from leads.forms import LeadForm

    lead.refresh_from_db()
    form = LeadForm(instance=lead)
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if hasattr(value, "all"):
            data[name] = [v.pk for v in value.all()]
        elif isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        else:
            data[name] = getattr(value, "pk", value)
    data.update(changes)
    return client.post(reverse("leads:detail", args=[lead.pk]), data)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("rep", {"own", "appointment", "unassigned", "marketing_own"}),
        ("marketing", {"unassigned", "marketing_own", "marketing_assigned"}),
        ("manager", None),
    ],
)
def test_lead_edit_object_rules(who, allowed, leads, rep, marketing, manager):
    from leads.permissions import can_edit_lead

    user = {"rep": rep, "marketing": marketing, "manager": manager}[who]
    client = Client()
    client.force_login(user)
    for key, lead in leads.items():
        expected = allowed is None or key in allowed
        assert can_edit_lead(user, lead) is expected, key
        response = _edit(client, lead, notes=f"geändert von {who}")
        lead.refresh_from_db()
        if expected:
            assert response.status_code in (200, 302), (key, response.status_code)
        else:
            assert response.status_code == 403, (key, response.status_code)
            assert lead.notes != f"geändert von {who}"


def test_marketing_does_not_qualify_other_leads(leads, marketing, client):
    from leads.permissions import can_qualify_lead

    client.force_login(marketing)
    other = leads["other"]
    assert not can_qualify_lead(marketing, other)
    before = other.status_id
    target = (
        LeadStatus.objects.exclude(pk=before)
        .exclude(phase=Phase.CONVERTED)
        .order_by("rank")
        .first()
    )
    response = client.post(
        reverse("boards:lead_move", args=[other.pk]),
        {"status": target.pk, "version": other.version},
    )
    assert response.status_code in (302, 403, 404)
    assert client.get(reverse("conversion:convert", args=[other.pk])).status_code == 403
    other.refresh_from_db()
    assert other.status_id == before
    # ... but creates leads and imports lists
    assert client.get(reverse("leads:create")).status_code == 200
    assert client.get(reverse("capture:import_upload")).status_code == 200


def test_rep_cannot_import(rep_client):
    assert rep_client.get(reverse("capture:import_upload")).status_code == 403


def test_deletion_only_for_managers(leads, rep_client, marketing_client, manager_client):
    from leads.models import Lead

    own = leads["own"]
    for client in (rep_client, marketing_client):
        assert client.post(reverse("leads:delete", args=[own.pk])).status_code == 403
        assert Lead.objects.filter(pk=own.pk).exists()
    response = manager_client.post(reverse("leads:delete", args=[own.pk]))
    assert response.status_code in (200, 302)


def test_other_users_notifications_jobs_selections(rep, teammate, rep_client):
    notification = NotificationFactory(recipient=teammate)
    job = JobFactory(created_by=teammate)
    selection = SelectionFactory(owner=teammate, target="person")
    assert rep_client.get(reverse("notifications:open", args=[notification.pk])).status_code == 404
    assert rep_client.post(reverse("notifications:read", args=[notification.pk])).status_code == 404
    rep_client.post(reverse("notifications:read_all"))
    notification.refresh_from_db()
    assert notification.read_at is None
    assert rep_client.get(reverse("notifications:job_status", args=[job.pk])).status_code == 404
    assert rep_client.post(reverse("notifications:job_cancel", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert not job.cancel_requested
    assert (
        rep_client.get(reverse("boards:selection_detail", args=[selection.pk])).status_code == 404
    )
    rep_client.post(reverse("boards:selection_delete", args=[selection.pk]))
    assert selection.__class__.objects.filter(pk=selection.pk).exists()
    # the rep's own notification is reachable
    mine = NotificationFactory(recipient=rep)
    assert rep_client.get(reverse("notifications:open", args=[mine.pk])).status_code == 302


def test_outsider_with_inactive_role_user(db):
    """A deactivated user with a role is logged out by Django and sent to the login page."""
    user = UserFactory(roles=[Role.SALES])
    client = Client()
    client.force_login(user)
    user.is_active = False
    user.save()
    response = client.get(reverse("leads:list"))
    assert response.status_code == 302
