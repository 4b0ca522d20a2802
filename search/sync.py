"""Keeping every course search backend in step with the page tree.

Receivers (wired in SearchConfig.ready) only announce: they work out which courses a page
change concerns and, once the transaction commits, enqueue a task with each course's id.
The tasks (search/tasks.py) call the service functions below, which load fresh rows, so
running one twice, late or out of order does no harm.

The fallback store (LMS_SEARCH_FALLBACK, the database backend by default) is written
first and always, even when LMS_SEARCH_BACKENDS does not name it: it is what the
Elasticsearch backend answers from while its cluster is down.
"""

import logging
import time

from django.db import transaction
from wagtail.models import Page

from courses.models import CoursePage, CurriculumPage, LessonPage

from .backends import backend_settings, fallback_backend, get_search_backend
from .documents import build_documents
from .models import IndexedCourse

logger = logging.getLogger(__name__)

# The name under which the fallback store reports when no configured alias holds it.
FALLBACK = "database"
BATCH = 50


def backends_to_write(aliases=None) -> list[tuple[str, object]]:
    """(alias, backend) pairs, the fallback store first; all configured ones unless named.

    Aliases that share a store (two database aliases: one table) are written once."""
    store_of_record = fallback_backend().store
    pairs, stores = [], set()
    for alias in backend_settings() if aliases is None else aliases:
        backend = get_search_backend(alias)
        if backend.store in stores:
            continue
        stores.add(backend.store)
        pairs.append((alias, backend))
    if aliases is None and store_of_record not in stores:
        pairs.append((FALLBACK, fallback_backend()))
    pairs.sort(key=lambda pair: pair[1].store != store_of_record)
    return pairs


def is_store_of_record(backend) -> bool:
    """The fallback store's errors are the task's errors; any other backend's are retried."""
    return backend.store == fallback_backend().store


def _write(aliases, action) -> dict[str, str]:
    """Apply action to each backend; returns {alias: error} for the backends that failed.

    A database error propagates (the task fails loudly); an external backend's error is
    logged and reported, so the caller can retry just that backend later.
    """
    failed = {}
    for alias, backend in backends_to_write(aliases):
        if is_store_of_record(backend):
            action(backend)
            continue
        try:
            action(backend)
        except Exception as exc:  # any client or transport error: retry later, never crash
            logger.warning("Search backend %r could not be updated: %s", alias, exc)
            failed[alias] = str(exc) or exc.__class__.__name__
    return failed


def sync_course(course_id: int, aliases=None) -> dict[str, str]:
    """Make the backends hold the course as the database has it now: indexed while it is
    live and public, absent otherwise. Returns {alias: error} for failed backends."""
    documents = build_documents([course_id])

    def apply(backend):
        if documents:
            backend.index_documents(documents)
        else:
            backend.remove([course_id])

    return _write(aliases, apply)


def reconcile(aliases=None) -> dict[str, dict]:
    """Repair drift between the pages and every backend; returns what changed per backend.

    Missing courses are indexed and extra ones removed by comparing ids with each
    backend's indexed_ids(). A document whose content changed (a missed update, or a new
    enrolment count behind its prior) is found against the database store's copy and
    written to every backend.
    """
    documents = {doc["id"]: doc for doc in build_documents()}
    stored = dict(IndexedCourse.objects.values_list("course_id", "document"))
    changed = {course_id for course_id, doc in documents.items() if stored.get(course_id) != doc}
    report = {}
    for alias, backend in backends_to_write(aliases):
        try:
            present = backend.indexed_ids()
            missing = documents.keys() - present
            stale = changed & present
            extra = present - documents.keys()
            todo = [documents[i] for i in sorted(missing | stale)]
            # Batches keep each bulk request within the backend's (short) query timeout.
            for start in range(0, len(todo), BATCH):
                backend.index_documents(todo[start : start + BATCH])
            if extra:
                backend.remove(sorted(extra))
        except Exception as exc:
            if is_store_of_record(backend):
                raise
            logger.warning("Search backend %r could not be reconciled: %s", alias, exc)
            report[alias] = {"error": str(exc) or exc.__class__.__name__}
            continue
        report[alias] = {"added": len(missing), "updated": len(stale), "removed": len(extra)}
        if missing or stale or extra:
            logger.info("Search backend %r reconciled: %s", alias, report[alias])
    return report


def rebuild(aliases=None) -> dict:
    """Rebuild backends from the pages (an alias swap on Elasticsearch), with timings.

    Returns {"documents": {"count", "seconds"}, "backends": {alias: stats or error}}.
    """
    started = time.perf_counter()
    documents = build_documents()
    report = {
        "documents": {"count": len(documents), "seconds": time.perf_counter() - started},
        "backends": {},
    }
    for alias, backend in backends_to_write(aliases):
        mark = time.perf_counter()
        try:
            stats = backend.rebuild(documents)
        except Exception as exc:
            if is_store_of_record(backend):
                raise
            logger.warning("Search backend %r could not be rebuilt: %s", alias, exc)
            stats = {"error": str(exc) or exc.__class__.__name__}
        report["backends"][alias] = {
            **stats,
            "backend": backend.name,
            "seconds": time.perf_counter() - mark,
        }
    return report


# --- receivers: announce, never decide ------------------------------------------------


def _course_of_lesson(lesson: LessonPage) -> list[int]:
    return list(
        CoursePage.objects.filter(path=lesson.path[: -lesson.steplen]).values_list("pk", flat=True)
    )


def _courses_of_curriculum(curriculum: CurriculumPage) -> list[int]:
    return list(CoursePage.objects.child_of(curriculum).values_list("pk", flat=True))


def courses_concerned(page, page_class=None) -> list[int]:
    """Ids of the courses whose documents depend on this page (of page_class, if given:
    Wagtail sends some signals with a plain Page instance and the class as the sender)."""
    page_class = page_class or type(page)
    if issubclass(page_class, CoursePage):
        return [page.pk]
    if issubclass(page_class, LessonPage):
        return _course_of_lesson(page)  # lesson text is indexed with its course
    if issubclass(page_class, CurriculumPage):
        return _courses_of_curriculum(page)  # track title and URLs of its courses
    return []


def _send(task, course_id: int) -> None:
    try:
        task.delay(course_id)
    except Exception:
        # The editor's change is committed; a broker outage must not turn it into an
        # error page. The daily reconcile task picks the course up.
        logger.warning("Could not enqueue %s for course %s", task.name, course_id, exc_info=True)


def enqueue(task_name: str, course_ids) -> None:
    from . import tasks

    task = getattr(tasks, task_name)
    for course_id in dict.fromkeys(course_ids):
        # Bind the id now: the callback runs after this function has returned.
        transaction.on_commit(lambda course_id=course_id: _send(task, course_id))


def page_published(sender, instance, **kwargs):
    enqueue("index_course", courses_concerned(instance, sender))


def page_unpublished(sender, instance, **kwargs):
    if issubclass(sender or type(instance), CoursePage):
        enqueue("remove_course", [instance.pk])
    else:
        enqueue("index_course", courses_concerned(instance, sender))


def page_moved(sender, instance, parent_page_before=None, **kwargs):
    course_ids = courses_concerned(instance, sender)
    if issubclass(sender or type(instance), LessonPage) and parent_page_before is not None:
        course_ids.append(parent_page_before.pk)  # the course the lesson left
    enqueue("index_course", course_ids)


def course_deleted(sender, instance, **kwargs):
    enqueue("remove_course", [instance.pk])


def lesson_deleted(sender, instance, **kwargs):
    enqueue("index_course", _course_of_lesson(instance))


def restriction_changed(sender, instance, **kwargs):
    # Only public courses are indexed: a restriction added or lifted changes which are.
    page = Page.objects.filter(pk=instance.page_id).first()  # gone if deleted with it
    if page is None:
        return
    enqueue(
        "index_course",
        CoursePage.objects.descendant_of(page, inclusive=True).values_list("pk", flat=True),
    )
