"""The OCR task (registered through capture.tasks)."""

from celery import shared_task

from capture.cards.services import TASK, card_scan_run


@shared_task(name=TASK)
def scan_business_card(job_id: int) -> str:
    return card_scan_run(job_id)
