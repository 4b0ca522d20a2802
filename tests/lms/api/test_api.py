"""The JSON API at /api/v1/: catalogue, enrollment, learning, credits and certificates."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from courses.models import DeliveryMode, OfflineSession, Track
from lms.learning import credits
from lms.models import (
    ApiToken,
    Certificate,
    CreditRecord,
    CreditSource,
    CreditStatus,
    Enrollment,
    EnrollmentStatus,
    LessonProgress,
    QuizAttempt,
)
from tests.factories import QUIZ, make_cadre, make_course, make_curriculum, make_lesson

pytestmark = pytest.mark.django_db

API = "/api/v1"
RIGHT = [[1], [0, 2], [0]]
WRONG = [[0], [1], [1]]


def bearer(key):
    return {"Authorization": f"Bearer {key}"}


def as_cadre(cadre) -> Client:
    """A client calling as the host platform does, with the cadre's API token."""
    _token, key = ApiToken.issue(cadre.user, "党校平台")
    return Client(headers=bearer(key))


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    assert isinstance(body["error"]["details"], list)
    return body["error"]


def in_chinese(message) -> str:
    with translation.override("zh-hans"):
        return str(message)


@pytest.fixture
def catalogue(curriculum):
    """Two tracks: an online course with lessons and a quiz, an offline one with sessions."""
    stress = make_course(
        curriculum, title="压力管理", tags=["减压"], delivery_mode=DeliveryMode.ONLINE
    )
    first = make_lesson(stress, title="认识压力", estimated_minutes=15)
    quiz = make_lesson(stress, title="小测验", body=[("quiz", QUIZ)])
    optional = make_lesson(stress, title="延伸阅读", required=False)
    talk = make_curriculum(curriculum.get_parent(), track=Track.COMMUNICATION)
    salon = make_course(talk, title="沟通沙龙", delivery_mode=DeliveryMode.OFFLINE)
    now = timezone.now()
    OfflineSession.objects.create(
        page=salon,
        starts_at=now + timedelta(days=3),
        ends_at=now + timedelta(days=3, hours=2),
        place="党校204教室",
        capacity=30,
    )
    OfflineSession.objects.create(
        page=salon,
        starts_at=now - timedelta(days=3),
        ends_at=now - timedelta(days=3) + timedelta(hours=2),
        place="已结束",
        capacity=30,
    )
    draft = make_course(curriculum, title="未发布课程", live=False)
    return {
        "stress": stress,
        "first": first,
        "quiz": quiz,
        "quiz_id": next(iter(quiz.quizzes())),
        "optional": optional,
        "salon": salon,
        "draft": draft,
    }


@pytest.fixture
def cadre():
    return make_cadre(name="张三丰")


@pytest.fixture
def client_for(cadre):
    return as_cadre(cadre)


# --- the catalogue ----------------------------------------------------------------


def test_course_list_shows_published_courses_with_their_track_and_tags(client, catalogue):
    response = client.get(f"{API}/courses")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    by_title = {item["title"]: item for item in body["items"]}
    assert set(by_title) == {"压力管理", "沟通沙龙"}
    stress = by_title["压力管理"]
    assert stress["id"] == catalogue["stress"].pk
    assert stress["track"] == Track.STRESS_RESILIENCE
    assert stress["delivery_mode"] == "online"
    assert stress["credit_hours"] == 2.0
    assert stress["tags"] == [{"slug": "减压", "name": "减压"}]
    assert stress["url"] == catalogue["stress"].url


@pytest.mark.parametrize(
    ("params", "titles"),
    [
        ({"track": "communication"}, {"沟通沙龙"}),
        ({"track": "stress_resilience"}, {"压力管理"}),
        ({"track": "political_ethics"}, set()),
        ({"tag": "减压"}, {"压力管理"}),
        ({"tag": "no-such-tag"}, set()),
        ({"mode": "offline"}, {"沟通沙龙"}),
        ({"mode": "online", "track": "communication"}, set()),
    ],
)
def test_course_list_filters(client, catalogue, params, titles):
    response = client.get(f"{API}/courses", params)
    assert response.status_code == 200
    assert {item["title"] for item in response.json()["items"]} == titles
    assert response.json()["count"] == len(titles)


@pytest.mark.parametrize(
    "params",
    [{"mode": "correspondence"}, {"track": "astrology"}, {"page": 0}, {"page_size": 1000}],
)
def test_unknown_filter_values_are_a_structured_400(client, catalogue, params):
    error = assert_error(client.get(f"{API}/courses", params), 400, "invalid_request")
    assert error["details"] and next(iter(params)) in error["details"][0]


def test_course_list_pages_with_a_total_count(client, curriculum):
    for n in range(5):
        make_course(curriculum, title=f"课程{n}")
    first = client.get(f"{API}/courses", {"page_size": 2}).json()
    last = client.get(f"{API}/courses", {"page_size": 2, "page": 3}).json()
    beyond = client.get(f"{API}/courses", {"page_size": 2, "page": 4}).json()
    assert (first["count"], first["page"], first["page_size"]) == (5, 1, 2)
    assert [c["title"] for c in first["items"]] == ["课程0", "课程1"]
    assert [c["title"] for c in last["items"]] == ["课程4"]
    assert beyond["items"] == [] and beyond["count"] == 5


def test_course_list_query_count_does_not_grow_with_the_page(client, curriculum):
    def queries_for_listing():
        client.get(f"{API}/courses", {"page_size": 50})  # warm the site-root cache
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"{API}/courses", {"page_size": 50})
        assert response.status_code == 200
        return len(captured), response.json()["count"]

    for n in range(3):
        make_course(curriculum, tags=[f"tag-{n}", "共同"])
    few, count = queries_for_listing()
    assert count == 3
    for n in range(12):
        make_course(curriculum, tags=[f"more-{n}"])
    many, count = queries_for_listing()
    assert count == 15
    assert few == many


def test_course_detail_has_lessons_and_only_upcoming_sessions(client, catalogue):
    stress = client.get(f"{API}/courses/{catalogue['stress'].pk}").json()
    assert [(lesson["title"], lesson["required"]) for lesson in stress["lessons"]] == [
        ("认识压力", True),
        ("小测验", True),
        ("延伸阅读", False),
    ]
    assert stress["lessons"][0] == {
        "id": catalogue["first"].pk,
        "title": "认识压力",
        "minutes": 15,
        "required": True,
    }
    assert stress["sessions"] == []

    salon = client.get(f"{API}/courses/{catalogue['salon'].pk}").json()
    assert salon["track"] == "communication"
    assert [session["place"] for session in salon["sessions"]] == ["党校204教室"]


def test_unpublished_or_missing_courses_are_a_structured_404(client_for, catalogue):
    for course_id in (catalogue["draft"].pk, catalogue["first"].pk, 999_999):
        assert_error(client_for.get(f"{API}/courses/{course_id}"), 404, "course_not_found")
        assert_error(client_for.post(f"{API}/courses/{course_id}/enrol"), 404, "course_not_found")
    assert not Enrollment.objects.exists()


def test_a_path_id_that_is_not_a_number_is_a_structured_400(client):
    error = assert_error(client.get(f"{API}/courses/abc"), 400, "invalid_request")
    assert "course_id" in error["details"][0]


# --- enrollment -------------------------------------------------------------------


def test_enrolling_twice_gives_201_then_200_with_the_same_body_and_one_row(
    client_for, cadre, catalogue
):
    url = f"{API}/courses/{catalogue['stress'].pk}/enrol"
    created = client_for.post(url)
    again = client_for.post(url)
    assert (created.status_code, again.status_code) == (201, 200)
    assert created.json() == again.json()
    body = created.json()
    assert body["course"]["id"] == catalogue["stress"].pk
    assert (body["status"], body["origin"], body["required"], body["percent"]) == (
        "active",
        "self",
        False,
        0,
    )
    assert Enrollment.objects.filter(cadre=cadre).count() == 1


def test_withdrawing_keeps_the_row_and_enrolling_again_reopens_it(client_for, cadre, catalogue):
    url = f"{API}/courses/{catalogue['stress'].pk}/enrol"
    client_for.post(url)
    left = client_for.delete(url)
    assert left.status_code == 200 and left.json()["status"] == "withdrawn"
    assert_error(client_for.delete(url), 403, "not_enrolled")
    back = client_for.post(url)
    assert back.status_code == 200 and back.json()["status"] == "active"
    assert Enrollment.objects.filter(cadre=cadre).count() == 1


def test_a_required_course_cannot_be_dropped(client_for, cadre, catalogue):
    Enrollment.objects.create(cadre=cadre, course=catalogue["stress"], required=True)
    assert_error(
        client_for.delete(f"{API}/courses/{catalogue['stress'].pk}/enrol"), 409, "required_course"
    )


def test_my_enrollments_show_status_origin_due_date_and_percent(client_for, cadre, catalogue):
    due = date.today() + timedelta(days=30)
    Enrollment.objects.create(
        cadre=cadre, course=catalogue["salon"], origin="campaign", required=True, due_date=due
    )
    client_for.post(f"{API}/courses/{catalogue['stress'].pk}/enrol")
    client_for.post(
        f"{API}/lessons/{catalogue['first'].pk}/progress", {"completed": True}, "application/json"
    )

    rows = client_for.get(f"{API}/me/enrollments").json()
    by_course = {row["course"]["id"]: row for row in rows}
    stress = by_course[catalogue["stress"].pk]
    salon = by_course[catalogue["salon"].pk]
    assert stress["percent"] == 50  # one of two required lessons
    assert (stress["origin"], stress["required"], stress["last_lesson_id"]) == (
        "self",
        False,
        catalogue["first"].pk,
    )
    assert (salon["origin"], salon["required"], salon["due_date"]) == (
        "campaign",
        True,
        due.isoformat(),
    )
    assert salon["overdue"] is False and salon["certificate_code"] is None


# --- lessons and quizzes ----------------------------------------------------------


def test_progress_records_the_position_and_completes_the_lesson(client_for, cadre, catalogue):
    client_for.post(f"{API}/courses/{catalogue['stress'].pk}/enrol")
    url = f"{API}/lessons/{catalogue['first'].pk}/progress"

    visit = client_for.post(url, {"position": "video:120"}, "application/json")
    assert visit.status_code == 200
    assert (visit.json()["position"], visit.json()["completed_at"]) == ("video:120", None)

    done = client_for.post(url, {"completed": True}, "application/json")
    assert done.status_code == 200
    assert done.json()["completed_at"] is not None
    assert done.json()["position"] == "video:120"
    assert done.json()["enrollment"]["percent"] == 50
    assert LessonProgress.objects.get(enrollment__cadre=cadre).completed_at is not None


def test_a_lesson_with_a_quiz_completes_only_once_the_quiz_is_passed(client_for, catalogue):
    client_for.post(f"{API}/courses/{catalogue['stress'].pk}/enrol")
    url = f"{API}/lessons/{catalogue['quiz'].pk}/progress"
    assert_error(
        client_for.post(url, {"completed": True}, "application/json"), 409, "quiz_not_passed"
    )


@pytest.fixture
def zh_not_enrolled():
    """The message as the zh_Hans catalogue words it (compiled at install)."""
    return "您尚未报名该课程。"


def test_progress_and_quizzes_need_an_enrollment_and_say_so_in_chinese(
    client_for, catalogue, zh_not_enrolled
):
    lesson = catalogue["quiz"]
    progress = client_for.post(
        f"{API}/lessons/{lesson.pk}/progress", {"completed": True}, "application/json"
    )
    attempt = client_for.post(
        f"{API}/lessons/{lesson.pk}/quizzes/{catalogue['quiz_id']}/attempts",
        {"answers": RIGHT},
        "application/json",
    )
    for response in (progress, attempt):
        error = assert_error(response, 403, "not_enrolled")
        assert error["message"] == zh_not_enrolled
        assert response["Content-Language"] == "zh-hans"
    assert not LessonProgress.objects.exists() and not QuizAttempt.objects.exists()


def test_quiz_grading_hides_explanations_until_passed(client_for, catalogue):
    client_for.post(f"{API}/courses/{catalogue['stress'].pk}/enrol")
    url = f"{API}/lessons/{catalogue['quiz'].pk}/quizzes/{catalogue['quiz_id']}/attempts"

    failed = client_for.post(url, {"answers": [[0], [0, 2], [1]]}, "application/json")
    assert failed.status_code == 201
    body = failed.json()
    assert (body["attempt"], body["score"], body["passed"], body["attempts_left"]) == (
        1,
        33,
        False,
        1,
    )
    assert [r["correct"] for r in body["results"]] == [False, True, False]
    assert all(r["explanation"] is None for r in body["results"])

    passed = client_for.post(url, {"answers": RIGHT}, "application/json").json()
    assert (passed["attempt"], passed["score"], passed["passed"]) == (2, 100, True)
    assert passed["results"][0]["explanation"] == "b"
    lesson = client_for.post(
        f"{API}/lessons/{catalogue['quiz'].pk}/progress", {}, "application/json"
    )
    assert lesson.json()["completed_at"] is not None


def test_explanations_show_once_attempts_are_exhausted(client_for, catalogue):
    client_for.post(f"{API}/courses/{catalogue['stress'].pk}/enrol")
    url = f"{API}/lessons/{catalogue['quiz'].pk}/quizzes/{catalogue['quiz_id']}/attempts"
    client_for.post(url, {"answers": WRONG}, "application/json")
    last = client_for.post(url, {"answers": WRONG}, "application/json").json()
    assert (last["passed"], last["attempts_left"]) == (False, 0)
    assert last["results"][0]["explanation"] == "b"
    assert_error(
        client_for.post(url, {"answers": RIGHT}, "application/json"), 409, "attempts_exhausted"
    )


@pytest.mark.parametrize(
    ("answers", "code"),
    [
        ([[1], [0, 2]], "invalid_answers"),  # too few answers: the service says which
        ([[5], [0], [0]], "invalid_answers"),
        ([[True], [0], [0]], "invalid_request"),  # not an index: refused by the schema
        ("1,2,3", "invalid_request"),
    ],
)
def test_invalid_answers_are_a_400_that_uses_no_attempt(client_for, catalogue, answers, code):
    client_for.post(f"{API}/courses/{catalogue['stress'].pk}/enrol")
    url = f"{API}/lessons/{catalogue['quiz'].pk}/quizzes/{catalogue['quiz_id']}/attempts"
    error = assert_error(client_for.post(url, {"answers": answers}, "application/json"), 400, code)
    assert error["details"]
    assert not QuizAttempt.objects.exists()


def test_an_unknown_quiz_or_lesson_is_a_structured_404(client_for, catalogue):
    client_for.post(f"{API}/courses/{catalogue['stress'].pk}/enrol")
    lesson = catalogue["quiz"].pk
    assert_error(
        client_for.post(
            f"{API}/lessons/{lesson}/quizzes/nope/attempts", {"answers": RIGHT}, "application/json"
        ),
        404,
        "quiz_not_found",
    )
    assert_error(
        client_for.post(f"{API}/lessons/999999/progress", {}, "application/json"),
        404,
        "lesson_not_found",
    )


def test_a_body_that_is_not_json_is_a_structured_400(client_for, catalogue):
    response = client_for.post(
        f"{API}/lessons/{catalogue['first'].pk}/progress", "{not json", "application/json"
    )
    assert_error(response, 400, "invalid_request")


# --- one cadre's learning is invisible to another ---------------------------------


def test_a_cadre_cannot_read_or_change_another_cadres_learning(catalogue):
    owner, other = make_cadre(name="王小明"), make_cadre(name="李四")
    mine, theirs = as_cadre(owner), as_cadre(other)
    stress, quiz = catalogue["stress"], catalogue["quiz"]
    attempts_url = f"{API}/lessons/{quiz.pk}/quizzes/{catalogue['quiz_id']}/attempts"
    mine.post(f"{API}/courses/{stress.pk}/enrol")
    mine.post(
        f"{API}/lessons/{catalogue['first'].pk}/progress", {"position": "p3"}, "application/json"
    )
    mine.post(attempts_url, {"answers": WRONG}, "application/json")

    assert theirs.get(f"{API}/me/enrollments").json() == []
    assert_error(
        theirs.post(
            f"{API}/lessons/{catalogue['first'].pk}/progress",
            {"position": "hijack", "completed": True},
            "application/json",
        ),
        403,
        "not_enrolled",
    )
    assert_error(
        theirs.post(attempts_url, {"answers": WRONG}, "application/json"), 403, "not_enrolled"
    )
    assert_error(theirs.delete(f"{API}/courses/{stress.pk}/enrol"), 403, "not_enrolled")
    assert theirs.get(f"{API}/me/credits").json()["records"] == []

    enrollment = Enrollment.objects.get()
    assert (enrollment.cadre, enrollment.status) == (owner, EnrollmentStatus.ACTIVE)
    progress = LessonProgress.objects.get()
    assert (progress.position, progress.completed_at) == ("p3", None)
    assert QuizAttempt.objects.get().answers == [[0], [1], [1]]
    # Enrolling in the same course gives the other cadre their own row, not the owner's.
    joined = theirs.post(f"{API}/courses/{stress.pk}/enrol")
    assert joined.status_code == 201 and joined.json()["last_lesson_id"] is None


def complete_course(client, catalogue):
    client.post(f"{API}/courses/{catalogue['stress'].pk}/enrol")
    client.post(
        f"{API}/lessons/{catalogue['first'].pk}/progress", {"completed": True}, "application/json"
    )
    attempts = f"{API}/lessons/{catalogue['quiz'].pk}/quizzes/{catalogue['quiz_id']}/attempts"
    client.post(attempts, {"answers": RIGHT}, "application/json")


def test_certificate_verification_is_public_and_shows_only_the_masked_holder(
    client, client_for, cadre, catalogue
):
    complete_course(client_for, catalogue)
    enrollment = client_for.get(f"{API}/me/enrollments").json()[0]
    assert (enrollment["status"], enrollment["percent"]) == ("completed", 100)
    code = enrollment["certificate_code"]
    assert code == Certificate.objects.get().code

    response = client.get(f"{API}/certificates/{code.lower()}")  # anonymous, any case
    assert response.status_code == 200
    assert response.json() == {
        "code": code,
        "holder": "张*丰",
        "course_title": "压力管理",
        "hours": 2.0,
        "issued_on": timezone.localdate().isoformat(),
        "valid": True,
    }
    text = response.content.decode()
    for private in ("张三丰", cadre.employee_id, cadre.user.username):
        assert private not in text


def test_an_unknown_certificate_code_is_a_structured_404(client):
    assert_error(client.get(f"{API}/certificates/NOSUCHCODE23"), 404, "certificate_not_found")


# --- credits ----------------------------------------------------------------------


def test_credits_summary_totals_the_year_and_lists_its_ledger(client_for, cadre, catalogue):
    this_year = timezone.localdate().year
    rows = [
        ("在线课程", "2.5", CreditSource.ONLINE, CreditStatus.APPROVED, this_year),
        ("线下讲座", "1.0", CreditSource.OFFLINE, CreditStatus.APPROVED, this_year),
        ("外单位培训", "3.0", CreditSource.DECLARED, CreditStatus.PENDING, this_year),
        ("被退回", "4.0", CreditSource.DECLARED, CreditStatus.REJECTED, this_year),
        ("去年", "5.0", CreditSource.ONLINE, CreditStatus.APPROVED, this_year - 1),
    ]
    for title, hours, source, status, year in rows:
        CreditRecord.objects.create(
            cadre=cadre,
            title=title,
            hours=Decimal(hours),
            source=source,
            status=status,
            earned_on=date(year, 3, 1),
        )
    CreditRecord.objects.create(
        cadre=make_cadre(),
        title="别人",
        hours=Decimal("9"),
        source="online",
        earned_on=date(this_year, 3, 1),
    )

    body = client_for.get(f"{API}/me/credits").json()
    expected = credits.year_summary(cadre, this_year)
    assert (body["year"], body["total"], body["online"], body["pending"]) == (
        this_year,
        3.5,
        2.5,
        3.0,
    )
    assert body["target"]["annual_hours"] == float(expected.target.annual_hours)
    assert body["percent_of_target"] == expected.percent_of_target
    assert body["remaining"] == float(expected.remaining)
    assert {row["title"] for row in body["records"]} == {
        "在线课程",
        "线下讲座",
        "外单位培训",
        "被退回",
    }

    last_year = client_for.get(f"{API}/me/credits", {"year": this_year - 1}).json()
    assert (last_year["total"], [r["title"] for r in last_year["records"]]) == (5.0, ["去年"])
    assert_error(client_for.get(f"{API}/me/credits", {"year": 99999}), 400, "invalid_request")


# --- authentication ---------------------------------------------------------------


def test_a_token_authenticates_and_records_its_use(cadre, catalogue):
    token, key = ApiToken.issue(cadre.user, "党校平台")
    response = Client().post(f"{API}/courses/{catalogue['stress'].pk}/enrol", headers=bearer(key))
    assert response.status_code == 201
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize("header", ["Bearer wrong-key", "Bearer ", "bearer   "])
def test_a_bad_token_is_a_401(cadre, catalogue, header):
    response = Client().get(f"{API}/me/enrollments", headers={"Authorization": header})
    assert_error(response, 401, "invalid_token")


def test_a_deactivated_users_token_is_refused(cadre):
    _token, key = ApiToken.issue(cadre.user, "党校平台")
    cadre.user.is_active = False
    cadre.user.save()
    assert_error(Client().get(f"{API}/me/enrollments", headers=bearer(key)), 401, "invalid_token")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/me/enrollments"),
        ("get", "/me/credits"),
        ("post", "/courses/1/enrol"),
        ("delete", "/courses/1/enrol"),
        ("post", "/lessons/1/progress"),
        ("post", "/lessons/1/quizzes/q/attempts"),
    ],
)
def test_anonymous_calls_to_personal_endpoints_are_a_401(client, method, path):
    response = getattr(client, method)(f"{API}{path}", {}, "application/json")
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_session_works_and_csrf_is_enforced_on_writes(cadre, catalogue):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cadre.user)
    assert browser.get(f"{API}/me/enrollments").status_code == 200
    url = f"{API}/courses/{catalogue['stress'].pk}/enrol"

    assert_error(browser.post(url), 403, "csrf_failed")
    assert not Enrollment.objects.exists()

    secret = "a" * 32
    browser.cookies["csrftoken"] = secret
    assert browser.post(url, headers={"X-CSRFToken": secret}).status_code == 201


def test_users_without_a_cadre_profile_are_refused(django_user_model, catalogue):
    host_admin = django_user_model.objects.create_user("host-admin", password="pw-host-123")
    _token, key = ApiToken.issue(host_admin, "党校平台")
    caller = Client(headers=bearer(key))
    for response in (
        caller.get(f"{API}/me/enrollments"),
        caller.get(f"{API}/me/credits"),
        caller.post(f"{API}/courses/{catalogue['stress'].pk}/enrol"),
        caller.post(f"{API}/lessons/{catalogue['first'].pk}/progress", {}, "application/json"),
    ):
        assert_error(response, 403, "not_a_cadre")
    assert caller.get(f"{API}/courses").status_code == 200


def test_the_openapi_document_is_served_and_documents_the_error_shape(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["version"] == "1.0.0"
    enrol = schema["paths"]["/api/v1/courses/{course_id}/enrol"]["post"]
    assert set(enrol["responses"]) == {"200", "201", "400", "401", "403", "404", "413"}
    assert enrol["responses"]["403"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorOut"
    }
