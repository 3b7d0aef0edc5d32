"""Outgoing mail: template rendering, the .ics invitation, building and sending.

Rendering uses a separate template Engine (no loaders, no custom libraries) over a
restricted context of plain dicts, so a template written by an admin can read only what
we hand it. Unknown placeholders render as a sentinel we then look for: the user gets a
clear German error and nothing is sent, never half a mail.

Sending is outbox-style: the view marks the activity `queued` and a task sends it after
commit; the activity row is the truth, so a lost broker message is re-queued by a beat job.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from email.utils import make_msgid, parseaddr

from anymail.exceptions import (
    AnymailAPIError,
    AnymailError,
    AnymailInvalidAddress,
    AnymailRecipientsRefused,
)
from anymail.message import AnymailMessage
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import BadHeaderError
from django.core.validators import validate_email
from django.db import transaction
from django.template import Context, Engine, TemplateSyntaxError
from django.template.defaultfilters import linebreaks
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.ical import Party, attendees_of, calendar_for
from activities.models import Activity, ActivityStatus, MailState, TemplatePurpose
from ui.validators import validate_single_line

log = logging.getLogger(__name__)

_SENTINEL = "\x00UNBEKANNT\x00"
_ENGINE = Engine(
    dirs=[],
    app_dirs=False,
    loaders=[],
    libraries={},
    builtins=[],
    autoescape=False,  # plain-text mails
    string_if_invalid=_SENTINEL,
)
MAX_SEND_ATTEMPTS = 5


class MailTemplateError(Exception):
    """The template cannot be rendered; the German message names the problem."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = str(message)


class MailSendError(Exception):
    pass


def render_text(source: str, context: dict, *, what: str) -> str:
    """Render one template text; raise MailTemplateError on a syntax error or unknown name."""
    try:
        template = _ENGINE.from_string(source)
        text = template.render(Context(context, autoescape=False))
    except TemplateSyntaxError as exc:
        raise MailTemplateError(
            _("Die Mailvorlage (%(what)s) enthält einen Fehler: %(error)s")
            % {"what": what, "error": exc}
        ) from exc
    except Exception as exc:  # a filter choking on a value, for instance
        raise MailTemplateError(
            _("Die Mailvorlage (%(what)s) konnte nicht verarbeitet werden: %(error)s")
            % {"what": what, "error": exc}
        ) from exc
    if _SENTINEL in text:
        names = _unknown_names(source, context)
        raise MailTemplateError(
            _("Die Mailvorlage (%(what)s) enthält unbekannte Platzhalter: %(names)s")
            % {"what": what, "names": ", ".join(names) or "?"}
        )
    return text


def _unknown_names(source: str, context: dict) -> list[str]:
    """Best-effort list of `{{ … }}` expressions whose variable does not resolve."""
    found = []
    for expr in re.findall(r"{{\s*([^}|\s]+)", source):
        probe = _ENGINE.from_string("{{ " + expr + " }}").render(Context(context))
        if _SENTINEL in probe and expr not in found:
            found.append(expr)
    return found


def render_mail(*, subject: str, body: str, context: dict) -> tuple[str, str]:
    return (
        render_text(subject, context, what=_("Betreff")).strip().replace("\n", " "),
        render_text(body, context, what=_("Inhalt")),
    )


def with_signature(body: str, signature: str) -> str:
    signature = (signature or "").strip()
    return f"{body.rstrip()}\n\n-- \n{signature}" if signature else body


def parse_addresses(value: str) -> list[str]:
    """Comma/semicolon separated addresses → list; ValidationError (German) when invalid."""
    addresses = [a.strip() for a in re.split(r"[,;]", value or "") if a.strip()]
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError as exc:
            raise ValidationError(
                _("„%(address)s“ ist keine gültige E-Mail-Adresse.") % {"address": address}
            ) from exc
    return addresses


# --- .ics invitation ----------------------------------------------------------------------


def confirmation_invitation(activity: Activity) -> bytes | None:
    """The invitation (METHOD:REQUEST) that goes with an appointment confirmation, else None.

    Built by `activities.ical` over the lead's appointment activity (`Activity.leads` is
    the reverse side of `Lead.activities`), so UID and SEQUENCE are those of the calendar
    entry: a second confirmation or a changed time updates the same entry. The attendees
    are the mail's recipients, named where the appointment knows them.
    """
    if not activity.template_id or activity.template.purpose != (
        TemplatePurpose.APPOINTMENT_CONFIRMATION
    ):
        return None
    lead = activity.leads.select_related("appointment").first()
    appointment = lead.appointment if lead is not None and lead.appointment_id else None
    if appointment is None or appointment.start is None:
        return None
    known = {party.email.lower(): party for party in attendees_of(appointment)}
    recipients = [
        known.get(address.lower(), Party(name="", email=address))
        for address in parse_addresses(activity.mail_to)
    ]
    return calendar_for([appointment], method="REQUEST", attendees=recipients)


def mail_domain() -> str:
    """The domain of our sender address: the right-hand side of our Message-IDs."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "leadcrm.invalid"


def ensure_message_id(activity: Activity) -> str:
    """The activity's stable Message-ID, created and stored the first time the mail is built
    (a retry sends the same one, so a reply's In-Reply-To finds the activity)."""
    if not activity.message_id:
        activity.message_id = make_msgid(idstring=f"activity{activity.pk}", domain=mail_domain())
        Activity.objects.filter(pk=activity.pk, message_id="").update(
            message_id=activity.message_id
        )
    return activity.message_id


# Extra headers per mail from the apps above this one (sequences: List-Unsubscribe, RFC
# 8058), registered in their AppConfig.ready, so this layer imports none of them; asked
# when the mail is built, so a retry or the beat re-queue sends the same headers.
_header_providers: list = []


def register_header_provider(provider) -> None:
    """`provider(activity) -> dict` of extra headers for the outgoing mail of `activity`."""
    if provider not in _header_providers:
        _header_providers.append(provider)


# Extra MIME parts the same way (agenda: the text/calendar invitation or cancellation
# stored with the mail): `provider(activity) -> [(filename, content, mimetype), …]`; a
# text/calendar part also goes in as an alternative, which is what Outlook reads.
_attachment_providers: list = []


def register_attachment_provider(provider) -> None:
    if provider not in _attachment_providers:
        _attachment_providers.append(provider)


def extra_headers(activity: Activity) -> dict[str, str]:
    headers: dict[str, str] = {}
    for provider in _header_providers:
        headers.update(provider(activity))
    return headers


def build_message(activity: Activity) -> AnymailMessage:
    sender = activity.delegated_by
    message = AnymailMessage(
        subject=activity.subject,
        body=activity.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=parse_addresses(activity.mail_to),
        cc=parse_addresses(activity.mail_cc),
        reply_to=[sender.email] if sender and sender.email else None,
        metadata={"activity_id": str(activity.pk)},
        tags=["leadcrm"],
        headers={**extra_headers(activity), "Message-ID": ensure_message_id(activity)},
    )
    message.attach_alternative(linebreaks(activity.body, autoescape=True), "text/html")
    invitation = confirmation_invitation(activity)
    if invitation is not None:
        message.attach("einladung.ics", invitation.decode(), "text/calendar; method=REQUEST")
    for provider in _attachment_providers:
        for filename, content, mimetype in provider(activity):
            if mimetype.startswith("text/calendar"):
                message.attach_alternative(content, mimetype)
            message.attach(filename, content, mimetype)
    for document in activity.documents.all():
        with document.file.open("rb") as handle:
            name = document.file.name.rsplit("/", 1)[-1]
            message.attach(name, handle.read())
    return message


# --- queue and send -----------------------------------------------------------------------


# failures that no retry can cure: a header with a line break, an address the ESP or
# anymail refuses; the mail is marked failed with the reason at once
PERMANENT_ERRORS = (BadHeaderError, AnymailInvalidAddress, AnymailRecipientsRefused, ValueError)


def activity_queue_mail(
    *, activity: Activity, subject: str, body: str, mail_to: str, mail_cc: str, user
) -> Activity:
    """Store the edited mail and queue it; the task runs after commit."""
    from activities import tasks  # tasks import this module

    if not parse_addresses(mail_to):
        raise ValidationError(_("Bitte mindestens einen Empfänger angeben."))
    parse_addresses(mail_cc)
    validate_single_line(subject)
    with transaction.atomic():
        activity.subject = subject
        activity.body = body
        activity.mail_to = mail_to
        activity.mail_cc = mail_cc
        activity.mail_state = MailState.QUEUED
        activity.mail_error = ""
        activity.updated_by = user
        activity.version += 1
        activity.save()
        activity_id = activity.pk
        transaction.on_commit(lambda: _enqueue(tasks.send_activity_mail, activity_id))
    return activity


def _enqueue(task, activity_id: int) -> None:
    """Hand the id to the broker; if it is down the row stays `queued` for the beat job."""
    try:
        task.delay(activity_id)
    except Exception:  # broker unreachable: never fail the user's request after commit
        log.exception("Could not queue mail of activity %s; the beat job will retry", activity_id)


def activity_send_mail(*, activity_id: int) -> Activity | None:
    """Send a queued mail once (safe to run twice: only a `queued` row is sent).

    Raises MailSendError for a retryable failure after recording it on the activity.
    """
    with transaction.atomic():
        activity = (
            Activity.objects.select_for_update()
            .filter(pk=activity_id, mail_state=MailState.QUEUED)
            .first()
        )
        if activity is None:
            return None
        # claiming bumps updated_at, so the re-queue job leaves a mail in flight alone
        activity.mail_attempts += 1
        Activity.objects.filter(pk=activity.pk).update(
            mail_attempts=activity.mail_attempts, updated_at=timezone.now()
        )
    activity = Activity.objects.select_related("template", "delegated_by").get(pk=activity_id)
    if activity.mail_attempts > MAX_SEND_ATTEMPTS:  # the beat re-queue never loops for ever
        _record_failure(activity_id, MailSendError(_("zu viele Versuche")), final=True)
        return activity
    try:
        validate_single_line(activity.subject)  # stored before the check, or by code
        message = build_message(activity)
    except Exception as exc:  # broken address, missing document file: retrying won't help
        log.exception("Mail of activity %s cannot be built", activity_id)
        _record_failure(activity_id, exc, final=True)
        return activity
    try:
        message.send()
    except PERMANENT_ERRORS as exc:  # refused for good: retrying sends nothing either
        log.warning("Mail of activity %s refused: %s", activity_id, exc)
        _record_failure(activity_id, exc, final=True)
        return activity
    except AnymailAPIError as exc:
        log.warning("Mail of activity %s failed: %s", activity_id, exc)
        status = getattr(exc, "status_code", None)
        final = activity.mail_attempts >= MAX_SEND_ATTEMPTS or (
            status is not None and 400 <= status < 500 and status not in (408, 429)
        )
        _record_failure(activity_id, exc, final=final)
        if final:
            return activity
        raise MailSendError(str(exc)) from exc
    except (AnymailError, OSError) as exc:
        log.warning("Mail of activity %s failed: %s", activity_id, exc)
        final = activity.mail_attempts >= MAX_SEND_ATTEMPTS
        _record_failure(activity_id, exc, final=final)
        if final:
            return activity
        raise MailSendError(str(exc)) from exc
    status = getattr(message, "anymail_status", None)
    message_id = getattr(status, "message_id", None)
    if isinstance(message_id, set):
        message_id = ",".join(sorted(str(m) for m in message_id))
    now = timezone.now()
    Activity.objects.filter(pk=activity_id).update(
        mail_state=MailState.SENT,
        mail_error="",
        sent_at=now,
        esp_message_id=str(message_id if message_id is not None else "")[:200],
        status=ActivityStatus.DONE,
        done_at=now,
        updated_at=now,
    )
    activity.refresh_from_db()
    return activity


def _record_failure(activity_id: int, exc: Exception, *, final: bool) -> None:
    """Keep the mail (status Offen) with the error shown; final failures leave the outbox."""
    Activity.objects.filter(pk=activity_id).update(
        mail_state=MailState.FAILED if final else MailState.QUEUED,
        mail_error=_("Versand fehlgeschlagen: %(error)s") % {"error": exc},
        updated_at=timezone.now(),
    )


def queued_mail_ids(*, older_than_minutes: int = 10) -> list[int]:
    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    return list(
        Activity.objects.filter(mail_state=MailState.QUEUED, updated_at__lt=cutoff)
        .order_by("id")
        .values_list("id", flat=True)[:500]
    )
