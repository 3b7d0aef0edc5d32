"""Polling one IMAP mailbox folder by UID (imapclient).

The position (UIDVALIDITY and the last UID read) is a Mailbox row; a poll locks that row
(`select_for_update(skip_locked=True)`), so two polls at once never read the same messages:
the second finds it locked and returns. Messages are fetched with BODY.PEEK[] (the mailbox's
\\Seen flags stay as they are) and stored through `inbound_store`, whose unique keys make
a message read twice (a crash between store and position) harmless. When UIDVALIDITY
changes the folder was rebuilt: the position starts again from 0 and the Message-IDs
keep already stored mails out.
"""

from __future__ import annotations

import logging
import ssl as ssl_module
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from imapclient import IMAPClient

from inbound.models import Mailbox, MailSource
from inbound.services import inbound_store

log = logging.getLogger(__name__)
BATCH = 50


@dataclass
class ImapConfig:
    host: str
    port: int
    user: str
    password: str
    folder: str = "INBOX"
    ssl: bool = True

    @classmethod
    def from_settings(cls) -> ImapConfig | None:
        if not settings.IMAP_HOST:
            return None
        return cls(
            host=settings.IMAP_HOST,
            port=settings.IMAP_PORT,
            user=settings.IMAP_USER,
            password=settings.IMAP_PASSWORD,
            folder=settings.IMAP_FOLDER,
            ssl=settings.IMAP_SSL,
        )

    @property
    def key(self) -> str:
        return f"{self.user}@{self.host}:{self.port}/{self.folder}"[:300]


@dataclass
class PollResult:
    stored: list[int]
    busy: bool = False


def poll_mailbox(config: ImapConfig, *, timeout: float = 30) -> PollResult:
    """Read the messages that arrived since the last poll; returns the new rows' ids."""
    Mailbox.objects.get_or_create(key=config.key)
    stored: list[int] = []
    with transaction.atomic():
        box = Mailbox.objects.select_for_update(skip_locked=True).filter(key=config.key).first()
        if box is None:
            return PollResult(stored=[], busy=True)
        context = ssl_module.create_default_context() if config.ssl else None
        with IMAPClient(
            config.host, port=config.port, ssl=config.ssl, ssl_context=context, timeout=timeout
        ) as client:
            client.login(config.user, config.password)
            selected = client.select_folder(config.folder, readonly=True)
            uidvalidity = int(selected[b"UIDVALIDITY"])
            if box.uidvalidity != uidvalidity:
                if box.uidvalidity is not None:
                    log.warning("UIDVALIDITY of %s changed; reading the folder again", box.key)
                box.uidvalidity, box.last_uid = uidvalidity, 0
            # "N:*" always includes the newest message, even below N: filter by UID
            uids = sorted(
                u for u in client.search(["UID", f"{box.last_uid + 1}:*"]) if u > box.last_uid
            )
            for start in range(0, len(uids), BATCH):
                chunk = uids[start : start + BATCH]
                for uid, data in sorted(client.fetch(chunk, ["BODY.PEEK[]"]).items()):
                    raw = data.get(b"BODY[]") or b""
                    mail = inbound_store(
                        raw=raw,
                        source=MailSource.IMAP,
                        mailbox=box,
                        uidvalidity=uidvalidity,
                        uid=uid,
                    )
                    if mail is not None:
                        stored.append(mail.pk)
                    box.last_uid = max(box.last_uid, uid)
        box.polled_at = timezone.now()
        box.save(update_fields=["uidvalidity", "last_uid", "polled_at"])
    return PollResult(stored=stored)
