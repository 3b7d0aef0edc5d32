"""What erasure and retention clear besides the lead's and the person's own fields: the
subject's activities, their documents and the raw rows of import issues.

Activities of a subject (a lead's linked activities and its appointment; a person's
activities "mit" them) keep their kind, times, status and links (statistics, the
calendar), but lose what identifies anyone: subject, body, the mail's recipients (the
address lines, the error text, the further recipients) and the lead's free-text contact
fields. Documents attached only to those activities are deleted with their files; a
document a mail template or another activity uses (the info-material brochure) stays.

Import issues hold the raw row of a refused, skipped or warned row. They are blanked
(values, e-mail, phone, the quoted values in the message) when the person is erased and
when the import's file is purged (`privacy.retention.import_files_purge`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q, QuerySet

from activities.models import Activity, Document
from leads.fields import personal_fields
from leads.models import ConsentRecord, Lead, LeadImportIssue
from opportunities.models import Opportunity

# field -> value it is cleared to (on the lead and on its historical records): the field
# catalogue's personal fields (leads.fields), all text, URL, phone or file fields
PERSONAL_FIELDS: dict[str, object] = dict.fromkeys(personal_fields(), "")
ERASED_SUBJECT = "Anonymisiert"
ACTIVITY_CLEARED: dict[str, object] = {
    "subject": ERASED_SUBJECT,
    "body": "",
    "mail_to": "",
    "mail_cc": "",
    "mail_error": "",
    "contact_name": "",
    "contact_phone": "",
    "contact_email": "",
}
ISSUE_CHUNK = 2000
# a value the import quoted in a message: „…“ (German), “…” and "…" (English)
QUOTED = re.compile(r"„[^“]*“|“[^”]*”|\"[^\"]*\"")


def leads_anonymise(lead_ids: list[int], *, now) -> tuple[dict[str, int], list[str]]:
    """Anonymise the (locked) leads: their fields and history, their consent log, their
    activities (and those activities' own documents), the descriptions of their
    opportunities (they carry the lead's notes) and the import issues that name them.
    The one anonymisation of leads: erasure on request and the retention job call it.
    Returns the counts and the business-card files to delete after commit."""
    rows = list(Lead.objects.filter(pk__in=lead_ids).values_list("email", "phone", "business_card"))
    issues = subject_issues(
        lead_ids=lead_ids,
        emails=[email for email, _phone, _card in rows],
        phones=[phone.as_e164 for _email, phone, _card in rows if phone],
    )
    counts = {"import_issues": issues_blank(issues)}
    counts["activities"], counts["documents"] = activities_erase(lead_activity_ids(lead_ids))
    counts["opportunities"] = (
        Opportunity.objects.filter(lead_id__in=lead_ids)
        .exclude(description="")
        .update(description="")
    )
    Opportunity.history.filter(lead_id__in=lead_ids).update(description="")
    counts["leads"] = Lead.objects.filter(pk__in=lead_ids).update(
        **PERSONAL_FIELDS, anonymised_at=now, version=F("version") + 1
    )
    counts["history"] = Lead.history.filter(id__in=lead_ids).update(**PERSONAL_FIELDS)
    counts["consents"] = ConsentRecord.objects.filter(lead_id__in=lead_ids).update(
        email="", ip_address=None, user_agent=""
    )
    return counts, [card for _email, _phone, card in rows if card]


def lead_activity_ids(lead_ids: Iterable[int]) -> set[int]:
    """The activities of the leads: linked ones and their automatic appointments."""
    lead_ids = list(lead_ids)
    linked = Lead.activities.through.objects.filter(lead_id__in=lead_ids).values_list(
        "activity_id", flat=True
    )
    appointments = Lead.objects.filter(pk__in=lead_ids, appointment__isnull=False).values_list(
        "appointment_id", flat=True
    )
    return set(linked) | set(appointments)


def activities_erase(activity_ids: set[int]) -> tuple[int, int]:
    """Anonymise the activities and delete their own documents (files after commit);
    returns (activities, documents)."""
    if not activity_ids:
        return 0, 0
    ids = sorted(activity_ids)
    count = Activity.objects.filter(pk__in=ids).update(**ACTIVITY_CLEARED)
    Activity.recipients.through.objects.filter(activity_id__in=ids).delete()
    own = (
        Document.objects.filter(activities__pk__in=ids)
        .exclude(templates__isnull=False)
        .exclude(activities__in=Activity.objects.exclude(pk__in=ids))
        .distinct()
    )
    documents = list(own.values_list("pk", "file"))
    Document.objects.filter(pk__in=[pk for pk, _file in documents]).delete()
    files = [name for _pk, name in documents if name]
    if files:
        transaction.on_commit(lambda: _delete_files(files))
    return count, len(documents)


def _delete_files(names: list[str]) -> None:
    for name in names:
        if default_storage.exists(name):
            default_storage.delete(name)


def recipient_scrub(*, person_id: int, email: str, exclude: set[int]) -> int:
    """Take the person out of other subjects' mails (further recipients, address lines);
    returns the number of activities changed."""
    Through = Activity.recipients.through
    ids = set(
        Through.objects.filter(person_id=person_id)
        .exclude(activity_id__in=exclude)
        .values_list("activity_id", flat=True)
    )
    Through.objects.filter(person_id=person_id, activity_id__in=ids).delete()
    if email:
        lines = Activity.objects.filter(Q(mail_to__icontains=email) | Q(mail_cc__icontains=email))
        changed = []
        for activity in lines.exclude(pk__in=exclude).only("pk", "mail_to", "mail_cc"):
            activity.mail_to = _without(activity.mail_to, email)
            activity.mail_cc = _without(activity.mail_cc, email)
            changed.append(activity)
            ids.add(activity.pk)
        Activity.objects.bulk_update(changed, ["mail_to", "mail_cc"])
    return len(ids)


def _without(line: str, email: str) -> str:
    parts = [p.strip() for p in re.split(r"[,;]", line or "")]
    return ", ".join(p for p in parts if p and email.casefold() not in p.casefold())


def subject_issues(
    *, lead_ids: Iterable[int] = (), emails: Iterable[str] = (), phones: Iterable[str] = ()
) -> QuerySet[LeadImportIssue]:
    """The import issues that name a subject: by its lead, its e-mail or its phone."""
    q = Q(lead_id__in=list(lead_ids))
    emails = [e.strip().casefold() for e in emails if e and e.strip()]
    phones = [p for p in phones if p]
    if emails:
        q |= Q(email__in=emails)
    if phones:
        q |= Q(phone__in=phones)
    return LeadImportIssue.objects.filter(q)


def issues_blank(issues: QuerySet[LeadImportIssue]) -> int:
    """Blank the raw values of the issues (values, e-mail, phone, quoted values in the
    message); the row number, kind and reason stay for the report. Returns the count."""
    blanked = 0
    pending = []
    for issue in issues.only("pk", "message").iterator(chunk_size=ISSUE_CHUNK):
        issue.values = {}
        issue.email = issue.phone = ""
        issue.message = QUOTED.sub("„…“", issue.message)
        pending.append(issue)
        if len(pending) >= ISSUE_CHUNK:
            blanked += _write(pending)
            pending = []
    return blanked + _write(pending)


def _write(issues: list[LeadImportIssue]) -> int:
    LeadImportIssue.objects.bulk_update(issues, ["values", "email", "phone", "message"])
    return len(issues)
