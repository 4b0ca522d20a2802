"""A task queued while answering a request carries that request's id, and its log records
in the worker show it (config.logging: send_request_id, take_request_id, drop_request_id).

The message is published to the real Redis broker and read back; the worker's side is the
signal handlers Celery calls around a task, given the request Celery builds from the
message headers. (Run against a real worker once, by hand: the worker's warning carried
the id; kept out of the suite because a transactional worker test here collides with the
serialized rollback of its neighbours.)
"""

import logging
from types import SimpleNamespace

from config.logging import (
    REQUEST_ID,
    RequestIdFilter,
    drop_request_id,
    take_request_id,
)
from lms.assessments.tasks import alert_counsellors
from tests.workers import decoded_messages, real_broker

ID = "req-0123456789abcdef"


def test_a_task_queued_in_a_request_carries_its_id_in_the_message(redis_client, queue):
    token = REQUEST_ID.set(ID)  # as RequestIdMiddleware does while answering
    try:
        with real_broker() as connection:
            alert_counsellors.apply_async(args=[0], queue=queue, connection=connection)
    finally:
        REQUEST_ID.reset(token)
    with real_broker() as connection:  # outside any request: no id travels
        alert_counsellors.apply_async(args=[0], queue=queue, connection=connection)

    newest, oldest = decoded_messages(redis_client, queue)  # LPUSH: newest first
    assert oldest["headers"]["request_id"] == ID
    assert "request_id" not in newest["headers"]


def record() -> logging.LogRecord:
    entry = logging.LogRecord("lms.assessments.tasks", logging.WARNING, __file__, 1, "x", (), None)
    RequestIdFilter().filter(entry)
    return entry


def test_the_tasks_records_carry_the_id_and_the_next_task_does_not_inherit_it():
    task = SimpleNamespace(request=SimpleNamespace(request_id=ID))
    take_request_id(task_id="t-1", task=task)
    assert record().request_id == ID
    drop_request_id(task_id="t-1")
    assert record().request_id == "-"

    # A task queued outside a request, or with a header that is not an id, logs "-".
    for request in (SimpleNamespace(), SimpleNamespace(request_id="bad id; DROP")):
        take_request_id(task_id="t-2", task=SimpleNamespace(request=request))
        assert record().request_id == "-"
        drop_request_id(task_id="t-2")
