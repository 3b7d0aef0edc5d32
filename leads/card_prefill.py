"""The new-lead mask's prefill from a finished business-card scan (capture.cards).

The scan is a job (kind `card_scan`) of the user; its result holds the fields read and
the stored card image, which becomes the lead's Visitenkarte when the lead is saved.
Only the job's creator can use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from jobs.models import Job, JobState
from leads.models import Lead

JOB_KIND = "card_scan"  # capture.cards.services.JOB_KIND
PREFILL_FIELDS = (
    "salutation", "first_name", "last_name", "function", "company_name", "street",
    "postal_code", "city", "country", "phone", "email", "website",
)  # fmt: skip


@dataclass
class CardPrefill:
    job_id: int
    fields: dict = field(default_factory=dict)
    image: str = ""

    @property
    def labels(self) -> list[str]:
        """The mask labels of the fields read from the card, for the rep to confirm."""
        return [str(Lead._meta.get_field(name).verbose_name) for name in self.fields]

    @property
    def marks(self) -> dict:
        """What static/js/card_scan.js marks "aus Visitenkarte" in the mask."""
        return {"fields": list(self.fields)}


def card_prefill(user, job_id) -> CardPrefill | None:
    """The user's finished scan `job_id` (a str from the query string is fine), else None."""
    try:
        pk = int(job_id)
    except (TypeError, ValueError):
        return None
    job = Job.objects.filter(pk=pk, kind=JOB_KIND, created_by=user, state=JobState.DONE).first()
    if job is None:
        return None
    result = job.result or {}
    fields = {k: v for k, v in (result.get("fields") or {}).items() if k in PREFILL_FIELDS}
    return CardPrefill(job_id=job.pk, fields=fields, image=str(result.get("image") or ""))


def card_image_upload(prefill: CardPrefill) -> SimpleUploadedFile | None:
    """The scanned image as an upload for the mask's Visitenkarte field."""
    if not prefill.image or not default_storage.exists(prefill.image):
        return None
    with default_storage.open(prefill.image, "rb") as handle:
        data = handle.read()
    name = prefill.image.rsplit("/", 1)[-1]
    return SimpleUploadedFile(
        name, data, content_type="image/png" if name.endswith(".png") else "image/jpeg"
    )
