"""The API keeps the promises of its own OpenAPI document, under generated input.

Schemathesis reads /api/v1/openapi.json from the app in-process (WSGI, no server) and
calls every operation with generated parameters and bodies as a cadre with a token. Any
5xx, any undocumented status and any body that does not match the documented schema
fails the test. About half the cases use the ids of real seeded pages, so the success
paths (enrolment, progress, grading, completion, certificates) are exercised too.
"""

import random
from types import SimpleNamespace

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from courses.models import DeliveryMode, OfflineSession, Track
from lms.api import api
from lms.learning.enrollment import enrol
from lms.learning.progress import complete_lesson
from lms.learning.quizzes import submit_attempt
from lms.models import (
    ApiToken,
    CreditSource,
    CreditStatus,
    EnrollmentOrigin,
    EnrollmentStatus,
)
from tests.factories import QUIZ, make_cadre, make_course, make_lesson

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

CONFIG = schemathesis.Config.from_dict(
    {
        # A fixed seed: the suite must fail or pass the same way on every run.
        "seed": 20260601,
        "generation": {"max-examples": 25},
    }
)


@pytest.fixture
def keep_test_transaction():
    """Keep Django's request signals from closing the test's connection.

    The WSGI handler closes 'obsolete' connections when a request starts and ends, and a
    connection inside the test's transaction looks obsolete; Django's own test client
    disconnects the same receiver for the same reason.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(curriculum):
    """A small catalogue, a cadre with a token, and a certificate someone else earned."""
    online = make_course(curriculum, title="压力管理", tags=["减压"])
    plain = make_lesson(online, title="认识压力")
    quiz_lesson = make_lesson(online, title="小测验", body=[("quiz", QUIZ)])
    offline = make_course(curriculum, title="沟通沙龙", delivery_mode=DeliveryMode.OFFLINE)
    not_enrolled = make_lesson(offline, title="沙龙须知")
    OfflineSession.objects.create(
        page=offline,
        starts_at="2099-05-01T09:00:00+08:00",
        ends_at="2099-05-01T11:00:00+08:00",
        place="党校204教室",
        capacity=20,
    )
    draft = make_course(curriculum, title="草稿", live=False)
    quiz_id = next(iter(quiz_lesson.quizzes()))

    graduate = make_cadre(name="王小明")
    done, _ = enrol(graduate, online)
    complete_lesson(done, plain)
    submit_attempt(done, quiz_lesson, quiz_id, [[1], [0, 2], [0]])
    certificate = done.certificate

    cadre = make_cadre(name="张三丰")
    enrol(cadre, online)
    _token, key = ApiToken.issue(cadre.user, "schemathesis")
    return SimpleNamespace(
        headers={"Authorization": f"Bearer {key}"},
        values={
            "course_id": [online.pk, offline.pk, draft.pk],
            "lesson_id": [plain.pk, quiz_lesson.pk, quiz_lesson.pk, not_enrolled.pk],
            "quiz_id": [quiz_id],
            "code": [certificate.code],
        },
        answers=[[[1], [0, 2], [0]], [[0], [1], [1]]],
        random=random.Random(7),
    )


# Read through the real URL at collection time; serving the document needs no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler(), config=CONFIG)


@settings(
    max_examples=25,
    deadline=None,
    database=None,  # no saved failing examples: the fixed seed already repeats a run
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
@schema.parametrize()
def test_the_api_honours_its_openapi_document(case, seeded, keep_test_transaction):
    if case.path_parameters and seeded.random.random() < 0.5:
        for name in case.path_parameters:
            if name in seeded.values:
                case.path_parameters[name] = seeded.random.choice(seeded.values[name])
        if "quiz_id" in case.path_parameters and seeded.random.random() < 0.5:
            case.body = {"answers": seeded.random.choice(seeded.answers)}
    case.call_and_validate(headers=seeded.headers, checks=CHECKS)


# Enumerations -----------------------------------------------------------------------------

DOCUMENT = api.get_openapi_schema()
# Names of parameters and fields that take one of a fixed set of values.
ENUM_LIKE = {"track", "mode", "delivery_mode", "status", "origin", "source", "key"}


def enum_of(fragment: dict) -> list | None:
    """The values a (possibly nullable, possibly referenced) schema allows, or None."""
    if "$ref" in fragment:
        name = fragment["$ref"].rsplit("/", 1)[-1]
        return enum_of(DOCUMENT["components"]["schemas"][name])
    if "enum" in fragment:
        return fragment["enum"]
    for option in fragment.get("anyOf", []):
        if option.get("type") != "null":
            return enum_of(option)
    return None


def enum_like_places():
    for path, operations in DOCUMENT["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter["name"] in ENUM_LIKE:
                    yield f"{method} {path} ?{parameter['name']}", parameter["schema"]
    for name, component in DOCUMENT["components"]["schemas"].items():
        for field, fragment in component.get("properties", {}).items():
            if field in ENUM_LIKE and fragment.get("type") != "array":  # not lists of facets
                yield f"{name}.{field}", fragment


def test_every_enum_like_parameter_and_field_lists_its_values():
    places = dict(enum_like_places())
    assert len(places) >= 14
    unlisted = [place for place, fragment in places.items() if not enum_of(fragment)]
    assert unlisted == []


@pytest.mark.parametrize(
    ("place", "values"),
    [
        ("get /api/v1/courses ?track", Track.values),
        ("get /api/v1/courses ?mode", DeliveryMode.values),
        ("get /api/v1/search ?track", Track.values),
        ("get /api/v1/search ?mode", DeliveryMode.values),
        ("CourseOut.delivery_mode", DeliveryMode.values),
        ("SearchHitOut.track", Track.values),
        ("ModeFacetOut.key", DeliveryMode.values),
        ("RecommendationOut.track", Track.values),
        ("EnrollmentOut.status", EnrollmentStatus.values),
        ("EnrollmentOut.origin", EnrollmentOrigin.values),
        ("CreditRecordOut.source", CreditSource.values),
        ("CreditRecordOut.status", CreditStatus.values),
    ],
)
def test_the_listed_values_are_the_models_choices(place, values):
    assert enum_of(dict(enum_like_places())[place]) == values


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("/api/v1/courses?mode=bogus", "invalid_request"),
        ("/api/v1/courses?mode=Online", "invalid_request"),
        ("/api/v1/courses?track=bogus", "invalid_request"),
        # Search keeps its own code for a filter outside its choices (search/forms.py).
        ("/api/v1/search?mode=bogus", "invalid_filter"),
        ("/api/v1/search?track=" + "x" * 200, "invalid_filter"),
    ],
)
def test_a_value_outside_the_list_is_a_400(client, url, code):
    response = client.get(url)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == code
