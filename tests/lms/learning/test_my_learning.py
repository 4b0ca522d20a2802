"""/my/: the cadre's required, current and completed courses, credit hours and certificates."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lms.learning.enrollment import enrol
from lms.learning.progress import complete_lesson, record_visit
from lms.models import Certificate, EnrollmentOrigin
from tests.factories import make_cadre, make_course, make_lesson

pytestmark = pytest.mark.django_db

MY = "/my/"


@pytest.fixture
def cadre(db):
    return make_cadre(name="李四")


@pytest.fixture
def cadre_client(client, cadre):
    client.force_login(cadre.user)
    return client


def course_with_lessons(curriculum, title=None, lessons=2):
    course = make_course(curriculum, title=title)
    return course, [make_lesson(course) for _ in range(lessons)]


def add_enrollments(cadre, curriculum, count):
    """A mix: visited, completed (with a certificate) and required with a due date."""
    today = timezone.localdate()
    for i in range(count):
        course, lessons = course_with_lessons(curriculum)
        kind = i % 3
        if kind == 2:
            enrollment, _ = enrol(
                cadre,
                course,
                origin=EnrollmentOrigin.ADMIN,
                required=True,
                due_date=today + timedelta(days=i - 5),
            )
        else:
            enrollment, _ = enrol(cadre, course)
        record_visit(enrollment, lessons[0])
        if kind == 1:
            for lesson in lessons:
                complete_lesson(enrollment, lesson)


def my_queries(client):
    client.get(MY)  # warm Wagtail's site-root cache, as any earlier page view would
    with CaptureQueriesContext(connection) as queries:
        response = client.get(MY)
    assert response.status_code == 200
    return len(queries)


def test_the_url_is_my(cadre_client):
    assert reverse("lms:my_learning") == MY


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(MY)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_users_without_a_cadre_profile_get_an_explanation(client):
    user = get_user_model().objects.create_user(username="admin2", password="pw-admin-123")
    client.force_login(user)

    response = client.get(MY)

    assert response.status_code == 200
    assert response.context["cadre"] is None
    assert "enrollment-list" not in response.content.decode()


def test_query_count_does_not_grow_with_enrollments(cadre_client, cadre, curriculum):
    add_enrollments(cadre, curriculum, 2)
    few = my_queries(cadre_client)

    add_enrollments(cadre, curriculum, 10)
    many = my_queries(cadre_client)

    response = cadre_client.get(MY)
    shown = (
        len(response.context["required"])
        + len(response.context["in_progress"])
        + len(response.context["completed"])
    )
    assert shown == 12
    assert many == few


def test_query_count_is_pinned(
    cadre_client, cadre, curriculum, settings, django_assert_num_queries
):
    # The recommendations come from the database backend, whose queries are counted.
    settings.LMS_SEARCH_BACKENDS = {"default": {"BACKEND": "search.backends.database"}}
    add_enrollments(cadre, curriculum, 3)  # one each: in progress, completed, required
    cadre_client.get(MY)  # warm Wagtail's site-root cache, as any earlier page view would

    # 13: the learning sections, 学时, certificates, campaign reminders and whether help
    # comes first (one check for an open crisis follow-up); the recommendation panel comes
    # from the cache while neither the cadre nor the catalogue changed.
    with django_assert_num_queries(13):
        response = cadre_client.get(MY)
    sections = [response.context[key] for key in ("required", "in_progress", "completed")]
    assert [len(section) for section in sections] == [1, 1, 1]

    # New enrolments (in new courses) drop the cached panel: the next view ranks it again,
    # in seven more queries whatever the number of courses: the viewer's enrolments,
    # consent and signal names, the index's version; the popular list, as the catalogue
    # changed too, its anonymous viewer and the index's version.
    add_enrollments(cadre, curriculum, 9)
    with django_assert_num_queries(20):
        response = cadre_client.get(MY)
    sections = [response.context[key] for key in ("required", "in_progress", "completed")]
    assert [len(section) for section in sections] == [4, 4, 4]
    with django_assert_num_queries(13):
        cadre_client.get(MY)


def test_sections_progress_continue_links_and_certificates(cadre_client, cadre, curriculum):
    current, current_lessons = course_with_lessons(curriculum, title="睡眠与压力", lessons=2)
    done, done_lessons = course_with_lessons(curriculum, title="倾听的艺术", lessons=1)
    enrollment, _ = enrol(cadre, current)
    record_visit(enrollment, current_lessons[1])
    complete_lesson(enrollment, current_lessons[0])
    finished, _ = enrol(cadre, done)
    complete_lesson(finished, done_lessons[0])
    certificate = Certificate.objects.get(enrollment=finished)

    response = cadre_client.get(MY)

    body = response.content.decode()
    (in_progress,) = response.context["in_progress"]
    assert in_progress.course.title == "睡眠与压力"
    assert in_progress.percent_complete == 50
    assert in_progress.continue_url == current_lessons[1].url
    assert f'href="{current_lessons[1].url}"' in body
    assert 'aria-valuenow="50"' in body
    assert [e.course.title for e in response.context["completed"]] == ["倾听的艺术"]
    assert reverse("lms:certificate", args=[certificate.code]) in body
    assert response.context["certificates"] == [certificate]
    assert response.context["credits"].total == Decimal("2.0")


def test_required_courses_are_sorted_by_due_date_and_overdue_is_highlighted(
    cadre_client, cadre, curriculum
):
    today = timezone.localdate()
    late = make_course(curriculum, title="逾期的必修课")
    soon = make_course(curriculum, title="即将到期的必修课")
    open_ended = make_course(curriculum, title="没有期限的必修课")
    for course, due in (
        (soon, today + timedelta(days=7)),
        (open_ended, None),
        (late, today - timedelta(days=2)),
    ):
        enrol(cadre, course, origin=EnrollmentOrigin.ADMIN, required=True, due_date=due)

    response = cadre_client.get(MY)

    required = response.context["required"]
    assert [e.course.title for e in required] == [
        "逾期的必修课",
        "即将到期的必修课",
        "没有期限的必修课",
    ]
    assert [e.is_overdue for e in required] == [True, False, False]
    body = response.content.decode()
    assert body.count('class="enrollment overdue"') == 1
    overdue_item = body.split('class="enrollment overdue"')[1].split("</li>")[0]
    assert "逾期的必修课" in overdue_item
    assert "overdue-text" in overdue_item


def test_credit_hours_against_the_target(cadre_client, cadre, curriculum):
    from lms.learning.credits import declare

    course, lessons = course_with_lessons(curriculum, lessons=1)
    enrollment, _ = enrol(cadre, course)
    complete_lesson(enrollment, lessons[0])
    declare(cadre, title="外出培训", hours=Decimal("3"), earned_on=timezone.localdate())

    response = cadre_client.get(MY)

    credits = response.context["credits"]
    assert credits.total == Decimal("2.0")
    assert credits.pending == Decimal("3")
    assert credits.target.annual_hours == Decimal("90")
    body = response.content.decode()
    assert f'aria-valuenow="{credits.percent_of_target}"' in body
    assert "90" in body and "50" in body  # yearly and online targets


def test_withdrawn_courses_are_not_listed(cadre_client, cadre, curriculum):
    from lms.learning.enrollment import unenrol

    course, _ = course_with_lessons(curriculum, title="已退出的课程")
    enrollment, _ = enrol(cadre, course)
    unenrol(enrollment)

    assert "已退出的课程" not in cadre_client.get(MY).content.decode()
