"""Quiz grading, on the server only. Answers are option indexes, one list per question."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from courses.models import LessonPage
from lms.errors import AttemptsExhausted, InvalidAnswers, QuizNotFound
from lms.models.learning import Enrollment, QuizAttempt


def find_quiz(lesson: LessonPage, quiz_id: str):
    quiz = lesson.quizzes().get(quiz_id)
    if quiz is None:
        raise QuizNotFound()
    return quiz


@dataclass(frozen=True)
class QuestionResult:
    number: int
    correct: bool
    explanation: str


@dataclass(frozen=True)
class Grade:
    score: int
    passed: bool
    results: list[QuestionResult]


def validate_answers(quiz, answers) -> list[list[int]]:
    """Normalise answers or raise InvalidAnswers listing every bad question (1-based)."""
    questions = list(quiz["questions"])
    if not isinstance(answers, list):
        raise InvalidAnswers(details=[_("Answers must be a list, one entry per question.")])
    problems = []
    if len(answers) != len(questions):
        problems.append(
            _("The quiz has %(expected)d questions but %(given)d answers were sent.")
            % {"expected": len(questions), "given": len(answers)}
        )
    normalised = []
    for number, question in enumerate(questions, start=1):
        given = answers[number - 1] if number <= len(answers) else None
        if isinstance(given, int) and not isinstance(given, bool):
            given = [given]
        options = len(question["choices"])
        if (
            not isinstance(given, list)
            or not given
            or any(not isinstance(i, int) or isinstance(i, bool) for i in given)
        ):
            problems.append(_("Question %(number)d is not answered.") % {"number": number})
            continue
        if any(i < 0 or i >= options for i in given) or len(set(given)) != len(given):
            problems.append(
                _("Question %(number)d has an option that does not exist.") % {"number": number}
            )
            continue
        if question["kind"] != "multiple" and len(given) != 1:
            problems.append(_("Question %(number)d takes exactly one answer.") % {"number": number})
            continue
        normalised.append(sorted(given))
    if problems:
        raise InvalidAnswers(details=problems)
    return normalised


def grade(quiz, answers: list[list[int]]) -> Grade:
    results = []
    for number, (question, given) in enumerate(zip(quiz["questions"], answers, strict=True), 1):
        expected = sorted(i for i, option in enumerate(question["choices"]) if option["correct"])
        results.append(QuestionResult(number, given == expected, question.get("explanation") or ""))
    correct = sum(1 for r in results if r.correct)
    score = round(100 * correct / len(results)) if results else 0
    return Grade(score=score, passed=score >= quiz["pass_mark"], results=results)


def attempts_used(enrollment: Enrollment, quiz_id: str) -> int:
    return QuizAttempt.objects.filter(enrollment=enrollment, quiz_id=quiz_id).count()


def has_passed(enrollment: Enrollment, quiz_id: str) -> bool:
    return QuizAttempt.objects.filter(enrollment=enrollment, quiz_id=quiz_id, passed=True).exists()


def submit_attempt(
    enrollment: Enrollment, lesson: LessonPage, quiz_id: str, answers
) -> tuple[QuizAttempt, Grade]:
    """Grade and store an attempt. Invalid answers save nothing and use no attempt."""
    from lms.learning.progress import check_lesson_in_course, complete_lesson, lesson_quizzes_passed

    check_lesson_in_course(enrollment, lesson)
    quiz = find_quiz(lesson, quiz_id)
    normalised = validate_answers(quiz, answers)
    with transaction.atomic():
        # Serialise a cadre's attempts so two tabs cannot exceed the limit.
        Enrollment.objects.select_for_update().filter(pk=enrollment.pk).first()
        used = attempts_used(enrollment, quiz_id)
        if used >= quiz["max_attempts"]:
            raise AttemptsExhausted()
        result = grade(quiz, normalised)
        attempt = QuizAttempt.objects.create(
            enrollment=enrollment,
            lesson=lesson,
            quiz_id=quiz_id,
            number=used + 1,
            answers=normalised,
            score=result.score,
            passed=result.passed,
        )
    if result.passed and lesson_quizzes_passed(enrollment, lesson):
        complete_lesson(enrollment, lesson)
    return attempt, result
