"""Quiz grading and answer validation (pure functions and the attempt service)."""

import pytest

from lms.errors import AttemptsExhausted, InvalidAnswers, LessonNotFound, QuizNotFound
from lms.learning.enrollment import enrol
from lms.learning.quizzes import grade, submit_attempt, validate_answers
from lms.models import QuizAttempt
from tests.factories import QUIZ, make_cadre, make_course, make_lesson


def test_all_correct_scores_100():
    result = grade(QUIZ, [[1], [0, 2], [0]])
    assert (result.score, result.passed) == (100, True)


def test_multiple_choice_needs_the_exact_set():
    result = grade(QUIZ, [[1], [0], [0]])
    assert [r.correct for r in result.results] == [True, False, True]
    assert (result.score, result.passed) == (67, True)


def test_below_pass_mark_fails():
    result = grade(QUIZ, [[0], [0, 1], [0]])
    assert (result.score, result.passed) == (33, False)


def test_answer_order_does_not_matter_for_multiple_choice():
    assert validate_answers(QUIZ, [[1], [2, 0], 0]) == [[1], [0, 2], [0]]


@pytest.mark.parametrize(
    ("answers", "bad_question"),
    [
        ([[1], [0, 2]], None),  # too few answers
        ([[1], [], [0]], "2"),  # unanswered
        ([[5], [0], [0]], "1"),  # no such option
        ([[0, 1], [0], [0]], "1"),  # two answers to a single-choice question
        ([[1], [0, 0], [0]], "2"),  # repeated option
        ([[1], [0], ["x"]], "3"),  # not an index
        ([[True], [0], [0]], "1"),  # booleans are not indexes
    ],
)
def test_invalid_answer_sets_are_refused_with_the_question_named(answers, bad_question):
    with pytest.raises(InvalidAnswers) as excinfo:
        validate_answers(QUIZ, answers)
    assert excinfo.value.details
    if bad_question:
        assert any(bad_question in str(detail) for detail in excinfo.value.details)


@pytest.fixture
def lesson_with_quiz(curriculum):
    course = make_course(curriculum)
    lesson = make_lesson(course, body=[("quiz", QUIZ)])
    return course, lesson, next(iter(lesson.quizzes()))


@pytest.mark.django_db
def test_attempts_are_limited_and_invalid_ones_cost_nothing(lesson_with_quiz):
    course, lesson, quiz_id = lesson_with_quiz
    enrollment, _ = enrol(make_cadre(), course)

    with pytest.raises(InvalidAnswers):
        submit_attempt(enrollment, lesson, quiz_id, [[1]])
    assert QuizAttempt.objects.count() == 0

    submit_attempt(enrollment, lesson, quiz_id, [[0], [1], [1]])
    submit_attempt(enrollment, lesson, quiz_id, [[0], [1], [1]])
    with pytest.raises(AttemptsExhausted):
        submit_attempt(enrollment, lesson, quiz_id, [[1], [0, 2], [0]])
    assert list(QuizAttempt.objects.values_list("number", "passed")) == [(1, False), (2, False)]


@pytest.mark.django_db
def test_unknown_quiz_and_foreign_lesson_are_refused(lesson_with_quiz, curriculum):
    course, lesson, quiz_id = lesson_with_quiz
    enrollment, _ = enrol(make_cadre(), course)
    other_lesson = make_lesson(make_course(curriculum), body=[("quiz", QUIZ)])

    with pytest.raises(QuizNotFound):
        submit_attempt(enrollment, lesson, "no-such-quiz", [[1], [0, 2], [0]])
    with pytest.raises(LessonNotFound):
        submit_attempt(enrollment, other_lesson, quiz_id, [[1], [0, 2], [0]])
