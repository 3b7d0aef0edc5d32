"""anymail's `inbound` signal → a stored InboundMail, processed by a task after commit.

anymail's inbound webhook views authenticate the ESP (basic auth with
ANYMAIL["WEBHOOK_SECRET"], Mailgun's signature too) and parse its payload into an
AnymailInboundEvent; this receiver holds no logic: it keeps the raw message and queues it.
"""

from __future__ import annotations

import logging

from django.db import transaction

from inbound import tasks
from inbound.models import MailSource
from inbound.services import inbound_store

log = logging.getLogger(__name__)


def on_inbound(sender, event, esp_name, **kwargs) -> None:
    message = event.message
    raw = message.as_bytes() if message is not None else b""
    if not raw:
        return
    mail = inbound_store(
        raw=raw,
        source=MailSource.WEBHOOK,
        esp=esp_name.lower(),
        envelope_sender=message.envelope_sender,
    )
    if mail is not None:
        mail_id = mail.pk
        transaction.on_commit(lambda: queue_processing(mail_id))


def queue_processing(mail_id: int) -> None:
    """Hand the id to the broker; if it is down the row stays *received* for the poll job."""
    try:
        tasks.process_inbound_mail.delay(mail_id)
    except Exception:  # broker unreachable: the ESP must still get its 200
        log.exception("Could not queue inbound mail %s; the poll job will process it", mail_id)
