"""Raw test messages (RFC 5322 bytes) built with the email package."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from django.utils import timezone


def raw_mail(
    *,
    sender: str = "Maria Schulz <maria.schulz@kunde.de>",
    to: str = "vertrieb@leadcrm.example",
    subject: str = "Anfrage Windpark",
    text: str | None = "Guten Tag,\nbitte um ein Angebot.\n",
    html: str | None = None,
    headers: dict | None = None,
    attachments: tuple = (),
    message_id: str | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = message_id or make_msgid(domain="kunde.de")
    for name, value in (headers or {}).items():
        message[name] = value
    if text is not None:
        message.set_content(text)
        if html is not None:
            message.add_alternative(html, subtype="html")
    elif html is not None:
        message.set_content(html, subtype="html")
    for filename, content, mimetype in attachments:
        maintype, subtype = mimetype.split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()
