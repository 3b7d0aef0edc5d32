"""Business-card scan: the text parser, vCards, OCR of generated cards (needs tesseract),
and the flow upload → job → prefilled "Neuer Lead" mask → lead with the card image."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from capture.cards import CARD_FIELDS
from capture.cards.ocr import pdf_available, read_image, tesseract_available
from capture.cards.parse import card_fields, e164
from capture.cards.vcard import vcard_fields
from jobs.models import Job, JobState
from leads.models import Lead
from tests.capture.cards import generate_cards
from tests.leads.test_leads_mask import _form_data


def needs_tesseract(test):
    """Marked `tesseract`; skipped with the reason when the binary or 'deu' is missing."""
    skip = pytest.mark.skipif(
        not tesseract_available(),
        reason="tesseract with the 'deu' language is not installed "
        "(Debian: tesseract-ocr tesseract-ocr-deu; .ci/run installs them)",
    )
    return pytest.mark.tesseract(skip(test))


CARD_TEXT = """Nordwind Energie GmbH & Co. KG
Frau Dr. Katrin Hoffmann-Weber
Leiterin Einkauf
Am Hafen 12a
D-28195 Bremen
Tel. 0421 / 123 45 67
Mobil +49 171 2345678
Fax 0421 1234568
k.hoffmann@nordwind-energie.de
www.nordwind-energie.de
"""

VCARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Müller;Thomas;;Herr;\r\nFN:Thomas Müller\r\n"
    "ORG:Müller Wind GmbH;Vertrieb\r\nTITLE:Geschäftsführer\r\n"
    "ADR;TYPE=work:;;Hauptstraße 12;Berlin;;10115;Deutschland\r\n"
    "TEL;TYPE=cell:0171 1234567\r\nTEL;TYPE=work,voice:030 1234567\r\n"
    "EMAIL;TYPE=work:T.Mueller@mueller-wind.de\r\nURL:www.mueller-wind.de\r\n"
    "NOTE:eine sehr lange Notiz\r\n  über zwei Zeilen\r\nEND:VCARD\r\n"
).encode()


def test_parser_reads_every_field_of_a_card_text():
    assert card_fields(CARD_TEXT) == {
        "salutation": "Frau",
        "first_name": "Katrin",
        "last_name": "Hoffmann-Weber",
        "function": "Leiterin Einkauf",
        "company_name": "Nordwind Energie GmbH & Co. KG",
        "street": "Am Hafen 12a",
        "postal_code": "28195",
        "city": "Bremen",
        "country": "DE",
        "phone": "+494211234567",  # the landline, not the mobile or the fax
        "email": "k.hoffmann@nordwind-energie.de",
        "website": "https://www.nordwind-energie.de",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("030 / 123 45 67", "+49301234567"),
        ("+49 (0) 89 12345-0", "+4989123450"),
        ("(0 221) 98 76 54", "+49221987654"),
        ("0049 171 2345678", "+491712345678"),
        ("keine Nummer", ""),
    ],
)
def test_phones_become_e164(text, expected):
    assert e164(text) == expected


@pytest.mark.parametrize("form", ["GmbH", "AG", "KG", "UG (haftungsbeschränkt)", "e.K.", "SE"])
def test_company_is_the_line_with_a_legal_form(form):
    fields = card_fields(f"Max Mustermann\nSpree Software {form}\nmax@spree.de")
    assert fields["company_name"] == f"Spree Software {form}"
    assert (fields["first_name"], fields["last_name"]) == ("Max", "Mustermann")


def test_vcard_fills_the_same_fields_without_ocr():
    assert vcard_fields(VCARD) == {
        "salutation": "Herr",
        "first_name": "Thomas",
        "last_name": "Müller",
        "function": "Geschäftsführer",
        "company_name": "Müller Wind GmbH",
        "street": "Hauptstraße 12",
        "postal_code": "10115",
        "city": "Berlin",
        "country": "DE",
        "phone": "+49301234567",
        "email": "t.mueller@mueller-wind.de",
        "website": "https://www.mueller-wind.de",
    }


def test_generated_cards_are_varied():
    cards = generate_cards(30)
    assert len(cards) == 30
    assert {c.layout for c in cards} >= {"left", "center", "right", "two-columns"}
    assert len({c.fields["company_name"] for c in cards}) > 10
    assert all(set(c.fields) == set(CARD_FIELDS) for c in cards)


@needs_tesseract
@pytest.mark.parametrize("index", [0, 1, 2, 3, 5])
def test_ocr_reads_the_key_fields_of_generated_cards(index):
    card = generate_cards(6)[index]
    found = card_fields(read_image(card.image))
    for name in ("company_name", "postal_code", "city", "last_name"):
        assert found.get(name) == card.fields[name], (card.layout, name, found)
    right = sum(found.get(n, "") == card.fields[n] for n in CARD_FIELDS)
    assert right >= 10, (card.layout, found, card.fields)


@needs_tesseract
@pytest.mark.skipif(not pdf_available(), reason="pdftoppm (Debian poppler-utils) is missing")
def test_a_pdf_card_is_read_like_the_image():
    import io

    from PIL import Image

    card = generate_cards(1)[0]
    pdf = io.BytesIO()
    Image.open(io.BytesIO(card.image)).convert("RGB").save(pdf, "PDF", resolution=300)
    found = card_fields(read_image(pdf.getvalue()))
    for name in ("company_name", "postal_code", "city", "last_name"):
        assert found.get(name) == card.fields[name], (name, found)


# --- the flow -----------------------------------------------------------------------------


def _vcf() -> SimpleUploadedFile:
    return SimpleUploadedFile("karte.vcf", VCARD, content_type="text/vcard")


@pytest.mark.django_db
def test_vcard_scan_prefills_the_mask_and_creates_the_lead(rep_client, rep):
    response = rep_client.post(reverse("capture:card_scan"), {"card": _vcf()})
    job = Job.objects.get(kind="card_scan")
    assert job.state == JobState.DONE and job.created_by == rep
    assert response.status_code == 302 and response.url.endswith(f"?scan={job.pk}")

    page = rep_client.get(response.url)
    html = page.content.decode()
    assert 'value="Müller Wind GmbH"' in html and 'value="10115"' in html
    assert 'id="card-scan-notice"' in html and "card_scan.js" in html
    assert f'name="card_scan" value="{job.pk}"' in html

    data = _form_data(
        company_name="Müller Wind GmbH", last_name="Müller", email="t.mueller@mueller-wind.de"
    )
    data["card_scan"] = str(job.pk)
    assert rep_client.post(reverse("leads:create"), data).status_code == 302
    lead = Lead.objects.get(company_name="Müller Wind GmbH")
    assert not lead.business_card  # a vCard has no image


@pytest.mark.django_db
def test_wrong_file_is_refused(rep_client):
    bad = SimpleUploadedFile("karte.gif", b"GIF89a....", content_type="image/gif")
    response = rep_client.post(reverse("capture:card_scan"), {"card": bad}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("leads:create")
    assert "vCard" in response.content.decode()
    bad.seek(0)
    partial = rep_client.post(reverse("capture:card_scan"), {"card": bad}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "invalid-feedback" in partial.content.decode()
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_outsider_cannot_scan_nor_see_a_scan(outsider_client, rep_client, outsider):
    assert outsider_client.post(reverse("capture:card_scan"), {"card": _vcf()}).status_code == 403
    rep_client.post(reverse("capture:card_scan"), {"card": _vcf()})
    job = Job.objects.get(kind="card_scan")
    status = reverse("capture:card_scan_status", args=[job.pk])
    assert outsider_client.get(status).status_code in (403, 404)


@pytest.mark.django_db
def test_someone_elses_scan_does_not_prefill(rep_client, teammate_client):
    rep_client.post(reverse("capture:card_scan"), {"card": _vcf()})
    job = Job.objects.get(kind="card_scan")
    html = teammate_client.get(reverse("leads:create") + f"?scan={job.pk}").content.decode()
    assert "Müller Wind GmbH" not in html and "card-scan-notice" not in html
    assert (
        teammate_client.get(reverse("capture:card_scan_status", args=[job.pk])).status_code == 404
    )


@needs_tesseract
@pytest.mark.django_db
def test_image_scan_runs_ocr_in_the_task_and_keeps_the_image(
    rep_client, django_capture_on_commit_callbacks
):
    card = generate_cards(1)[0]
    upload = SimpleUploadedFile("karte.png", card.image, content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):
        response = rep_client.post(
            reverse("capture:card_scan"), {"card": upload}, HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 200  # the progress partial, polling
    assert 'hx-trigger="every 1s"' in response.content.decode()
    job = Job.objects.get(kind="card_scan")
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.done == job.total == 3
    assert job.result["fields"]["company_name"] == card.fields["company_name"]

    polled = rep_client.get(
        reverse("capture:card_scan_status", args=[job.pk]), HTTP_HX_REQUEST="true"
    )
    assert polled["HX-Redirect"].endswith(f"?scan={job.pk}")

    fields = job.result["fields"]
    data = _form_data(
        **{k: v for k, v in fields.items() if k in ("company_name", "last_name", "email")}
    )
    data["card_scan"] = str(job.pk)
    assert rep_client.post(reverse("leads:create"), data).status_code == 302
    lead = Lead.objects.get(company_name=card.fields["company_name"])
    assert lead.business_card  # the scanned image is the Visitenkarte
