"""Lead score [Bewertung des Leadpotenzials]: weighted average of the chosen options.

score = round(sum(points × weight) / sum(weight)) over the *active* criteria, where a
criterion without a rating contributes 0 points (an unrated lead is not a good lead).
The criterion with `uses_source` takes the option whose `source` is the lead's source,
so the rep fills in "Quelle" once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from jobs import runner as job_runner
from jobs.models import Job
from leads.models import Lead, LeadRating, ScoringCriterion, ScoringOption

RESCORE_BATCH = 1000
RESCORE_JOB_KIND = "lead_rescore"


def active_criteria() -> list[ScoringCriterion]:
    """Active criteria with their options (two queries)."""
    return list(ScoringCriterion.objects.active().prefetch_related("options"))


def _option_for(criterion: ScoringCriterion, ratings: Mapping[int, Any], source_id) -> Any:
    if criterion.uses_source:
        if not source_id:
            return None
        return next((o for o in criterion.options.all() if o.source_id == source_id), None)
    chosen = ratings.get(criterion.pk)
    if chosen is None:
        return None
    chosen_id = chosen.pk if isinstance(chosen, ScoringOption) else int(chosen)
    return next((o for o in criterion.options.all() if o.pk == chosen_id), None)


def compute_score(
    *,
    source_id: int | None,
    ratings: Mapping[int, Any] | None,
    criteria: Iterable[ScoringCriterion] | None = None,
) -> tuple[int, list[dict]]:
    """Score and breakdown for a source and {criterion_id: option or option id}."""
    ratings = ratings or {}
    criteria = active_criteria() if criteria is None else list(criteria)
    total_weight = sum(c.weight for c in criteria)
    breakdown: list[dict] = []
    weighted = 0
    for criterion in criteria:
        option = _option_for(criterion, ratings, source_id)
        points = option.points if option else 0
        weighted += points * criterion.weight
        breakdown.append(
            {
                "criterion_id": criterion.pk,
                "name": criterion.name,
                "option_id": option.pk if option else None,
                "option": option.label if option else "",
                "points": points,
                "weight": criterion.weight,
                "contribution": round(points * criterion.weight / total_weight, 1)
                if total_weight
                else 0,
            }
        )
    score = round(weighted / total_weight) if total_weight else 0
    return max(0, min(100, score)), breakdown


def lead_compute_score(
    lead: Lead, ratings: Mapping[int, Any] | None = None, criteria=None
) -> tuple[int, list[dict]]:
    """Score of `lead`; `ratings` defaults to the lead's stored LeadRating rows."""
    if ratings is None:
        ratings = {r.criterion_id: r.option_id for r in lead.ratings.all()} if lead.pk else {}
    return compute_score(source_id=lead.source_id, ratings=ratings, criteria=criteria)


def lead_ratings(lead: Lead) -> dict[int, int]:
    """{criterion_id: option_id} of the stored ratings."""
    return dict(LeadRating.objects.filter(lead=lead).values_list("criterion_id", "option_id"))


def clean_ratings(
    ratings: Mapping[int, Any] | None, criteria: Iterable[ScoringCriterion]
) -> dict[int, int]:
    """{criterion_id: option_id} keeping only valid pairs of active, non-source criteria.

    Tampered input (an option of another criterion, unknown ids) is dropped silently;
    the form already refuses it with a message.
    """
    by_id = {c.pk: c for c in criteria}
    wanted: dict[int, int] = {}
    for criterion_id, option in (ratings or {}).items():
        try:
            criterion = by_id.get(int(criterion_id))
            option_id = option.pk if isinstance(option, ScoringOption) else int(option)
        except (TypeError, ValueError):
            continue
        if criterion is None or criterion.uses_source:
            continue
        if any(o.pk == option_id for o in criterion.options.all()):
            wanted[criterion.pk] = option_id
    return wanted


def store_ratings(lead: Lead, wanted: Mapping[int, int], criteria: Iterable[ScoringCriterion]):
    """Make the lead's LeadRating rows for the active criteria equal to `wanted`."""
    active_ids = {c.pk for c in criteria if not c.uses_source}
    existing = {r.criterion_id: r for r in LeadRating.objects.filter(lead=lead)}
    stale = [r.pk for cid, r in existing.items() if cid in active_ids and cid not in wanted]
    if stale:
        LeadRating.objects.filter(pk__in=stale).delete()
    for criterion_id, option_id in wanted.items():
        rating = existing.get(criterion_id)
        if rating is None:
            LeadRating.objects.create(lead=lead, criterion_id=criterion_id, option_id=option_id)
        elif rating.option_id != option_id:
            rating.option_id = option_id
            rating.save(update_fields=["option"])
    if hasattr(lead, "_prefetched_objects_cache"):
        lead._prefetched_objects_cache.pop("ratings", None)


def rescore_leads(lead_ids: Iterable[int]) -> int:
    """Recompute the stored score of the given leads (one batch); returns rows processed.

    Loads the batch's ratings in one query and writes changed scores with bulk_update.
    """
    criteria = active_criteria()
    leads = list(
        Lead.objects.filter(pk__in=list(lead_ids)).only(
            "id", "source_id", "score", "score_breakdown"
        )
    )
    ratings: dict[int, dict[int, int]] = {}
    for lead_id, criterion_id, option_id in LeadRating.objects.filter(
        lead_id__in=[lead.pk for lead in leads]
    ).values_list("lead_id", "criterion_id", "option_id"):
        ratings.setdefault(lead_id, {})[criterion_id] = option_id
    changed = []
    for lead in leads:
        score, breakdown = compute_score(
            source_id=lead.source_id, ratings=ratings.get(lead.pk, {}), criteria=criteria
        )
        if lead.score != score or lead.score_breakdown != breakdown:
            lead.score, lead.score_breakdown = score, breakdown
            changed.append(lead)
    if changed:
        Lead.objects.bulk_update(changed, ["score", "score_breakdown"], batch_size=500)
    return len(leads)


def rescore_all_async(user) -> Job:
    """Start recomputing all scores in the background; returns the Job."""
    from leads import tasks  # reason: leads.tasks imports this module

    job = job_runner.job_create(
        kind=RESCORE_JOB_KIND,
        title=str(_("Lead-Scores neu berechnen")),
        user=user,
        task=tasks.rescore_all_leads.name,  # the beat re-scan re-queues it
    )  # the task counts the leads (total) when it starts
    job_runner.job_queue(job=job)
    return job


def rescore_all_run(*, job_id: int) -> str:
    """Recompute every lead's score in id-ordered batches, writing progress to the Job.

    Safe to run twice: scores are a pure function of ratings and criteria, and the job
    resumes after its `result["last_id"]` after a retry; a finished job is left alone.
    """

    def work(run: job_runner.JobRun) -> None:
        last_id = int((run.job.result or {}).get("last_id", 0))
        if not run.job.total:
            run.set_total(Lead.objects.count())
        while True:
            run.checkpoint()
            ids = list(
                Lead.objects.filter(pk__gt=last_id)
                .order_by("pk")
                .values_list("pk", flat=True)[:RESCORE_BATCH]
            )
            if not ids:
                break
            done = rescore_leads(ids)
            last_id = ids[-1]
            run.progress(done=run.job.done + done, result={"last_id": last_id})
        run.complete(result={"last_id": last_id})

    return job_runner.job_run(job=job_id, work=work)
