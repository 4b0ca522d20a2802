"""Background work of targeting. Tasks take ids, load fresh rows and are idempotent."""

from celery import shared_task

from . import campaigns, reminders


@shared_task(acks_late=True, reject_on_worker_lost=True)
def assign_campaign(campaign_id: int) -> int:
    """Assign a launched campaign batch by batch; each batch commits with its cursor, so a
    redelivered task (the worker was killed) goes on where the last commit left off."""
    batches = 0
    while campaigns.assign_next_batch(campaign_id):
        batches += 1
    return batches


@shared_task(acks_late=True, reject_on_worker_lost=True)
def assign_joiners(cadre_ids: list[int]) -> int:
    return campaigns.assign_joiners(cadre_ids)


@shared_task
def send_reminders() -> int:
    return reminders.send_reminders().created


@shared_task
def send_overdue_digests() -> int:
    return reminders.send_overdue_digests()
