"""Bodies over DATA_UPLOAD_MAX_MEMORY_SIZE are a 413, in the API's error shape or as a page.

Django would raise RequestDataTooBig while reading such a body: a bare 400 on the site
and, inside an API operation, a 500. Uploads to the site stay governed by their forms.
"""

import json

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils import translation

from lms.api import api
from lms.api.errors import PayloadTooLarge
from lms.people.accounts import make_department_admin
from tests.factories import make_cadre, make_course, make_department, make_lesson

from .test_api import API, as_cadre, assert_error

pytestmark = pytest.mark.django_db

TEN_MB = 10 * 2**20
WRITES = ("post", "put", "patch", "delete")
SCHEMA = api.get_openapi_schema()
WRITE_OPERATIONS = [
    (method, path)
    for path, operations in SCHEMA["paths"].items()
    for method in operations
    if method in WRITES
]
MIDDLEWARE = "theme.request_limits.RequestSizeLimitMiddleware"


def huge_json() -> bytes:
    return json.dumps({"position": "x" * TEN_MB, "answers": []}).encode()


def a_path(path: str, lesson_id: int) -> str:
    """The operation's path with ids that exist, so nothing but the size can refuse it."""
    return (
        path.replace("{course_id}", "1")
        .replace("{lesson_id}", str(lesson_id))
        .replace("{quiz_id}", "q1")
    )


def the_limit_message() -> str:
    with translation.override("zh-hans"):
        return str(PayloadTooLarge().message)


@pytest.fixture
def lesson(curriculum):
    return make_lesson(make_course(curriculum, title="压力管理"), title="认识压力")


def test_the_schema_has_write_operations_and_documents_413_on_each():
    assert len(WRITE_OPERATIONS) >= 4
    for method, path in WRITE_OPERATIONS:
        responses = SCHEMA["paths"][path][method]["responses"]
        assert 413 in responses or "413" in responses, (method, path)
        error = responses.get(413) or responses["413"]
        assert error["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")


@pytest.mark.parametrize(("method", "path"), WRITE_OPERATIONS)
def test_a_10_mb_json_body_to_every_write_operation_is_a_413(method, path, lesson):
    client = as_cadre(make_cadre())
    call = getattr(client, method)
    response = call(a_path(path, lesson.pk), huge_json(), content_type="application/json")
    error = assert_error(response, 413, "payload_too_large")
    assert response["Content-Type"].startswith("application/json")
    assert error["message"] == the_limit_message()
    assert "2.5" in error["message"]  # the limit, in the message people read


@pytest.mark.parametrize(("method", "path"), WRITE_OPERATIONS)
def test_without_a_token_the_size_is_still_refused_first(method, path, lesson):
    # Without a token there is no caller to refuse yet: the size is checked before the auth.
    call = getattr(Client(), method)
    response = call(a_path(path, lesson.pk), huge_json(), content_type="application/json")
    assert_error(response, 413, "payload_too_large")


def test_an_upload_to_the_api_counts_too(lesson):
    # The API takes no uploads: a multipart body over the limit is refused like JSON.
    client = as_cadre(make_cadre())
    upload = SimpleUploadedFile("big.bin", b"\0" * TEN_MB)
    response = client.post(f"{API}/courses/1/enrol", {"file": upload})
    assert_error(response, 413, "payload_too_large")


def test_without_the_middleware_the_operation_still_answers_413(lesson):
    # The API's own handler catches RequestDataTooBig when an operation reads the body.
    cadre = make_cadre()
    client = as_cadre(cadre)
    middleware = [name for name in settings.MIDDLEWARE if name != MIDDLEWARE]
    with override_settings(MIDDLEWARE=middleware):
        response = client.post(
            f"{API}/lessons/{lesson.pk}/progress", huge_json(), content_type="application/json"
        )
    assert_error(response, 413, "payload_too_large")


def test_a_body_within_the_limit_goes_through(lesson):
    cadre = make_cadre()
    client = as_cadre(cadre)
    client.post(f"{API}/courses/{lesson.get_parent().pk}/enrol")
    response = client.post(
        f"{API}/lessons/{lesson.pk}/progress",
        {"position": "第二节", "padding": "x" * (2 * 2**20)},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content


# The site ------------------------------------------------------------------------------


def assert_calm_page(response, template="theme/413.html"):
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert template in [t.name for t in response.templates]
    assert the_limit_message() in response.content.decode()


def test_a_10_mb_form_post_to_a_page_is_a_calm_413_page(client, home):
    response = client.post(
        "/accounts/login/",
        f"username={'x' * TEN_MB}&password=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert_calm_page(response)
    assert "theme/base.html" in [t.name for t in response.templates]


def test_a_10_mb_post_to_a_wagtail_page_is_a_413_page(client, lesson):
    response = client.post(lesson.url, huge_json(), content_type="application/json")
    assert_calm_page(response)


def test_a_multipart_form_whose_text_is_over_the_limit_is_a_413_page(client, home):
    # Multipart passes the middleware; Django raises when the form is read (handler400).
    response = client.post("/accounts/login/", {"username": "x" * (3 * 2**20), "password": "x"})
    assert_calm_page(response)


def test_other_bad_requests_stay_400(client, home):
    response = client.get("/", headers={"host": "evil.example"})
    assert response.status_code == 400


@pytest.fixture
def roster_admin():
    department = make_department(code="limits_unit", name="市检察院")
    user = get_user_model().objects.create_user("limitsadmin", password="pw-limits-1")
    make_department_admin(user, department)
    return user


def test_the_admin_answers_with_wagtails_error_layout(client, roster_admin):
    client.force_login(roster_admin)
    response = client.post(
        "/admin/roster/import/",
        f"deactivate_missing=on&x={'x' * TEN_MB}",
        content_type="application/x-www-form-urlencoded",
    )
    assert_calm_page(response, template="theme/413_admin.html")


def test_a_roster_upload_over_the_data_limit_is_left_to_the_form(client, roster_admin):
    # 3 MB of file is over DATA_UPLOAD_MAX_MEMORY_SIZE but within the roster's own 10 MB.
    client.force_login(roster_admin)
    upload = SimpleUploadedFile("名册.csv", "工号,姓名\n".encode() + b"1,a\n" * (3 * 2**18))
    response = client.post("/admin/roster/import/", {"file": upload})
    assert response.status_code != 413
    assert response.status_code < 500
