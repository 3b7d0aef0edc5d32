"""The action box [Aktionsbox] of the lead mask: which processes may start, and why not.

Each entry is enabled only when the user may run it on this lead (the object permission)
and under the condition seed 002 states for it; a disabled entry carries a German reason
the mask shows under the entry. These are rules on the lead, so they live here; the
processes themselves (their screens and writes) are the `processes` app and `conversion`,
whose views check the same entry for GET and POST before they act — one rule, so the box
never offers what the server refuses, and the server never runs what the box disables.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from leads.models import Lead, LeadContact
from leads.permissions import can_edit_lead, can_qualify_lead

CONVERT = "convert"


def _has_main_contact(lead: Lead) -> bool:
    cache = getattr(lead, "_prefetched_objects_cache", {})
    if "lead_contacts" in cache:
        return any(link.is_main for link in lead.lead_contacts.all())
    return LeadContact.objects.filter(lead=lead, is_main=True).exists()


def permission_refusal(lead: Lead, user, key: str = "") -> str:
    """Why `user` may not run process `key` on `lead` ("" when they may).

    Every process changes the lead, so it needs `can_edit_lead`; the conversion also sets
    the lead's status (Konvertiert), so it needs `can_qualify_lead` like the board does.
    """
    if not can_edit_lead(user, lead):
        return _("Nur lesbar: Sie dürfen diesen Lead nicht bearbeiten.")
    if key == CONVERT and not can_qualify_lead(user, lead):
        return _("Sie dürfen diesen Lead nicht konvertieren.")
    return ""


def action_box_entries(lead: Lead, user) -> list[dict]:
    """Entries of the action box as dicts: key, label, url, enabled, allowed, reason."""
    has_contact = _has_main_contact(lead)
    has_address = has_contact or bool(lead.email)
    has_start = lead.planned_start is not None
    has_appointment = bool(lead.appointment_with_id and lead.planned_start and lead.planned_end)

    def entry(key: str, label: str, route: str, possible: bool, reason: str) -> dict:
        forbidden = permission_refusal(lead, user, key)
        refusal = forbidden or ("" if possible else reason)
        return {
            "key": key,
            "label": label,
            "url": reverse(route, args=[lead.pk]),
            "enabled": not refusal,
            "allowed": not forbidden,  # False: the user may not (403), whatever the lead
            "reason": refusal,
        }

    return [
        entry(
            "add_contacts",
            _("Weitere Ansprechpartner hinzufügen"),
            "processes:contacts",
            has_contact,
            _("Erst einen Hauptansprechpartner am Lead hinterlegen."),
        ),
        entry(
            "appointment_confirmation",
            _("Terminbestätigung versenden"),
            "processes:confirmation",
            has_address and has_start,
            _("Benötigt einen Ansprechpartner oder eine E-Mail-Adresse am Lead sowie „Termin von“.")
            if not has_address
            else _("Erst „Termin von (geplant)“ eintragen."),
        ),
        entry(
            "add_employees",
            _("Mitarbeiter dem Termin hinzufügen"),
            "processes:employees",
            has_appointment,
            _("Benötigt „Termin mit“, „Termin von“ und „Termin bis“."),
        ),
        entry(
            "info_material",
            _("Infomaterial versenden"),
            "processes:info_material",
            has_address,
            _("Benötigt einen Ansprechpartner oder eine E-Mail-Adresse am Lead."),
        ),
        entry(
            CONVERT,
            _("Ansprechpartner anlegen (Konvertierung)"),
            "conversion:convert",
            *_conversion_state(lead, has_contact),
        ),
    ]


def action_box_entry(lead: Lead, user, key: str) -> dict:
    """The entry `key` of the lead's action box."""
    return next(e for e in action_box_entries(lead, user) if e["key"] == key)


def _conversion_state(lead: Lead, has_contact: bool) -> tuple[bool, str]:
    """Seed 002: only while no Geschäftspartner or Ansprechpartner is linked and the lead
    is not converted."""
    if lead.converted_at is not None:
        return False, _("Der Lead ist bereits konvertiert.")
    if lead.customer_id or has_contact:
        return False, _("Am Lead ist bereits ein Geschäftspartner oder Ansprechpartner verknüpft.")
    return True, ""
