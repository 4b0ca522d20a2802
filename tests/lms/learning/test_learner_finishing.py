"""The rough edges a first-time cadre meets: a course of optional lessons completes, a
completed course offers its certificate rather than 继续学习, and /my/ puts the courses a
cadre must do above the recommendations, which never repeat them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lms.learning.enrollment import enrol
from lms.learning.progress import complete_lesson
from lms.models import Certificate, EnrollmentOrigin, EnrollmentStatus
from search.backends import get_search_backend
from search.documents import build_documents
from tests.factories import make_cadre, make_course, make_lesson

pytestmark = pytest.mark.django_db
MY = "/my/"


@pytest.fixture
def cadre():
    return make_cadre(name="王五")


@pytest.fixture
def cadre_client(client, cadre):
    client.force_login(cadre.user)
    return client


def test_a_course_of_optional_lessons_completes_when_all_are_done(cadre, curriculum):
    course = make_course(curriculum, title="自选阅读")
    lessons = [make_lesson(course, required=False) for _ in range(2)]
    enrollment, _ = enrol(cadre, course)

    complete_lesson(enrollment, lessons[0])
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ACTIVE
    progress = type(enrollment).objects.with_progress().get(pk=enrollment.pk)
    assert progress.percent_complete == 50

    complete_lesson(enrollment, lessons[1])
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.COMPLETED
    assert Certificate.objects.filter(enrollment=enrollment).exists()


def test_optional_lessons_still_do_not_hold_back_a_course_with_required_ones(cadre, curriculum):
    course = make_course(curriculum)
    required = make_lesson(course)
    make_lesson(course, required=False)
    enrollment, _ = enrol(cadre, course)
    complete_lesson(enrollment, required)
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.COMPLETED


def test_a_completed_course_offers_its_certificate_not_continue(cadre, cadre_client, curriculum):
    course = make_course(curriculum, title="睡眠与压力")
    lesson = make_lesson(course)
    enrollment, _ = enrol(cadre, course)
    complete_lesson(enrollment, lesson)
    code = Certificate.objects.get(enrollment=enrollment).code

    body = cadre_client.get(course.url).content.decode()

    assert f'href="/my/certificates/{code}/"' in body
    assert "查看并打印结业证书" in body
    assert "复习课程" in body
    assert "继续学习" not in body


def test_my_learning_lists_what_is_due_before_recommendations_which_never_repeat_it(
    cadre, cadre_client, curriculum
):
    today = timezone.localdate()
    due = make_course(curriculum, title="必修：压力调适")
    make_lesson(due)
    current = make_course(curriculum, title="在学：睡眠")
    make_lesson(current)
    others = [make_course(curriculum, title=f"其他课程{n}") for n in range(3)]
    for course in others:
        make_lesson(course)
    enrol(
        cadre,
        due,
        origin=EnrollmentOrigin.ADMIN,
        required=True,
        due_date=today - timedelta(days=3),
    )
    enrol(cadre, current)
    get_search_backend().rebuild(build_documents())

    response = cadre_client.get(MY)

    body = response.content.decode()
    panel = response.context["recommendations"]
    shown = {item.course_id for item in [*panel.personal, *panel.popular]}
    assert shown == {course.pk for course in others}
    assert body.index('id="required-heading"') < body.index('id="progress-heading"')
    assert body.index('id="progress-heading"') < body.index('class="card recommendations"')
