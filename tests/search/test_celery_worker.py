"""The sync task through a real Redis broker and a real Celery worker process.

The worker is `celery -A config worker` on a queue of this test's own, reading the test
database, so the test shows what production runs: a message with the course id only,
consumed by another process that loads the course fresh and writes the index.
"""

import base64
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

from config.celery import app as celery_app
from search.models import IndexedCourse
from search.tasks import index_course
from tests.factories import make_course

BROKER = "redis://127.0.0.1:6379/15"
ROOT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 60


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
    name = f"test-search-{uuid.uuid4().hex[:12]}"
    yield name
    redis_client.delete(name)


@pytest.fixture
def worker(queue, tmp_path):
    """Start a worker on the queue; the test calls it once its message is waiting."""
    processes = []
    log = tmp_path / "worker.log"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ELASTICSEARCH_", "CELERY_", "DATABASE_"))
    }
    env.update(
        CELERY_BROKER_URL=BROKER,
        CELERY_TASK_ALWAYS_EAGER="false",
        DJANGO_SETTINGS_MODULE="config.settings.test",
    )
    command = [
        str(Path(sys.executable).with_name("celery")),
        *("-A", "config", "worker", "--pool=solo", "-Q", queue, "-n", f"{queue}@%h"),
        *("--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"),
    ]
    with log.open("w") as out:

        def start():
            # The test database exists once pytest-django has made it, so read it late.
            process = subprocess.Popen(  # noqa: S603  (our own command line)
                command,
                cwd=ROOT,
                env={**env, "DATABASE_URL": database_url()},
                stdout=out,
                stderr=subprocess.STDOUT,
            )
            processes.append(process)
            return process, log

        yield start
        for process in processes:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def decoded_messages(redis_client, queue) -> list[dict]:
    messages = []
    for raw in redis_client.lrange(queue, 0, -1):
        message = json.loads(raw)
        body = base64.b64decode(message["body"]).decode("utf-8")
        messages.append({**message, "raw": raw.decode("utf-8"), "body": json.loads(body)})
    return messages


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_indexes_a_course_from_an_id_only_message(
    curriculum, redis_client, queue, worker
):
    course = make_course(
        curriculum, title="工作抗压训练：从紧张到从容", summary="认识压力来源，学会三种放松方法。"
    )
    # Publishing above committed and ran the eager in-process task; start from nothing
    # so only the worker can write the row.
    IndexedCourse.objects.all().delete()

    eager, broker = celery_app.conf.task_always_eager, celery_app.conf.broker_url
    celery_app.conf.update(task_always_eager=False, broker_url=BROKER)
    try:
        with celery_app.connection_for_write(BROKER) as connection:
            index_course.apply_async(args=[course.pk], queue=queue, connection=connection)
    finally:
        celery_app.conf.update(task_always_eager=eager, broker_url=broker)

    # The message waiting in Redis: the task name and the course id, nothing else.
    [message] = decoded_messages(redis_client, queue)
    args, kwargs, _options = message["body"]
    assert message["headers"]["task"] == "search.tasks.index_course"
    assert (args, kwargs) == ([course.pk], {})
    for text in ("抗压", "放松", "压力", "rung", "signals", "profile"):
        assert text not in message["raw"] and text not in json.dumps(
            message["body"], ensure_ascii=False
        )

    process, log = worker()
    deadline = time.monotonic() + WAIT_SECONDS
    while not IndexedCourse.objects.filter(course_id=course.pk).exists():
        tail = lambda: log.read_text(errors="replace")[-3000:]  # noqa: E731
        assert process.poll() is None, f"the worker exited:\n{tail()}"
        assert time.monotonic() < deadline, f"no index row after {WAIT_SECONDS} s:\n{tail()}"
        time.sleep(0.25)

    row = IndexedCourse.objects.get(course_id=course.pk)
    assert row.document["title"] == "工作抗压训练：从紧张到从容"
    assert redis_client.llen(queue) == 0
