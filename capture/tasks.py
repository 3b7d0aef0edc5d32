"""Celery tasks of capture and import (registered through leads/tasks.py).

Thin and idempotent: they take ids, reload rows and call the services. The import resumes
after the last committed row when run again for the same job (worker crash, retry).
"""

from celery import shared_task
from django.db import OperationalError

from capture import doi
from capture.cards.tasks import scan_business_card  # noqa: F401 - registers the OCR task
from capture.imports.run import import_run
from jobs.runner import SKIPPED
from leads.models import LeadImport


@shared_task(
    name="leads.tasks.run_import",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def run_import(job_id: int) -> str:
    """Run (or resume) the import of the job; "skipped" when it is finished or gone.

    A failure is recorded on the job by the runner and re-raised; a database hiccup
    (OperationalError) puts the job back to pending and the retry resumes it."""
    lead_import = LeadImport.objects.filter(job_id=job_id).first()
    if lead_import is None:
        return SKIPPED
    return import_run(lead_import=lead_import)


@shared_task(
    name="leads.tasks.send_doi_mail",
    acks_late=True,
    autoretry_for=(OperationalError, doi.DoiMailError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=doi.MAX_DOI_MAIL_ATTEMPTS,
)
def send_doi_mail(record_id: int, base_url: str = "") -> bool:
    """Send a request's DOI confirmation mail; sends nothing when it was already sent."""
    return doi.send_doi_mail(record_id=record_id, base_url=base_url)


@shared_task(
    name="leads.tasks.requeue_pending_doi_mails",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def requeue_pending_doi_mails() -> int:
    """Beat: queue DOI mails still due (their broker message was lost or never sent)."""
    ids = doi.doi_mails_due()
    for record_id in ids:
        send_doi_mail.delay(record_id)
    return len(ids)
