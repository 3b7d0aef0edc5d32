"""Scanning a business card: the upload becomes a job (jobs.runner), OCR runs in a task.

`card_scan_start` checks and stores the upload and creates the job (kind `card_scan`); a
vCard is read at once (no OCR), an image or PDF is read by `scan_business_card` after
commit. The job's result is what the new-lead mask reads (`leads.card_prefill`):
`{"fields": {...}, "image": <storage name of the card image or "">}`.
"""

from __future__ import annotations

import io
import logging
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import UnidentifiedImageError

from capture.cards import CARD_FIELDS
from capture.cards.ocr import OcrUnavailable, load_image, pdf_available, read_image
from capture.cards.parse import card_fields
from capture.cards.vcard import vcard_fields
from jobs.models import Job
from jobs.runner import JobRun, job_create, job_queue, job_run
from ui.images import ImageTooLarge, open_bounded

log = logging.getLogger(__name__)
JOB_KIND = "card_scan"
TASK = "capture.tasks.scan_business_card"
STEPS = 3


class CardScanError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = str(message)


def sniff(data: bytes) -> str:
    """png, jpeg, pdf or vcf by the file's first bytes; empty when none of them."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.lstrip(b"\xef\xbb\xbf \r\n\t")[:11].upper() == b"BEGIN:VCARD":
        return "vcf"
    return ""


def _check_image(data: bytes) -> None:
    """Refuse a photo with too many pixels (or none readable) before it is stored."""
    try:
        open_bounded(data)
    except ImageTooLarge as exc:
        raise CardScanError(exc.message) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise CardScanError(_("Das Bild konnte nicht gelesen werden.")) from None


def card_scan_start(*, upload, user) -> Job:
    """Store the card and create its job; raises CardScanError (German) for a wrong file."""
    if upload.size > settings.UPLOAD_IMAGE_MAX_BYTES:
        raise CardScanError(_("Die Datei ist zu groß (höchstens 5 MB)."))
    data = upload.read()
    kind = sniff(data)
    if not kind or (kind == "pdf" and not pdf_available()):
        raise CardScanError(
            _("Bitte ein Foto (JPEG oder PNG), eine PDF-Datei oder eine vCard (.vcf) hochladen.")
        )
    if kind in ("png", "jpeg"):
        _check_image(data)
    name = default_storage.save(f"card_scans/{uuid.uuid4().hex}.{kind}", ContentFile(data))
    with transaction.atomic():
        job = job_create(
            kind=JOB_KIND,
            title=_("Visitenkarte scannen"),
            user=user,
            total=STEPS,
            params={"file": name, "type": kind},
            task=TASK,
        )
        if kind == "vcf":  # no OCR: read it now, the rep goes straight to the mask
            card_scan_run(job.pk)
        else:  # after commit; a broker outage leaves it pending for the beat re-scan
            job_queue(job=job)
    job.refresh_from_db()
    return job


def _work(run: JobRun) -> None:
    name, kind = run.job.params["file"], run.job.params["type"]
    with default_storage.open(name, "rb") as handle:
        data = handle.read()
    run.progress(done=1)
    if kind == "vcf":
        fields, image = vcard_fields(data), ""
    else:
        text = read_image(data)
        run.progress(done=2)
        fields = card_fields(text)
        image = name
        if kind == "pdf":  # the Visitenkarte is an image: keep the page we read
            buffer = io.BytesIO()
            load_image(data).convert("RGB").save(buffer, format="PNG")
            image = default_storage.save(
                f"card_scans/{uuid.uuid4().hex}.png", ContentFile(buffer.getvalue())
            )
    fields = {k: v for k, v in fields.items() if k in CARD_FIELDS and v}
    run.complete(done=STEPS, result={"fields": fields, "image": image})


def _error(exc: BaseException) -> str:
    if isinstance(exc, OcrUnavailable):
        return _("Die Texterkennung ist auf dem Server nicht verfügbar.")
    return _("Die Visitenkarte konnte nicht gelesen werden.")


def card_scan_run(job_id: int) -> str:
    return job_run(job=job_id, work=_work, error_message=_error, reraise=False)
