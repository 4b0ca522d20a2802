"""The instructor's course report: learners with their progress and quiz results, quiz
statistics by question, ratings and comments; who may open it; its downloads."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import Instructor
from lms.learning.enrollment import enrol, unenrol
from lms.learning.feedback import leave_feedback
from lms.learning.progress import complete_lesson
from lms.learning.quizzes import submit_attempt
from lms.models import AnalyticsExport
from lms.people.accounts import instructors_group, make_department_admin
from lms.people.roles import counsellors_group
from tests.factories import QUIZ, make_cadre, make_course, make_department, make_lesson

pytestmark = pytest.mark.django_db

RIGHT = [[1], [0, 2], [0]]  # every question right
WRONG = [[0], [1], [1]]  # every question wrong: Q1 chose "a", Q2 chose "b", Q3 chose 错误


def account(username, **fields):
    return get_user_model().objects.create_user(
        username=username, password="x-Pass-12345", **fields
    )


@pytest.fixture
def world(home, curriculum):
    procuratorate = make_department(code="procuratorate", name="市检察院")
    court = make_department(code="court", name="市法院")
    course = make_course(curriculum, title="情绪管理")
    reading = make_lesson(course, title="认识情绪")
    quiz_lesson = make_lesson(course, title="小测", body=[("quiz", QUIZ)])
    quiz_id = next(iter(quiz_lesson.quizzes()))

    finished = make_cadre(name="张三", department=procuratorate)
    struggling = make_cadre(name="=李四", department=procuratorate)  # a formula-like name
    left = make_cadre(name="王五", department=court)

    done, _ = enrol(finished, course)
    submit_attempt(done, quiz_lesson, quiz_id, WRONG)
    submit_attempt(done, quiz_lesson, quiz_id, RIGHT)
    complete_lesson(done, reading)
    complete_lesson(done, quiz_lesson)
    leave_feedback(done, 4, "案例很贴近工作")

    trying, _ = enrol(struggling, course)
    complete_lesson(trying, reading)
    submit_attempt(trying, quiz_lesson, quiz_id, WRONG)

    unenrol(enrol(left, course)[0])

    teacher = account("teacher")
    teacher.groups.add(instructors_group(home))
    Instructor.objects.create(name="陈老师", user=teacher).courses.add(course)
    other_teacher = account("other-teacher")
    other_teacher.groups.add(instructors_group(home))
    Instructor.objects.create(name="刘老师", user=other_teacher).courses.add(
        make_course(curriculum, title="另一门课")
    )
    court_admin = account("court-admin")
    make_department_admin(court_admin, court)
    procuratorate_admin = account("procuratorate-admin")
    make_department_admin(procuratorate_admin, procuratorate)
    counsellor = account("counsellor")
    counsellor.groups.add(counsellors_group())
    return {
        "course": course,
        "url": f"/admin/courses/{course.pk}/report/",
        "teacher": teacher,
        "other_teacher": other_teacher,
        "court_admin": court_admin,
        "procuratorate_admin": procuratorate_admin,
        "counsellor": counsellor,
        "admin": account("root", is_superuser=True, is_staff=True),
    }


def report_as(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def test_the_report_gives_each_learner_progress_and_quiz_results(client, world):
    response = report_as(client, world["teacher"], world["url"])
    assert response.status_code == 200
    context = response.context
    assert context["counts"] == {"all": 3, "active": 1, "completed": 1, "withdrawn": 1}
    rows = {e.cadre.name: e for e in context["learners"].object_list}
    assert rows["张三"].percent_complete == 100
    assert (rows["张三"].best_score, rows["张三"].attempts) == (100, 2)
    assert rows["张三"].completed_at is not None
    assert rows["=李四"].percent_complete == 50
    assert (rows["=李四"].best_score, rows["=李四"].attempts) == (0, 1)
    assert rows["王五"].best_score is None and rows["王五"].attempts == 0
    only_active = report_as(client, world["teacher"], world["url"], status="active")
    assert [e.cadre.name for e in only_active.context["learners"].object_list] == ["=李四"]


def test_quiz_statistics_by_question(client, world):
    (quiz,) = report_as(client, world["teacher"], world["url"]).context["quizzes"]
    assert (quiz.attempts, quiz.learners, quiz.passed) == (3, 2, 1)
    first, second, third = quiz.questions
    # Three attempts: one right, two wrong, and every wrong one chose the same option.
    assert (first.answered, first.correct) == (3, 1)
    assert round(first.share_correct) == 33
    assert first.most_chosen_wrong == ("a", 2)
    assert second.most_chosen_wrong == ("b", 2)
    assert third.most_chosen_wrong == ("错误", 2)


def test_ratings_and_comments_without_names(client, world):
    response = report_as(client, world["teacher"], world["url"])
    feedback = response.context["feedback"]
    assert (feedback.count, feedback.average) == (1, 4.0)
    assert feedback.distribution == {5: 0, 4: 1, 3: 0, 2: 0, 1: 0}
    body = response.content.decode()
    assert "案例很贴近工作" in body
    comments = body[body.index("course-report__comments") :]
    assert "张三" not in comments


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("teacher", 200),
        ("admin", 200),
        ("procuratorate_admin", 200),
        ("court_admin", 200),
        ("other_teacher", 404),
    ],
)
def test_who_may_open_the_report(client, world, who, status):
    assert report_as(client, world[who], world["url"]).status_code == status


def test_a_counsellor_gets_no_report(client, world):
    response = report_as(client, world["counsellor"], world["url"])
    assert response.status_code in (302, 403, 404)
    assert "张三" not in response.content.decode()


def test_a_department_administrator_sees_only_their_subtree(client, world):
    response = report_as(client, world["court_admin"], world["url"])
    names = [e.cadre.name for e in response.context["learners"].object_list]
    assert names == ["王五"]
    assert response.context["counts"]["all"] == 1
    (quiz,) = response.context["quizzes"]
    assert quiz.attempts == 0  # the procuratorate's attempts are not theirs to see


def test_an_unknown_course_is_404(client, world):
    response = report_as(client, world["admin"], "/admin/courses/999999/report/")
    assert response.status_code == 404


def test_the_csv_download_lists_learners_safely_and_is_recorded(client, world):
    client.force_login(world["teacher"])
    response = client.get(f"{world['url'][:-1]}.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["姓名", "工号"]
    names = [row[0] for row in rows[1:]]
    assert "张三" in names and "'=李四" in names  # a formula-like name is shown as text
    assert AnalyticsExport.objects.filter(
        user=world["teacher"], table=f"course-report:{world['course'].pk}", format="csv"
    ).exists()
    assert client.get(f"{world['url'][:-1]}.xlsx").status_code == 200


def test_the_report_costs_the_same_queries_with_more_learners(client, world, curriculum):
    client.force_login(world["teacher"])
    client.get(world["url"])

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(world["url"]).status_code == 200
        return len(captured)

    few = count()
    for n in range(8):
        enrol(make_cadre(name=f"新学员{n}"), world["course"])
    assert count() == few
