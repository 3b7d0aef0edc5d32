"""The action box [Aktionsbox] of the lead mask: which processes may start, and why not.

Each entry is enabled only under the condition seed 002 states for it; a disabled entry
carries a German reason the mask shows as a tooltip. These are rules on the lead, so they
live here; the processes themselves (their screens and writes) are the `processes` app and
`conversion`, which check the same entries before they act.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from leads.models import Lead, LeadContact


def _has_main_contact(lead: Lead) -> bool:
    cache = getattr(lead, "_prefetched_objects_cache", {})
    if "lead_contacts" in cache:
        return any(link.is_main for link in lead.lead_contacts.all())
    return LeadContact.objects.filter(lead=lead, is_main=True).exists()


def action_box_entries(lead: Lead, user) -> list[dict]:
    """Entries of the action box as dicts: key, label, url, enabled, reason."""
    has_contact = _has_main_contact(lead)
    has_address = has_contact or bool(lead.email)
    has_start = lead.planned_start is not None
    has_appointment = bool(lead.appointment_with_id and lead.planned_start and lead.planned_end)

    def entry(key: str, label: str, route: str, enabled: bool, reason: str) -> dict:
        return {
            "key": key,
            "label": label,
            "url": reverse(route, args=[lead.pk]),
            "enabled": enabled,
            "reason": "" if enabled else reason,
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
        # Konvertierung: conversion:convert
        entry(
            "convert",
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
