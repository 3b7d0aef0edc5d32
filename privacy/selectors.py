"""Reads of the GDPR page [DSGVO]: a subject's consent log and access log.

A subject is a lead or a person; both logs hold a foreign key to either, so one filter
serves both. The export (`leads.gdpr.*_personal_data`) stays with the erasure in
`leads.gdpr`, because both must cover the same fields.
"""

from __future__ import annotations

from django.db.models import QuerySet

from contacts.models import Person
from leads.models import ConsentRecord, Lead, PersonalDataAccess

ACCESS_LOG_LIMIT = 50


def subject_filter(subject: Lead | Person) -> dict[str, Lead | Person]:
    """The keyword that points a log row at `subject`: {"lead": …} or {"person": …}."""
    return {"lead": subject} if isinstance(subject, Lead) else {"person": subject}


def consent_log(subject: Lead | Person) -> QuerySet[ConsentRecord]:
    """The subject's consent records, newest first, with who recorded them."""
    return ConsentRecord.objects.filter(**subject_filter(subject)).select_related("recorded_by")


def access_log(
    subject: Lead | Person, *, limit: int = ACCESS_LOG_LIMIT
) -> list[PersonalDataAccess]:
    """The latest accesses to the subject's personal data, newest first."""
    return list(
        PersonalDataAccess.objects.filter(**subject_filter(subject)).select_related("user")[:limit]
    )
