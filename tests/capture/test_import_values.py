"""Value mapping of the import's choice columns (issue #15, point 7): a trade-fair list with
"Speicher" and "Smart Home" loses no row, on the COPY path, the bulk_create path and the
row-by-row fallback; suggestions; the mapping page; spreadsheet row numbers."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from capture.imports import files as import_files
from capture.imports import run as import_runner
from capture.imports import values
from leads.bulk import copy as bulk_copy
from leads.bulk import create as bulk_create
from leads.models import Interest, Lead, LeadImport, LeadSource

pytestmark = pytest.mark.django_db

HEADER = ["Firma", "Nachname", "E-Mail", "Interessen", "Quelle"]


def trade_fair_csv() -> bytes:
    """20 rows; rows 3, 6, 9 say "Speicher", rows 12, 15, 18 "Smart Home"."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADER)
    for i in range(1, 21):
        interest = "Photovoltaik"
        if i in (2, 5, 8):
            interest = "Speicher"
        elif i in (11, 14, 17):
            interest = "Smart Home"
        writer.writerow([f"Messe {i} GmbH", f"Name{i}", f"m{i}@messe{i}.de", interest, "Messe"])
    return out.getvalue().encode("utf-8")


@pytest.fixture
def lists():
    for name in ("Photovoltaik", "Windkraft", "Smart-Home-Produkte", "Batteriespeichersysteme"):
        Interest.objects.get_or_create(name=name)
    LeadSource.objects.get_or_create(name="Messe")


def _configured(user) -> LeadImport:
    lead_import = import_files.import_upload(
        upload=SimpleUploadedFile("messe.csv", trade_fair_csv()), user=user
    )
    return import_files.import_configure(
        lead_import=lead_import, mapping=lead_import.mapping, duplicate_mode="skip"
    )


@pytest.fixture(params=["copy", "bulk_create", "row_by_row"])
def path(request, monkeypatch):
    if request.param == "bulk_create":
        monkeypatch.setattr(bulk_copy, "available", lambda: False)
    elif request.param == "row_by_row":

        def refuse(**kwargs):
            raise RuntimeError("bulk refused")

        monkeypatch.setattr(bulk_create, "leads_bulk_create", refuse)
    return request.param


def test_unknown_values_import_the_row_with_a_warning(marketing, lists, path):
    lead_import = _configured(marketing)
    import_files.import_start(lead_import=lead_import, user=marketing, value_mapping={})
    import_runner.import_run(lead_import=lead_import)
    lead_import.refresh_from_db()
    assert Lead.objects.count() == 20
    assert (lead_import.created_count, lead_import.failed_count) == (20, 0)
    assert lead_import.warning_count == 6
    warnings = lead_import.issues.filter(kind="warning")
    # spreadsheet numbers: header = 1, the 2nd data row = row 3
    assert sorted(warnings.values_list("row_number", flat=True)) == [3, 6, 9, 12, 15, 18]
    assert "„Speicher“" in warnings.get(row_number=3).message
    lead = Lead.objects.get(email="m2@messe2.de")
    assert lead.interests.count() == 0 and lead.source.name == "Messe"
    assert warnings.get(row_number=3).lead_id == lead.pk


def test_confirmed_suggestions_map_the_values(marketing, lists, path):
    lead_import = _configured(marketing)
    proposal = {s["target"]: s for s in values.proposal(lead_import)}
    rows = {r["value"]: r for r in proposal["interests"]["rows"]}
    names = dict(proposal["interests"]["options"])
    assert names[rows["Speicher"]["key"]] == "Batteriespeichersysteme"
    assert names[rows["Smart Home"]["key"]] == "Smart-Home-Produkte"
    assert rows["Photovoltaik"]["exact"] and rows["Speicher"]["count"] == 3
    assert [r["value"] for r in proposal["interests"]["rows"]][-1] == "Photovoltaik"
    submitted = {t: {r["value"]: r["key"] for r in s["rows"]} for t, s in proposal.items()}
    import_files.import_start(lead_import=lead_import, user=marketing, value_mapping=submitted)
    import_runner.import_run(lead_import=lead_import)
    lead_import.refresh_from_db()
    assert (lead_import.created_count, lead_import.warning_count) == (20, 0)
    assert {i.name for i in Lead.objects.get(email="m2@messe2.de").interests.all()} == {
        "Batteriespeichersysteme"
    }
    assert lead_import.value_mapping["interests"]["Speicher"] == str(
        Interest.objects.get(name="Batteriespeichersysteme").pk
    )


def test_ignored_value_is_a_warning(marketing, lists):
    lead_import = _configured(marketing)
    import_files.import_start(
        lead_import=lead_import,
        user=marketing,
        value_mapping={"interests": {"Speicher": values.IGNORE, "Smart Home": "bogus"}},
    )
    assert lead_import.value_mapping["interests"]["Smart Home"] == values.IGNORE
    import_runner.import_run(lead_import=lead_import)
    lead_import.refresh_from_db()
    assert (lead_import.created_count, lead_import.warning_count) == (20, 6)
    assert "ignoriert" in lead_import.issues.filter(kind="warning").first().message


@pytest.mark.parametrize(
    "value, expected",
    [
        ("Speicher", "Batteriespeichersysteme"),
        ("Smart Home", "Smart-Home-Produkte"),
        ("photovoltaik", "Photovoltaik"),
        ("Kernfusion", None),
    ],
)
def test_suggestions(lists, value, expected):
    options = values.choices("interests")
    key, _score = values.suggest(value, options)
    names = {c.key: c.label for c in options}
    assert names.get(key) == expected


def test_owner_status_type_campaign_columns(marketing, lists, rep):
    from contacts.models import LeadStatus
    from leads.models import Campaign, LeadType

    LeadType.objects.get_or_create(name="MQL")
    Campaign.objects.get_or_create(name="E-world 2027")
    status = LeadStatus.objects.filter(active=True, phase="working").first()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["Firma", "E-Mail", "Typ", "Status", "Kampagne", "Nachbetreuung"])
    writer.writerow(["A GmbH", "a@a.de", "mql", status.name, "E-World 2027", rep.username])
    writer.writerow(["B GmbH", "b@b.de", "XYZ", "Konvertiert", "Unbekannt", "niemand"])
    lead_import = import_files.import_upload(
        upload=SimpleUploadedFile("m.csv", out.getvalue().encode()), user=marketing
    )
    assert set(lead_import.mapping.values()) >= {"type", "status", "campaign", "follow_up_by"}
    import_files.import_configure(
        lead_import=lead_import, mapping=lead_import.mapping, duplicate_mode="skip"
    )
    proposal = {s["target"]: s for s in values.proposal(lead_import)}
    submitted = {t: {r["value"]: r["key"] for r in s["rows"]} for t, s in proposal.items()}
    import_files.import_start(lead_import=lead_import, user=marketing, value_mapping=submitted)
    import_runner.import_run(lead_import=lead_import)
    lead_import.refresh_from_db()
    assert lead_import.created_count == 2 and lead_import.warning_count == 1
    a = Lead.objects.get(email="a@a.de")
    assert (a.type.name, a.status, a.campaign.name, a.follow_up_by) == (
        "MQL",
        status,
        "E-world 2027",
        rep,
    )
    # "Konvertiert" is never offered for a new lead (the closest other status is suggested)
    assert "Konvertiert" not in dict(proposal["status"]["options"]).values()
    assert Lead.objects.get(email="b@b.de").status.phase != "converted"


def test_scan_is_bounded(marketing, lists, monkeypatch):
    monkeypatch.setattr(values, "MAX_DISTINCT", 5)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["Firma", "Quelle"])
    for i in range(12):
        writer.writerow([f"F{i}", f"Quelle {i}"])
    lead_import = import_files.import_upload(
        upload=SimpleUploadedFile("q.csv", out.getvalue().encode()), user=marketing
    )
    import_files.import_configure(
        lead_import=lead_import, mapping=lead_import.mapping, duplicate_mode="skip"
    )
    scanned = lead_import.choice_values["source"]
    assert len(scanned["values"]) == 5 and scanned["more"] is True


def test_blank_rows_keep_spreadsheet_numbers(marketing, lists):
    content = b"Firma;E-Mail\nA;a@a.de\n;\nB;kaputt\n"
    lead_import = import_files.import_upload(
        upload=SimpleUploadedFile("b.csv", content), user=marketing
    )
    import_runner.import_run(lead_import=lead_import)
    assert lead_import.issues.get().row_number == 4  # row 3 is blank in the sheet


def test_screens_mapping_then_values_then_start(
    marketing_client, lists, django_capture_on_commit_callbacks
):
    response = marketing_client.post(
        reverse("capture:import_upload"),
        {"file": SimpleUploadedFile("messe.csv", trade_fair_csv())},
    )
    lead_import = LeadImport.objects.get()
    page = marketing_client.get(response.url).content.decode()
    assert 'name="map_3"' in page and "Speicher" in page
    data = {f"map_{i}": lead_import.mapping.get(h, "") for i, h in enumerate(lead_import.headers)}
    data["duplicate_mode"] = "skip"
    response = marketing_client.post(reverse("capture:import_mapping", args=[lead_import.pk]), data)
    assert response.url == reverse("capture:import_values", args=[lead_import.pk])
    page = marketing_client.get(response.url).content.decode()
    assert "Batteriespeichersysteme" in page and "– ignorieren –" in page
    lead_import.refresh_from_db()
    speicher = [v for v, _n in lead_import.choice_values["interests"]["values"]].index("Speicher")
    batterie = Interest.objects.get(name="Batteriespeichersysteme")
    posted = {f"value_interests_{speicher}": str(batterie.pk)}
    with django_capture_on_commit_callbacks(execute=True):
        response = marketing_client.post(
            reverse("capture:import_values", args=[lead_import.pk]), posted
        )
    assert response.url == reverse("capture:import_detail", args=[lead_import.pk])
    assert Lead.objects.count() == 20
    assert Lead.objects.filter(interests=batterie).count() == 3
    detail = marketing_client.get(response.url).content.decode()
    assert "Warnung" in detail  # the three "Smart Home" rows (not mapped in this post)


def test_values_page_refused_for_rep_and_outsider(rep_client, outsider_client, marketing, lists):
    lead_import = _configured(marketing)
    url = reverse("capture:import_values", args=[lead_import.pk])
    for client in (rep_client, outsider_client):
        assert client.get(url).status_code == 403
        assert client.post(url).status_code == 403
