"""Background work of course search. Tasks take course ids, load fresh rows, are idempotent.

Messages carry ids and backend aliases only: never course text, never anything about a
cadre. index_course and remove_course both bring a course's entry to the state the
database holds when they run, so a late or repeated message cannot undo a newer change.
"""

import logging

from celery import shared_task

from . import sync

logger = logging.getLogger(__name__)

MAX_RETRIES = 6
FIRST_RETRY_SECONDS = 60
LAST_RETRY_SECONDS = 60 * 60


class SearchBackendUnavailable(Exception):
    """An external search backend refused an update; the task retries it later."""


def retry_delay(retries: int) -> int:
    """1, 2, 4 … minutes, at most an hour: an outage is usually over within that."""
    return min(FIRST_RETRY_SECONDS * 2**retries, LAST_RETRY_SECONDS)


def _sync(task, course_id: int, aliases) -> dict:
    failed = sync.sync_course(course_id, aliases)
    if not failed:
        return {"course_id": course_id, "failed": []}
    if task.request.is_eager:
        # An eager task runs inside the editor's request: retrying there would stall the
        # save for every attempt. The daily reconcile task brings the backend up to date.
        logger.warning(
            "Course %s not written to %s; reconcile will catch up", course_id, sorted(failed)
        )
        return {"course_id": course_id, "failed": sorted(failed)}
    raise task.retry(
        args=(course_id,),
        kwargs={"aliases": sorted(failed)},
        countdown=retry_delay(task.request.retries),
        exc=SearchBackendUnavailable(f"course {course_id}: {failed}"),
    )


@shared_task(bind=True, max_retries=MAX_RETRIES)
def index_course(self, course_id: int, aliases: list[str] | None = None) -> dict:
    """Index the course (published, moved or edited) in every backend, or in `aliases`."""
    return _sync(self, course_id, aliases)


@shared_task(bind=True, max_retries=MAX_RETRIES)
def remove_course(self, course_id: int, aliases: list[str] | None = None) -> dict:
    """Take the course (unpublished or deleted) out of every backend, unless live again."""
    return _sync(self, course_id, aliases)


@shared_task
def reconcile() -> dict:
    """Repair drift between the pages and each backend (run daily by Celery beat)."""
    return sync.reconcile()
