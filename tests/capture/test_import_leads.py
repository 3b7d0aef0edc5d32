"""Lead import: encodings and separators, XLSX, mapping, row validation, duplicate modes,
resume after a crash, cancel, German error report with formula injection neutralised,
the screens (outsider refused, query counts)."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from capture.imports import files as import_files
from capture.imports import run as import_runner
from jobs.models import Job, JobState
from leads.models import CaptureChannel, DuplicateMode, Lead, LeadImport
from tests.factories import LeadFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = ["Firma", "Vorname", "Nachname", "E-Mail", "Telefon", "PLZ", "Ort", "Interessen"]
ROWS = [
    [
        "Müller Energie GmbH",
        "Jürgen",
        "Müller",
        "j.mueller@mueller-energie.de",
        "089 1234567",
        "80331",
        "München",
        "Photovoltaik",
    ],
    [
        "Bäckerei Schäfer e.K.",
        "Anna",
        "Schäfer",
        "anna@schaefer-back.de",
        "030 7654321",
        "10115",
        "Berlin",
        "",
    ],
    ["Weiß AG", "Max", "Weiß", "max@weiss-ag.de", "", "50667", "Köln", "Windkraft, Photovoltaik"],
]


def make_csv(rows=ROWS, header=HEADER, *, delimiter=";", encoding="utf-8-sig"):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def make_xlsx(rows=ROWS, header=HEADER) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def importer(marketing):
    return marketing


def upload(user, content: bytes, name="messe.csv") -> LeadImport:
    return import_files.import_upload(upload=SimpleUploadedFile(name, content), user=user)


def run(lead_import, *, mode=DuplicateMode.SKIP, batch_size=None, mapping=None, user=None):
    lead_import.mapping = mapping or lead_import.mapping
    lead_import.duplicate_mode = mode
    lead_import.save()
    return import_runner.import_run(lead_import=lead_import, batch_size=batch_size)


@pytest.mark.parametrize(
    "encoding, delimiter",
    [("utf-8-sig", ";"), ("utf-8", ";"), ("utf-8", ","), ("cp1252", ";"), ("cp1252", ",")],
)
def test_encodings_and_separators(importer, encoding, delimiter):
    lead_import = upload(importer, make_csv(delimiter=delimiter, encoding=encoding))
    assert lead_import.delimiter == delimiter
    assert lead_import.headers == HEADER
    assert lead_import.total_rows == 3
    assert import_files.preview(lead_import)[0][0] == "Müller Energie GmbH"
    run(lead_import)
    lead = Lead.objects.get(email="j.mueller@mueller-energie.de")
    assert lead.company_name == "Müller Energie GmbH" and lead.city == "München"
    assert lead.capture_channel == CaptureChannel.IMPORT


@pytest.mark.smoke
def test_mapping_guess_and_xlsx(importer):
    lead_import = upload(importer, make_xlsx(), name="liste.xlsx")
    assert lead_import.file_format == "xlsx"
    assert lead_import.mapping == {
        "Firma": "company_name",
        "Vorname": "first_name",
        "Nachname": "last_name",
        "E-Mail": "email",
        "Telefon": "phone",
        "PLZ": "postal_code",
        "Ort": "city",
        "Interessen": "interests",
    }
    run(lead_import)
    assert Lead.objects.count() == 3
    weiss = Lead.objects.get(email="max@weiss-ag.de")
    assert {i.name for i in weiss.interests.all()} == {"Windkraft", "Photovoltaik"}
    assert Lead.objects.get(email="j.mueller@mueller-energie.de").phone.as_e164 == "+49891234567"


def test_partial_mapping_ignores_unmapped_columns(importer):
    lead_import = upload(importer, make_csv())
    run(lead_import, mapping={"Firma": "company_name", "E-Mail": "email"})
    lead = Lead.objects.get(email="anna@schaefer-back.de")
    assert lead.city == "" and lead.last_name == ""


@pytest.mark.parametrize(
    "mapping, message",
    [
        ({"Ort": "city"}, "mindestens"),
        ({"Firma": "company_name", "Ort": "company_name"}, "nur einer Spalte"),
    ],
)
def test_bad_mapping_is_refused(importer, mapping, message):
    lead_import = upload(importer, make_csv())
    with pytest.raises(import_files.ImportFileError) as info:
        import_files.import_configure(
            lead_import=lead_import, mapping=mapping, duplicate_mode="skip"
        )
    assert message in info.value.message


def test_bad_rows_are_reported_and_do_not_stop_others(importer):
    rows = [
        ROWS[0],
        ["Kaputt GmbH", "A", "B", "keine-mail", "", "", "", ""],
        ["Telefon GmbH", "A", "B", "ok@telefon.de", "12", "", "", ""],
        ["", "", "", "", "089 555555", "", "", ""],
        ["Interesse GmbH", "A", "B", "ok@interesse.de", "", "", "", "Kernfusion"],
        ["Zu lang " + "x" * 300, "A", "B", "ok@lang.de", "", "", "", ""],
        ["Nur Firma GmbH", "", "", "", "", "", "", ""],
        ROWS[1],
    ]
    lead_import = upload(importer, make_csv(rows))
    run(lead_import)
    lead_import.refresh_from_db()
    # the unknown interest costs the value, not the row (a warning)
    assert (lead_import.created_count, lead_import.failed_count) == (3, 5)
    assert lead_import.warning_count == 1
    messages = dict(lead_import.issues.values_list("row_number", "message"))
    kinds = dict(lead_import.issues.values_list("row_number", "kind"))
    # spreadsheet row numbers: header = row 1, the first data row = row 2
    assert "E-Mail „keine-mail“ ist ungültig." in messages[3]
    assert "Telefonnummer „12“ ist ungültig." in messages[4]
    assert "Bitte ein Unternehmen oder einen Namen angeben." in messages[5]
    assert "Kernfusion" in messages[6] and kinds[6] == "warning"
    assert Lead.objects.get(email="ok@interesse.de").interests.count() == 0
    assert "zu lang" in messages[7]
    # the lead's own minimum: a company alone is not enough (no e-mail, no phone)
    assert "Bitte eine E-Mail-Adresse oder eine Telefonnummer angeben." in messages[8]


def test_duplicate_mode_skip(importer):
    existing = LeadFactory(email="j.mueller@mueller-energie.de", city="Altstadt")
    lead_import = upload(importer, make_csv())
    run(lead_import, mode=DuplicateMode.SKIP)
    lead_import.refresh_from_db()
    assert (lead_import.created_count, lead_import.skipped_count) == (2, 1)
    existing.refresh_from_db()
    assert existing.city == "Altstadt"
    issue = lead_import.issues.get()
    assert issue.kind == "duplicate" and existing.number in issue.message


def test_duplicate_mode_update(importer):
    existing = LeadFactory(email="J.Mueller@mueller-energie.de", city="Altstadt", version=1)
    lead_import = upload(importer, make_csv())
    run(lead_import, mode=DuplicateMode.UPDATE)
    lead_import.refresh_from_db()
    assert (lead_import.created_count, lead_import.updated_count) == (2, 1)
    existing.refresh_from_db()
    assert existing.city == "München" and existing.version == 2
    assert Lead.objects.count() == 3


def test_duplicate_mode_create_anyway(importer):
    LeadFactory(email="j.mueller@mueller-energie.de")
    lead_import = upload(importer, make_csv())
    run(lead_import, mode=DuplicateMode.CREATE)
    assert Lead.objects.filter(email="j.mueller@mueller-energie.de").count() == 2


def test_duplicates_within_the_file_match_too(importer):
    lead_import = upload(importer, make_csv([ROWS[0], ROWS[0], ROWS[1]]))
    run(lead_import, mode=DuplicateMode.SKIP)
    assert Lead.objects.count() == 2


class SimulatedCrash(BaseException):
    """Not an Exception: escapes the per-row handler like a killed worker."""


def test_resume_after_crash_imports_every_row_once(importer, monkeypatch):
    rows = [
        [f"Firma {i} GmbH", "A", f"Name{i}", f"p{i}@firma{i}.de", "", "", "", ""]
        for i in range(1, 8)
    ]
    lead_import = upload(importer, make_csv(rows))
    original = import_runner._process_row

    def crash_at_row_5(number, *args, **kwargs):
        if number == 6:  # the fifth data row
            raise SimulatedCrash
        return original(number, *args, **kwargs)

    monkeypatch.setattr(import_runner, "_process_row", crash_at_row_5)
    with pytest.raises(SimulatedCrash):
        run(lead_import, batch_size=2)
    lead_import.refresh_from_db()
    # batches (rows 2,3) and (4,5) committed; batch (6,7) rolled back completely
    assert lead_import.last_row == 5
    assert Lead.objects.count() == 4
    monkeypatch.setattr(import_runner, "_process_row", original)
    import_runner.import_run(lead_import=lead_import, batch_size=2)
    lead_import.refresh_from_db()
    assert lead_import.last_row == 8
    assert lead_import.created_count == 7
    assert Lead.objects.count() == 7
    assert sorted(Lead.objects.values_list("email", flat=True)) == sorted(r[3] for r in rows)


def test_task_resumes_for_same_job(importer, monkeypatch, django_capture_on_commit_callbacks):
    from capture.tasks import run_import

    rows = [[f"Firma {i}", "A", f"N{i}", f"t{i}@f{i}.de", "", "", "", ""] for i in range(1, 6)]
    lead_import = upload(importer, make_csv(rows))
    monkeypatch.setattr(import_runner, "BATCH_SIZE", 2)
    original = import_runner._process_row
    monkeypatch.setattr(
        import_runner,
        "_process_row",
        lambda n, *a, **k: (
            (_ for _ in ()).throw(RuntimeError("DB weg")) if n == 3 else original(n, *a, **k)
        ),
    )
    # a RuntimeError inside a row is a failed row, not a crash
    with django_capture_on_commit_callbacks(execute=True):
        import_files.import_configure(
            lead_import=lead_import, mapping=lead_import.mapping, duplicate_mode="skip"
        )
        job = import_files.import_start(lead_import=lead_import, user=importer)
    job.refresh_from_db()
    assert job.state == JobState.DONE
    lead_import.refresh_from_db()
    assert (lead_import.created_count, lead_import.failed_count) == (4, 1)
    assert "Unerwarteter Fehler" in lead_import.issues.get().message
    assert run_import(job.pk) == "skipped"  # finished jobs are not run again
    assert Lead.objects.count() == 4


def test_cancel_stops_after_current_batch(importer):
    rows = [[f"Firma {i}", "A", f"N{i}", f"c{i}@f{i}.de", "", "", "", ""] for i in range(1, 7)]
    lead_import = upload(importer, make_csv(rows))
    job = Job.objects.create(
        kind="lead_import", title="Import", created_by=importer, cancel_requested=True
    )
    lead_import.job = job
    lead_import.save()
    assert run(lead_import, batch_size=2) == JobState.CANCELLED
    assert Lead.objects.count() == 2
    job.refresh_from_db()
    assert job.state == JobState.CANCELLED and job.done == 2


def test_cancel_and_resume_screens(importer, marketing_client, django_capture_on_commit_callbacks):
    rows = [[f"Firma {i}", "A", f"N{i}", f"r{i}@f{i}.de", "", "", "", ""] for i in range(1, 6)]
    lead_import = upload(importer, make_csv(rows))
    job = Job.objects.create(kind="lead_import", title="Import", created_by=importer, total=5)
    lead_import.job = job
    lead_import.save()
    response = marketing_client.post(
        reverse("capture:import_cancel", args=[lead_import.pk]), follow=True
    )
    assert "nach dem laufenden Block abgebrochen" in response.content.decode()
    job.refresh_from_db()
    assert job.cancel_requested
    assert run(lead_import, batch_size=2) == JobState.CANCELLED
    with django_capture_on_commit_callbacks(execute=True):
        response = marketing_client.post(
            reverse("capture:import_resume", args=[lead_import.pk]), follow=True
        )
    assert "ab Zeile 4 fortgesetzt" in response.content.decode()  # rows 2 and 3 are in
    job.refresh_from_db()
    lead_import.refresh_from_db()
    assert (job.state, job.done, job.cancel_requested) == (JobState.DONE, 5, False)
    assert lead_import.created_count == 5 and Lead.objects.count() == 5
    # a finished import is neither resumed nor cancelled
    marketing_client.post(reverse("capture:import_resume", args=[lead_import.pk]))
    marketing_client.post(reverse("capture:import_cancel", args=[lead_import.pk]))
    job.refresh_from_db()
    assert job.state == JobState.DONE and not job.cancel_requested


def test_error_report_neutralises_formulas(importer):
    rows = [
        ['=HYPERLINK("http://evil")', "+A", "-B", "@boese", "", "", "", ""],
        ["Gute GmbH", "A", "B", "=1+1", "", "", "", ""],
    ]
    lead_import = upload(importer, make_csv(rows))
    run(lead_import)
    report = import_runner.error_report_csv(lead_import).decode("utf-8-sig")
    parsed = list(csv.reader(io.StringIO(report), delimiter=";"))
    assert parsed[0][:3] == ["Zeile", "Art", "Meldung"]
    cells = [c for row in parsed[1:] for c in row]
    assert all(not c.startswith(("=", "+", "-", "@")) for c in cells)
    assert '\'=HYPERLINK("http://evil")' in cells
    assert "'=1+1" in cells


def test_empty_and_unknown_files_are_refused(importer):
    with pytest.raises(import_files.ImportFileError):
        upload(importer, b"", name="leer.csv")
    with pytest.raises(import_files.ImportFileError):
        upload(importer, make_csv(rows=[]), name="nur-kopf.csv")
    with pytest.raises(import_files.ImportFileError):
        upload(importer, b"%PDF-1.4", name="liste.pdf")


def test_new_leads_go_through_distribution(importer):
    from leads.models import AssignmentMember, AssignmentRule

    rep = UserFactory(username="messe-rep")
    rule = AssignmentRule.objects.create(name="Alle", rank=1)
    AssignmentMember.objects.create(rule=rule, user=rep)
    lead_import = upload(importer, make_csv())
    run(lead_import)
    assert set(Lead.objects.values_list("follow_up_by", flat=True)) == {rep.pk}


# --- screens -------------------------------------------------------------------------------


def test_full_flow_through_views(marketing_client, django_capture_on_commit_callbacks):
    response = marketing_client.post(
        reverse("capture:import_upload"),
        {"file": SimpleUploadedFile("messe.csv", make_csv())},
    )
    lead_import = LeadImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("capture:import_mapping", args=[lead_import.pk])
    page = marketing_client.get(response.url)
    html = page.content.decode()
    assert "Müller Energie GmbH" in html and 'name="map_0"' in html
    data = {f"map_{i}": lead_import.mapping.get(h, "") for i, h in enumerate(lead_import.headers)}
    data["duplicate_mode"] = "skip"
    response = marketing_client.post(reverse("capture:import_mapping", args=[lead_import.pk]), data)
    # the file has a choice column (Interessen): its values are mapped next
    assert response.url == reverse("capture:import_values", args=[lead_import.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = marketing_client.post(response.url, {})
    assert response.status_code == 302
    assert Lead.objects.count() == 3
    detail = marketing_client.get(reverse("capture:import_detail", args=[lead_import.pk]))
    assert "Fertig" in detail.content.decode()
    report = marketing_client.get(reverse("capture:import_errors", args=[lead_import.pk]))
    assert report["Content-Type"].startswith("text/csv")


def test_upload_error_is_german(marketing_client):
    response = marketing_client.post(
        reverse("capture:import_upload"), {"file": SimpleUploadedFile("x.pdf", b"%PDF")}
    )
    assert response.status_code == 400
    assert "CSV- oder Excel-Datei" in response.content.decode()


def test_rep_and_outsider_refused(rep_client, outsider_client, importer):
    lead_import = upload(importer, make_csv())
    urls = [
        ("get", reverse("capture:import_upload")),
        ("get", reverse("capture:import_mapping", args=[lead_import.pk])),
        ("get", reverse("capture:import_detail", args=[lead_import.pk])),
        ("get", reverse("capture:import_errors", args=[lead_import.pk])),
        ("post", reverse("capture:import_cancel", args=[lead_import.pk])),
        ("post", reverse("capture:import_resume", args=[lead_import.pk])),
    ]
    for client in (outsider_client, rep_client):
        for method, url in urls:
            assert getattr(client, method)(url).status_code == 403, url


def test_upload_page_query_count(marketing_client, importer, django_assert_max_num_queries):
    upload(importer, make_csv())
    with django_assert_max_num_queries(8):
        marketing_client.get(reverse("capture:import_upload"))
    for _i in range(5):
        upload(importer, make_csv())
    with django_assert_max_num_queries(8):
        marketing_client.get(reverse("capture:import_upload"))


def test_bulk_created_leads_look_like_lead_create(importer):
    from leads.models import LeadStatusChange
    from tests.factories import source

    web = source("Messe")
    lead_import = upload(importer, make_csv([r[:7] + [""] for r in ROWS]))
    lead_import.source = web
    lead_import.save()
    run(lead_import)
    leads = list(Lead.objects.order_by("number"))
    assert len(leads) == 3
    assert len({lead.number for lead in leads}) == 3
    for lead in leads:
        assert lead.version == 1 and lead.status.is_default
        assert lead.source == web and lead.score > 0  # the source criterion scores
        assert lead.created_by == importer
        record = lead.history.get()
        assert record.history_change_reason == "v=1" and record.history_user == importer
        assert LeadStatusChange.objects.filter(lead=lead, from_status=None).count() == 1
    # the numbering continues after the block
    assert LeadFactory().number > leads[-1].number


def test_bad_row_in_bulk_falls_back_row_by_row(importer):
    rows = [r[:7] + [""] for r in ROWS]
    header = HEADER[:7] + ["Land"]
    rows[1][7] = "XX"  # an unknown country code: full_clean refuses the bulk insert
    lead_import = upload(importer, make_csv(rows, header=header))
    run(lead_import)
    assert Lead.objects.count() >= 2
    assert Lead.objects.filter(email="j.mueller@mueller-energie.de").exists()
