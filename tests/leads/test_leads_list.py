"""Lead list: filters, sorting, keyset paging, column chooser, export, query counts."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import ListPreference
from leads.models import Lead
from leads.selectors import paginate
from leads.views.export import neutralise
from tests import factories as f


def _numbers(response):
    return [lead.number for lead in response.context["page"].items]


def _lead(**kwargs):
    return f.LeadFactory(**kwargs)


@pytest.mark.smoke
@pytest.mark.django_db
def test_list_shows_leads_and_free_text_search(rep_client):
    hit = _lead(company_name="Sonnenkraft Kiel GmbH", city="Kiel")
    _lead(company_name="Windpark Süd AG", city="München")
    response = rep_client.get(reverse("leads:list"), {"q": "sonnenkraft"})
    assert response.status_code == 200
    assert _numbers(response) == [hit.number]
    # contact name over two fields, e-mail, number, city
    for term in (f"{hit.first_name} {hit.last_name}", hit.email, hit.number, "Kiel"):
        assert hit.number in _numbers(rep_client.get(reverse("leads:list"), {"q": term})), term


@pytest.mark.django_db
def test_filters(rep, teammate, rep_client):
    today = timezone.localdate()
    mine = _lead(follow_up_by=rep, score=80, source=f.source("Messe"), interests=["Windkraft"])
    theirs = _lead(follow_up_by=teammate, score=20, type=f.lead_type("SQL"))
    nobody = _lead(follow_up_until=today - dt.timedelta(days=2), status=f.status("Kontaktiert"))
    closed = _lead(
        follow_up_until=today - dt.timedelta(days=2),
        status=f.status("Geschlossen"),
        closed_at=timezone.now(),
        follow_up_by=teammate,
    )
    url = reverse("leads:list")

    def numbers(**params):
        return set(_numbers(rep_client.get(url, params)))

    assert numbers(follow_up_by="me") == {mine.number}
    assert numbers(follow_up_by="nobody") == {nobody.number}
    assert numbers(follow_up_by=str(teammate.pk)) == {theirs.number, closed.number}
    assert numbers(score_min=50) == {mine.number}
    assert numbers(score_min=10, score_max=30) == {theirs.number}
    assert numbers(source=f.source("Messe").pk) == {mine.number}
    assert numbers(type=f.lead_type("SQL").pk) == {theirs.number}
    assert numbers(interest=f.interest("Windkraft").pk) == {mine.number}
    assert numbers(overdue="on") == {nobody.number}
    assert numbers(status=[f.status("Kontaktiert").pk, f.status("Geschlossen").pk]) == {
        nobody.number,
        closed.number,
    }
    assert numbers(phase=["closed"]) == {closed.number}
    assert numbers(created_from=today.isoformat(), created_to=today.isoformat()) == {
        mine.number,
        theirs.number,
        nobody.number,
        closed.number,
    }
    assert numbers(created_to=(today - dt.timedelta(days=1)).isoformat()) == set()


@pytest.mark.parametrize(
    "params",
    [
        {"score_min": "abc"},
        {"score_min": "500"},
        {"status": "99999"},
        {"follow_up_by": "'; drop table"},
        {"created_from": "31.02.2020"},
        {"sort": "password"},
        {"cursor": "not-a-cursor"},
        {"cursor": "WzEsMiwieCJd"},
        {"per": "100000"},
        {"q": "x" * 5000},
    ],
)
@pytest.mark.django_db
def test_bad_filter_input_never_500(rep_client, params):
    _lead()
    response = rep_client.get(reverse("leads:list"), params)
    assert response.status_code == 200


@pytest.mark.django_db
def test_sorting_by_columns(rep_client):
    a = _lead(company_name="Alpha", score=10)
    b = _lead(company_name="Beta", score=90)
    c = _lead(company_name="Gamma", score=50)
    url = reverse("leads:list")
    assert _numbers(rep_client.get(url, {"sort": "company"})) == [a.number, b.number, c.number]
    assert _numbers(rep_client.get(url, {"sort": "-company"})) == [c.number, b.number, a.number]
    assert _numbers(rep_client.get(url, {"sort": "-score"})) == [b.number, c.number, a.number]
    assert _numbers(rep_client.get(url, {"sort": "number"})) == [a.number, b.number, c.number]


@pytest.mark.django_db
def test_keyset_paging_through_all_pages_with_ties_and_nulls():
    today = timezone.localdate()
    for i in range(23):
        _lead(
            score=i % 3,  # many ties
            follow_up_until=None if i % 4 == 0 else today + dt.timedelta(days=i % 5),
        )
    qs = Lead.objects.all()
    sorts = ("-score", "score", "follow_up_until", "-follow_up_until", "company", "-created")
    for sort in (*sorts, "status", "-status", "number", "-updated"):
        seen, cursor, pages = [], None, []
        while True:
            page = _small_page(qs, sort, cursor)
            pages.append(page)
            seen += [lead.pk for lead in page.items]
            if not page.next_cursor:
                break
            cursor = page.next_cursor
        assert sorted(seen) == sorted(qs.values_list("pk", flat=True)), sort
        assert len(seen) == len(set(seen)), sort
        # the last page is partial and has no "Weiter"
        assert len(pages[-1].items) == 23 % 5 or len(pages[-1].items) == 5
        assert pages[-1].next_cursor is None and pages[-1].prev_cursor
        # going back from the last page gives the previous page again
        back = _small_page(qs, sort, pages[-1].prev_cursor)
        assert [x.pk for x in back.items] == [x.pk for x in pages[-2].items], sort


def _small_page(qs, sort, cursor):
    from leads import selectors

    original = selectors.PAGE_SIZES
    selectors.PAGE_SIZES = (5,)
    try:
        return paginate(qs, sort=sort, cursor=cursor, page_size=5)
    finally:
        selectors.PAGE_SIZES = original


@pytest.mark.django_db
def test_paging_in_view_last_page_and_empty_result(rep_client):
    for _ in range(27):
        _lead()
    url = reverse("leads:list")
    first = rep_client.get(url)
    assert len(first.context["page"].items) == 25
    assert first.context["page"].total_display == "27"
    nxt = first.context["page"].next_cursor
    last = rep_client.get(url, {"cursor": nxt})
    assert len(last.context["page"].items) == 2
    assert last.context["page"].next_cursor is None
    assert "Weiter" in last.content.decode()
    empty = rep_client.get(url, {"q": "gibt-es-nicht"})
    assert empty.context["page"].items == []
    assert "Keine Leads gefunden" in empty.content.decode()


@pytest.mark.django_db
def test_count_is_bounded(rep_client, monkeypatch):
    from leads import selectors

    monkeypatch.setattr(selectors, "COUNT_LIMIT", 3)
    for _ in range(5):
        _lead()
    response = rep_client.get(reverse("leads:list"))
    assert response.context["page"].total_display == "mehr als 3"


@pytest.mark.django_db
def test_search_every_word_in_any_field(rep_client):
    """Each word must occur somewhere (number, company, names, e-mail, city), case-insensitive."""
    hit = _lead(company_name="Weber Solartechnik GmbH", last_name="Krause", city="Kassel")
    _lead(company_name="Weber Bau", last_name="Krause", city="Kiel")
    _lead(company_name="Solartechnik Nord", last_name="Weber", city="Kiel")
    url = reverse("leads:list")
    assert _numbers(rep_client.get(url, {"q": "weber solartechnik kassel"})) == [hit.number]
    assert _numbers(rep_client.get(url, {"q": "TECHNIK KRAUSE"})) == [hit.number]
    assert len(_numbers(rep_client.get(url, {"q": "weber"}))) == 3
    assert _numbers(rep_client.get(url, {"q": "weber%"})) == []  # LIKE wildcards are literal


@pytest.mark.django_db
def test_narrowed_and_full_paging_agree(rep_client, monkeypatch):
    """Below the count limit the page is read by id; above it, by the filter. Same pages."""
    from leads import selectors

    for i in range(12):
        _lead(company_name=f"Sonnenhof {i}", score=i % 4)
    url = reverse("leads:list")

    def walk():
        pages, cursor = [], None
        while True:
            params = {"q": "sonnenhof", "sort": "-score", "per": 10}
            if cursor:
                params["cursor"] = cursor
            page = rep_client.get(url, params).context["page"]
            pages.append(([lead.number for lead in page.items], page.total_display))
            cursor = page.next_cursor
            if not cursor:
                return pages

    narrowed = walk()
    monkeypatch.setattr(selectors, "COUNT_LIMIT", 5)
    full = walk()
    assert [numbers for numbers, _ in narrowed] == [numbers for numbers, _ in full]
    assert narrowed[0][1] == "12"
    assert full[0][1] == "mehr als 5"


@pytest.mark.django_db
def test_htmx_request_gets_results_fragment_only(rep_client):
    lead = _lead(company_name="Fragment GmbH")
    response = rep_client.get(
        reverse("leads:list"),
        {"q": "Fragment"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="lead-results",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="lead-results"' in html and lead.number in html
    assert "<html" not in html and 'id="lead-filter"' not in html


@pytest.mark.django_db
def test_column_chooser_is_saved_per_user(rep, rep_client, teammate_client):
    response = rep_client.post(
        reverse("leads:columns"),
        {"columns": ["company", "email", "bogus"], "next": "/leads/?q=x"},
    )
    assert response.status_code == 302 and response["Location"] == "/leads/?q=x"
    assert ListPreference.objects.get(user=rep, key="leads").columns == ["company", "email"]
    _lead(email="zeige@mich.de")
    keys = [c.key for c in rep_client.get(reverse("leads:list")).context["columns"]]
    assert keys == ["number", "company", "email"]
    other = [c.key for c in teammate_client.get(reverse("leads:list")).context["columns"]]
    assert "status" in other
    evil = rep_client.post(reverse("leads:columns"), {"next": "https://evil.example/"})
    assert evil["Location"] == reverse("leads:list")


@pytest.mark.django_db
def test_csv_export_filtered_and_neutralised(manager_client):
    _lead(company_name='=HYPERLINK("http://x")', city="Kiel")
    _lead(company_name="Andere GmbH", city="Bonn")
    response = manager_client.get(reverse("leads:export"), {"format": "csv", "q": "Kiel"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert rows[0][0] == "Leadnummer"
    assert len(rows) == 2
    assert rows[1][1].startswith("'=HYPERLINK")


@pytest.mark.django_db
def test_xlsx_export(manager_client):
    from openpyxl import load_workbook

    _lead(company_name="@SUM(1+1)")
    response = manager_client.get(reverse("leads:export"), {"format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell.value for cell in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert "'@SUM(1+1)" in values


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+49 40", "'+49 40"),
        ("-5", "'-5"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("\0x", "'\0x"),
        ("normal", "normal"),
        (42, 42),
        (None, ""),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


@pytest.mark.parametrize("size", [5, 30])
@pytest.mark.django_db
def test_list_query_count_constant(rep, rep_client, django_assert_num_queries, size):
    campaign = f.CampaignFactory()
    for i in range(size):
        _lead(
            follow_up_by=rep,
            appointment_with=rep,
            source=f.source("Messe"),
            type=f.lead_type("MQL"),
            campaign=campaign,
            customer=f.CompanyFactory() if i % 2 else None,
        )
    ListPreference.objects.create(
        user=rep,
        key="leads",
        columns=[
            c
            for c in (
                "number company contact status score source type campaign follow_up_by "
                "follow_up_until appointment_with customer city email phone created updated"
            ).split()
        ],
    )
    # session + user with its roles (one query) + choice lists (one UNION) + preference
    # + ids (the bounded count) + rows + the saved views menu + the export permission of
    # a rep (its user and group permissions: may it export? managers need none)
    with django_assert_num_queries(LIST_QUERIES):
        response = rep_client.get(reverse("leads:list"), {"sort": "-score"})
    assert response.status_code == 200


LIST_QUERIES = 9


@pytest.mark.django_db
def test_follow_up_overdue_rule():
    today = timezone.localdate()
    past, future = today - dt.timedelta(days=1), today + dt.timedelta(days=1)
    assert _lead(follow_up_until=past).follow_up_overdue(today)
    assert not _lead(follow_up_until=future).follow_up_overdue(today)
    assert not _lead(follow_up_until=None).follow_up_overdue(today)
    assert not _lead(follow_up_until=past, status=f.status("Konvertiert")).follow_up_overdue(today)
