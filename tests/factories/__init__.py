"""factory-boy factories for every LeadCRM model, with realistic German data, one module
per app (`tests.factories.leads`, `tests.factories.contacts`, …); the common ones are
re-exported here, so `from tests.factories import LeadFactory` works.

Lookup lists (lead status, categories, sources, types, interests) are NOT invented by
factories: the data migrations create the defaults, and the helpers `status("Offen")`,
`category("Lead")`, `source("Messe")`, `lead_type("SQL")`, `interest("Windkraft")` fetch
them by name. Transactional tests (live_server, `django_db(transaction=True)`) flush the
database after each test, so the helpers reload the defaults when they are missing
(`ensure_defaults()`), and `UserFactory(roles=[...])` recreates missing role groups.

Usage:
    rep = UserFactory(roles=[Role.SALES])
    lead = LeadFactory(follow_up_by=rep, status=status("Kontaktiert"), interests=["Windkraft"])
    appt = ActivityFactory(appointment=True, delegated_to=rep)
"""

from tests.factories.accounts import StaffAdminFactory, UserFactory
from tests.factories.activities import ActivityFactory, DocumentFactory, MailTemplateFactory
from tests.factories.base import (
    PASSWORD,
    category,
    category_group,
    default_status,
    ensure_defaults,
    interest,
    lead_type,
    source,
    status,
)
from tests.factories.boards import SelectionFactory
from tests.factories.contacts import (
    CategoryFactory,
    CategoryGroupFactory,
    CompanyFactory,
    LeadStatusFactory,
    PersonFactory,
)
from tests.factories.jobs import JobFactory
from tests.factories.leads import (
    CampaignFactory,
    LeadContactFactory,
    LeadFactory,
)
from tests.factories.notifications import NotificationFactory
from tests.factories.opportunities import OpportunityFactory

__all__ = [
    "ActivityFactory",
    "CampaignFactory",
    "CategoryFactory",
    "CategoryGroupFactory",
    "CompanyFactory",
    "DocumentFactory",
    "JobFactory",
    "LeadContactFactory",
    "LeadFactory",
    "LeadStatusFactory",
    "MailTemplateFactory",
    "NotificationFactory",
    "OpportunityFactory",
    "PASSWORD",
    "PersonFactory",
    "SelectionFactory",
    "StaffAdminFactory",
    "UserFactory",
    "category",
    "category_group",
    "default_status",
    "ensure_defaults",
    "interest",
    "lead_type",
    "source",
    "status",
]
