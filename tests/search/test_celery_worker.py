"""The sync task through a real Redis broker and a real Celery worker process.

The worker is `celery -A config worker` on a queue of this test's own, reading the test
database, so the test shows what production runs: a message with the course id only,
consumed by another process that loads the course fresh and writes the index.
"""

import json
import time

import pytest

from search.models import IndexedCourse
from search.tasks import index_course
from tests.factories import make_course
from tests.workers import decoded_messages, real_broker

WAIT_SECONDS = 60


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

    with real_broker() as connection:
        index_course.apply_async(args=[course.pk], queue=queue, connection=connection)

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
