"""Verlustgründe (issue #17): a lead that becomes Disqualifiziert or Geschlossen needs an
active reason, from every write path (service, mask, board, admin, API, import); leaving
a lost phase drops it; the mask and the exports show it."""

import csv
import importlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from capture.imports import files as import_files
from capture.imports import run as import_runner
from capture.imports import values
from leads import defaults as lead_defaults
from leads.errors import LeadError
from leads.models import Lead, LostReason
from leads.services.lead import lead_create, lead_update
from leads.services.lifecycle import lead_set_status
from tests import factories as f
from tests.factories import LeadFactory
from tests.factories.leads import lead_data
from tests.leads.test_leads_mask import _form_data

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
REQUIRED = "Bitte einen Verlustgrund angeben."


def reason(name="Kein Budget") -> LostReason:
    return LostReason.objects.get(name=name)


# --- the rule and its twin --------------------------------------------------------------


def test_defaults_are_the_seven_reasons():
    assert list(LostReason.objects.values_list("name", flat=True)) == [
        "Kein Bedarf",
        "Kein Budget",
        "Wettbewerber",
        "Nicht erreichbar",
        "Falscher Ansprechpartner",
        "Dublette",
        "Sonstiges",
    ]


def test_reloaded_defaults_are_the_migration_s():
    migration = importlib.import_module("leads.migrations.0019_lost_reasons_engagement_sla")
    assert lead_defaults.LOST_REASONS == migration.DEFAULT_LOST_REASONS


def test_predicate_and_queryset_twin_agree():
    inactive = LostReason.objects.create(name="Alt", active=False)
    cases = [
        LeadFactory(status=f.status("Offen")),
        LeadFactory(status=f.status("Disqualifiziert")),
        LeadFactory(status=f.status("Geschlossen"), lost_reason=reason()),
        LeadFactory(status=f.status("Geschlossen"), lost_reason=inactive),
        LeadFactory(status=f.status("Konvertiert")),
    ]
    lacking = set(Lead.objects.lacking_lost_reason().values_list("pk", flat=True))
    for lead in Lead.objects.filter(pk__in=[c.pk for c in cases]).select_related("status"):
        assert (lead.lost_reason_error() is not None) is (lead.pk in lacking), lead.status
    assert set(Lead.objects.lost().values_list("pk", flat=True)) == {c.pk for c in cases[1:4]}


@pytest.mark.parametrize("target", ["Disqualifiziert", "Geschlossen"])
def test_service_refuses_a_lost_status_without_reason(rep, target):
    lead = lead_create(data=lead_data(), user=rep).lead
    with pytest.raises(LeadError) as refused:
        lead_set_status(lead=lead, status=f.status(target), user=rep, expected_version=1)
    assert (refused.value.message, refused.value.field) == (REQUIRED, "lost_reason")
    lead.refresh_from_db()
    assert (lead.status.name, lead.version) == ("Offen", 1)


@pytest.mark.parametrize("given", ["object", "id", "name"])
def test_service_accepts_a_reason_by_object_id_or_name(rep, given):
    wanted = reason("Wettbewerber")
    value = {"object": wanted, "id": wanted.pk, "name": "wettbewerber"}[given]
    lead = lead_create(data=lead_data(), user=rep).lead
    lead = lead_set_status(
        lead=lead,
        status=f.status("Geschlossen"),
        user=rep,
        expected_version=1,
        lost_reason=value,
        lost_note="  Günstigeres Angebot  ",
    )
    lead.refresh_from_db()
    assert (lead.lost_reason, lead.lost_note) == (wanted, "Günstigeres Angebot")


@pytest.mark.parametrize("bogus", [999999, "99999999999999", "gibt es nicht", "-1"])
def test_bogus_reason_is_a_domain_error(rep, bogus):
    lead = lead_create(data=lead_data(), user=rep).lead
    with pytest.raises(LeadError, match="Unbekannter Verlustgrund"):
        lead_set_status(
            lead=lead,
            status=f.status("Geschlossen"),
            user=rep,
            expected_version=1,
            lost_reason=bogus,
        )


def test_inactive_reason_is_refused_but_a_kept_one_stays(rep):
    old = reason("Dublette")
    lead = lead_create(data=lead_data(), user=rep).lead
    lead = lead_set_status(
        lead=lead, status=f.status("Disqualifiziert"), user=rep, expected_version=1, lost_reason=old
    )
    LostReason.objects.filter(pk=old.pk).update(active=False)
    # saving the lead with the reason it had is fine …
    lead = lead_update(
        lead=lead, data={"city": "Ulm", "lost_reason": old}, user=rep, expected_version=2
    ).lead
    # … choosing a deactivated one is not, nor entering a lost status with it
    LostReason.objects.filter(name="Sonstiges").update(active=False)
    other = reason("Sonstiges")
    with pytest.raises(LeadError, match="nicht mehr aktiv"):
        lead_update(lead=lead, data={"lost_reason": other}, user=rep, expected_version=3)
    with pytest.raises(LeadError, match="nicht mehr aktiv"):
        lead_set_status(lead=lead, status=f.status("Geschlossen"), user=rep, expected_version=3)


def test_leaving_a_lost_phase_clears_reason_and_note_history_keeps_them(rep):
    lead = lead_create(data=lead_data(), user=rep).lead
    lead = lead_set_status(
        lead=lead,
        status=f.status("Geschlossen"),
        user=rep,
        expected_version=1,
        lost_reason=reason(),
        lost_note="Nächstes Jahr",
    )
    lead = lead_set_status(
        lead=lead, status=f.status("Erneut bearbeiten"), user=rep, expected_version=2
    )
    lead.refresh_from_db()
    assert (lead.lost_reason, lead.lost_note) == (None, "")
    previous = lead.history.order_by("-history_date")[1]
    assert (previous.lost_reason_id, previous.lost_note) == (reason().pk, "Nächstes Jahr")


def test_clearing_the_reason_of_a_lost_lead_is_refused(rep):
    lead = lead_create(
        data=lead_data(status=f.status("Geschlossen"), lost_reason=reason()), user=rep
    ).lead
    with pytest.raises(LeadError, match=REQUIRED):
        lead_update(lead=lead, data={"lost_reason": None}, user=rep, expected_version=1)


def test_a_reason_on_an_open_lead_is_dropped(rep):
    lead = lead_create(data=lead_data(lost_reason=reason(), lost_note="x"), user=rep).lead
    lead.refresh_from_db()
    assert (lead.lost_reason, lead.lost_note) == (None, "")


# --- mask -----------------------------------------------------------------------------


def test_mask_refuses_a_lost_status_without_reason_and_accepts_one(rep, rep_client):
    lead = lead_create(data=lead_data(), user=rep).lead
    url = reverse("leads:detail", args=[lead.pk])
    lost = str(f.status("Disqualifiziert").pk)
    refused = rep_client.post(url, _form_data(lead, status=lost, lost_reason=""))
    assert refused.status_code == 200
    assert REQUIRED in refused.content.decode()
    lead.refresh_from_db()
    assert lead.status.name == "Offen"
    data = _form_data(lead, status=lost, lost_reason=str(reason().pk), lost_note="Zu teuer")
    assert rep_client.post(url, data).status_code == 302
    lead.refresh_from_db()
    assert (lead.status.name, lead.lost_reason, lead.lost_note) == (
        "Disqualifiziert",
        reason(),
        "Zu teuer",
    )
    page = rep_client.get(url).content.decode()
    assert 'data-testid="lost-summary"' in page and "Kein Budget" in page


def test_mask_offers_the_fields_with_the_lost_statuses_for_the_script(rep, rep_client):
    lead = lead_create(data=lead_data(), user=rep).lead
    page = rep_client.get(reverse("leads:detail", args=[lead.pk])).content.decode()
    lost_ids = sorted([f.status("Disqualifiziert").pk, f.status("Geschlossen").pk])
    assert "data-lost-fields" in page and 'name="lost_reason"' in page
    assert f'data-lost-statuses="{",".join(map(str, lost_ids))}"' in page
    assert "js/lost_reason.js" in page
    assert 'data-testid="lost-summary"' not in page


def test_mask_bogus_reason_id_is_a_form_error(rep, rep_client):
    lead = lead_create(data=lead_data(), user=rep).lead
    url = reverse("leads:detail", args=[lead.pk])
    lost = str(f.status("Geschlossen").pk)
    for bogus in ("999999", "abc", "1" * 30):
        response = rep_client.post(url, _form_data(lead, status=lost, lost_reason=bogus))
        assert response.status_code == 200
        assert "gültigen Verlustgrund" in response.content.decode()


def test_marketing_cannot_set_the_reason_of_anothers_lead(rep, marketing_client):
    lead = lead_create(
        data=lead_data(status=f.status("Geschlossen"), lost_reason=reason()), user=rep
    ).lead
    data = _form_data(lead, status=str(lead.status_id), lost_reason=str(reason("Dublette").pk))
    marketing_client.post(reverse("leads:detail", args=[lead.pk]), data)
    lead.refresh_from_db()
    assert lead.lost_reason == reason()  # disabled field: the posted value is ignored


def test_outsider_is_refused_on_the_mask(rep, outsider_client):
    lead = lead_create(data=lead_data(), user=rep).lead
    data = _form_data(lead, status=str(f.status("Geschlossen").pk), lost_reason=str(reason().pk))
    assert outsider_client.post(reverse("leads:detail", args=[lead.pk]), data).status_code == 403


# --- board ----------------------------------------------------------------------------


def _move(client, lead, target, htmx=True, **extra):
    data = {
        "status": target.pk,
        "version": lead.version,
        "from_status": lead.status_id,
        "next": reverse("boards:lead_board"),
        **extra,
    }
    return client.post(reverse("boards:lead_move", args=[lead.pk]), data, **(HX if htmx else {}))


def test_board_move_into_lost_column_asks_for_the_reason(rep, rep_client):
    lead = LeadFactory(follow_up_by=rep)
    response = _move(rep_client, lead, f.status("Geschlossen"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="lost-move-dialog"' in body and 'name="lost_reason"' in body
    assert f'id="card-lead-{lead.pk}"' in body and "<html" not in body  # in place
    lead.refresh_from_db()
    assert lead.status.name == "Offen"


def test_board_move_without_javascript_asks_on_a_page(rep, rep_client):
    lead = LeadFactory(follow_up_by=rep)
    response = _move(rep_client, lead, f.status("Geschlossen"), htmx=False)
    assert response.status_code == 200
    assert "<html" in response.content.decode()


@pytest.mark.parametrize("given", ["", "999999", "kein-id"])
def test_board_move_with_empty_or_bogus_reason_is_refused_card_goes_back(rep, rep_client, given):
    lead = LeadFactory(follow_up_by=rep)
    response = _move(rep_client, lead, f.status("Disqualifiziert"), lost_reason=given)
    body = response.content.decode()
    assert response.status_code == 200
    assert "wurde nicht verschoben" in body
    assert f'data-status-id="{f.status("Offen").pk}"' in body and "js-place" in body
    lead.refresh_from_db()
    assert lead.status.name == "Offen"


def test_board_move_with_reason_moves_and_cancel_does_not(rep, rep_client):
    lead = LeadFactory(follow_up_by=rep)
    cancelled = _move(rep_client, lead, f.status("Geschlossen"), cancel="1")
    assert "wurde nicht verschoben" in cancelled.content.decode()
    response = _move(
        rep_client, lead, f.status("Geschlossen"), lost_reason=reason().pk, lost_note="Budget"
    )
    assert "ist jetzt" in response.content.decode()
    lead.refresh_from_db()
    assert (lead.status.name, lead.lost_reason, lead.lost_note) == (
        "Geschlossen",
        reason(),
        "Budget",
    )


def test_board_move_permission_unchanged(rep, marketing_client):
    lead = LeadFactory(follow_up_by=rep, created_by=rep)
    for client in (marketing_client,):
        response = _move(client, lead, f.status("Geschlossen"), lost_reason=reason().pk)
        assert "nicht ändern" in response.content.decode()
    lead.refresh_from_db()
    assert lead.status.name == "Offen"


def test_board_page_queries_do_not_grow_with_lost_leads(rep, rep_client):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert rep_client.get(reverse("boards:lead_board")).status_code == 200
        return len(queries)

    LeadFactory.create_batch(2, status=f.status("Geschlossen"), lost_reason=reason())
    small = count()
    LeadFactory.create_batch(
        12, status=f.status("Geschlossen"), lost_reason=reason("Wettbewerber"), follow_up_by=rep
    )
    assert count() == small


# --- admin ----------------------------------------------------------------------------


def test_admin_lists_the_reasons_by_rank(admin_client_staff):
    response = admin_client_staff.get(reverse("admin:leads_lostreason_changelist"))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index("Kein Bedarf") < body.index("Sonstiges")


def test_admin_refuses_a_lost_status_without_reason(admin_client_staff):
    from tests.leads.test_admin_leads import _form_data as admin_form
    from tests.leads.test_admin_leads import _url

    lead = LeadFactory()
    url = _url(lead)
    data = admin_form(admin_client_staff, url, status=f.status("Geschlossen").pk)
    data.pop("lost_reason", None)
    response = admin_client_staff.post(url, data)
    assert response.status_code == 200 and REQUIRED in response.content.decode()
    lead.refresh_from_db()
    assert lead.status.name == "Offen"


# --- import ---------------------------------------------------------------------------


def _import(user, rows) -> tuple:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["Firma", "E-Mail", "Status", "Verlustgrund", "Notiz zum Verlust"])
    writer.writerows(rows)
    lead_import = import_files.import_upload(
        upload=SimpleUploadedFile("verloren.csv", out.getvalue().encode()), user=user
    )
    assert {"status", "lost_reason", "lost_note"} <= set(lead_import.mapping.values())
    import_files.import_configure(
        lead_import=lead_import, mapping=lead_import.mapping, duplicate_mode="skip"
    )
    proposal = {s["target"]: s for s in values.proposal(lead_import)}
    submitted = {t: {r["value"]: r["key"] for r in s["rows"]} for t, s in proposal.items()}
    import_files.import_start(lead_import=lead_import, user=user, value_mapping=submitted)
    import_runner.import_run(lead_import=lead_import)
    lead_import.refresh_from_db()
    return lead_import, proposal


def test_import_resolves_the_reason_and_reports_a_lost_row_without_one(marketing):
    lead_import, proposal = _import(
        marketing,
        [
            ["A GmbH", "a@a.de", "Geschlossen", "Wettbewerber", "Anderer Anbieter"],
            ["B GmbH", "b@b.de", "Disqualifiziert", "", ""],
            ["C GmbH", "c@c.de", "Offen", "", ""],
            ["D GmbH", "d@d.de", "Geschlossen", "kein budget", ""],
        ],
    )
    assert "lost_reason" in proposal
    assert (lead_import.created_count, lead_import.failed_count) == (3, 1)
    a = Lead.objects.get(email="a@a.de")
    assert (a.status.name, a.lost_reason, a.lost_note) == (
        "Geschlossen",
        reason("Wettbewerber"),
        "Anderer Anbieter",
    )
    assert Lead.objects.get(email="d@d.de").lost_reason == reason("Kein Budget")
    assert not Lead.objects.filter(email="b@b.de").exists()
    issue = lead_import.issues.get(row_number=3)
    assert "Verlustgrund" in issue.message and "Disqualifiziert" in issue.message


# --- exports ----------------------------------------------------------------------------


def test_export_and_gdpr_export_show_reason_and_note(rep, manager_client):
    from privacy.services import lead_personal_data

    lead = lead_create(
        data=lead_data(status=f.status("Geschlossen"), lost_reason=reason(), lost_note="Später"),
        user=rep,
    ).lead
    response = manager_client.get(reverse("leads:export"))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = [line.split(";") for line in text.splitlines()]
    assert "Verlustgrund" in header and "Notiz zum Verlust" in header
    row = next(r for r in rows if r[0] == lead.number)
    assert row[header.index("Verlustgrund")] == "Kein Budget"
    part = lead_personal_data(lead)["lead"]
    assert (part["verlustgrund"], part["notiz_zum_verlust"]) == ("Kein Budget", "Später")
