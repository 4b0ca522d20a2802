"""The cadre's learning through the web: course page actions, lessons, quizzes, sessions,
certificates and feedback. Everything goes through the HTML forms' POSTs."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from courses.models import LessonPage, OfflineSession
from lms.errors import NotEnrolled
from lms.learning.enrollment import enrol
from lms.learning.progress import complete_lesson, record_visit
from lms.models import (
    Certificate,
    CourseFeedback,
    CreditRecord,
    Enrollment,
    EnrollmentStatus,
    LessonProgress,
    QuizAttempt,
    SessionSignup,
    SignupStatus,
)
from tests.factories import make_cadre, make_course, make_lesson

pytestmark = pytest.mark.django_db

QUIZ = {
    "title": "压力小测验",
    "pass_mark": 60,
    "max_attempts": 2,
    "questions": [
        {
            "kind": "single",
            "text": "压力一定是坏事吗？",
            "choices": [
                {"text": "适度压力有助于成长", "correct": True},
                {"text": "压力总是有害的", "correct": False},
            ],
            "explanation": "解析一：适度的压力可以提升专注力。",
        },
        {
            "kind": "multiple",
            "text": "哪些是常见的减压方法？",
            "choices": [
                {"text": "腹式呼吸", "correct": True},
                {"text": "规律运动", "correct": True},
                {"text": "通宵加班", "correct": False},
            ],
            "explanation": "解析二：呼吸和运动都有帮助。",
        },
    ],
}
RIGHT = {"q1": ["0"], "q2": ["0", "1"]}
WRONG = {"q1": ["1"], "q2": ["2"]}


@pytest.fixture
def course(curriculum):
    return make_course(curriculum, title="睡眠与压力", credit_hours=Decimal("2.0"))


@pytest.fixture
def lessons(course):
    return [
        make_lesson(course, title="认识压力"),
        make_lesson(course, title="放松练习"),
        make_lesson(course, title="延伸阅读", required=False),
    ]


@pytest.fixture
def quiz_lesson(course):
    lesson = make_lesson(course, title="小测验课", body=[("quiz", QUIZ)])
    return LessonPage.objects.get(pk=lesson.pk)


@pytest.fixture
def cadre(db):
    return make_cadre(name="张三丰")


@pytest.fixture
def cadre_client(client, cadre):
    client.force_login(cadre.user)
    return client


def enrol_url(course):
    return reverse("lms:enrol", args=[course.pk])


def quiz_url(lesson):
    (quiz_id,) = lesson.quizzes()
    return reverse("lms:submit_quiz", args=[lesson.pk, quiz_id])


def complete_url(lesson):
    return reverse("lms:complete_lesson", args=[lesson.pk])


def in_chinese(message) -> str:
    with translation.override("zh-hans"):
        return str(message)


# Enrolling and withdrawing ----------------------------------------------------------------


def test_enrol_and_withdraw_through_the_course_page(cadre_client, cadre, course, lessons):
    page = cadre_client.get(course.url).content.decode()
    assert f'action="{enrol_url(course)}"' in page

    response = cadre_client.post(enrol_url(course))

    assert response.status_code == 302
    assert response["Location"] == course.url
    enrollment = Enrollment.objects.get(cadre=cadre, course=course)
    assert enrollment.status == EnrollmentStatus.ACTIVE
    page = cadre_client.get(course.url).content.decode()
    withdraw = reverse("lms:withdraw", args=[course.pk])
    assert f'action="{withdraw}"' in page
    assert 'aria-valuenow="0"' in page  # the progress bar
    assert lessons[0].url in page  # start the first lesson

    cadre_client.post(withdraw)

    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.WITHDRAWN
    assert f'action="{enrol_url(course)}"' in cadre_client.get(course.url).content.decode()


def test_double_post_makes_one_enrollment(cadre_client, cadre, course):
    cadre_client.post(enrol_url(course))
    cadre_client.post(enrol_url(course))

    assert Enrollment.objects.filter(cadre=cadre, course=course).count() == 1


def test_required_course_offers_no_withdraw_and_refuses_it(cadre_client, cadre, course):
    enrol(cadre, course, required=True, origin="admin")
    withdraw = reverse("lms:withdraw", args=[course.pk])

    assert f'action="{withdraw}"' not in cadre_client.get(course.url).content.decode()
    response = cadre_client.post(withdraw, follow=True)

    assert response.status_code == 200
    assert Enrollment.objects.get(cadre=cadre, course=course).status == EnrollmentStatus.ACTIVE


def test_anonymous_visitors_get_a_login_link_and_posts_ask_to_log_in(client, course):
    page = client.get(course.url).content.decode()
    assert reverse("login") in page
    assert f'action="{enrol_url(course)}"' not in page

    response = client.post(enrol_url(course))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Enrollment.objects.exists()


def test_a_user_without_a_cadre_profile_is_told_calmly_and_cannot_enrol(client, course):
    user = get_user_model().objects.create_user(username="teacher", password="pw-teacher-123")
    client.force_login(user)

    page = client.get(course.url)
    response = client.post(enrol_url(course))

    assert page.status_code == 200
    assert f'action="{enrol_url(course)}"' not in page.content.decode()
    assert response.status_code == 403
    assert not Enrollment.objects.exists()


def test_enrol_from_a_lesson_returns_to_it(cadre_client, course, lessons):
    page = cadre_client.get(lessons[0].url).content.decode()
    assert f'action="{enrol_url(course)}"' in page

    response = cadre_client.post(enrol_url(course), {"next": lessons[0].url})
    evil = cadre_client.post(enrol_url(course), {"next": "https://evil.example/"})

    assert response["Location"] == lessons[0].url
    assert evil["Location"] == course.url


# Lessons, progress and completion ---------------------------------------------------------


def test_lesson_visit_records_progress_and_the_resume_link(cadre_client, cadre, course, lessons):
    cadre_client.post(enrol_url(course))

    response = cadre_client.get(lessons[1].url + "?pos=video-03m20s")

    assert response.status_code == 200
    progress = LessonProgress.objects.get(enrollment__cadre=cadre, lesson=lessons[1])
    assert progress.position == "video-03m20s"
    assert progress.completed_at is None
    enrollment = Enrollment.objects.get(cadre=cadre, course=course)
    assert enrollment.last_lesson_id == lessons[1].pk
    assert response.context["viewer"] == "cadre"
    course_page = cadre_client.get(course.url)
    assert course_page.context["resume_url"] == lessons[1].url
    assert (
        f'href="{lessons[1].url}"' in cadre_client.get(reverse("lms:my_learning")).content.decode()
    )


def test_visits_are_not_recorded_for_people_who_are_not_enrolled(client, cadre, lessons):
    client.get(lessons[0].url)
    client.force_login(cadre.user)
    client.get(lessons[0].url)

    assert not LessonProgress.objects.exists()


def test_completing_every_required_lesson_completes_the_course_once(
    cadre_client, cadre, course, lessons
):
    cadre_client.post(enrol_url(course))
    first, second, optional = lessons
    page = cadre_client.get(first.url).content.decode()
    assert f'action="{complete_url(first)}"' in page

    cadre_client.post(complete_url(first))
    enrollment = Enrollment.objects.get(cadre=cadre, course=course)
    assert enrollment.status == EnrollmentStatus.ACTIVE
    response = cadre_client.post(complete_url(second))

    assert response["Location"] == course.url
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.COMPLETED
    assert enrollment.completed_at is not None
    record = CreditRecord.objects.get(cadre=cadre, course=course)
    assert record.hours == Decimal("2.0")
    certificate = Certificate.objects.get(enrollment=enrollment)
    assert certificate.holder_name == "张三丰"

    cadre_client.post(complete_url(second))
    cadre_client.post(complete_url(optional))

    assert CreditRecord.objects.filter(cadre=cadre).count() == 1
    assert Certificate.objects.filter(enrollment__cadre=cadre).count() == 1
    assert f'action="{complete_url(second)}"' not in cadre_client.get(second.url).content.decode()


def test_a_lesson_with_a_quiz_is_completed_by_passing_it_not_by_a_button(
    cadre_client, cadre, course, quiz_lesson
):
    cadre_client.post(enrol_url(course))

    page = cadre_client.get(quiz_lesson.url).content.decode()
    response = cadre_client.post(complete_url(quiz_lesson))

    assert f'action="{complete_url(quiz_lesson)}"' not in page
    assert response.status_code == 302
    assert not LessonProgress.objects.filter(
        lesson=quiz_lesson, completed_at__isnull=False
    ).exists()


def test_progress_posts_for_a_course_not_enrolled_are_forbidden(cadre_client, course, lessons):
    other = make_course(course.get_parent().specific)
    other_lesson = make_lesson(other)
    cadre_client.post(enrol_url(course))

    response = cadre_client.post(complete_url(other_lesson))

    assert response.status_code == 403
    assert in_chinese(NotEnrolled.default_message) in response.content.decode()
    assert not LessonProgress.objects.filter(lesson=other_lesson).exists()


def test_quiz_posts_for_a_course_not_enrolled_are_forbidden(cadre_client, quiz_lesson):
    response = cadre_client.post(quiz_url(quiz_lesson), RIGHT)

    assert response.status_code == 403
    assert not QuizAttempt.objects.exists()


def test_unknown_lessons_are_not_found(cadre_client, course):
    cadre_client.post(enrol_url(course))

    assert cadre_client.post(reverse("lms:complete_lesson", args=[999999])).status_code == 404


def test_actions_only_accept_post(cadre_client, course):
    assert cadre_client.get(enrol_url(course)).status_code == 405


def test_actions_need_the_forms_csrf_token(cadre, course):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cadre.user)

    forged = client.post(enrol_url(course))
    page = client.get(course.url)
    token = page.context["csrf_token"]
    real = client.post(enrol_url(course), {"csrfmiddlewaretoken": str(token)})

    assert forged.status_code == 403
    assert real.status_code == 302
    assert Enrollment.objects.filter(cadre=cadre).count() == 1


# Quizzes ---------------------------------------------------------------------------------


def test_the_quiz_form_never_shows_answers_before_grading(cadre_client, course, quiz_lesson):
    cadre_client.post(enrol_url(course))

    body = cadre_client.get(quiz_lesson.url).content.decode()

    assert f'action="{quiz_url(quiz_lesson)}"' in body
    assert 'name="q1"' in body and 'type="checkbox" name="q2"' in body
    assert "correct" not in body.lower()
    assert "解析一" not in body


def test_passing_the_quiz_grades_it_completes_the_lesson_and_explains(
    cadre_client, cadre, course, quiz_lesson
):
    cadre_client.post(enrol_url(course))

    response = cadre_client.post(quiz_url(quiz_lesson), RIGHT)

    assert response.status_code == 302
    assert response["Location"].startswith(quiz_lesson.url)
    attempt = QuizAttempt.objects.get()
    assert (attempt.score, attempt.passed, attempt.answers) == (100, True, [[0], [0, 1]])
    assert LessonProgress.objects.get(lesson=quiz_lesson).completed_at is not None
    # The only required lesson is passed, so the course is complete too.
    assert Enrollment.objects.get(cadre=cadre).status == EnrollmentStatus.COMPLETED
    body = cadre_client.get(quiz_lesson.url).content.decode()
    assert "100%" in body
    assert "解析一" in body and "解析二" in body
    assert f'action="{quiz_url(quiz_lesson)}"' not in body  # nothing left to answer


def test_failing_marks_the_wrong_questions_without_explanations(cadre_client, course, quiz_lesson):
    cadre_client.post(enrol_url(course))

    cadre_client.post(quiz_url(quiz_lesson), {"q1": ["0"], "q2": ["2"]})

    attempt = QuizAttempt.objects.get()
    assert (attempt.score, attempt.passed) == (50, False)
    response = cadre_client.get(quiz_lesson.url)
    body = response.content.decode()
    (state,) = response.context["quiz_states"].values()
    assert state["attempts_left"] == 1
    assert [result.correct for result in state["results"]] == [True, False]
    assert "50%" in body
    assert body.count('class="q-wrong"') == 1
    assert "解析一" not in body and "解析二" not in body
    assert f'action="{quiz_url(quiz_lesson)}"' in body  # another attempt is offered
    assert not LessonProgress.objects.filter(completed_at__isnull=False).exists()
    # What the cadre answered stays ticked, so they change the wrong one, not everything.
    checked = re.findall(r'name="(q\d)" value="(\d)" checked', body)
    assert checked == [("q1", "0"), ("q2", "2")]


def test_attempts_are_limited_and_explanations_follow_the_last_one(
    cadre_client, course, quiz_lesson
):
    cadre_client.post(enrol_url(course))
    cadre_client.post(quiz_url(quiz_lesson), WRONG)
    cadre_client.post(quiz_url(quiz_lesson), WRONG)

    response = cadre_client.post(quiz_url(quiz_lesson), RIGHT)

    assert response.status_code == 302
    assert QuizAttempt.objects.count() == 2
    assert not QuizAttempt.objects.filter(passed=True).exists()
    body = cadre_client.get(quiz_lesson.url).content.decode()
    assert "解析一" in body and "解析二" in body
    assert f'action="{quiz_url(quiz_lesson)}"' not in body


def test_invalid_answers_save_nothing_and_keep_the_choices(cadre_client, course, quiz_lesson):
    cadre_client.post(enrol_url(course))

    missing = cadre_client.post(quiz_url(quiz_lesson), {"q2": ["0", "1"]})
    bogus = cadre_client.post(quiz_url(quiz_lesson), {"q1": ["0", "1"], "q2": ["7"]})
    garbage = cadre_client.post(quiz_url(quiz_lesson), {"q1": ["x"], "q2": ["0"]})

    assert (missing.status_code, bogus.status_code, garbage.status_code) == (400, 400, 400)
    assert not QuizAttempt.objects.exists()
    body = missing.content.decode()
    assert 'role="alert"' in body
    assert 'value="0" checked' in body  # q2's choices are still ticked
    assert "correct" not in body.lower()
    (state,) = missing.context["quiz_states"].values()
    assert state["errors"]
    assert state["attempts_left"] == 2


def test_unknown_quiz_is_not_found(cadre_client, course, quiz_lesson):
    cadre_client.post(enrol_url(course))
    url = reverse("lms:submit_quiz", args=[quiz_lesson.pk, "no-such-quiz"])

    assert cadre_client.post(url, RIGHT).status_code == 404


# Offline sessions ------------------------------------------------------------------------


@pytest.fixture
def session(course):
    starts = timezone.now() + timedelta(days=3)
    return OfflineSession.objects.create(
        page=course,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place="党校报告厅",
        capacity=1,
    )


def test_waiting_list_through_the_web(client, course, session):
    first, second = make_cadre(), make_cadre()
    sign_up = reverse("lms:session_sign_up", args=[session.pk])
    cancel = reverse("lms:session_cancel", args=[session.pk])

    client.force_login(first.user)
    client.post(sign_up)
    client.force_login(second.user)
    client.post(sign_up)

    assert SessionSignup.objects.get(cadre=first).status == SignupStatus.ENROLLED
    assert SessionSignup.objects.get(cadre=second).status == SignupStatus.WAITLISTED
    assert Enrollment.objects.filter(cadre=second, course=course).exists()
    page = client.get(course.url)
    (row,) = page.context["session_rows"]
    assert (row["seats_left"], row["waitlist_position"]) == (0, 1)
    assert f'action="{cancel}"' in page.content.decode()

    client.force_login(first.user)
    client.post(cancel)

    assert SessionSignup.objects.get(cadre=first).status == SignupStatus.CANCELLED
    assert SessionSignup.objects.get(cadre=second).status == SignupStatus.ENROLLED
    client.force_login(second.user)
    (row,) = client.get(course.url).context["session_rows"]
    assert row["signup"].status == SignupStatus.ENROLLED


def test_the_course_page_offers_a_sign_up_with_seats_left(cadre_client, course, session):
    page = cadre_client.get(course.url).content.decode()

    assert f'action="{reverse("lms:session_sign_up", args=[session.pk])}"' in page
    assert cadre_client.get(course.url).context["session_rows"][0]["seats_left"] == 1


# Certificates ----------------------------------------------------------------------------


def completed_certificate(cadre, course, lessons):
    enrollment, _ = enrol(cadre, course)
    for lesson in lessons:
        complete_lesson(enrollment, lesson)
    return Certificate.objects.get(enrollment=enrollment)


def test_the_holder_sees_a_printable_certificate(cadre_client, cadre, course, lessons):
    certificate = completed_certificate(cadre, course, lessons[:2])

    response = cadre_client.get(reverse("lms:certificate", args=[certificate.code]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "张三丰" in body and "睡眠与压力" in body and certificate.code in body
    assert reverse("lms:verify_certificate", args=[certificate.code]) in body
    assert 'class="certificate"' in body


def test_another_cadres_certificate_is_not_found(client, cadre, course, lessons):
    certificate = completed_certificate(cadre, course, lessons[:2])
    client.force_login(make_cadre().user)

    response = client.get(reverse("lms:certificate", args=[certificate.code]))

    assert response.status_code == 404
    assert "张三丰" not in response.content.decode()


def test_public_verification_masks_the_holder(client, cadre, course, lessons):
    certificate = completed_certificate(cadre, course, lessons[:2])

    response = client.get(reverse("lms:verify_certificate", args=[certificate.code.lower()]))
    unknown = client.get(reverse("lms:verify_certificate", args=["NOSUCHCODE22"]))
    lookup = client.get(reverse("lms:certificate_lookup"), {"code": f" {certificate.code} "})

    body = response.content.decode()
    assert response.status_code == 200
    assert "张*丰" in body and "张三丰" not in body
    assert "睡眠与压力" in body
    assert unknown.status_code == 404
    assert lookup["Location"] == reverse("lms:verify_certificate", args=[certificate.code])
    assert client.get(reverse("lms:certificate_lookup")).status_code == 200


# Feedback --------------------------------------------------------------------------------


def test_feedback_only_after_completion_and_the_average_is_shown(client, cadre, course, lessons):
    feedback = reverse("lms:leave_feedback", args=[course.pk])
    enrol(cadre, course)
    client.force_login(cadre.user)

    assert 'id="feedback"' not in client.get(course.url).content.decode()
    client.post(feedback, {"rating": "5", "comment": "很有帮助"})
    assert not CourseFeedback.objects.exists()

    completed_certificate(cadre, course, lessons[:2])
    assert 'id="feedback"' in client.get(course.url).content.decode()
    client.post(feedback, {"rating": "4", "comment": "  很有帮助  "})
    client.post(feedback, {"rating": "9"})  # refused by the form, nothing changes
    other = make_cadre()
    completed_certificate(other, course, lessons[:2])
    client.force_login(other.user)
    client.post(feedback, {"rating": "1"})

    assert CourseFeedback.objects.get(enrollment__cadre=cadre).comment == "很有帮助"
    client.logout()
    page = client.get(course.url)
    assert page.context["rating"] == {"average": 2.5, "count": 2}
    assert "★★★☆☆" in page.content.decode()
    assert "2.5" in page.content.decode()


# Query counts ----------------------------------------------------------------------------
#
# Wagtail keeps the site root paths in Django's cache, filled by the first page view that
# needs them; the course and lesson tests make that view before they count, as any earlier
# page view would have.


@pytest.fixture
def upcoming_session(course):
    starts = timezone.now() + timedelta(days=3)
    return OfflineSession.objects.create(
        page=course,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place="报告厅",
        capacity=5,
    )


def test_course_page_query_count_is_pinned_for_anonymous_visitors(
    client, course, lessons, upcoming_session, django_assert_num_queries
):
    client.get(course.url)  # fills Wagtail's cache of site root paths

    with django_assert_num_queries(17):
        response = client.get(course.url)
    assert len(response.context["lessons"]) == 3

    for _ in range(7):
        make_lesson(course)
    with django_assert_num_queries(17):
        response = client.get(course.url)
    assert len(response.context["lessons"]) == 10
    assert len(response.context["session_rows"]) == 1


def test_course_page_query_count_is_pinned_for_an_enrolled_cadre(
    cadre_client, cadre, course, lessons, upcoming_session, django_assert_num_queries
):
    enrollment, _ = enrol(cadre, course)
    record_visit(enrollment, lessons[1])
    complete_lesson(enrollment, lessons[0])
    cadre_client.get(course.url)  # fills Wagtail's cache of site root paths

    with django_assert_num_queries(26):
        response = cadre_client.get(course.url)
    assert response.context["completed_lesson_ids"] == {lessons[0].pk}

    more = [make_lesson(course) for _ in range(7)]
    for lesson in [lessons[1], *more[:5]]:
        complete_lesson(enrollment, lesson)
    with django_assert_num_queries(26):
        response = cadre_client.get(course.url)
    assert len(response.context["lessons"]) == 10
    assert len(response.context["completed_lesson_ids"]) == 7
    assert response.context["enrollment"].status == EnrollmentStatus.ACTIVE


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_course_page_queries_do_not_grow_with_sessions(
    cadre_client, cadre, course, upcoming_session
):
    enrol(cadre, course)
    cadre_client.get(course.url)  # fills Wagtail's cache of site root paths
    one_session = queries(cadre_client, course.url)

    for day in range(1, 4):
        starts = upcoming_session.starts_at + timedelta(days=day)
        OfflineSession.objects.create(
            page=course,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            place="报告厅",
            capacity=5,
        )

    assert queries(cadre_client, course.url) == one_session


def test_lesson_view_query_counts_are_pinned_for_an_enrolled_cadre(
    cadre_client, cadre, course, lessons, django_assert_num_queries
):
    enrollment, _ = enrol(cadre, course)
    cadre_client.get(course.url)  # fills Wagtail's cache of site root paths; records no visit

    # The first view of a lesson creates its progress row (in a savepoint) ...
    with django_assert_num_queries(25):
        response = cadre_client.get(lessons[0].url)
    assert response.context["viewer"] == "cadre"
    # ... a return view updates the enrolment's last lesson, and ?pos= the position too.
    with django_assert_num_queries(22):
        cadre_client.get(lessons[0].url)
    with django_assert_num_queries(23):
        cadre_client.get(lessons[0].url + "?pos=video-01m00s")
    assert LessonProgress.objects.get(lesson=lessons[0]).position == "video-01m00s"

    more = [make_lesson(course) for _ in range(7)]
    for lesson in more[:5]:
        complete_lesson(enrollment, lesson)
    with django_assert_num_queries(25):
        response = cadre_client.get(lessons[1].url)
    assert len(response.context["lessons"]) == 10
    with django_assert_num_queries(22):
        cadre_client.get(lessons[1].url)
    enrollment.refresh_from_db()
    assert enrollment.last_lesson_id == lessons[1].pk


def test_certificate_query_count_is_pinned(
    client, cadre, course, lessons, django_assert_num_queries
):
    certificate = completed_certificate(cadre, course, lessons[:2])
    client.force_login(cadre.user)

    # A plain view: no Wagtail page and no cache, so the first request is the one counted.
    with django_assert_num_queries(7):
        response = client.get(reverse("lms:certificate", args=[certificate.code]))
    assert response.status_code == 200


def test_public_verification_query_count_is_pinned(
    client, cadre, course, lessons, django_assert_num_queries
):
    certificate = completed_certificate(cadre, course, lessons[:2])

    # Anonymous, no session and no cache: one query for the certificate.
    with django_assert_num_queries(1):
        response = client.get(reverse("lms:verify_certificate", args=[certificate.code]))
    assert response.status_code == 200
