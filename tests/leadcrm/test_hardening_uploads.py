"""Issue #19 point 5: image uploads refuse more than LEADCRM_MAX_IMAGE_PIXELS (default
25 MP) from the header, before decoding — a small PNG of 39 megapixels never gets expanded
(ui.images, used by the Visitenkarte upload and the card scan)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from jobs.models import Job
from leads.models import Lead
from leads.services import uploads
from tests.leads.test_leads_mask import _form_data
from ui import images


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """40 MP (8000 × 5000) in a few kilobytes: one bit per pixel, all black."""
    out = io.BytesIO()
    Image.new("1", (8000, 5000)).save(out, "PNG")
    assert len(out.getvalue()) < 100_000
    return out.getvalue()


def _png(size=(300, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 20, 30)).save(out, "PNG")
    return out.getvalue()


def _file(data: bytes, name="karte.png"):
    return SimpleUploadedFile(name, data, content_type="image/png")


def test_default_limit_is_25_megapixels(settings):
    del settings.LEADCRM_MAX_IMAGE_PIXELS
    assert images.max_image_pixels() == 25_000_000


def test_bomb_is_refused_from_the_header_without_decoding(bomb, monkeypatch):
    def no_decoding(self, *args, **kwargs):
        raise AssertionError("the pixels were decoded")

    monkeypatch.setattr(Image.Image, "load", no_decoding)
    monkeypatch.setattr(Image.Image, "verify", no_decoding, raising=False)
    with pytest.raises(images.ImageTooLarge, match="höchstens 25 Megapixel"):
        images.open_bounded(bomb)
    with pytest.raises(ValidationError, match="höchstens 25 Megapixel") as caught:
        uploads.process_image(_file(bomb))
    assert caught.value.code == "too_many_pixels"


def test_limit_is_configurable(settings):
    settings.LEADCRM_MAX_IMAGE_PIXELS = 50_000
    assert uploads.process_image(_file(_png((200, 200)))).width == 200
    with pytest.raises(ValidationError, match="Megapixel"):
        uploads.process_image(_file(_png((300, 200))))


@pytest.mark.django_db
def test_mask_refuses_a_bomb_as_visitenkarte(rep_client, bomb):
    data = _form_data(business_card=_file(bomb))
    response = rep_client.post(reverse("leads:create"), data)
    assert response.status_code == 200
    assert "höchstens 25 Megapixel" in response.content.decode()
    assert not Lead.objects.exists()


@pytest.mark.django_db
def test_card_scan_refuses_a_bomb_before_storing_it(rep_client, bomb):
    response = rep_client.post(
        reverse("capture:card_scan"), {"card": _file(bomb)}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "höchstens 25 Megapixel" in response.content.decode()
    assert not Job.objects.exists()
