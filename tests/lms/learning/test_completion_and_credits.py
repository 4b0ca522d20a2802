"""Completion awards credit hours once; the ledger adds up against the yearly target."""

from datetime import date
from decimal import Decimal

import pytest

from lms.errors import QuizNotPassed, RequiredCourse
from lms.learning import credits
from lms.learning.enrollment import enrol, unenrol
from lms.learning.progress import complete_lesson, maybe_complete_course, record_visit
from lms.learning.quizzes import submit_attempt
from lms.models import (
    Certificate,
    CreditPolicy,
    CreditRecord,
    CreditSource,
    EnrollmentStatus,
    LessonProgress,
    MinuteBand,
)
from tests.factories import QUIZ, make_cadre, make_course, make_lesson

pytestmark = pytest.mark.django_db


@pytest.fixture
def course_with_lessons(curriculum):
    course = make_course(curriculum, credit_hours=Decimal("2.5"), estimated_minutes=40)
    first = make_lesson(course)
    quiz_lesson = make_lesson(course, body=[("quiz", QUIZ)])
    optional = make_lesson(course, required=False)
    return course, first, quiz_lesson, optional


def finish(enrollment, first, quiz_lesson):
    complete_lesson(enrollment, first)
    quiz_id = next(iter(quiz_lesson.quizzes()))
    submit_attempt(enrollment, quiz_lesson, quiz_id, [[1], [0, 2], [0]])


def test_course_completes_when_required_lessons_and_quizzes_are_done(course_with_lessons):
    course, first, quiz_lesson, _optional = course_with_lessons
    enrollment, _ = enrol(make_cadre(), course)

    complete_lesson(enrollment, first)
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ACTIVE
    with pytest.raises(QuizNotPassed):
        complete_lesson(enrollment, quiz_lesson)

    finish(enrollment, first, quiz_lesson)
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.COMPLETED
    record = CreditRecord.objects.get(cadre=enrollment.cadre)
    assert (record.hours, record.source) == (Decimal("2.5"), CreditSource.ONLINE)
    assert Certificate.objects.get(enrollment=enrollment).hours == Decimal("2.5")


def test_a_second_completion_never_adds_hours_twice(course_with_lessons):
    course, first, quiz_lesson, _ = course_with_lessons
    cadre = make_cadre()
    enrollment, _ = enrol(cadre, course)
    finish(enrollment, first, quiz_lesson)

    complete_lesson(enrollment, first)
    maybe_complete_course(enrollment)
    credits.award_course_completion(enrollment, quiz_passed=True)

    assert CreditRecord.objects.filter(cadre=cadre).count() == 1
    assert credits.year_summary(cadre).total == Decimal("2.5")
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1


def test_withdrawing_keeps_progress_for_a_return(course_with_lessons):
    course, first, _quiz_lesson, _ = course_with_lessons
    cadre = make_cadre()
    enrollment, _ = enrol(cadre, course)
    record_visit(enrollment, first, position="video=125")
    complete_lesson(enrollment, first)

    unenrol(enrollment)
    again, created = enrol(cadre, course)

    assert not created and again.pk == enrollment.pk
    assert again.status == EnrollmentStatus.ACTIVE
    progress = LessonProgress.objects.get(enrollment=again, lesson=first)
    assert progress.completed_at is not None and progress.position == "video=125"
    assert again.last_lesson_id == first.pk


def test_required_assignments_cannot_be_dropped(course_with_lessons):
    course = course_with_lessons[0]
    enrollment, _ = enrol(make_cadre(), course, origin="campaign", required=True)
    with pytest.raises(RequiredCourse):
        unenrol(enrollment)


def test_self_enrollment_becomes_required_when_assigned(course_with_lessons):
    course = course_with_lessons[0]
    cadre = make_cadre()
    enrol(cadre, course)
    enrollment, created = enrol(
        cadre, course, origin="campaign", required=True, due_date=date(2026, 12, 31)
    )
    assert not created
    assert (enrollment.required, enrollment.origin, enrollment.due_date) == (
        True,
        "campaign",
        date(2026, 12, 31),
    )


def test_minutes_policy_converts_online_time_with_quiz_bonus(course_with_lessons):
    course = course_with_lessons[0]  # 40 minutes
    policy = CreditPolicy.load()
    policy.online_mode = "minutes"
    policy.quiz_bonus = Decimal("0.5")
    policy.save()
    assert MinuteBand.objects.filter(policy=policy).count() == 3  # shipped defaults

    assert credits.online_hours_for(course, quiz_passed=False) == Decimal("1")
    assert credits.online_hours_for(course, quiz_passed=True) == Decimal("1.5")
    course.estimated_minutes = 20
    assert credits.online_hours_for(course, quiz_passed=False) == Decimal("0.5")


def test_year_summary_counts_approved_hours_against_the_rank_target():
    county = make_cadre(rank="county_deputy")
    clerk = make_cadre(rank="clerk_1")
    assert credits.target_for(county).annual_hours == Decimal("110")
    assert credits.target_for(clerk).annual_hours == Decimal("90")

    declared = credits.declare(
        clerk, title="外单位专题培训", hours=Decimal("6"), earned_on=date(2026, 5, 1)
    )
    credits.declare(clerk, title="未获批", hours=Decimal("3"), earned_on=date(2026, 5, 2))
    CreditRecord.objects.create(
        cadre=clerk,
        title="去年的课程",
        hours=Decimal("4"),
        earned_on=date(2025, 6, 1),
        source=CreditSource.ONLINE,
    )
    summary = credits.year_summary(clerk, 2026)
    assert (summary.total, summary.pending) == (Decimal("0"), Decimal("9"))

    credits.decide(declared, approve=True, by=None)
    summary = credits.year_summary(clerk, 2026)
    assert (summary.total, summary.pending, summary.online) == (
        Decimal("6"),
        Decimal("3"),
        Decimal("0"),
    )
    assert summary.remaining == Decimal("84")
    assert summary.percent_of_target == 7


def test_optional_lessons_do_not_count_toward_the_percentage(course_with_lessons):
    from lms.models import Enrollment

    course, first, _quiz_lesson, optional = course_with_lessons
    enrollment, _ = enrol(make_cadre(), course)

    def percent():
        """The cadre's figure, and the course report's (its counts read once per course)."""
        rows = Enrollment.objects.filter(pk=enrollment.pk)
        return (
            rows.with_progress().get().percent_complete,
            rows.with_progress(course=course).get().percent_complete,
        )

    complete_lesson(enrollment, optional)
    assert percent() == (0, 0)
    complete_lesson(enrollment, first)
    assert percent() == (50, 50)  # one of two required lessons
    optional.unpublish()  # an unpublished lesson neither counts nor is counted
    first.unpublish()
    assert percent() == (0, 0)  # the one required lesson left is not done


def test_feedback_needs_completion_and_a_rating_from_1_to_5(course_with_lessons):
    from lms.errors import FeedbackNotAllowed, InvalidRating
    from lms.learning.feedback import course_rating, leave_feedback

    course, first, quiz_lesson, _ = course_with_lessons
    enrollment, _ = enrol(make_cadre(), course)
    with pytest.raises(FeedbackNotAllowed):
        leave_feedback(enrollment, 5)
    finish(enrollment, first, quiz_lesson)
    enrollment.refresh_from_db()
    for bad in (0, 6, "5"):
        with pytest.raises(InvalidRating):
            leave_feedback(enrollment, bad)
    leave_feedback(enrollment, 4, "  很实用  ")
    leave_feedback(enrollment, 5)
    assert course_rating(course) == {"average": 5.0, "count": 1}
