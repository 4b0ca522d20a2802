"""Simultaneous enrol calls for one cadre and course make exactly one enrollment."""

import threading

import pytest
from django.db import connection
from django.test import Client

from lms.models import ApiToken, Enrollment
from tests.factories import make_cadre, make_course

pytestmark = [
    pytest.mark.postgres,
    # Restore the migrated data after the flush, for the transactional tests that follow.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

THREADS = 50


def test_fifty_simultaneous_enrol_calls_make_one_enrollment(curriculum):
    course = make_course(curriculum, title="压力管理")
    cadre = make_cadre()
    _token, key = ApiToken.issue(cadre.user, "党校平台")
    url = f"/api/v1/courses/{course.pk}/enrol"
    start = threading.Barrier(THREADS)
    statuses, failures = [], []

    def call():
        client = Client(headers={"Authorization": f"Bearer {key}"})
        try:
            start.wait(timeout=60)
            statuses.append(client.post(url).status_code)
        except Exception as exc:  # reported below; a thread's exception is otherwise lost
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not failures
    assert len(statuses) == THREADS
    assert all(status < 500 for status in statuses), statuses
    assert sorted(set(statuses)) == [200, 201] and statuses.count(201) == 1
    assert Enrollment.objects.filter(cadre=cadre, course=course).count() == 1
