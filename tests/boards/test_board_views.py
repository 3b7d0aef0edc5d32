"""Lead board: columns, counts, paging, filters, moves (service path, conflicts, no-JS)."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from boards.selectors import BOARD_PAGE_SIZE
from leads.models import Lead, LeadStatusChange, LostReason
from tests.factories import LeadFactory, UserFactory, source, status

BOARD = "boards:lead_board"
HX = {"HTTP_HX_REQUEST": "true"}


def _board(client, **params):
    return client.get(reverse(BOARD), params)


def _move(client, lead, target, *, version=None, htmx=False, follow=False, **extra):
    data = {
        "status": target.pk,
        "version": lead.version if version is None else version,
        "from_status": lead.status_id,
        "next": reverse(BOARD) + "?source=1",
        **extra,
    }
    url = reverse("boards:lead_move", args=[lead.pk])
    return client.post(url, data, follow=follow, **(HX if htmx else {}))


@pytest.mark.smoke
def test_board_shows_columns_counts_and_cards(rep_client, rep):
    LeadFactory.create_batch(3, company_name="Sonnenstrom GmbH", follow_up_by=rep)
    LeadFactory(status=status("Kontaktiert"), company_name="Windpark Nord AG")
    LeadFactory(status=status("Disqualifiziert"), company_name="Nie Wieder KG")
    response = _board(rep_client)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Sonnenstrom GmbH" in body
    assert "Windpark Nord AG" in body
    # terminal column collapsed: counted, but its cards are not rendered
    assert "Nie Wieder KG" not in body
    columns = {c.status.name: c for c in response.context["columns"]}
    assert columns["Offen"].count == 3
    assert columns["Kontaktiert"].count == 1
    assert columns["Disqualifiziert"].count == 1
    assert columns["Disqualifiziert"].collapsed
    names = [c.status.name for c in response.context["columns"]]
    assert names == [
        "Offen",
        "Kontaktaufnahme",
        "Kontaktiert",
        "Qualifiziert",
        "Erneut bearbeiten",
        "Disqualifiziert",
        "Geschlossen",
        "Konvertiert",
    ]


def test_expanding_a_terminal_column_shows_its_cards(rep_client):
    lost = status("Disqualifiziert")
    LeadFactory(status=lost, company_name="Nie Wieder KG")
    response = _board(rep_client, expand=lost.pk)
    assert "Nie Wieder KG" in response.content.decode()
    column = next(c for c in response.context["columns"] if c.status == lost)
    assert not column.collapsed
    assert "expand" not in column.toggle_url  # the link collapses it again


def test_card_shows_owner_initials_score_and_overdue_follow_up(rep_client, rep):
    import datetime as dt

    from django.utils import timezone

    LeadFactory(
        follow_up_by=rep, score=82, follow_up_until=timezone.localdate() - dt.timedelta(days=2)
    )
    body = _board(rep_client).content.decode()
    assert ">AV<" in body  # Anna Vogt
    assert "lc-score-high" in body
    assert "board-overdue" in body


def test_first_page_then_more_with_keyset(rep_client):
    LeadFactory.create_batch(BOARD_PAGE_SIZE + 5)
    offen = status("Offen")
    response = _board(rep_client)
    column = next(c for c in response.context["columns"] if c.status == offen)
    assert column.count == BOARD_PAGE_SIZE + 5
    assert len(column.cards) == BOARD_PAGE_SIZE
    assert column.next_cursor
    more = rep_client.get(column.more_url, **HX)
    assert more.status_code == 200
    body = more.content.decode()
    rest = {int(pk) for pk in re.findall(r'id="card-lead-(\d+)"', body)}
    assert len(rest) == 5
    assert not rest & {c.pk for c in column.cards}
    assert f'hx-swap-oob="beforeend:#cards-lead-{offen.pk}"' in body
    assert "Mehr laden" not in body  # the last page has no further sentinel


def test_more_without_js_is_a_full_page(rep_client):
    LeadFactory.create_batch(BOARD_PAGE_SIZE + 1)
    offen = status("Offen")
    column = next(c for c in _board(rep_client).context["columns"] if c.status == offen)
    response = rep_client.get(column.more_url)
    assert response.status_code == 200
    assert "Zurück zum Board" in response.content.decode()


def test_bad_cursor_is_an_empty_page_not_an_error(rep_client):
    url = reverse("boards:lead_board_more", args=[status("Offen").pk])
    assert rep_client.get(url, {"after": "kaputt"}, **HX).status_code == 200


def test_filters_use_the_lead_list_parameters(rep_client, rep, teammate):
    messe = source("Messe")
    LeadFactory(company_name="Messekontakt GmbH", source=messe, follow_up_by=rep)
    LeadFactory(company_name="Anderer GmbH", follow_up_by=teammate)
    body = _board(rep_client, source=messe.pk).content.decode()
    assert "Messekontakt GmbH" in body and "Anderer GmbH" not in body
    body = _board(rep_client, follow_up_by="me").content.decode()  # "mine"
    assert "Messekontakt GmbH" in body and "Anderer GmbH" not in body
    body = _board(rep_client, q="Anderer").content.decode()
    assert "Messekontakt GmbH" not in body and "Anderer GmbH" in body


def test_filter_swap_returns_only_the_board_fragment(rep_client):
    LeadFactory(company_name="Fragment AG")
    response = rep_client.get(reverse(BOARD), **HX)
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="board"')
    assert "<html" not in body


def test_bad_filter_input_is_no_error(rep_client):
    assert _board(rep_client, source="abc", follow_up_by="999999").status_code == 200


# --- moving --------------------------------------------------------------------------------
def test_move_goes_through_the_service(rep_client, rep):
    lead = LeadFactory(follow_up_by=rep)
    target = status("Kontaktiert")
    response = _move(rep_client, lead, target, htmx=True)
    assert response.status_code == 200
    lead.refresh_from_db()
    assert lead.status == target
    assert lead.version == 2
    change = LeadStatusChange.objects.get(lead=lead)
    assert change.to_status == target and change.changed_by == rep
    body = response.content.decode()
    assert f'data-status-id="{target.pk}"' in body  # the fresh card, board.js places it
    assert f'data-prev-status="{status("Offen").pk}"' in body
    assert 'hx-swap-oob="true"' in body and "ist jetzt" in body


def test_move_to_terminal_sets_closed_at(rep_client, rep):
    lead = LeadFactory(follow_up_by=rep)
    reason = LostReason.objects.get(name="Kein Bedarf")
    _move(rep_client, lead, status("Disqualifiziert"), htmx=True, lost_reason=reason.pk)
    lead.refresh_from_db()
    assert lead.closed_at is not None


def test_stale_version_is_refused_with_a_message_and_the_fresh_card(rep_client, rep):
    lead = LeadFactory(follow_up_by=rep)
    Lead.objects.filter(pk=lead.pk).update(version=5, status=status("Qualifiziert"))
    response = _move(rep_client, lead, status("Kontaktiert"), version=1, htmx=True)
    lead.refresh_from_db()
    assert lead.status.name == "Qualifiziert"  # never a silent overwrite
    body = response.content.decode()
    assert "inzwischen" in body  # the German conflict message
    assert f'data-status-id="{lead.status_id}"' in body
    assert 'data-version="5"' in body


def test_no_js_form_post_redirects_back_with_message(rep_client, rep):
    lead = LeadFactory(follow_up_by=rep)
    response = _move(rep_client, lead, status("Kontaktaufnahme"))
    assert response.status_code == 302
    assert response["Location"] == reverse(BOARD) + "?source=1"
    lead.refresh_from_db()
    assert lead.status.name == "Kontaktaufnahme"
    page = rep_client.get(response["Location"])
    assert "ist jetzt" in page.content.decode()


def test_no_js_conflict_redirects_with_error(rep_client, rep):
    lead = LeadFactory(follow_up_by=rep)
    Lead.objects.filter(pk=lead.pk).update(version=3)
    response = _move(rep_client, lead, status("Kontaktiert"), version=1, follow=True)
    lead.refresh_from_db()
    assert lead.status.name == "Offen"
    assert "inzwischen" in response.content.decode()


def test_foreign_next_url_is_ignored(rep_client, rep):
    lead = LeadFactory(follow_up_by=rep)
    response = _move(rep_client, lead, status("Kontaktiert"), next="https://evil.example/")
    assert response["Location"] == reverse(BOARD)


def test_drop_on_converted_redirects_to_conversion(rep_client, rep):
    lead = LeadFactory(follow_up_by=rep)
    response = _move(rep_client, lead, status("Konvertiert"), htmx=True)
    lead.refresh_from_db()
    assert lead.status.name == "Offen"  # the conversion process sets it, not the board
    assert response["HX-Redirect"] == reverse("conversion:convert", args=[lead.pk])


def test_invalid_status_is_a_message_not_an_error(rep_client, rep):
    lead = LeadFactory(follow_up_by=rep)
    response = rep_client.post(
        reverse("boards:lead_move", args=[lead.pk]), {"status": "999999", "version": "x"}, **HX
    )
    assert response.status_code == 200
    assert "gültigen Status" in response.content.decode()


def test_rep_cannot_move_someone_elses_lead(rep_client, teammate):
    lead = LeadFactory(follow_up_by=teammate)
    response = _move(rep_client, lead, status("Kontaktiert"), htmx=True)
    lead.refresh_from_db()
    assert lead.status.name == "Offen"
    assert "nicht ändern" in response.content.decode()


def test_manager_moves_any_lead(manager_client, teammate):
    lead = LeadFactory(follow_up_by=teammate)
    _move(manager_client, lead, status("Kontaktiert"), htmx=True)
    lead.refresh_from_db()
    assert lead.status.name == "Kontaktiert"


def test_move_needs_post(rep_client, rep):
    lead = LeadFactory(follow_up_by=rep)
    assert rep_client.get(reverse("boards:lead_move", args=[lead.pk])).status_code == 405


# --- permissions and query counts ----------------------------------------------------------
def test_outsider_is_refused_everywhere(outsider_client):
    lead = LeadFactory()
    offen = status("Offen")
    assert outsider_client.get(reverse(BOARD)).status_code == 403
    more = reverse("boards:lead_board_more", args=[offen.pk])
    assert outsider_client.get(more).status_code == 403
    response = outsider_client.post(
        reverse("boards:lead_move", args=[lead.pk]), {"status": offen.pk, "version": 1}
    )
    assert response.status_code == 403


def _make(n, users):
    for i in range(n):
        LeadFactory(
            status=status(["Offen", "Kontaktiert", "Qualifiziert", "Disqualifiziert"][i % 4]),
            follow_up_by=users[i % len(users)],
            source=source("Messe") if i % 2 else None,
        )


def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


def test_board_query_count_does_not_grow(rep_client, rep):
    users = [rep, *UserFactory.create_batch(2)]
    params = {"expand": status("Disqualifiziert").pk}
    _make(8, users)
    _board(rep_client)  # warm up the session
    small = _queries(rep_client, reverse(BOARD), params)
    _make(80, [*users, *UserFactory.create_batch(3)])
    assert _queries(rep_client, reverse(BOARD), params) == small
    # a fixed budget: session, user, roles, filter choices, statuses, ONE grouped count,
    # one LIMIT query per expanded non-empty column
    assert small <= 20


def test_more_query_count_does_not_grow(rep_client, rep):
    offen = status("Offen")
    url = reverse("boards:lead_board_more", args=[offen.pk])
    LeadFactory.create_batch(25, follow_up_by=rep)
    _board(rep_client)
    small = _queries(rep_client, url)
    LeadFactory.create_batch(40, follow_up_by=UserFactory())
    assert _queries(rep_client, url) == small


def test_history_restore_gets_the_full_page(rep_client):
    response = rep_client.get(
        reverse(BOARD), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in response.content.decode()
    assert "HX-Request" in response["Vary"]


def test_move_without_version_is_refused(rep_client, rep):
    lead = LeadFactory(follow_up_by=rep)
    url = reverse("boards:lead_move", args=[lead.pk])
    rep_client.post(url, {"status": status("Kontaktiert").pk}, **HX)
    lead.refresh_from_db()
    assert lead.status.name == "Offen"


# --- read-only cards (issue #15, 9) ----------------------------------------------------------
def _card_html(html: str, lead) -> str:
    match = re.search(rf'<article [^>]*id="card-lead-{lead.pk}".*?</article>', html, re.S)
    assert match, f"no card for {lead.number}"
    return match.group(0)


def test_cards_the_user_may_not_move_are_locked(rep_client, rep, teammate):
    own = LeadFactory(follow_up_by=rep)
    other = LeadFactory(follow_up_by=teammate)
    html = _board(rep_client).content.decode()
    own_card, other_card = _card_html(html, own), _card_html(html, other)
    assert "board-card-locked" not in own_card and f'id="status-lead-{own.pk}"' in own_card
    assert 'board-card-locked" data-locked="true"' in other_card
    assert f'id="status-lead-{other.pk}"' not in other_card  # no status menu either
    assert "Nur lesbar" in other_card


def test_manager_cards_are_all_movable(manager_client, teammate):
    LeadFactory(follow_up_by=teammate)
    assert "board-card-locked" not in _board(manager_client).content.decode()


def test_refused_move_comes_back_as_the_locked_card_with_a_german_message(rep_client, teammate):
    lead = LeadFactory(follow_up_by=teammate)
    html = _move(rep_client, lead, status("Kontaktiert"), htmx=True).content.decode()
    assert f"Sie dürfen den Status von Lead {lead.number} nicht ändern." in html
    assert "board-card-locked" in _card_html(html, lead)
    lead.refresh_from_db()
    assert lead.status.name == "Offen"


def test_board_js_does_not_drag_locked_cards():
    """The drag itself is Sortable's (tests/e2e/test_board.py drives it); its filter must
    name the locked card's class the card builder sets."""
    with open(finders.find("js/board.js"), encoding="utf-8") as handle:
        source = handle.read()
    assert re.search(r'filter: "\.board-card-locked,', source)
