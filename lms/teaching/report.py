"""The course report: who is learning a course, how far each learner is, how its quizzes
go question by question, and what learners said of it.

For the course's instructors (all its learners), department administrators (the learners
in their subtree) and system administrators (all). Learning data only: nothing from
assessments reaches it. Every function costs a fixed number of queries, whatever the
number of learners.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from courses.models import CoursePage, Instructor, LessonPage
from lms.learning.quizzes import grade
from lms.models.learning import (
    CourseFeedback,
    Enrollment,
    EnrollmentStatus,
    QuizAttempt,
)
from lms.people.models import admin_department, admin_scope_q

PAGE_SIZE = 50


@dataclass(frozen=True)
class ReportScope:
    """Whose learning a user may see in a course's report."""

    learners: Q  # on Enrollment
    whole_course: bool  # False: a department administrator's subtree

    def enrollments(self, course: CoursePage):
        return Enrollment.objects.filter(course=course).filter(self.learners)


def teaches(user, course: CoursePage) -> bool:
    return Instructor.objects.filter(user=user, courses=course).exists()


def report_scope(user, course: CoursePage) -> ReportScope | None:
    """None for anyone who may not see this course's report."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser or teaches(user, course):
        return ReportScope(Q(), whole_course=True)
    if admin_department(user) is not None and user.has_perm("lms.view_enrollment"):
        return ReportScope(admin_scope_q(user, "cadre__department__path"), whole_course=False)
    return None


def reportable_courses(user):
    """The courses whose report this user may open, for the report's index."""
    courses = CoursePage.objects.all()
    if user.is_superuser or admin_department(user) is not None:
        return courses
    return courses.filter(instructors__user=user).distinct()


def course_for_report(user, course_id: int) -> tuple[CoursePage, ReportScope]:
    """The course and the user's scope in it; 404 (never 403) for the rest, so that a
    course's existence is not confirmed to those who may not see it."""
    course = CoursePage.objects.filter(pk=course_id).first()
    scope = report_scope(user, course) if course is not None else None
    if scope is None:
        raise Http404
    return course, scope


# --- learners -------------------------------------------------------------------------------


def learner_rows(course: CoursePage, scope: ReportScope, status: str = ""):
    """Enrolments with cadre, department, progress, last activity and quiz results."""
    attempts = QuizAttempt.objects.filter(enrollment=OuterRef("pk")).order_by().values("enrollment")
    rows = (
        scope.enrollments(course)
        .select_related("cadre", "cadre__department")
        .with_progress(course=course)
        .annotate(
            best_score=Subquery(
                attempts.annotate(best=Max("score")).values("best")[:1],
                output_field=IntegerField(),
            ),
            attempts=Coalesce(
                Subquery(
                    attempts.annotate(n=Count("pk")).values("n")[:1],
                    output_field=IntegerField(),
                ),
                0,
            ),
        )
        .order_by("cadre__department__path", "cadre__name", "pk")
    )
    if status:
        rows = rows.filter(status=status)
    return rows


def learner_page(course: CoursePage, scope: ReportScope, status: str = "", number=1):
    """One page of learners: the page is chosen on the bare enrolments (counting and
    slicing 2,000 rows is cheap), and only its 50 rows get the progress annotations."""
    order = ("cadre__department__path", "cadre__name", "pk")
    ids = scope.enrollments(course).order_by(*order)
    if status:
        ids = ids.filter(status=status)
    page = Paginator(ids.values_list("pk", flat=True), PAGE_SIZE).get_page(number)
    rows = {row.pk: row for row in learner_rows(course, scope).filter(pk__in=list(page))}
    page.object_list = [rows[pk] for pk in page.object_list if pk in rows]
    return page


def status_counts(course: CoursePage, scope: ReportScope) -> dict[str, int]:
    counts = dict(
        scope.enrollments(course)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    counts = {status: counts.get(status, 0) for status in EnrollmentStatus.values}
    counts["all"] = sum(counts.values())
    return counts


# --- quizzes ----------------------------------------------------------------------------------


@dataclass
class QuestionStats:
    number: int
    text: str
    answered: int = 0
    correct: int = 0
    wrong_choices: Counter = field(default_factory=Counter)  # choice index → times chosen
    choices: list[str] = field(default_factory=list)
    right: frozenset[int] = frozenset()  # the correct choices' indexes

    @property
    def share_correct(self) -> float | None:
        return 100 * self.correct / self.answered if self.answered else None

    @property
    def most_chosen_wrong(self) -> tuple[str, int] | None:
        """The wrong choice picked most often, and how often (None when none was)."""
        if not self.wrong_choices:
            return None
        index, times = min(self.wrong_choices.items(), key=lambda item: (-item[1], item[0]))
        return self.choices[index], times


@dataclass
class QuizStats:
    lesson_title: str
    title: str
    attempts: int
    learners: int
    passed: int
    questions: list[QuestionStats]


def quiz_statistics(course: CoursePage, scope: ReportScope) -> list[QuizStats]:
    """Per quiz, per question, over every submitted attempt: how many answered it right,
    and the wrong choice picked most often (a misunderstanding worth a lesson)."""
    lessons = LessonPage.objects.child_of(course).live().order_by("path")
    quizzes = [
        (lesson, quiz_id, quiz) for lesson in lessons for quiz_id, quiz in lesson.quizzes().items()
    ]
    if not quizzes:
        return []
    attempts = QuizAttempt.objects.filter(
        enrollment__in=scope.enrollments(course), quiz_id__in=[q for _l, q, _v in quizzes]
    ).values_list("quiz_id", "enrollment_id", "answers", "passed")
    by_quiz: dict[str, list] = {}
    for quiz_id, enrollment_id, answers, passed in attempts:
        by_quiz.setdefault(quiz_id, []).append((enrollment_id, answers, passed))
    found = []
    for lesson, quiz_id, quiz in quizzes:
        questions = [
            QuestionStats(
                number=n,
                text=question["text"],
                choices=[choice["text"] for choice in question["choices"]],
                right=frozenset(i for i, c in enumerate(question["choices"]) if c["correct"]),
            )
            for n, question in enumerate(quiz["questions"], 1)
        ]
        rows = by_quiz.get(quiz_id, [])
        for _enrollment_id, answers, _passed in rows:
            if not isinstance(answers, list) or len(answers) != len(questions):
                continue  # the quiz was edited since: this attempt's answers no longer fit
            result = grade(quiz, answers)
            for stats, given, outcome in zip(questions, answers, result.results, strict=True):
                stats.answered += 1
                if outcome.correct:
                    stats.correct += 1
                    continue
                correct = {
                    i
                    for i, c in enumerate(quiz["questions"][stats.number - 1]["choices"])
                    if c["correct"]
                }
                for index in given:
                    if index not in correct and 0 <= index < len(stats.choices):
                        stats.wrong_choices[index] += 1
        found.append(
            QuizStats(
                lesson_title=lesson.title,
                title=quiz.get("title") or lesson.title,
                attempts=len(rows),
                learners=len({row[0] for row in rows}),
                passed=len({row[0] for row in rows if row[2]}),
                questions=questions,
            )
        )
    return found


# --- feedback ---------------------------------------------------------------------------------

COMMENTS_SHOWN = 50


@dataclass
class FeedbackSummary:
    count: int
    average: float | None
    distribution: dict[int, int]  # stars → ratings
    comments: list[tuple]  # (date, rating, comment), newest first, without names


def feedback_summary(course: CoursePage, scope: ReportScope) -> FeedbackSummary:
    ratings = CourseFeedback.objects.filter(enrollment__in=scope.enrollments(course))
    distribution = dict(
        ratings.order_by().values_list("rating").annotate(n=Count("pk")).values_list("rating", "n")
    )
    count = sum(distribution.values())
    average = sum(stars * n for stars, n in distribution.items()) / count if count else None
    comments = list(
        ratings.exclude(comment="")
        .order_by("-created_at")
        .values_list("created_at", "rating", "comment")[:COMMENTS_SHOWN]
    )
    return FeedbackSummary(
        count=count,
        average=average,
        distribution={stars: distribution.get(stars, 0) for stars in range(5, 0, -1)},
        comments=comments,
    )
