"""Object-level rules: who may see, edit and delete which lead.

All roles see all leads (a company-wide CRM). Managers and staff edit everything;
Vertrieb edits leads it is responsible for (Nachbetreuung durch / Termin mit) and
unassigned ones; Marketing edits unassigned leads and those it created.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _lazy

from accounts.models import Role
from accounts.permissions import user_has_role
from leads.models import Lead


def visible_leads(user):
    if not user_has_role(user):
        return Lead.objects.none()
    return Lead.objects.all()


def can_view_lead(user, lead: Lead) -> bool:
    return user_has_role(user)


def can_create_lead(user) -> bool:
    return user_has_role(user)


# Lead lists are imported by Marketing and the Vertriebsleitung.
IMPORT_ROLES = (Role.MARKETING, Role.SALES_MANAGER)


def can_import_leads(user) -> bool:
    return user_has_role(user, *IMPORT_ROLES)


# what a user needs besides a role for a bulk export of leads or a person's GDPR file
PERSONAL_DATA_PERMISSION = "privacy.erase_personal_data"
EXPORT_REFUSED_MESSAGE = _lazy(
    "Für den Export von Leads und DSGVO-Auskünften ist die Berechtigung der "
    "Vertriebsleitung oder des Datenschutzes nötig."
)


def can_export_leads(user) -> bool:
    """Bulk export (list, ticked rows, API): the Vertriebsleitung, superusers or holders of
    the privacy permission; every other role keeps viewing but does not export."""
    if not user_has_role(user):
        return False
    return bool(
        user.is_superuser
        or user.has_role(Role.SALES_MANAGER)
        or user.has_perm(PERSONAL_DATA_PERMISSION)
    )


def exportable_leads(user):
    """The leads a bulk export (list, ticked rows, background export job, API) may contain:
    none without the export right, otherwise the user's visible leads (narrowed further by
    the export scope of the user's role where one is configured)."""
    if not can_export_leads(user):
        return Lead.objects.none()
    return visible_leads(user)


def can_download_personal_data(user) -> bool:
    """A person's or lead's GDPR file: the same rule as the bulk export."""
    return can_export_leads(user)


def can_edit_lead(user, lead: Lead) -> bool:
    if not user_has_role(user):
        return False
    if user.is_superuser or user.has_role(Role.SALES_MANAGER):
        return True
    if user.has_role(Role.SALES):
        if lead.follow_up_by_id is None or user.pk in (
            lead.follow_up_by_id,
            lead.appointment_with_id,
        ):
            return True
    if user.has_role(Role.MARKETING):
        if lead.follow_up_by_id is None or lead.created_by_id == user.pk:
            return True
    return False


def can_qualify_lead(user, lead: Lead) -> bool:
    """Changing status/type/score of a lead someone else owns: not for Marketing alone."""
    if not can_edit_lead(user, lead):
        return False
    if user.has_role(Role.SALES, Role.SALES_MANAGER):
        return True
    # Marketing only: its own leads or unassigned ones it created
    return lead.created_by_id == user.pk or lead.pk is None


def can_delete_lead(user, lead: Lead | None = None) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.has_role(Role.SALES_MANAGER)))
