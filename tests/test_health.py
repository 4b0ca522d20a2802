"""/healthz and /readyz for load balancers (config/health.py): answered before Host checks
and redirects, without cookies or personal data; /readyz says which dependency is down, in
turn, with real closed ports standing in for a dead Redis or Elasticsearch."""

import json
from unittest import mock

import pytest
from django.db import OperationalError, connections

from tests.workers import BROKER

pytestmark = pytest.mark.django_db

CLOSED = "127.0.0.1:9"  # the discard port: nothing listens on it here


def probe(client, path, **extra):
    response = client.get(path, HTTP_HOST="10.20.0.7", **extra)  # an address, not a host name
    return response, json.loads(response.content)


def test_healthz_answers_a_load_balancer_by_address_over_plain_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True  # production: plain HTTP would be redirected
    settings.ALLOWED_HOSTS = ["xinyu.dangxiao.example"]
    response, body = probe(client, "/healthz")
    assert (response.status_code, body) == (200, {"status": "ok"})
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies


def test_readyz_on_the_embedded_default_is_ready(client):
    response, body = probe(client, "/readyz")
    assert response.status_code == 200 and body["status"] == "ready"
    assert body["checks"]["database"]["state"] == "ok"
    assert body["checks"]["broker"] == {"state": "not used"}  # eager tasks in tests
    assert body["checks"]["search"]["default"]["state"] == "ok"


def test_readyz_is_unready_when_the_database_is_down(client):
    with mock.patch.object(
        connections["default"], "cursor", side_effect=OperationalError("connection refused")
    ):
        response, body = probe(client, "/readyz")
    assert response.status_code == 503 and body["status"] == "unready"
    assert body["checks"]["database"] == {"state": "down", "error": "OperationalError"}


def test_readyz_reports_a_live_broker_then_a_dead_one(client, settings, redis_client):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = BROKER
    response, body = probe(client, "/readyz")
    assert response.status_code == 200 and body["checks"]["broker"] == {"state": "ok"}

    settings.CELERY_BROKER_URL = f"redis://:secret-password@{CLOSED}/0"
    response, body = probe(client, "/readyz")
    assert response.status_code == 503
    assert body["checks"]["broker"] == {"state": "down", "error": "ConnectionError"}
    assert "secret-password" not in response.content.decode()  # no URL, no password


def test_readyz_is_unready_when_the_shared_cache_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://{CLOSED}/1",
        }
    }
    response, body = probe(client, "/readyz")
    assert response.status_code == 503
    assert body["checks"]["cache"]["state"] == "down"


def test_a_dead_elasticsearch_is_reported_but_leaves_the_machine_ready(client, settings):
    settings.LMS_SEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.backends.elasticsearch",
            "URLS": [f"http://{CLOSED}"],
            "INDEX": "readyz-test",
            "TIMEOUT": 1,
        }
    }
    response, body = probe(client, "/readyz")
    assert response.status_code == 200 and body["status"] == "ready"
    assert body["checks"]["search"]["default"]["state"] == "down"
    assert body["checks"]["search"]["note"] == "search falls back to the database backend"


def test_probes_take_only_get_and_head(client):
    response = client.post("/readyz")
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD"
