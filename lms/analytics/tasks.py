"""Background rebuild of the analytics summaries (nightly by beat, or on demand)."""

from celery import shared_task

from . import summaries


@shared_task(acks_late=True, reject_on_worker_lost=True)
def rebuild_summaries() -> int:
    return summaries.rebuild().pk
