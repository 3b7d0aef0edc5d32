"""Object-level rules: who may see, create and edit which opportunity.

Every role sees every opportunity (a company-wide CRM, like leads). Managers and staff
edit all of them; everybody else edits the ones they are responsible for (Zuständig), and
Vertrieb also the unassigned ones. An opportunity is created from a lead by whoever may
qualify (convert) that lead, once the lead is converted.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.models import Role
from accounts.permissions import user_has_role
from leads.models import Lead
from leads.permissions import can_qualify_lead
from opportunities.models import Opportunity


def visible_opportunities(user):
    if not user_has_role(user):
        return Opportunity.objects.none()
    return Opportunity.objects.all()


def can_view_opportunity(user, opportunity: Opportunity) -> bool:
    return user_has_role(user)


def can_edit_opportunity(user, opportunity: Opportunity) -> bool:
    if not user_has_role(user):
        return False
    if user.is_superuser or user.has_role(Role.SALES_MANAGER):
        return True
    if opportunity.owner_id == user.pk:
        return True
    return opportunity.owner_id is None and user.has_role(Role.SALES)


def can_create_opportunity(user, lead: Lead) -> bool:
    """The object rule (who); `create_refusal` says whether the lead allows it now (when)."""
    return can_qualify_lead(user, lead)


def create_refusal(lead: Lead) -> str:
    """Why no opportunity can be created from `lead` now ("" when it can)."""
    if lead.converted_at is None or not lead.customer_id:
        return _(
            "Eine Verkaufschance kann erst angelegt werden, wenn der Lead konvertiert ist "
            "(mit Geschäftspartner)."
        )
    if lead.anonymised_at:
        return _("Für einen anonymisierten Lead kann keine Verkaufschance angelegt werden.")
    return ""


CREATE_DENIED = _lazy("Sie dürfen für diesen Lead keine Verkaufschance anlegen.")


def create_state(user, lead: Lead) -> tuple[bool, str]:
    """(may create now, why not): who (`can_create_opportunity`) and when
    (`create_refusal`) in one answer, for the lead section's button, the create form and
    the service `opportunity_create_from_lead`."""
    if not can_create_opportunity(user, lead):
        return False, str(CREATE_DENIED)
    refusal = create_refusal(lead)
    return not refusal, refusal
