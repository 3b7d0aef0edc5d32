"""Hypothesis posts generated junk to every form of the product.

Each form is read from its real page (the HTML `<form>` whose action is the target URL), so
the fields, hidden fields and choice ids are the ones a browser would send. Hypothesis then
replaces any subset of them with junk: long strings, control characters, unicode edge cases,
huge and negative numbers, wrong types, ids of rows that do not exist, tampered hidden
values. For every example:

- no 500 (the test client re-raises server errors);
- a refusal (any answer that is not a redirect) explains itself: the page shows a form
  error, or it is a 403/404/429 page;
- a refusal writes nothing: the row counts of the business tables are unchanged.

Each example runs in a savepoint that is rolled back, so examples do not see each other.
Bounded: FUZZ_EXAMPLES (default 25) examples per form, no deadline.
"""

from __future__ import annotations

import os
import re
import time
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.core import signing
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leads.models import LeadImport
from tests.factories import (
    CampaignFactory,
    CompanyFactory,
    LeadFactory,
    PersonFactory,
    interest,
    source,
)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
# the lead mask renders in ~0.5 s under the test client's instrumented templates
MASK_EXAMPLES = max(1, EXAMPLES // 2)
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
    database=None,
)

COUNTED = [
    "leads.Lead",
    "leads.LeadContact",
    "leads.ConsentRecord",
    "opportunities.Opportunity",
    "contacts.Company",
    "contacts.Person",
    "activities.Activity",
    "boards.Selection",
    "jobs.Job",
    "accounts.User",
]
ERROR_MARKERS = ("invalid-feedback", "is-invalid", "alert-danger", "errorlist", "text-danger")

# --------------------------------------------------------------------------- junk

EDGE_STRINGS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n\t",
    "\x1b[31m",
    "\u202eevil",
    "\ufeff",
    "\u200b",
    "Ä" * 300,
    "💥" * 200,
    "x" * 20_000,
    "-1",
    "0",
    "1e308",
    "NaN",
    "-inf",
    "99999999999999999999999999",
    str(2**63),
    "-" + str(2**63),
    "12.5",
    "2026-02-30",
    "31.12.9999",
    "0000-00-00",
    "25:61",
    "true",
    "null",
    "[]",
    '{"a": 1}',
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    '=HYPERLINK("http://evil")',
    "@SUM(A1)",
    "../../etc/passwd",
    "%00",
    "a@b",
    "mail@",
    "+49 (0) 30 1234567 " * 5,
]

junk = st.one_of(
    st.sampled_from(EDGE_STRINGS),
    st.text(max_size=60).filter(lambda s: "\ud800" > s or True),
    st.text(
        alphabet=st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "So", "Lo", "Mn"]),
        max_size=40,
    ),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


def _utf8(value: str) -> str:
    return value.encode("utf-8", "replace").decode("utf-8")


# --------------------------------------------------------------------------- form parsing


class _FormParser(HTMLParser):
    """Collects the fields of the POST form whose action is `action`."""

    def __init__(self, action: str, same_page: bool = False):
        super().__init__(convert_charrefs=True)
        self.action = action
        self.same_page = same_page  # a form without action posts to the page itself
        self.depth = 0  # >0 inside the wanted form
        self.fields: list[dict] = []
        self.select: dict | None = None
        self.textarea: dict | None = None
        self.found = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            if self.depth:
                self.depth += 1
            elif (a.get("method") or "").lower() == "post" and (
                a.get("action") == self.action or (self.same_page and not a.get("action"))
            ):
                self.depth, self.found = 1, True
            return
        if not self.depth:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                if kind == "submit":
                    self.fields.append(
                        {"name": name, "kind": "submit", "value": a.get("value", "")}
                    )
                return
            checked = "checked" in a
            self.fields.append(
                {
                    "name": name,
                    "kind": kind,
                    "value": a.get("value", "on" if kind in ("checkbox", "radio") else ""),
                    "checked": checked,
                }
            )
        elif tag == "select" and name:
            self.select = {
                "name": name,
                "kind": "select",
                "options": [],
                "selected": [],
                "multiple": "multiple" in a,
            }
            self.fields.append(self.select)
        elif tag == "option" and self.select is not None:
            value = a.get("value", "")
            self.select["options"].append(value)
            if "selected" in a:
                self.select["selected"].append(value)
        elif tag == "textarea" and name:
            self.textarea = {"name": name, "kind": "textarea", "value": ""}
            self.fields.append(self.textarea)

    def handle_endtag(self, tag):
        if tag == "form" and self.depth:
            self.depth -= 1
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea["value"] += data


def form_fields(client: Client, page_url: str, action: str) -> list[dict]:
    response = client.get(page_url)
    assert response.status_code == 200, (page_url, response.status_code)
    parser = _FormParser(action, same_page=page_url.split("?")[0] == action)
    parser.feed(response.content.decode())
    assert parser.found, f"no POST form with action={action} on {page_url}"
    return parser.fields


def baseline(fields: list[dict]) -> dict[str, list[str]]:
    """What a browser would send unchanged (first submit button included)."""
    data: dict[str, list[str]] = {}
    submit_seen = False
    for field in fields:
        name, kind = field["name"], field["kind"]
        if kind == "submit":
            if not submit_seen:
                data.setdefault(name, []).append(field["value"])
                submit_seen = True
        elif kind in ("checkbox", "radio"):
            if field["checked"]:
                data.setdefault(name, []).append(field["value"])
        elif kind == "select":
            chosen = field["selected"] or field["options"][:1]
            if field["multiple"]:
                chosen = field["selected"]
            data.setdefault(name, []).extend(chosen)
        else:
            data.setdefault(name, []).append(field["value"])
    return data


@st.composite
def tampered(draw, fields: list[dict]):
    data = baseline(fields)
    names = sorted({f["name"] for f in fields if f["kind"] != "submit"})
    choices = {f["name"]: f.get("options", []) for f in fields if f["kind"] == "select"}
    if not names:
        return data
    targets = draw(st.lists(st.sampled_from(names), min_size=1, max_size=len(names), unique=True))
    for name in targets:
        options = [o for o in choices.get(name, []) if o]
        value = draw(
            st.one_of(
                junk,
                st.sampled_from(options) if options else junk,
                st.just(""),
            )
        )
        if draw(st.booleans()):
            data[name] = [_utf8(value)]
        else:  # several values for one field (tampered multi-value / type confusion)
            data[name] = [_utf8(value), _utf8(draw(junk))]
    return data


# --------------------------------------------------------------------------- checks


def _counts() -> dict[str, int]:
    return {label: apps.get_model(label).objects.count() for label in COUNTED}


def post_and_check(client: Client, url: str, data: dict, *, extra=None, progress=()) -> int:
    cache.clear()  # rate limits of the public form
    with transaction.atomic():
        before = _counts()
        response = client.post(url, data, **(extra or {}))
        status = response.status_code
        assert status < 500, (url, status, data)
        if status in (301, 302, 303):
            transaction.set_rollback(True)
            return status
        after = _counts()
        assert before == after, f"refused ({status}) but wrote rows: {before} → {after}"
        if status in (403, 404, 405, 409, 429):
            transaction.set_rollback(True)
            return status
        body = response.content.decode()
        if any(marker in body for marker in progress):  # a wizard went on to its next step
            transaction.set_rollback(True)
            return status
        if response.get("HX-Redirect") or response.get("HX-Location"):
            transaction.set_rollback(True)
            return status
        assert any(marker in body for marker in ERROR_MARKERS), (
            f"{url} answered {status} without an error message for {data!r}"
        )
        transaction.set_rollback(True)
    return status


def run_fuzz(client, url, fields, *, extra=None, examples=EXAMPLES, progress=()):
    statuses = []

    @settings(FUZZ, max_examples=examples)
    @given(data=tampered(fields))
    def check(data):
        statuses.append(post_and_check(client, url, data, extra=extra, progress=progress))

    check()
    return statuses


# --------------------------------------------------------------------------- the forms


@pytest.fixture
def lead(teammate):
    return LeadFactory(follow_up_by=None, created_by=teammate, interests=["Windkraft"])


@pytest.mark.parametrize(
    ("page", "action"),
    [
        ("leads:create", "leads:create"),
        ("contacts:company_create", "contacts:company_create"),
        ("contacts:person_create", "contacts:person_create"),
        ("activities:create", "activities:create"),
        ("accounts:profile", "accounts:profile"),
    ],
)
def test_fuzz_create_forms(page, action, manager_client):
    CompanyFactory(name="Sonnenhof Energie GmbH")
    source("Messe")
    url = reverse(action)
    fields = form_fields(manager_client, reverse(page), url)
    run_fuzz(
        manager_client, url, fields, examples=MASK_EXAMPLES if page == "leads:create" else EXAMPLES
    )


def test_fuzz_lead_edit(manager_client, lead):
    url = reverse("leads:detail", args=[lead.pk])
    fields = form_fields(manager_client, url, url)
    assert any(f["name"] == "version" for f in fields)
    run_fuzz(manager_client, url, fields, examples=MASK_EXAMPLES)


def test_fuzz_company_and_person_edit(manager_client):
    company = CompanyFactory()
    person = PersonFactory(company=company)
    for name, pk in (("contacts:company_edit", company.pk), ("contacts:person_edit", person.pk)):
        url = reverse(name, args=[pk])
        run_fuzz(manager_client, url, form_fields(manager_client, url, url))


def test_fuzz_selection_save(manager_client):
    PersonFactory()
    url = reverse("boards:selection_create")
    fields = form_fields(manager_client, reverse("contacts:find") + "?target=person&run=1", url)
    run_fuzz(manager_client, url, fields)


def test_fuzz_find(manager_client):
    """The find screen is a GET form: junk criteria never crash it."""
    PersonFactory()
    url = reverse("contacts:find")

    @FUZZ
    @given(
        params=st.dictionaries(
            st.sampled_from(["target", "c0_field", "c0_op", "c0_val", "c1_field", "page", "q"]),
            junk.map(_utf8),
            max_size=6,
        )
    )
    def check(params):
        response = manager_client.get(url, params)
        assert response.status_code < 500

    check()


def test_fuzz_public_web_form(client, db):
    interest("Windkraft")
    campaign = CampaignFactory(slug="pv-check", web_form_enabled=True, consent_text="Ja.")
    url = reverse("capture:web_form", args=[campaign.slug])
    fields = form_fields(client, url, url)
    # a form that was open long enough (the minimum fill time is a bot check)
    from capture.views.webform import TIMESTAMP_SALT

    for field in fields:
        if field["name"] == "ts":
            field["value"] = signing.dumps(
                {"t": time.time() - 30, "c": campaign.pk}, salt=TIMESTAMP_SALT
            )
    statuses = run_fuzz(client, url, fields)
    assert 500 not in statuses


def test_fuzz_conversion_step(manager_client, lead):
    url = reverse("conversion:convert", args=[lead.pk])
    fields = form_fields(manager_client, url, url)
    run_fuzz(manager_client, url, fields, progress=('name="step" value="2"',))


def test_fuzz_import_mapping(marketing_client, marketing):
    lead_import = LeadImport.objects.create(
        original_name="messe.csv",
        file_format="csv",
        encoding="utf-8",
        delimiter=";",
        headers=["Firma", "Nachname", "E-Mail"],
        total_rows=1,
        created_by=marketing,
    )
    lead_import.file.save(
        "messe.csv",
        ContentFile(b"Firma;Nachname;E-Mail\nSonnenhof;Schneider;js@example.de\n"),
        save=True,
    )
    url = reverse("capture:import_mapping", args=[lead_import.pk])
    fields = form_fields(marketing_client, url, url)
    run_fuzz(marketing_client, url, fields)


def test_parser_finds_fields(manager_client):
    fields = form_fields(manager_client, reverse("leads:create"), reverse("leads:create"))
    names = {f["name"] for f in fields}
    assert {"csrfmiddlewaretoken", "last_name"} <= names or "last_name" in names
    assert re.search(r"status", " ".join(names))
