"""Inbound mail: store a received message once, then process it once.

Processing a stored message (state *received*) decides, in this order:

1. an automated mail (auto-reply, bounce, list mail) → *ignored* with the reason; it never
   creates a lead nor an activity;
2. a reply to one of our mails (In-Reply-To/References carry the Message-ID of an outgoing
   mail activity) or a mail from a known lead's or person's address → an incoming-mail
   activity on that lead/person with the text, attachments as documents, owner notified;
3. a mail to a configured inquiry address (settings.LEADCRM_INQUIRY_ADDRESSES) from an
   unknown sender → a new lead (capture channel E-Mail) through `lead_create`, so the
   duplicate check and the distribution rules apply;
4. anything else → *ignored* ("kein Bezug").

Both entry points (IMAP poll, anymail webhook) only call `inbound_store`; processing runs
in a task and again from the poll job for rows a lost broker message left *received*.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import Activity, ActivityKind, ActivityStatus, Document
from activities.services import activity_create
from contacts.models import TERMINAL_PHASES, Person
from inbound.models import InboundMail, InboundState, Mailbox, MailSource
from inbound.parsing import ParsedMail, message_id_of, parse_mail
from leads.duplicates import find_lead_duplicates
from leads.models import Lead, LeadSource
from leads.models.lead import CaptureChannel
from leads.services.lead import lead_create
from notifications.kinds import Kind, dedupe_key
from notifications.services import notify

log = logging.getLogger(__name__)


# --- store --------------------------------------------------------------------------------


def inbound_store(
    *,
    raw: bytes,
    source: str,
    esp: str = "",
    mailbox: Mailbox | None = None,
    uidvalidity: int | None = None,
    uid: int | None = None,
    envelope_sender: str | None = None,
) -> InboundMail | None:
    """Keep a received message as a *received* row; None when it was stored before (same
    Message-ID, or same mailbox UID): a message is never stored or processed twice.

    `envelope_sender` is the SMTP MAIL FROM an ESP reports beside the message (Postmark
    strips the Return-Path header); it is kept as a Return-Path header, so a bounce's
    empty one is seen."""
    if envelope_sender is not None and not raw.lower().startswith(b"return-path:"):
        raw = b"Return-Path: <" + envelope_sender.encode("ascii", "replace") + b">\r\n" + raw
    message_id = message_id_of(raw)
    if InboundMail.objects.filter(message_id=message_id).exists():
        return None
    try:
        parsed = parse_mail(raw)
        from_address, subject = parsed.from_address, parsed.subject
    except Exception:  # unreadable headers: kept raw, processing records the failure
        from_address = subject = ""
    try:
        with transaction.atomic():
            return InboundMail.objects.create(
                source=source,
                esp=esp[:30],
                message_id=message_id,
                mailbox=mailbox,
                uidvalidity=uidvalidity,
                uid=uid,
                raw=raw,
                from_address=from_address[:254],
                subject=subject[:200],
            )
    except IntegrityError:  # stored meanwhile by the other path
        return None


def pending_ids(limit: int = 200) -> list[int]:
    return list(
        InboundMail.objects.filter(state=InboundState.RECEIVED)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )


# --- process ------------------------------------------------------------------------------


@dataclass
class Target:
    lead: Lead | None = None
    person: Person | None = None

    @property
    def owner(self):
        if self.lead is not None and self.lead.follow_up_by_id:
            return self.lead.follow_up_by
        return self.person.owner if self.person is not None else None


def inbound_process(*, mail_id: int) -> InboundMail | None:
    """Process one *received* message (safe to run twice: only a *received* row is taken,
    under a row lock); returns the row, None when there was nothing to do."""
    with transaction.atomic():
        mail = (
            InboundMail.objects.select_for_update(skip_locked=True)
            .filter(pk=mail_id, state=InboundState.RECEIVED)
            .first()
        )
        if mail is None:
            return None
        try:
            with transaction.atomic():
                _process(mail, parse_mail(bytes(mail.raw)))
        except Exception as exc:  # a broken message must not block the others
            log.exception("Inbound mail %s could not be processed", mail.pk)
            mail.state, mail.reason = InboundState.FAILED, str(exc)[:300]
        mail.processed_at = timezone.now()
        if mail.state == InboundState.PROCESSED:
            mail.raw = b""  # the content lives on in the activity; nothing else needs it
        mail.save()
    return mail


REPROCESSABLE = (InboundState.FAILED, InboundState.IGNORED)


def inbound_reprocess(*, mail_id: int) -> InboundMail | None:
    """Process a *failed* or *ignored* message again (admin "Erneut verarbeiten"): e.g.
    after a fix, a new inquiry address or once the sender is a known lead. The row goes
    back to *received* and through `inbound_process`, in one transaction; None when the
    row is in another state (or locked by a run) or its raw message is gone (rows ignored
    before raw messages were kept for them)."""
    with transaction.atomic():
        mail = (
            InboundMail.objects.select_for_update(skip_locked=True)
            .filter(pk=mail_id, state__in=REPROCESSABLE)
            .first()
        )
        if mail is None or not bytes(mail.raw):
            return None
        mail.state, mail.reason, mail.processed_at = InboundState.RECEIVED, "", None
        mail.save(update_fields=["state", "reason", "processed_at"])
        return inbound_process(mail_id=mail.pk)


def inbound_raw_purge(*, now=None) -> int:
    """Drop the raw message of ignored and failed mails older than
    LEADCRM["INBOUND_RAW_RETENTION_DAYS"] (it may hold personal data of strangers; kept
    until then so an admin can re-process it); processed mails lose it at once."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.LEADCRM["INBOUND_RAW_RETENTION_DAYS"])
    return (
        InboundMail.objects.filter(
            state__in=(InboundState.IGNORED, InboundState.FAILED), received_at__lt=cutoff
        )
        .exclude(raw=b"")
        .update(raw=b"")
    )


def _process(mail: InboundMail, parsed: ParsedMail) -> None:
    if parsed.automated:
        mail.state, mail.reason = InboundState.IGNORED, parsed.automated[:300]
        return
    target = reply_target(parsed.references) or sender_target(parsed.from_address)
    if target is None and _to_inquiry_address(parsed):
        target, mail.lead_created = _new_lead(parsed)
    if target is None:
        mail.state = InboundState.IGNORED
        mail.reason = _("Kein Bezug zu einem Lead oder Kontakt und keine Anfrageadresse")
        return
    activity = _record_activity(target, parsed)
    mail.state, mail.reason = InboundState.PROCESSED, ""
    mail.lead, mail.activity = target.lead, activity
    _notify_owner(mail, target, parsed)


def reply_target(references: list[str]) -> Target | None:
    """The lead/person of our outgoing mail that the message answers."""
    if not references:
        return None
    wanted = [f"<{r}>" for r in references]
    activity = (
        Activity.objects.filter(
            Q(message_id__in=wanted) | Q(esp_message_id__in=references),
            kind=ActivityKind.EMAIL_OUT,
        )
        .select_related("person__owner")
        .order_by("-id")
        .first()
    )
    if activity is None:
        return None
    lead = activity.leads.select_related("follow_up_by").order_by("-id").first()
    if lead is None and activity.person_id is None:
        return None
    return Target(lead=lead, person=activity.person)


def _live_leads():
    return Lead.objects.filter(merged_into__isnull=True, anonymised_at__isnull=True)


def sender_target(address: str) -> Target | None:
    """A known lead (the newest open one first) or person with the sender's address."""
    if not address:
        return None
    lead = (
        _live_leads()
        .annotate(email_lower=Lower("email"))
        .filter(email_lower=address)
        .select_related("follow_up_by")
        .order_by("-created_at", "-id")
    )
    open_lead = lead.exclude(status__phase__in=TERMINAL_PHASES).first() or lead.first()
    person = (
        Person.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower=address)
        .select_related("owner", "company")
        .order_by("-id")
        .first()
    )
    if open_lead is None and person is None:
        return None
    return Target(lead=open_lead, person=person)


def _to_inquiry_address(parsed: ParsedMail) -> bool:
    wanted = set(settings.LEADCRM_INQUIRY_ADDRESSES)
    return bool(wanted and wanted.intersection(parsed.recipients))


def _new_lead(parsed: ParsedMail) -> tuple[Target, bool]:
    """A new lead for an inquiry, unless the duplicate check finds an open one (then the
    mail goes to that lead); the flag says whether a lead was created."""
    data = {"email": parsed.from_address}
    duplicates = find_lead_duplicates(data, open_only=True)
    if duplicates:
        lead = _live_leads().select_related("follow_up_by").get(pk=duplicates[0].pk)
        return Target(lead=lead), False
    # the mask needs a name or a company: without a display name the address's local part
    first, _sep, last = (parsed.from_name or parsed.from_address.split("@")[0]).rpartition(" ")
    lead = lead_create(
        data={
            "email": parsed.from_address,
            "first_name": first[:100],
            "last_name": last[:100],
            "notes": f"{parsed.subject}\n\n{parsed.text}".strip()[:5000],
            "capture_channel": CaptureChannel.EMAIL,
            "source": LeadSource.objects.filter(name="E-Mail").first(),
        },
        user=None,
    ).lead
    return Target(lead=lead), True


def _documents(parsed: ParsedMail) -> tuple[list[Document], list[str]]:
    limit = settings.LEADCRM_INBOUND_ATTACHMENT_MAX_BYTES
    documents, skipped = [], []
    for attachment in parsed.attachments:
        if not attachment.content or len(attachment.content) > limit:
            skipped.append(attachment.filename)
            continue
        document = Document(title=attachment.filename[:200])
        document.file.save(attachment.filename, ContentFile(attachment.content), save=False)
        document.save()
        documents.append(document)
    return documents, skipped


def _record_activity(target: Target, parsed: ParsedMail) -> Activity:
    documents, skipped = _documents(parsed)
    body = parsed.text
    if skipped:
        body += "\n\n" + _("Nicht übernommene Anhänge (zu groß oder leer): %(names)s") % {
            "names": ", ".join(skipped)
        }
    now = timezone.now()
    lead, person = target.lead, target.person
    company = person.company if person is not None and person.company_id else None
    if company is None and lead is not None and lead.customer_id:
        company = lead.customer
    activity = activity_create(
        data={
            "kind": ActivityKind.EMAIL_IN,
            "subject": (parsed.subject or _("(ohne Betreff)"))[:200],
            "body": body[:20000],
            "start": now,
            "status": ActivityStatus.DONE,
            "done_at": now,
            "person": person,
            "company": company,
            "delegated_to": target.owner,
            "contact_name": parsed.from_name[:200],
            "contact_email": parsed.from_address[:254],
            "mail_to": ", ".join(parsed.recipients)[:500],
            "message_id": f"<{parsed.message_id}>"[:250],
        },
        user=None,
        documents=documents,
    )
    if lead is not None:
        lead.activities.add(activity)
        Lead.objects.filter(pk=lead.pk).update(last_activity_at=now)
    return activity


def _notify_owner(mail: InboundMail, target: Target, parsed: ParsedMail) -> None:
    owner = target.owner
    if owner is None or mail.lead_created:  # a new lead's owner hears of it by distribution
        return
    entity = target.lead or target.person
    name = target.lead.display_name or target.lead.number if target.lead else str(entity)
    notify(
        recipient=owner,
        kind=Kind.MAIL_RECEIVED,
        params={
            "sender": parsed.from_name or parsed.from_address,
            "subject": parsed.subject or _("(ohne Betreff)"),
            "name": name,
        },
        entity=entity,
        url=entity.get_absolute_url(),
        dedupe_key=dedupe_key(Kind.MAIL_RECEIVED, mail=mail.pk),
    )


__all__ = ["MailSource", "inbound_process", "inbound_store", "pending_ids"]
