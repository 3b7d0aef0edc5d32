from celery import shared_task

from engagement.jobs.recompute import engagement_recompute


@shared_task(acks_late=True)
def recompute_engagement_scores() -> int:
    return engagement_recompute()
