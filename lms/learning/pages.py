"""The cadre's part of the Wagtail course and lesson pages, and of the catalogue.

courses knows nothing of learning: its pages' get_context() runs the
`courses_page_context` hook, which lms registers (lms/wagtail_hooks.py) with
page_context() below. A GET of a lesson by an enrolled cadre records the visit.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from courses.models import CatalogueHomePage, CoursePage, LessonPage
from lms.errors import NotEnrolled
from lms.models.learning import (
    Certificate,
    CourseFeedback,
    Enrollment,
    EnrollmentStatus,
    LessonProgress,
    QuizAttempt,
    SessionSignup,
    SignupStatus,
)
from lms.people.models import CadreProfile
from lms.people.roles import cadre_of

from .enrollment import enrollment_for
from .feedback import course_rating
from .progress import record_visit, resume_anchor
from .quizzes import grade
from .recommendations import recommendation_panel
from .signups import check_in_open, seats_left_in, waitlist_position

RATINGS = (1, 2, 3, 4, 5)


def page_context(page, request, context: dict) -> dict:
    """What learning adds to a catalogue, course or lesson page's context."""
    if isinstance(page, CatalogueHomePage):
        return {"recommendations": recommendation_panel(request.user)}
    if isinstance(page, CoursePage):
        return course_page_context(request, page, context["lessons"], context["upcoming_sessions"])
    if isinstance(page, LessonPage):
        return lesson_page_context(request, page, context["course"])
    return {}


def viewer_kind(request, cadre: CadreProfile | None) -> str:
    if getattr(request, "is_preview", False) or not request.user.is_authenticated:
        return "anonymous"
    return "cadre" if cadre is not None else "not_cadre"


def login_url_for(path: str) -> str:
    return f"{reverse('login')}?{urlencode({'next': path})}"


def course_page_context(request, course, lessons, sessions) -> dict:
    """Enrolment, progress, sessions and rating for CoursePage.get_context()."""
    cadre = None if getattr(request, "is_preview", False) else cadre_of(request.user)
    context = {
        "viewer": viewer_kind(request, cadre),
        "login_url": login_url_for(request.path),
        "rating": course_rating(course),
        "rating_choices": RATINGS,
        "enrollment": None,
        "was_withdrawn": False,
        "completed_lesson_ids": set(),
    }
    enrollment = None
    if cadre is not None:
        enrollment = (
            Enrollment.objects.for_cadre(cadre)
            .filter(course=course)
            .select_related("last_lesson")
            .with_progress()
            .with_resume()
            .first()
        )
    if enrollment is not None and enrollment.status == EnrollmentStatus.WITHDRAWN:
        context["was_withdrawn"], enrollment = True, None
    if enrollment is not None:
        lesson = enrollment.last_lesson
        context["enrollment"] = enrollment
        context["resume_url"] = (
            lesson.get_url(request) + resume_anchor(enrollment.resume_at)
            if lesson is not None and lesson.live
            else (lessons[0].get_url(request) if lessons else None)
        )
        context["completed_lesson_ids"] = completed_lesson_ids(enrollment)
        if enrollment.status == EnrollmentStatus.COMPLETED:
            context["my_feedback"] = CourseFeedback.objects.filter(enrollment=enrollment).first()
            context["certificate"] = Certificate.objects.filter(enrollment=enrollment).first()
    context["session_rows"] = session_rows(cadre, sessions)
    return context


def completed_lesson_ids(enrollment: Enrollment) -> set[int]:
    return set(
        LessonProgress.objects.filter(
            enrollment=enrollment, completed_at__isnull=False
        ).values_list("lesson_id", flat=True)
    )


def session_rows(cadre: CadreProfile | None, sessions) -> list[dict]:
    now = timezone.now()
    mine = {}
    if cadre is not None and sessions:
        mine = {
            signup.session_id: signup
            for signup in SessionSignup.objects.filter(
                cadre=cadre,
                session__in=sessions,
                status__in=[SignupStatus.ENROLLED, SignupStatus.WAITLISTED, SignupStatus.ATTENDED],
            )
        }
    rows = []
    seats = seats_left_in(sessions) if sessions else {}
    for session in sessions:
        signup = mine.get(session.pk)
        waiting = signup is not None and signup.status == SignupStatus.WAITLISTED
        rows.append(
            {
                "session": session,
                "seats_left": seats[session.pk],
                "signup": signup,
                "waitlist_position": waitlist_position(signup) if waiting else None,
                "open": session.starts_at > now,
                "check_in_open": check_in_open(session, now),
            }
        )
    return rows


def lesson_page_context(request, lesson, course) -> dict:
    """Progress, completion and quiz state for LessonPage.get_context().

    A GET by an enrolled cadre records the visit (and ?pos=, where they are in it)."""
    cadre = None if getattr(request, "is_preview", False) else cadre_of(request.user)
    viewer = viewer_kind(request, cadre)
    quizzes = lesson.quizzes()
    context = {
        "viewer": viewer,
        "login_url": login_url_for(request.path),
        "enrollment": None,
        "lesson_completed": False,
        "has_quizzes": bool(quizzes),
        "completed_lesson_ids": set(),
    }
    enrollment = None
    if cadre is not None:
        try:
            enrollment = enrollment_for(cadre, course)
        except NotEnrolled:
            viewer = "not_enrolled"
    context["viewer"] = viewer
    if enrollment is None:
        context["quiz_states"] = {quiz_id: {"mode": viewer} for quiz_id in quizzes}
        return context

    enrollment.course = course
    if request.method == "GET":
        progress = record_visit(enrollment, lesson, request.GET.get("pos", ""))
    else:
        progress = LessonProgress.objects.filter(enrollment=enrollment, lesson=lesson).first()
    context["enrollment"] = enrollment
    context["lesson_completed"] = bool(progress and progress.completed_at)
    context["completed_lesson_ids"] = completed_lesson_ids(enrollment)
    context["quiz_states"] = quiz_states(request, enrollment, lesson, quizzes)
    return context


def quiz_states(request, enrollment, lesson, quizzes) -> dict[str, dict]:
    """Per quiz: attempts used and left, and the latest attempt's marks. Correct options are
    never included; explanations only once the quiz is passed or out of attempts."""
    attempts: dict[str, list[QuizAttempt]] = {}
    for attempt in QuizAttempt.objects.filter(
        enrollment=enrollment, quiz_id__in=list(quizzes)
    ).order_by("number"):
        attempts.setdefault(attempt.quiz_id, []).append(attempt)
    states = {}
    for quiz_id, quiz in quizzes.items():
        mine = attempts.get(quiz_id, [])
        latest = mine[-1] if mine else None
        passed = any(attempt.passed for attempt in mine)
        left = max(0, quiz["max_attempts"] - len(mine))
        results = []
        # Marks are recomputed from the stored answers, unless the quiz was since reshaped.
        if latest is not None and len(latest.answers) == len(quiz["questions"]):
            results = grade(quiz, latest.answers).results
        finished = passed or left == 0
        states[quiz_id] = {
            "mode": "done" if finished else "answer",
            "can_answer": not finished,
            "action": reverse("lms:submit_quiz", args=[lesson.pk, quiz_id]),
            "attempts_used": len(mine),
            "attempts_left": left,
            "passed": passed,
            "latest": latest,
            "results": results,
            "show_explanations": finished,
            # What the cadre chose last time stays ticked beside the marks: after a failed
            # attempt they change what was wrong instead of answering everything again.
            "given": latest.answers if results else [],
            "errors": [],
        }
    return states
