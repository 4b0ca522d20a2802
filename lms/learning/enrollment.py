"""Enrolling in and leaving courses. One enrollment per cadre and course, always."""

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from courses.models import CoursePage
from lms.errors import AlreadyCompleted, CourseNotAvailable, NotEnrolled, RequiredCourse
from lms.models.learning import Enrollment, EnrollmentOrigin, EnrollmentStatus
from lms.people.models import CadreProfile


def available_course(course_id: int) -> CoursePage:
    """A published, public course, or CourseNotAvailable (a 404 for people and the API)."""
    course = CoursePage.objects.live().public().filter(pk=course_id).first()
    if course is None:
        raise CourseNotAvailable()
    return course


def enrol(
    cadre: CadreProfile,
    course: CoursePage,
    *,
    origin: str = EnrollmentOrigin.SELF,
    required: bool = False,
    due_date=None,
) -> tuple[Enrollment, bool]:
    """Enrol a cadre; returns (enrollment, created). Coming back reopens the old enrollment
    with its progress; an assignment can make an existing enrollment required."""
    if not course.live:
        raise CourseNotAvailable()
    defaults = {"origin": origin, "required": required, "due_date": due_date}
    try:
        enrollment, created = Enrollment.objects.get_or_create(
            cadre=cadre, course=course, defaults=defaults
        )
    except IntegrityError:
        # A concurrent request created it between our read and write.
        enrollment, created = Enrollment.objects.get(cadre=cadre, course=course), False
    if created:
        return enrollment, True

    changed = []
    if enrollment.status == EnrollmentStatus.WITHDRAWN:
        enrollment.status = (
            EnrollmentStatus.COMPLETED if enrollment.completed_at else EnrollmentStatus.ACTIVE
        )
        enrollment.withdrawn_at = None
        changed += ["status", "withdrawn_at"]
    if required and not enrollment.required:
        enrollment.required, enrollment.origin = True, origin
        changed += ["required", "origin"]
    if due_date and enrollment.due_date != due_date:
        enrollment.due_date = due_date
        changed.append("due_date")
    if changed:
        enrollment.save(update_fields=changed)
    return enrollment, False


def enrollment_for(cadre: CadreProfile, course: CoursePage) -> Enrollment:
    """The cadre's active or completed enrollment, or NotEnrolled (a 403)."""
    enrollment = (
        Enrollment.objects.filter(cadre=cadre, course=course)
        .exclude(status=EnrollmentStatus.WITHDRAWN)
        .first()
    )
    if enrollment is None:
        raise NotEnrolled()
    return enrollment


@transaction.atomic
def unenrol(enrollment: Enrollment) -> Enrollment:
    """Withdraw. Progress, attempts and hours are kept for when the cadre returns."""
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.required:
        raise RequiredCourse()
    if enrollment.status == EnrollmentStatus.COMPLETED:
        raise AlreadyCompleted()
    if enrollment.status == EnrollmentStatus.ACTIVE:
        enrollment.status = EnrollmentStatus.WITHDRAWN
        enrollment.withdrawn_at = timezone.now()
        enrollment.save(update_fields=["status", "withdrawn_at"])
    return enrollment


def course_statistics(course_ids: list[int], *, whole: bool) -> tuple[dict, int]:
    """Enrolments and completions per course, and the most enrolments of any live course,
    for the search index's popularity prior (the `search_course_statistics` hook)."""
    stats = {
        row["course_id"]: row
        for row in Enrollment.objects.filter(course__in=course_ids)
        .values("course_id")
        .annotate(
            enrolled=Count("pk"),
            completed=Count("pk", filter=Q(status=EnrollmentStatus.COMPLETED)),
        )
    }
    if whole:
        return stats, max((row["enrolled"] for row in stats.values()), default=0)
    # Popularity is relative to the whole catalogue, so a one-course build (sync) gives the
    # same prior as a full rebuild.
    most = (
        Enrollment.objects.filter(course__in=CoursePage.objects.live().public().values("pk"))
        .values("course_id")
        .annotate(enrolled=Count("pk"))
        .aggregate(most=Max("enrolled"))["most"]
        or 0
    )
    return stats, most
