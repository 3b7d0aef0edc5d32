"""Celery tasks of privacy: thin, argument-free, safe to run twice."""

from celery import shared_task

from leads.jobs.tasks import JOB_OPTIONS
from privacy.retention import retention_apply


# registered under its first name: the beat schedule stored in the database refers to it
@shared_task(name="leads.tasks.apply_retention", **JOB_OPTIONS)
def apply_retention() -> dict:
    result = retention_apply(dry_run=False, list_limit=0)
    return {
        "anonymised": result.count,
        "files_deleted": result.files_deleted,
        "activities": result.activities,
        "documents": result.documents,
        "import_files": result.import_files,
    }
