"""Business-card uploads: images only, size and pixel limits, re-encoding, protected serving."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from leads.models import Lead
from leads.services import uploads
from leads.services.lead import lead_create
from tests.factories.leads import lead_data
from tests.leads.test_leads_mask import _form_data


def _png(size=(60, 40), colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (80, 50), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "GeheimKamera"  # Make
    exif[0x0131] = "Standort-Software"  # Software
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def _upload(content: bytes, name="karte.png", ctype="image/png"):
    return SimpleUploadedFile(name, content, content_type=ctype)


def test_png_with_appended_script_is_reencoded_without_it():
    payload = _png() + b"<script>alert('xss')</script>"
    processed = uploads.process_image(_upload(payload))
    assert b"<script>" not in processed.content
    assert b"<script>" not in processed.thumbnail
    assert Image.open(io.BytesIO(processed.content)).format == "PNG"
    assert processed.extension == "png"


def test_exif_metadata_is_stripped():
    processed = uploads.process_image(_upload(_jpeg_with_exif(), "k.jpg", "image/jpeg"))
    assert b"GeheimKamera" not in processed.content
    assert not Image.open(io.BytesIO(processed.content)).getexif()


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.4 not an image",
        b"<html><script>alert(1)</script></html>",
        b"",
        b"GIF89a" + b"0" * 50,
    ],
)
def test_non_images_are_refused(content):
    with pytest.raises(ValidationError) as info:
        uploads.process_image(_upload(content, "karte.png"))
    assert "Bild" in str(info.value)


def test_gif_is_refused_even_if_valid():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    with pytest.raises(ValidationError):
        uploads.process_image(_upload(out.getvalue(), "k.gif", "image/gif"))


def test_oversized_file_is_refused(settings):
    settings.UPLOAD_IMAGE_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match="zu groß"):
        uploads.process_image(_upload(_png(size=(400, 400), colour=(1, 2, 3)) + b"x" * 2000))


def test_decompression_bomb_is_refused(settings):
    settings.LEADCRM_MAX_IMAGE_PIXELS = 10_000
    with pytest.raises(ValidationError, match="zu groß"):
        uploads.process_image(_upload(_png(size=(200, 200))))


def test_truncated_png_is_refused():
    with pytest.raises(ValidationError):
        uploads.process_image(_upload(_png()[:60]))


@pytest.mark.django_db
def test_upload_through_mask_stores_random_name_and_serves_protected(rep, rep_client, client):
    data = _form_data(company_name="Karte GmbH")
    data["business_card"] = _upload(_png() + b"<script>x</script>", "../../etc/passwd.png")
    response = rep_client.post(reverse("leads:create"), data)
    assert response.status_code == 302
    lead = Lead.objects.get(company_name="Karte GmbH")
    name = lead.business_card.name
    assert name.startswith("business_cards/") and "passwd" not in name
    assert default_storage.exists(name)
    assert default_storage.exists(uploads.thumbnail_name(name))
    url = reverse("leads:business_card", args=[lead.pk])
    served = rep_client.get(url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"<script>" not in b"".join(served.streaming_content)
    thumb = rep_client.get(url + "?thumb=1")
    assert thumb.status_code == 200
    anonymous = client.get(url)
    assert anonymous.status_code == 302  # to the login page
    page = rep_client.get(reverse("leads:detail", args=[lead.pk])).content.decode()
    assert 'id="business-card-thumb"' in page


@pytest.mark.django_db
def test_bad_upload_in_mask_is_form_error_and_nothing_saved(rep_client):
    data = _form_data(company_name="Kaputt GmbH")
    data["business_card"] = _upload(b"kein bild", "karte.jpg", "image/jpeg")
    response = rep_client.post(reverse("leads:create"), data)
    assert response.status_code == 200
    assert "business_card" in response.context["form"].errors
    assert not Lead.objects.exists()


@pytest.mark.django_db
def test_replace_and_remove_business_card(rep, rep_client):
    lead = lead_create(data=lead_data(), user=rep).lead
    url = reverse("leads:detail", args=[lead.pk])
    data = _form_data(lead)
    data["business_card"] = _upload(_png())
    assert rep_client.post(url, data).status_code == 302
    lead.refresh_from_db()
    assert lead.business_card
    data = _form_data(lead, remove_business_card="on")
    assert rep_client.post(url, data).status_code == 302
    lead.refresh_from_db()
    assert not lead.business_card
    assert rep_client.get(reverse("leads:business_card", args=[lead.pk])).status_code == 404
