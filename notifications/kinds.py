"""The kinds of notification: one priority, one title, one text and one dedupe key each.

A notification stores its kind and its parameters (`Notification.params`), never a
translated sentence: the title and text are rendered here when someone reads it, in the
reader's language (bell, list, digest mail and admin all call `render`). Whoever creates
a notification of a kind — a service, a nightly job, the demo — passes the same
parameters and builds its dedupe key with `dedupe_key`, so one event is one notification
with one text, whichever path produced it.

Rows written before kinds had parameters (`params` is NULL) and the free-text kinds
(ENTITY, SYSTEM) show the stored title and text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.formats import time_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from ui.display import date_text, datetime_text


class Priority(models.TextChoices):
    A = "A", gettext_lazy("A – dringend")
    B = "B", gettext_lazy("B – wichtig")
    C = "C", gettext_lazy("C – zur Kenntnis")


# The legend of the priorities: tooltip of every badge and the key on the list page.
PRIORITY_HELP: dict[str, Promise] = {
    Priority.A: gettext_lazy(
        "Dringend: heute bearbeiten – überfällige Nachbetreuung, Termine, neue oder "
        "nicht zugewiesene Leads. Erscheint auch in der täglichen Zusammenfassung per E-Mail."
    ),
    Priority.B: gettext_lazy("Wichtig: in den nächsten Tagen prüfen, z. B. veraltete Leads."),
    Priority.C: gettext_lazy("Zur Kenntnis: keine Aktion nötig."),
}


class Kind(models.TextChoices):
    ENTITY = "entity", gettext_lazy("Entität")
    FOLLOW_UP_OVERDUE = "follow_up_overdue", gettext_lazy("Nachbetreuung überfällig")
    APPOINTMENT_CREATED = "appointment_created", gettext_lazy("Neuer Termin")
    APPOINTMENT_CHANGED = "appointment_changed", gettext_lazy("Termin geändert")
    APPOINTMENT_REMINDER = "appointment_reminder", gettext_lazy("Terminerinnerung")
    LEAD_ASSIGNED = "lead_assigned", gettext_lazy("Lead zugewiesen")
    LEAD_UNASSIGNED = "lead_unassigned", gettext_lazy("Lead ohne Zuständigkeit")
    LEADS_UNASSIGNED = "leads_unassigned", gettext_lazy("Importierte Leads ohne Zuständigkeit")
    WEB_REPEAT = "web_repeat", gettext_lazy("Erneute Webanfrage")
    STALE_DIGEST = "stale_digest", gettext_lazy("Veraltete Leads")
    DIGEST_SENT = "digest_sent", gettext_lazy("Zusammenfassung versendet")
    MAIL_RECEIVED = "mail_received", gettext_lazy("E-Mail eingegangen")
    WEBHOOK_DISABLED = "webhook_disabled", gettext_lazy("Webhook deaktiviert")
    SLA_WARNING = "sla_warning", gettext_lazy("Reaktionszeit läuft ab")
    SLA_BREACHED = "sla_breached", gettext_lazy("Reaktionszeit überschritten")
    SYSTEM = "system", gettext_lazy("System")


# How a parameter is shown: ISO strings in `params` become the reader's date/time format.
DATE, DATETIME, TIME = "date", "datetime", "time"


@dataclass(frozen=True)
class KindSpec:
    priority: str
    title: Promise | Callable[[Mapping[str, Any]], str]
    text: Promise | Callable[[Mapping[str, Any]], str] | None = None
    dedupe: str = ""  # str.format pattern over the parts given to `dedupe_key`
    formats: Mapping[str, str] = field(default_factory=dict)


class _Params(dict):
    """Parameters for %-formatting: a key an old row lacks shows as a dash, not a crash."""

    def __missing__(self, key: str) -> str:
        return "—"


def assignment_reason(params: Mapping[str, Any]) -> str:
    """Why the rules gave a lead to its owner (also the history reason of the assignment)."""
    p = _Params(params)
    if p.get("how") == "manual":
        return _("Zugewiesen von %(by)s.") % p
    if p.get("how") == "fallback":
        return _("Regel „%(rule)s“: alle Mitglieder abwesend, Ersatz %(user)s") % p
    if p.get("how") == "fewest":
        why = _("wenigste offene Leads (%(n)d)") % {"n": int(p.get("n") or 0)}
    else:
        why = _("reihum, Gewicht %(weight)d, Position %(count)d") % {
            "weight": int(p.get("weight") or 1),
            "count": int(p.get("count") or 0),
        }
    return _("Regel „%(rule)s“: %(user)s – %(why)s") % _Params(p, why=why)


KINDS: dict[str, KindSpec] = {
    Kind.FOLLOW_UP_OVERDUE: KindSpec(
        priority=Priority.A,
        title=gettext_lazy("Nachbetreuung überfällig: %(name)s"),
        text=gettext_lazy(
            "Die Nachbetreuung von Lead %(number)s (%(name)s) war bis %(due)s fällig."
        ),
        dedupe="overdue:{lead}:{due}",
        formats={"due": DATE},
    ),
    Kind.APPOINTMENT_CREATED: KindSpec(
        priority=Priority.A,
        title=gettext_lazy("Neuer Termin am %(when)s"),
        text=gettext_lazy("%(subject)s – angelegt von %(user)s."),
        formats={"when": DATETIME},
    ),
    Kind.APPOINTMENT_CHANGED: KindSpec(
        priority=Priority.A,
        title=gettext_lazy("Termin geändert: jetzt am %(when)s"),
        text=gettext_lazy("%(subject)s – geändert von %(user)s."),
        formats={"when": DATETIME},
    ),
    Kind.APPOINTMENT_REMINDER: KindSpec(
        priority=Priority.A,
        title=gettext_lazy("Termin um %(time)s: %(subject)s"),
        text=gettext_lazy("Beginnt am %(when)s."),
        dedupe="reminder:{activity}:{start}",
        formats={"time": TIME, "when": DATETIME},
    ),
    Kind.LEAD_ASSIGNED: KindSpec(
        priority=Priority.A,
        title=gettext_lazy("Neuer Lead zugewiesen: %(name)s"),
        text=assignment_reason,
        dedupe="assigned:{lead}:{user}",
    ),
    Kind.LEAD_UNASSIGNED: KindSpec(
        priority=Priority.A,
        title=gettext_lazy("Lead ohne Zuständigkeit: %(name)s"),
        text=gettext_lazy(
            "Lead %(number)s hat niemanden für die Nachbetreuung: keine Verteilregel passt "
            "oder niemand ist verfügbar. Bitte weisen Sie ihn zu."
        ),
        dedupe="unassigned:{lead}",
    ),
    Kind.LEADS_UNASSIGNED: KindSpec(
        priority=Priority.A,
        title=ngettext_lazy(
            "%(count)d importierter Lead ohne Zuständigkeit",
            "%(count)d importierte Leads ohne Zuständigkeit",
            "count",
        ),
        text=gettext_lazy(
            "Keine Verteilregel passt oder niemand ist verfügbar. Bitte weisen Sie die "
            "Leads zu (Liste „ohne Zuständigkeit“)."
        ),
        dedupe="unassigned-batch:{first}:{count}",
    ),
    Kind.WEB_REPEAT: KindSpec(
        priority=Priority.A,
        title=gettext_lazy("Erneute Webanfrage: %(name)s"),
        text=gettext_lazy("Lead %(number)s hat das Webformular erneut abgeschickt."),
        dedupe="web-repeat:{lead}:{day}",
    ),
    Kind.MAIL_RECEIVED: KindSpec(
        priority=Priority.B,
        title=gettext_lazy("E-Mail von %(sender)s"),
        text=gettext_lazy("„%(subject)s“ zu %(name)s"),
        dedupe="mail-received:{mail}",
    ),
    Kind.STALE_DIGEST: KindSpec(
        priority=Priority.B,
        title=ngettext_lazy("%(count)d veralteter Lead", "%(count)d veraltete Leads", "count"),
        text=gettext_lazy(
            "Diese Leads wurden seit %(days)d Tagen weder geändert noch bearbeitet. "
            "Bitte prüfen Sie, ob sie weiterverfolgt oder geschlossen werden sollen."
        ),
        dedupe="stale:{week}",
    ),
    Kind.DIGEST_SENT: KindSpec(
        priority=Priority.C,
        title=gettext_lazy("Tägliche Zusammenfassung per E-Mail versendet"),
        text=ngettext_lazy(
            "%(count)d ungelesene Benachrichtigung der Priorität A",
            "%(count)d ungelesene Benachrichtigungen der Priorität A",
            "count",
        ),
        dedupe="digest:{day}",
    ),
    Kind.SLA_WARNING: KindSpec(
        priority=Priority.A,
        title=gettext_lazy("Reaktionszeit läuft ab: %(name)s"),
        text=gettext_lazy(
            "Lead %(number)s wartet auf die erste Reaktion; SLA „%(policy)s“ läuft am %(due)s ab."
        ),
        dedupe="sla-warning:{lead}:{due}",
        formats={"due": DATETIME},
    ),
    Kind.SLA_BREACHED: KindSpec(
        priority=Priority.A,
        title=gettext_lazy("SLA verletzt: %(name)s"),
        text=gettext_lazy(
            "Lead %(number)s (Nachbetreuung durch %(owner)s) hat bis %(due)s keine erste "
            "Reaktion erhalten (SLA „%(policy)s“)."
        ),
        dedupe="sla-breach:{lead}:{due}",
        formats={"due": DATETIME},
    ),
    Kind.WEBHOOK_DISABLED: KindSpec(
        priority=Priority.A,
        title=gettext_lazy("Webhook „%(name)s“ deaktiviert"),
        text=gettext_lazy(
            "Nach %(count)s fehlgeschlagenen Zustellungen in Folge an %(url)s wurde das "
            "Abonnement abgeschaltet. Bitte Empfänger prüfen und das Abonnement wieder "
            "aktivieren."
        ),
        dedupe="webhook-disabled:{subscription}:{at}",
    ),
}


def spec(kind: str) -> KindSpec | None:
    return KINDS.get(kind)


def default_priority(kind: str) -> str:
    found = KINDS.get(kind)
    return found.priority if found else Priority.B


def dedupe_key(kind: str, **parts: Any) -> str:
    """The one dedupe key of an event of `kind` (dates as ISO strings)."""
    pattern = KINDS[kind].dedupe
    values = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in parts.items()}
    return pattern.format(**values)


def _shown(value: Any, how: str | None) -> Any:
    if how is None or not isinstance(value, str) or not value:
        return value
    try:
        if how == DATE:
            return date_text(dt.date.fromisoformat(value[:10]))
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if how == TIME:
        return time_format(timezone.localtime(moment))
    return datetime_text(moment)


def _format(template, params: Mapping[str, Any]) -> str:
    if template is None:
        return ""
    if callable(template) and not isinstance(template, Promise):
        return template(params)
    return str(template % params)  # a lazy plural picks its form from params["count"]


def render_parts(kind: str, params: Mapping[str, Any] | None) -> tuple[str, str] | None:
    """(title, text) of `kind` with `params` in the active language; None for free text."""
    found = KINDS.get(kind)
    if found is None or params is None:
        return None
    shown = _Params({k: _shown(v, found.formats.get(k)) for k, v in params.items()})
    return _format(found.title, shown), _format(found.text, shown)


def render(notification) -> tuple[str, str]:
    """Title and text of a notification as the reader sees them (active language)."""
    parts = render_parts(notification.kind, notification.params)
    if parts is None:
        return notification.title, notification.text
    return parts


def recipient_language(user) -> str:
    """The language a mail to `user` is written in. Users have no language setting yet, so
    it is the active language (the site default in a worker); the one place to add it."""
    return translation.get_language() or settings.LANGUAGE_CODE
