"""The demo learning history (lms/demo/learning.py) is consistent, varied and idempotent."""

import io
from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from courses.models import CurriculumPage, LessonPage, Track
from lms.demo.learning import seed_learning
from lms.learning.credits import online_hours_for
from lms.learning.progress import maybe_complete_course
from lms.learning.quizzes import grade
from lms.models import (
    Certificate,
    CreditRecord,
    CreditSource,
    Enrollment,
    EnrollmentStatus,
    LessonProgress,
    QuizAttempt,
)
from tests.factories import rolled_back

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module inside a transaction rolled back at the end: seeding is the
    slow part, and each test's own changes are rolled back by its own savepoint."""
    with rolled_back(django_db_blocker):
        call_command("seed_demo", cadres=300, password="pw-demo-1", stdout=io.StringIO())
        yield timezone.now()


def history_counts():
    return {
        model.__name__: model.objects.count()
        for model in (Enrollment, LessonProgress, QuizAttempt, CreditRecord, Certificate)
    }


def rate(enrollments):
    enrollments = list(enrollments)
    done = sum(1 for e in enrollments if e.status == EnrollmentStatus.COMPLETED)
    return done / len(enrollments)


def test_every_completion_has_its_lessons_hours_and_certificate(seeded):
    required = defaultdict(set)  # course path → required live lesson ids
    for lesson in LessonPage.objects.live().filter(required=True):
        required[lesson.path[: -lesson.steplen]].add(lesson.pk)
    done = defaultdict(set)
    for enrollment_id, lesson_id in LessonProgress.objects.filter(
        completed_at__isnull=False
    ).values_list("enrollment_id", "lesson_id"):
        done[enrollment_id].add(lesson_id)
    online = Counter(
        CreditRecord.objects.filter(source=CreditSource.ONLINE).values_list("cadre_id", "course_id")
    )
    records = {(r.cadre_id, r.course_id): r for r in CreditRecord.objects.filter(source="online")}
    certificates = {c.enrollment_id: c for c in Certificate.objects.all()}
    enrollments = list(Enrollment.objects.select_related("course", "cadre"))
    completed = [e for e in enrollments if e.status == EnrollmentStatus.COMPLETED]
    assert len(completed) > 500

    for e in enrollments:
        all_done = required[e.course.path] <= done[e.pk]
        key = (e.cadre_id, e.course_id)
        if e.status == EnrollmentStatus.COMPLETED:
            assert all_done and required[e.course.path]
            assert e.completed_at is not None and e.enrolled_at <= e.completed_at
            assert online[key] == 1
            record, certificate = records[key], certificates[e.pk]
            assert record.earned_on == timezone.localdate(e.completed_at)
            assert certificate.hours == record.hours
            assert certificate.issued_on == record.earned_on
            assert certificate.holder_name == e.cadre.name
            assert certificate.course_title == e.course.title
        else:
            # The services would have completed an enrollment with every required lesson done.
            assert not all_done
            assert e.completed_at is None
            assert online[key] == 0 and e.pk not in certificates
    assert len({c.code for c in certificates.values()}) == len(certificates)


def test_hours_follow_the_credit_policy(seeded):
    passed = set(
        QuizAttempt.objects.filter(passed=True).values_list("enrollment_id", "submitted_at")
    )
    passed_by_enrollment = defaultdict(list)
    for enrollment_id, submitted_at in passed:
        passed_by_enrollment[enrollment_id].append(submitted_at)
    completed = Enrollment.objects.filter(status=EnrollmentStatus.COMPLETED).select_related(
        "course"
    )
    records = {
        (r.cadre_id, r.course_id): r.hours for r in CreditRecord.objects.filter(source="online")
    }
    for e in completed[:300]:
        quiz_passed = any(t <= e.completed_at for t in passed_by_enrollment[e.pk])
        assert records[(e.cadre_id, e.course_id)] == online_hours_for(
            e.course, quiz_passed=quiz_passed
        )


def test_quiz_attempts_are_graded_by_the_real_grader(seeded):
    quizzes = {}
    for lesson in LessonPage.objects.live():
        for quiz_id, quiz in lesson.quizzes().items():
            quizzes[(lesson.pk, quiz_id)] = quiz
    attempts = defaultdict(list)
    for attempt in QuizAttempt.objects.order_by("number"):
        attempts[(attempt.enrollment_id, attempt.lesson_id, attempt.quiz_id)].append(attempt)
    assert sum(len(a) for a in attempts.values()) > 1000
    outcomes = Counter()
    for (_enrollment, lesson_id, quiz_id), series in attempts.items():
        quiz = quizzes[(lesson_id, quiz_id)]
        assert [a.number for a in series] == list(range(1, len(series) + 1))
        assert len(series) <= quiz["max_attempts"]
        # Only the last attempt of a series can be a pass: nobody retakes a passed quiz.
        assert not any(a.passed for a in series[:-1])
        for attempt in series:
            result = grade(quiz, attempt.answers)
            assert (attempt.score, attempt.passed) == (result.score, result.passed)
            outcomes[attempt.passed] += 1
    assert outcomes[True] and outcomes[False]  # both right and wrong answers are there

    # A completed lesson with quizzes had every one of them passed first.
    passed = set(
        QuizAttempt.objects.filter(passed=True).values_list("enrollment_id", "lesson_id", "quiz_id")
    )
    for progress in LessonProgress.objects.filter(completed_at__isnull=False):
        for quiz_id in {q for (lesson, q) in quizzes if lesson == progress.lesson_id}:
            assert (progress.enrollment_id, progress.lesson_id, quiz_id) in passed


def test_dates_spread_over_the_past_year(seeded):
    now = seeded
    enrolled = list(Enrollment.objects.values_list("enrolled_at", flat=True))
    assert min(enrolled) >= now - timedelta(days=366)
    assert max(enrolled) < now
    months = Counter((d.year, d.month) for d in enrolled)
    assert len(months) >= 12
    for model, field in [
        (Enrollment, "completed_at"),
        (Enrollment, "withdrawn_at"),
        (Enrollment, "last_activity_at"),
        (LessonProgress, "opened_at"),
        (LessonProgress, "completed_at"),
        (QuizAttempt, "submitted_at"),
    ]:
        assert not model.objects.filter(**{f"{field}__gte": now}).exists(), field
    assert not CreditRecord.objects.filter(earned_on__gt=timezone.localdate(now)).exists()
    # Progress never precedes the enrolment, completion never precedes opening.
    for progress in LessonProgress.objects.select_related("enrollment")[:2000]:
        assert progress.opened_at >= progress.enrollment.enrolled_at
        if progress.completed_at:
            assert progress.completed_at >= progress.opened_at


def test_the_services_find_nothing_left_to_do(seeded):
    """Re-running completion through the real services adds no hours and no certificates."""
    before = history_counts()
    sample = list(Enrollment.objects.select_related("course", "cadre").order_by("pk")[:150])
    for enrollment in sample:
        was = enrollment.status
        maybe_complete_course(enrollment)
        assert enrollment.status == was
    assert history_counts() == before


def test_completion_rates_differ_by_track_rank_and_gender(seeded):
    tracks = {c.path: c.track for c in CurriculumPage.objects.all()}
    population = list(
        Enrollment.objects.filter(cadre__employee_id__startswith="S").select_related(
            "course", "cadre__rank"
        )
    )
    by_track = defaultdict(list)
    for e in population:
        by_track[tracks[e.course.path[: -e.course.steplen]]].append(e)

    sizes = {track: len(rows) for track, rows in by_track.items()}
    assert max(sizes, key=sizes.get) == Track.STRESS_RESILIENCE  # the most popular track
    women_track = by_track[Track.WOMEN_DUAL_PRESSURE]
    assert sum(e.cadre.gender == "female" for e in women_track) / len(women_track) > 0.8

    rates = {track: rate(rows) for track, rows in by_track.items()}
    assert rates[Track.WOMEN_DUAL_PRESSURE] > rates[Track.COMMUNICATION] + 0.15
    assert rates[Track.POPULAR_SCIENCE] > rates[Track.POLITICAL_ETHICS] + 0.1

    women = rate(e for e in population if e.cadre.gender == "female")
    men = rate(e for e in population if e.cadre.gender == "male")
    assert women > men + 0.05
    senior = rate(e for e in population if e.cadre.rank.ordinal >= 130)
    junior = rate(e for e in population if e.cadre.rank.ordinal <= 100)
    assert junior > senior + 0.1

    statuses = Counter(e.status for e in population)
    assert statuses[EnrollmentStatus.ACTIVE] and statuses[EnrollmentStatus.WITHDRAWN]
    assert any(e.is_overdue for e in population)


def test_the_demo_cadre_has_an_overdue_an_ongoing_and_a_completed_course(seeded):
    mine = list(
        Enrollment.objects.filter(cadre__employee_id="DEMO0001").with_progress().with_course()
    )
    assert len(mine) == 3
    overdue = [e for e in mine if e.is_overdue]
    assert len(overdue) == 1 and overdue[0].required
    ongoing = [e for e in mine if e.status == EnrollmentStatus.ACTIVE and not e.is_overdue]
    assert len(ongoing) == 1
    assert 0 < ongoing[0].percent_complete < 100 and ongoing[0].last_lesson is not None
    completed = [e for e in mine if e.status == EnrollmentStatus.COMPLETED]
    assert len(completed) == 1
    assert Certificate.objects.filter(enrollment=completed[0]).exists()


def test_learning_history_is_idempotent(seeded):
    first = history_counts()
    assert first["Enrollment"] > 0
    call_command("seed_demo", cadres=300, password="pw-demo-2", stdout=io.StringIO())
    assert history_counts() == first
    assert seed_learning().enrollments == 0


def test_a_larger_population_only_adds_the_new_cadres(seeded):
    def histories():
        return set(Enrollment.objects.values_list("cadre_id", "course_id", "enrolled_at"))

    first = histories()
    call_command("seed_demo", cadres=320, password="pw-demo-1", stdout=io.StringIO())
    second = histories()
    assert first < second
    old_cadres = {cadre for cadre, _course, _at in first}
    new_cadres = {cadre for cadre, _course, _at in second - first}
    assert len(new_cadres) == 20 and new_cadres.isdisjoint(old_cadres)
    # Every population cadre and the demo account have a history.
    assert len(old_cadres | new_cadres) == 321


def test_a_share_of_completed_courses_is_rated_and_seeding_again_adds_none(seeded):
    from django.db.models import Avg

    from lms.demo.feedback import seed_feedback
    from lms.models import CourseFeedback

    completed = Enrollment.objects.filter(status=EnrollmentStatus.COMPLETED)
    ratings = CourseFeedback.objects.all()
    share = ratings.count() / completed.count()
    assert 0.3 < share < 0.5  # about 40 %
    assert 3.8 < ratings.aggregate(a=Avg("rating"))["a"] < 4.6  # mostly 4 and 5 stars
    assert ratings.exclude(comment="").exists()
    # Rated on completing, never before it.
    assert not ratings.filter(created_at__lt=F("enrollment__completed_at")).exists()
    assert not ratings.exclude(enrollment__status=EnrollmentStatus.COMPLETED).exists()
    assert seed_feedback() == 0
