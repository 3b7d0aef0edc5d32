"""Lead board: columns, counts, paging, filters, moves (service path, conflicts, no-JS)."""


from django.urls import reverse

from tests.factories import LeadFactory, status

BOARD = "boards:lead_board"


def _board(client, **params):
    return client.get(reverse(BOARD), params)


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
    assert [c.status.name for c in response.context["columns"]][:2] == ["Offen", "Kontaktaufnahme"]
