"""Models of the lead domain, one module per topic, re-exported here (`leads.models.Lead`)."""

from leads.models.consent import (
    ConsentAction,
    ConsentRecord,
    DataAccessAction,
    PersonalDataAccess,
)
from leads.models.distribution import (
    AssignmentMember,
    AssignmentRule,
    AssignmentStrategy,
)
from leads.models.imports import (
    DuplicateMode,
    IssueKind,
    LeadImport,
    LeadImportIssue,
)
from leads.models.lead import (
    CaptureChannel,
    Lead,
    LeadContact,
    LeadNumberCounter,
    LeadQuerySet,
    LeadRating,
    LeadStatusChange,
)
from leads.models.lists import (
    Campaign,
    Interest,
    LeadSource,
    LeadType,
    LostReason,
    ScoringCriterion,
    ScoringOption,
)
from leads.models.saved_view import SavedView

__all__ = [
    "SavedView",
    "AssignmentMember",
    "AssignmentRule",
    "AssignmentStrategy",
    "Campaign",
    "CaptureChannel",
    "ConsentAction",
    "ConsentRecord",
    "DataAccessAction",
    "DuplicateMode",
    "Interest",
    "IssueKind",
    "Lead",
    "LeadContact",
    "LeadImport",
    "LeadImportIssue",
    "LeadNumberCounter",
    "LeadQuerySet",
    "LeadRating",
    "LeadSource",
    "LeadStatusChange",
    "LeadType",
    "LostReason",
    "PersonalDataAccess",
    "ScoringCriterion",
    "ScoringOption",
]
