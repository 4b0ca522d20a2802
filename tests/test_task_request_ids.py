"""A task queued while answering a request logs with that request's id, in the worker.

The id travels in the task message's headers (config.logging.send_request_id) and is put
back around the task's run in the worker process (take_request_id, drop_request_id), so an
administrator can follow one cadre's "something went wrong" from the web log into the
background work it started.
"""

import time

import pytest
from django.utils import timezone

from config.logging import REQUEST_ID
from lms.assessments.tasks import alert_counsellors
from lms.models import FollowUp
from tests.factories import make_cadre
from tests.workers import decoded_messages, real_broker

WAIT_SECONDS = 60


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_task_queued_in_a_request_logs_with_its_id_in_the_worker(redis_client, queue, worker):
    # A follow-up with no counsellor to alert: the task logs a warning, which is the record
    # we look for in the worker's log.
    follow_up = FollowUp.objects.create(cadre=make_cadre(), due_at=timezone.now())

    token = REQUEST_ID.set("req-0123456789abcdef")  # as RequestIdMiddleware does
    try:
        with real_broker() as connection:
            alert_counsellors.apply_async(args=[follow_up.pk], queue=queue, connection=connection)
    finally:
        REQUEST_ID.reset(token)
    # Queued outside any request: no id travels.
    with real_broker() as connection:
        alert_counsellors.apply_async(args=[follow_up.pk], queue=queue, connection=connection)

    first, second = decoded_messages(redis_client, queue)[::-1]  # LPUSH: newest first
    assert first["headers"]["request_id"] == "req-0123456789abcdef"
    assert "request_id" not in second["headers"]

    process, log = worker()
    deadline = time.monotonic() + WAIT_SECONDS
    while log.read_text(errors="replace").count("No counsellor with an e-mail") < 2:
        assert process.poll() is None, f"the worker exited:\n{log.read_text()[-3000:]}"
        assert time.monotonic() < deadline, f"no warnings:\n{log.read_text()[-3000:]}"
        time.sleep(0.25)
    warnings = [
        line for line in log.read_text().splitlines() if "No counsellor with an e-mail" in line
    ]
    assert "[req-0123456789abcdef]" in warnings[0]
    # The next task in the same worker process does not inherit the id.
    assert "[-]" in warnings[1]
