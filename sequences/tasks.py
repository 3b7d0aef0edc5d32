"""Beat tasks of sequences (registered names in notifications/schedules.py): thin, no
arguments, re-derive their work from the database, safe to run twice."""

from celery import shared_task

from leads.jobs.tasks import JOB_OPTIONS  # the beat jobs' retry policy, one place
from sequences.jobs import rules, steps


@shared_task(name="sequences.tasks.run_due_steps", **JOB_OPTIONS)
def run_due_steps() -> dict:
    return steps.run_due_steps().as_dict()


@shared_task(name="sequences.tasks.enrol_by_rules", **JOB_OPTIONS)
def enrol_by_rules() -> dict:
    return rules.enrol_by_rules()
