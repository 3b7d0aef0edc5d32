"""Thin Celery wrappers around inbound services (safe to run twice)."""

from __future__ import annotations

from celery import shared_task

from inbound.imap import ImapConfig, poll_mailbox
from inbound.services import inbound_process, pending_ids


@shared_task(name="inbound.tasks.process_inbound_mail")
def process_inbound_mail(mail_id: int) -> None:
    inbound_process(mail_id=mail_id)


@shared_task(name="inbound.tasks.poll_inbound_mail")
def poll_inbound_mail() -> int:
    """Beat job: read the configured IMAP mailbox (if any), then process every stored
    message still *received* (also webhook mails whose task message was lost)."""
    config = ImapConfig.from_settings()
    if config is not None:
        poll_mailbox(config)
    count = 0
    for mail_id in pending_ids():
        if inbound_process(mail_id=mail_id) is not None:
            count += 1
    return count
