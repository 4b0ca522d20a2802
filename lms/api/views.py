"""The API's operations. Each parses its input, calls a service and returns a schema."""

import math
from functools import reduce
from operator import or_
from typing import Annotated

from django.db.models import Q
from django.utils import timezone
from django.views.decorators.cache import never_cache
from ninja import Path, Query, Router
from ninja.decorators import decorate_view
from ninja.responses import Status

from courses.models import CoursePage, CurriculumPage, LessonPage
from lms.learning import certificates, credits, enrollment, progress, quizzes
from lms.learning.recommendations import recommendations_for
from lms.models.learning import CreditRecord, Enrollment
from lms.people.throttling import certificate_lookups, client_address
from search.backends import get_search_backend
from search.forms import SearchForm
from search.recommendations import TOP, page_url_resolver, popular_courses
from search.text import plan

from .auth import AUTH, require_cadre
from .errors import CertificateNotFound, TooManyLookups, errors
from .schemas import (
    MAX_ID,
    AttemptIn,
    AttemptOut,
    CertificateOut,
    CourseDetailOut,
    CourseFilters,
    CourseListOut,
    CreditsOut,
    EnrollmentOut,
    ProgressIn,
    ProgressOut,
    RecommendationsOut,
    SearchOut,
    SearchParams,
)

router = Router()

PageId = Annotated[int, Path(ge=1, le=MAX_ID)]
QuizId = Annotated[str, Path(max_length=64, pattern=r"^[-\w]+$")]
CertificateCode = Annotated[str, Path(max_length=32, pattern=r"^[A-Za-z0-9]+$")]


def live_curricula() -> dict[str, CurriculumPage]:
    return {c.path: c for c in CurriculumPage.objects.live().public()}


def filtered_courses(filters: CourseFilters, curricula: dict[str, CurriculumPage]):
    courses = CoursePage.objects.for_listing()
    if filters.track:
        paths = [path for path, c in curricula.items() if c.track == filters.track]
        if not paths:
            return courses.none()
        courses = courses.filter(reduce(or_, (Q(path__startswith=path) for path in paths)))
    if filters.tag:
        courses = courses.filter(tags__slug=filters.tag)
    if filters.mode:
        courses = courses.filter(delivery_mode=filters.mode)
    return courses


def enrollment_out(pk: int) -> Enrollment:
    """An enrollment with what EnrollmentOut shows, fetched fresh after a change."""
    return Enrollment.objects.with_course().with_progress().select_related("certificate").get(pk=pk)


@router.get(
    "/courses",
    operation_id="list_courses",
    response={200: CourseListOut, **errors(400)},
    tags=["courses"],
    summary="Published courses, filtered and paged",
)
def list_courses(request, filters: Query[CourseFilters]):
    curricula = live_curricula()
    courses = filtered_courses(filters, curricula)
    start = (filters.page - 1) * filters.page_size
    page = list(courses[start : start + filters.page_size])
    for course in page:
        course.curriculum = curricula.get(course.curriculum_path)
    return {
        "count": courses.count(),
        "page": filters.page,
        "page_size": filters.page_size,
        "items": page,
    }


@router.get(
    "/courses/{course_id}",
    operation_id="get_course",
    response={200: CourseDetailOut, **errors(400, 404)},
    tags=["courses"],
    summary="A published course with its lessons and upcoming sessions",
)
def course_detail(request, course_id: PageId):
    course = enrollment.available_course(course_id)
    course.curriculum = CurriculumPage.objects.filter(path=course.curriculum_path).first()
    course.lesson_list = LessonPage.objects.child_of(course).live().public().order_by("path")
    course.upcoming_sessions = course.sessions.filter(ends_at__gte=timezone.now()).order_by(
        "starts_at"
    )
    return course


@router.post(
    "/courses/{course_id}/enrol",
    operation_id="enrol",
    auth=AUTH,
    response={200: EnrollmentOut, 201: EnrollmentOut, **errors(400, 401, 403, 404, 413)},
    tags=["enrollment"],
    summary="Enrol the caller (201 when new, 200 when already enrolled)",
)
def enrol(request, course_id: PageId):
    cadre = require_cadre(request)
    course = enrollment.available_course(course_id)
    record, created = enrollment.enrol(cadre, course)
    return Status(201 if created else 200, enrollment_out(record.pk))


@router.delete(
    "/courses/{course_id}/enrol",
    operation_id="unenrol",
    auth=AUTH,
    response={200: EnrollmentOut, **errors(400, 401, 403, 404, 409, 413)},
    tags=["enrollment"],
    summary="Withdraw the caller from a course (progress is kept)",
)
def unenrol(request, course_id: PageId):
    cadre = require_cadre(request)
    course = enrollment.available_course(course_id)
    record = enrollment.unenrol(enrollment.enrollment_for(cadre, course))
    return enrollment_out(record.pk)


@router.get(
    "/me/enrollments",
    operation_id="list_my_enrollments",
    auth=AUTH,
    response={200: list[EnrollmentOut], **errors(401, 403)},
    tags=["me"],
    summary="The caller's enrollments, newest first",
)
def my_enrollments(request):
    cadre = require_cadre(request)
    return (
        Enrollment.objects.for_cadre(cadre)
        .with_course()
        .with_progress()
        .select_related("certificate")
        .order_by("-enrolled_at", "-pk")
    )


@router.post(
    "/lessons/{lesson_id}/progress",
    operation_id="record_lesson_progress",
    auth=AUTH,
    response={200: ProgressOut, **errors(400, 401, 403, 404, 409, 413)},
    tags=["learning"],
    summary="Record where the caller is in a lesson, or complete it",
)
def lesson_progress(request, lesson_id: PageId, data: ProgressIn):
    cadre = require_cadre(request)
    lesson = progress.live_lesson(lesson_id)
    record = enrollment.enrollment_for(cadre, progress.course_of(lesson))
    visit = progress.record_visit(record, lesson, data.position or "")
    if data.completed:
        visit = progress.complete_lesson(record, lesson)
    return {
        "lesson_id": lesson.pk,
        "position": visit.position,
        "opened_at": visit.opened_at,
        "completed_at": visit.completed_at,
        "enrollment": enrollment_out(record.pk),
    }


@router.post(
    "/lessons/{lesson_id}/quizzes/{quiz_id}/attempts",
    operation_id="submit_quiz_attempt",
    auth=AUTH,
    response={201: AttemptOut, **errors(400, 401, 403, 404, 409, 413)},
    tags=["learning"],
    summary="Submit answers to a lesson's quiz and get the grade",
)
def submit_attempt(request, lesson_id: PageId, quiz_id: QuizId, data: AttemptIn):
    cadre = require_cadre(request)
    lesson = progress.live_lesson(lesson_id)
    record = enrollment.enrollment_for(cadre, progress.course_of(lesson))
    attempt, grade = quizzes.submit_attempt(record, lesson, quiz_id, data.answers)
    attempts_left = max(0, quizzes.find_quiz(lesson, quiz_id)["max_attempts"] - attempt.number)
    # Explanations give the answers away, so they wait until there is nothing left to try.
    reveal = grade.passed or attempts_left == 0
    return Status(
        201,
        {
            "quiz_id": quiz_id,
            "attempt": attempt.number,
            "score": grade.score,
            "passed": grade.passed,
            "attempts_left": attempts_left,
            "results": [
                {
                    "number": result.number,
                    "correct": result.correct,
                    "explanation": result.explanation if reveal else None,
                }
                for result in grade.results
            ],
        },
    )


@router.get(
    "/me/credits",
    operation_id="get_my_credits",
    auth=AUTH,
    response={200: CreditsOut, **errors(400, 401, 403)},
    tags=["me"],
    summary="The caller's credit hours for a year against the yearly target",
)
def my_credits(request, year: Annotated[int | None, Query(ge=2000, le=2100)] = None):
    cadre = require_cadre(request)
    summary = credits.year_summary(cadre, year)
    return {
        "year": summary.year,
        "total": summary.total,
        "online": summary.online,
        "pending": summary.pending,
        "target": summary.target,
        "percent_of_target": summary.percent_of_target,
        "remaining": summary.remaining,
        "records": CreditRecord.objects.filter(cadre=cadre).in_year(summary.year),
    }


@router.get(
    "/certificates/{code}",
    operation_id="verify_certificate",
    response={200: CertificateOut, **errors(400, 404, 429)},
    tags=["certificates"],
    summary="Verify a certificate by its public code",
)
@decorate_view(never_cache)  # as the verification page: a person's (masked) certificate
def verify_certificate(request, code: CertificateCode):
    # The same per-address budget as the public verification page.
    budget = certificate_lookups()
    if not budget.spend(client_address(request)):
        raise TooManyLookups(math.ceil(budget.window / 60))
    certificate = certificates.verify(code)
    if certificate is None:
        raise CertificateNotFound()
    return certificate


@router.get(
    "/search",
    operation_id="search_courses",
    response={200: SearchOut, **errors(400)},
    tags=["search"],
    summary="Search published courses: hits with highlights, and counts per track and mode",
)
def search_courses(request, params: Query[SearchParams]):
    form = SearchForm(params.dict())
    if not form.is_valid():
        raise form.error()
    query = form.search_query(page_size=params.page_size)
    results = get_search_backend().search(query)
    facets = form.facets(results)
    url = page_url_resolver()
    return {
        "q": query.text,
        "total": results.total,
        "related": list(plan(query.text).related),
        "page": results.page,
        "page_size": results.page_size,
        "facets": {"track": facets["track"], "delivery_mode": facets["mode"]},
        "hits": [
            {
                "id": hit.course_id,
                "title": hit.title,
                "summary": hit.summary,
                "url": url(hit.url_path) or None,
                "track": hit.track or None,
                "track_title": hit.track_title,
                "delivery_mode": hit.delivery_mode,
                "credit_hours": hit.credit_hours,
                "highlight": hit.highlight or {},
            }
            for hit in results.hits
        ],
    }


@router.get(
    "/recommendations",
    operation_id="list_my_recommendations",
    auth=AUTH,
    response={200: RecommendationsOut, **errors(401, 403)},
    tags=["me"],
    summary="Courses recommended to the caller, with reasons, and a non-personalised list",
)
def my_recommendations(request):
    require_cadre(request)  # cadres only, like the other personal operations
    return {
        "items": recommendations_for(request.auth, top=TOP),
        "non_personalised": popular_courses(top=TOP),
    }
