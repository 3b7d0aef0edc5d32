"""Reading a raw message (Python's email package, policy=default): addresses, threading
headers, plain text (HTML turned into text, never shown as HTML), attachments, and the
signs of an automated mail (auto-reply, bounce, list mail)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

from django.utils.translation import gettext as _

_MSGID = re.compile(r"<([^<>\s]+)>")


@dataclass
class Attachment:
    filename: str
    content_type: str
    content: bytes


@dataclass
class ParsedMail:
    message_id: str
    from_address: str
    from_name: str
    recipients: list[str]
    subject: str
    text: str
    references: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    automated: str = ""  # why this is an automated mail, empty for a person's mail


def normalize_message_id(value: str) -> str:
    """`<abc@host>` → `abc@host` (the form we compare and store)."""
    value = (value or "").strip()
    found = _MSGID.search(value)
    return (found.group(1) if found else value.strip("<> ")).lower()


def message_id_of(raw: bytes) -> str:
    """The message's Message-ID, else a stable hash of its bytes (for the unique key)."""
    message = message_from_bytes(raw, policy=policy.default)
    value = normalize_message_id(str(message.get("Message-ID", "") or ""))
    return value[:300] or "sha256:" + hashlib.sha256(raw).hexdigest()


class _TextExtractor(HTMLParser):
    _SKIP = {"script", "style", "head", "title"}
    _BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIP:
            self._skip += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self._SKIP and self._skip:
            self._skip -= 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Plain text of an HTML body: tags, scripts and styles dropped, blocks as lines."""
    extractor = _TextExtractor()
    extractor.feed(html or "")
    extractor.close()
    text = "".join(extractor.parts)
    lines = [re.sub(r"[ \t\xa0]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def automated_reason(message: EmailMessage) -> str:
    """Why the message is an auto-reply, bounce or list mail; empty when it is none."""
    auto = str(message.get("Auto-Submitted", "") or "").strip().lower()
    if auto and auto != "no":
        return _("Automatische Nachricht (Auto-Submitted: %(v)s)") % {"v": auto}
    precedence = str(message.get("Precedence", "") or "").strip().lower()
    if precedence in ("bulk", "list", "junk", "auto_reply"):
        return _("Massen- oder Listenmail (Precedence: %(v)s)") % {"v": precedence}
    if message.get("List-Id") or message.get("List-Unsubscribe"):
        return _("Mailingliste (List-Id)")
    return_path = message.get("Return-Path")
    if return_path is not None and str(return_path).strip() in ("<>", ""):
        return _("Unzustellbarkeitsmeldung (leerer Return-Path)")
    if message.get("X-Autoreply") or message.get("X-Autorespond"):
        return _("Automatische Antwort")
    if message.get_content_type() == "multipart/report":
        return _("Unzustellbarkeitsmeldung")
    sender = parseaddr(str(message.get("From", "") or ""))[1].lower()
    if sender.split("@")[0] in ("mailer-daemon", "postmaster"):
        return _("Unzustellbarkeitsmeldung (%(v)s)") % {"v": sender}
    return ""


def _body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeError):  # unknown or lying charset
        content = part.get_payload(decode=True).decode("utf-8", "replace")
    if part.get_content_type() == "text/html":
        return html_to_text(content)
    return content.strip()


def _attachments(message: EmailMessage) -> list[Attachment]:
    found = []
    for part in message.iter_attachments():
        if part.is_multipart():
            continue
        content = part.get_payload(decode=True) or b""
        name = part.get_filename() or _("anhang")
        found.append(Attachment(str(name)[:150], part.get_content_type(), content))
    return found


def parse_mail(raw: bytes) -> ParsedMail:
    message = message_from_bytes(raw, policy=policy.default)
    name, address = parseaddr(str(message.get("From", "") or ""))
    recipients = [
        a.lower()
        for _n, a in getaddresses(
            [
                str(v)
                for h in ("To", "Cc", "Delivered-To", "X-Original-To")
                for v in message.get_all(h, [])
            ]
        )
        if a
    ]
    references = []
    for header in ("In-Reply-To", "References"):
        for value in message.get_all(header, []):
            references += [m.lower() for m in _MSGID.findall(str(value))]
    return ParsedMail(
        message_id=message_id_of(raw),
        from_address=address.lower(),
        from_name=name.strip(),
        recipients=list(dict.fromkeys(recipients)),
        subject=str(message.get("Subject", "") or "").strip(),
        text=_body_text(message),
        references=list(dict.fromkeys(references)),
        attachments=_attachments(message),
        automated=automated_reason(message),
    )
