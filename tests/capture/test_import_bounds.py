"""Import bounds (issue #19, point 5): the reader stops at the row limit without reading
further, CSV errors are German messages, the file size limit is a setting."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from capture.imports import files as import_files

pytestmark = pytest.mark.django_db


def _huge_xlsx(rows: int) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["Firma", "E-Mail"])
    for i in range(rows):
        sheet.append([f"Firma {i}", f"x{i}@example.de"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(user, content: bytes, name: str):
    return import_files.import_upload(upload=SimpleUploadedFile(name, content), user=user)


def test_small_but_huge_xlsx_stops_at_the_limit(marketing, settings, monkeypatch):
    settings.LEAD_IMPORT_MAX_ROWS = 1_000
    raw = _huge_xlsx(20_000)
    yielded = 0
    original = import_files._cell

    def counting(value):
        nonlocal yielded
        yielded += 1
        return original(value)

    monkeypatch.setattr(import_files, "_cell", counting)
    with pytest.raises(import_files.ImportFileError, match="höchstens 1000"):
        _upload(marketing, raw, "riesig.xlsx")
    # two cells a row: the reader parsed about the limit, not the 20,000 rows
    assert yielded <= 2 * 1_010
    print(f"cells read for a 20,000-row file with limit 1,000: {yielded}")


def test_within_limit_counts_rows(marketing, settings):
    settings.LEAD_IMPORT_MAX_ROWS = 1_000
    lead_import = _upload(marketing, _huge_xlsx(1_000), "passt.xlsx")
    assert lead_import.total_rows == 1_000


def test_unclosed_quote_and_long_cell_are_german(marketing):
    bad = b'Firma;E-Mail\n"Offen;a@b.de\n' + b"x" * 200_000 + b"\n"
    with pytest.raises(import_files.ImportFileError, match="CSV-Datei ist fehlerhaft"):
        _upload(marketing, bad, "kaputt.csv")


def test_file_size_is_a_setting(marketing, settings):
    settings.LEAD_IMPORT_MAX_FILE_BYTES = 100
    with pytest.raises(import_files.ImportFileError, match="zu groß"):
        _upload(marketing, b"Firma;E-Mail\n" + b"A;a@b.de\n" * 50, "gross.csv")


def test_upload_view_shows_csv_error_not_500(marketing_client):
    from django.urls import reverse

    bad = SimpleUploadedFile("kaputt.csv", b'Firma;E-Mail\n"' + b"y" * 200_000)
    response = marketing_client.post(reverse("capture:import_upload"), {"file": bad})
    assert response.status_code in (200, 400)
    assert "fehlerhaft" in response.content.decode()
