"""What the search index holds for a course: course data only, never anything about people.

Documents are built from the database (the source of truth) in a fixed number of
queries, whatever the number of courses.
"""

import math
from decimal import Decimal

from django.db.models import Q
from django.utils.html import strip_tags
from wagtail import hooks

from courses.models import CoursePage, CourseRole, CurriculumPage, LessonPage

COURSE_STATISTICS_HOOK = "search_course_statistics"


def _stream_text(stream) -> str:
    parts = []
    for block in stream.raw_data if stream else []:
        parts.append(_raw_text(block.get("value")))
    return " ".join(p for p in parts if p)


def _raw_text(value) -> str:
    if isinstance(value, str):
        return strip_tags(value)
    if isinstance(value, dict):
        # Quiz answers are not searchable text: skip which option is correct.
        return " ".join(
            _raw_text(v) for k, v in value.items() if k not in ("correct", "id", "type")
        )
    if isinstance(value, list):
        return " ".join(_raw_text(v) for v in value)
    return ""


def course_statistics(course_ids: list[int], *, whole: bool) -> tuple[dict, int]:
    """({course_id: {"enrolled", "completed"}}, the most enrolments of any live course).

    Enrolments are kept by lms, which search does not import: lms answers through the
    `search_course_statistics` hook. Without an answer every course has the same prior.
    """
    for provide in hooks.get_hooks(COURSE_STATISTICS_HOOK):
        return provide(course_ids, whole=whole)
    return {}, 0


def build_documents(course_ids=None) -> list[dict]:
    """Documents for live, public courses (all, or those in course_ids)."""
    courses = (
        CoursePage.objects.live()
        .public()
        .prefetch_related(
            "tags", "audience_ranks", "audience_post_categories", "signals", "instructors"
        )
        .select_related("audience_min_rank")
    )
    if course_ids is not None:
        courses = courses.filter(pk__in=list(course_ids))
    courses = list(courses.order_by("pk"))
    if not courses:
        return []
    curricula = {c.path: c for c in CurriculumPage.objects.all()}
    lessons = LessonPage.objects.live().only("title", "path", "body")
    if course_ids is not None:
        prefixes = Q()
        for course in courses:
            prefixes |= Q(path__startswith=course.path)
        lessons = lessons.filter(prefixes)
    lesson_text: dict[str, list[str]] = {}
    for lesson in lessons:
        lesson_text.setdefault(lesson.path[: -lesson.steplen], []).append(
            f"{lesson.title} {_stream_text(lesson.body)}"
        )
    stats, most = course_statistics([course.pk for course in courses], whole=course_ids is None)
    documents = []
    for course in courses:
        curriculum = curricula.get(course.path[: -course.steplen])
        row = stats.get(course.pk, {"enrolled": 0, "completed": 0})
        completion = row["completed"] / row["enrolled"] if row["enrolled"] else 0.0
        popularity = math.log1p(row["enrolled"]) / math.log1p(most) if most else 0.0
        documents.append(
            {
                "id": course.pk,
                "title": course.title,
                "summary": course.summary,
                "text": " ".join([_stream_text(course.body), *lesson_text.get(course.path, [])]),
                "tags": sorted(tag.name for tag in course.tags.all()),
                "instructors": sorted(person.name for person in course.instructors.all()),
                "tag_slugs": sorted(tag.slug for tag in course.tags.all()),
                "track": curriculum.track if curriculum else "",
                "track_title": curriculum.title if curriculum else "",
                "delivery_mode": course.delivery_mode,
                "credit_hours": float(course.credit_hours or Decimal("0")),
                "estimated_minutes": course.estimated_minutes,
                "url_path": course.url_path,
                "audience_rank_ids": sorted(r.pk for r in course.audience_ranks.all()),
                "audience_rank_names": sorted(r.name for r in course.audience_ranks.all()),
                "audience_min_ordinal": (
                    course.audience_min_rank.ordinal if course.audience_min_rank else None
                ),
                "audience_min_rank_name": (
                    course.audience_min_rank.name if course.audience_min_rank else ""
                ),
                "audience_gender": course.audience_gender or "",
                "audience_post_categories": sorted(
                    c.code for c in course.audience_post_categories.all()
                ),
                "audience_min_age": course.audience_min_age,
                "audience_max_age": course.audience_max_age,
                "signals": sorted(s.key for s in course.signals.all()),
                # What kind of help it is; a course without one counts as psycho-education.
                "role": course.role or CourseRole.PSYCHO_EDUCATION,
                # A popularity and completion prior in [0, 2], fixed at index time so both
                # backends rank with the very same number.
                "prior": round(popularity + completion, 4),
            }
        )
    return documents
