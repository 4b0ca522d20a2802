"""Lesson progress and course completion."""

import re

from django.db import transaction
from django.utils import timezone

from courses.models import CoursePage, LessonPage
from lms.errors import LessonNotFound, QuizNotPassed
from lms.models.learning import Enrollment, EnrollmentStatus, LessonProgress, QuizAttempt

# A lesson's parts are its blocks, anchored by their ids (courses/lesson_page.html).
PART = re.compile(r"b-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def resume_anchor(position: str | None) -> str:
    """ "#b-…" for a stored position that names a lesson part, else "" (old or odd values)."""
    return f"#{position}" if position and PART.fullmatch(position) else ""


def live_lesson(lesson_id: int) -> LessonPage:
    lesson = LessonPage.objects.live().public().filter(pk=lesson_id).first()
    if lesson is None:
        raise LessonNotFound()
    return lesson


def course_of(lesson: LessonPage) -> CoursePage:
    return CoursePage.objects.get(path=lesson.path[: -lesson.steplen])


def check_lesson_in_course(enrollment: Enrollment, lesson: LessonPage) -> None:
    course = enrollment.course
    if not (lesson.path.startswith(course.path) and lesson.depth == course.depth + 1):
        raise LessonNotFound()


def lessons_to_complete(course: CoursePage) -> set[int]:
    """The lessons that complete a course: its required ones, or, when every lesson is
    optional, all of them (else such a course could never be completed)."""
    lessons = dict(LessonPage.objects.child_of(course).live().values_list("pk", "required"))
    required = {pk for pk, is_required in lessons.items() if is_required}
    return required or set(lessons)


def record_visit(enrollment: Enrollment, lesson: LessonPage, position: str = "") -> LessonProgress:
    """Note that the cadre opened a lesson, and where they are, to resume later."""
    check_lesson_in_course(enrollment, lesson)
    progress, created = LessonProgress.objects.get_or_create(enrollment=enrollment, lesson=lesson)
    if position and progress.position != position:
        progress.position = position[:100]
        progress.save(update_fields=["position"])
    now = timezone.now()
    Enrollment.objects.filter(pk=enrollment.pk).update(last_lesson=lesson, last_activity_at=now)
    enrollment.last_lesson, enrollment.last_activity_at = lesson, now
    return progress


def lesson_quizzes_passed(enrollment: Enrollment, lesson: LessonPage) -> bool:

    quiz_ids = set(lesson.quizzes())
    if not quiz_ids:
        return True
    passed = set(
        QuizAttempt.objects.filter(
            enrollment=enrollment, lesson=lesson, quiz_id__in=quiz_ids, passed=True
        ).values_list("quiz_id", flat=True)
    )
    return quiz_ids <= passed


def complete_lesson(enrollment: Enrollment, lesson: LessonPage) -> LessonProgress:
    """Mark a lesson complete (its quizzes must be passed) and complete the course if due."""
    check_lesson_in_course(enrollment, lesson)
    if not lesson_quizzes_passed(enrollment, lesson):
        raise QuizNotPassed()
    progress, _ = LessonProgress.objects.get_or_create(enrollment=enrollment, lesson=lesson)
    if progress.completed_at is None:
        progress.completed_at = timezone.now()
        progress.save(update_fields=["completed_at"])
    maybe_complete_course(enrollment)
    return progress


def maybe_complete_course(enrollment: Enrollment) -> bool:
    """Complete the course when every lesson that counts (lessons_to_complete) is complete.
    Awards hours once."""
    from lms.learning.certificates import issue_certificate
    from lms.learning.credits import award_course_completion

    required = lessons_to_complete(enrollment.course)
    if not required:
        return False
    done = set(
        LessonProgress.objects.filter(
            enrollment=enrollment, lesson_id__in=required, completed_at__isnull=False
        ).values_list("lesson_id", flat=True)
    )
    if required - done:
        return False
    with transaction.atomic():
        locked = Enrollment.objects.select_for_update().select_related("course", "cadre")
        fresh = locked.get(pk=enrollment.pk)
        if fresh.completed_at is None:
            fresh.completed_at = timezone.now()
        fresh.status = EnrollmentStatus.COMPLETED
        fresh.save(update_fields=["status", "completed_at"])
        quiz_passed = QuizAttempt.objects.filter(enrollment=fresh, passed=True).exists()
        award_course_completion(fresh, quiz_passed=quiz_passed)
        issue_certificate(fresh)
    enrollment.status, enrollment.completed_at = fresh.status, fresh.completed_at
    return True
