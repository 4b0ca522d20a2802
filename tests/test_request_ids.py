"""Every request has an id: in its X-Request-ID header and in each log record made while
answering it (config/logging.py), so that a report of an error can be found in the logs of
the machine that answered; production logs are JSON lines carrying it."""

import io
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from config.logging import JsonFormatter, RequestIdFilter, RequestIdMiddleware

ROOT = Path(__file__).resolve().parent.parent
logger = logging.getLogger("lms.request-id-test")


def answer(request):
    logger.warning("answering %s", request.path)
    return HttpResponse("ok")


@pytest.fixture
def captured():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger.addHandler(handler)
    yield stream
    logger.removeHandler(handler)


def records(stream) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_request_gets_an_id_in_its_header_and_its_log_records(captured):
    response = RequestIdMiddleware(answer)(RequestFactory().get("/my/"))
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    (record,) = records(captured)
    assert record["request_id"] == request_id
    assert record["message"] == "answering /my/" and record["level"] == "WARNING"


def test_two_requests_get_two_ids_and_nothing_outside_a_request(captured):
    middleware = RequestIdMiddleware(answer)
    first = middleware(RequestFactory().get("/a/"))["X-Request-ID"]
    second = middleware(RequestFactory().get("/b/"))["X-Request-ID"]
    logger.warning("a task, outside any request")
    assert first != second
    assert [record["request_id"] for record in records(captured)] == [first, second, "-"]


@pytest.mark.parametrize(
    ("incoming", "kept"),
    [
        ("lb-7f3a9c2e-0001", True),  # the load balancer's id is followed through
        ("x\nInjected: header", False),
        ("short", False),
        ("a" * 65, False),
    ],
)
def test_a_proxys_id_is_kept_only_when_it_looks_like_one(captured, incoming, kept):
    request = RequestFactory().get("/", HTTP_X_REQUEST_ID=incoming)
    request_id = RequestIdMiddleware(answer)(request)["X-Request-ID"]
    assert (request_id == incoming) is kept
    assert records(captured)[0]["request_id"] == request_id


def test_every_site_response_carries_its_id(client, db):
    response = client.get("/accounts/login/")
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_production_logs_are_json_lines_and_a_bad_format_is_refused():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "xinyu.example",
        "LMS_ASSESSMENT_KEYS": "k1:" + "A" * 43 + "=",
    }
    env.pop("LOG_FORMAT", None)
    script = (
        "import django, logging; django.setup(); "
        "logging.getLogger('lms').warning('hello %s', 'world')"
    )
    done = subprocess.run(  # noqa: S603  (this interpreter, a fixed script)
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    line = json.loads(done.stderr.strip().splitlines()[-1])
    assert line["message"] == "hello world" and line["request_id"] == "-"

    refused = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**env, "LOG_FORMAT": "xml"},
        capture_output=True,
        text=True,
    )
    assert refused.returncode != 0 and "LOG_FORMAT must be one of" in refused.stderr
