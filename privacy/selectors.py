"""Reads of the GDPR page [DSGVO]: a subject's consent log and access log.

A subject is a lead or a person; both logs hold a foreign key to either, so one filter
serves both. The export (`leads.gdpr.*_personal_data`) stays with the erasure in
`leads.gdpr`, because both must cover the same fields.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from contacts.models import Person
from leads.models import ConsentRecord, Lead, LeadContact, PersonalDataAccess
from privacy.models import ErasureReport

ACCESS_LOG_LIMIT = 50


def subject_filter(subject: Lead | Person) -> dict[str, Lead | Person]:
    """The keyword that points a log row at `subject`: {"lead": …} or {"person": …}."""
    return {"lead": subject} if isinstance(subject, Lead) else {"person": subject}


def consent_log(subject: Lead | Person) -> QuerySet[ConsentRecord]:
    """The subject's consent records, newest first, with who recorded them; a person's
    include the records of the leads they are a contact of (the consent the person gave
    through the web form sits on the lead)."""
    if isinstance(subject, Lead):
        where = Q(lead=subject)
    else:
        where = Q(person=subject) | Q(
            lead__in=LeadContact.objects.filter(person=subject).values("lead_id")
        )
    return ConsentRecord.objects.filter(where).select_related("recorded_by", "lead")


def access_log(
    subject: Lead | Person, *, limit: int = ACCESS_LOG_LIMIT
) -> list[PersonalDataAccess]:
    """The latest accesses to the subject's personal data, newest first."""
    return list(
        PersonalDataAccess.objects.filter(**subject_filter(subject)).select_related("user")[:limit]
    )


def erasure_reports(subject: Lead | Person) -> list[ErasureReport]:
    """What each erasure of the subject touched, newest first."""
    return list(ErasureReport.objects.filter(**subject_filter(subject)).select_related("user"))
