"""Real Celery workers for tests: a Redis broker (TEST_REDIS_URL, by default on loopback),
a queue of the test's own and `celery -A config worker` processes reading the test database
(PostgreSQL). tests/embedded_services.py starts a throwaway Redis when nothing answers there.

Loaded as a pytest plugin by tests/conftest.py, so the fixtures are shared by every test
that needs a worker."""

import base64
import json
import os
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

from config.celery import app as celery_app
from tests.embedded_services import redis_url

BROKER = redis_url()
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def redis_client():
    """The broker. Under CI a missing Redis fails the test; elsewhere it skips it."""
    import redis

    client = redis.Redis.from_url(BROKER, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is not reachable at {BROKER}: {exc}")
        pytest.skip(f"Redis is not reachable at {BROKER}: {exc}")
    yield client
    client.close()


def database_url() -> str:
    db = settings.DATABASES["default"]
    credentials = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"])
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{credentials}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def queue(redis_client):
    name = f"test-{uuid.uuid4().hex[:12]}"
    yield name
    for key in (name, "unacked", "unacked_index"):
        redis_client.delete(key)


@pytest.fixture
def worker(queue, tmp_path):
    """start(**env) starts a worker on the queue; every worker is stopped at the end."""
    processes = []
    log = tmp_path / "worker.log"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ELASTICSEARCH_", "CELERY_", "DATABASE_", "LMS_"))
    }
    env.update(
        CELERY_BROKER_URL=BROKER,
        CELERY_TASK_ALWAYS_EAGER="false",
        DJANGO_SETTINGS_MODULE="config.settings.test",
    )
    command = [
        str(Path(sys.executable).with_name("celery")),
        *("-A", "config", "worker", "--pool=solo", "-Q", queue, "-n", f"{queue}-%i@%h"),
        *("--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"),
    ]
    with log.open("a") as out:

        def start(**extra_env):
            # The test database exists once pytest-django has made it, so read it late.
            process = subprocess.Popen(  # noqa: S603  (our own command line)
                command,
                cwd=ROOT,
                env={**env, "DATABASE_URL": database_url(), **extra_env},
                stdout=out,
                stderr=subprocess.STDOUT,
            )
            processes.append(process)
            return process, log

        yield start
        for process in processes:
            if process.poll() is None:
                process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def real_broker():
    """Send tasks to the test broker instead of running them eagerly in-process."""
    eager, broker = celery_app.conf.task_always_eager, celery_app.conf.broker_url
    celery_app.conf.update(task_always_eager=False, broker_url=BROKER)
    try:
        with celery_app.connection_for_write(BROKER) as connection:
            yield connection
    finally:
        celery_app.conf.update(task_always_eager=eager, broker_url=broker)


def decoded_messages(redis_client, queue) -> list[dict]:
    messages = []
    for raw in redis_client.lrange(queue, 0, -1):
        message = json.loads(raw)
        body = base64.b64decode(message["body"]).decode("utf-8")
        messages.append({**message, "raw": raw.decode("utf-8"), "body": json.loads(body)})
    return messages
