"""Offline-session seats under concurrent sign-ups and cancellations (lms/signups.py).

The threaded tests need PostgreSQL's row locks (SQLite serialises writers by locking the
whole file and would report "database is locked" instead); they run in the PostgreSQL pass.
They commit for real, so the database is flushed after each; serialized_rollback puts back
the rows the migrations created (the catalogue home, reference data) for the tests after.
"""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from courses.models import OfflineSession
from lms.learning.signups import cancel, seats_left, sign_up
from lms.models import Enrollment, SessionSignup, SignupStatus
from tests.factories import make_cadre, make_course, make_department

# PostgreSQL allows 100 connections by default and each thread opens its own: all threads
# start together, but at most this many hold a connection at once.
MAX_CONNECTIONS = 25


def make_session(curriculum, capacity):
    course = make_course(curriculum, delivery_mode="offline")
    starts = timezone.now() + timedelta(days=7)
    session = OfflineSession(
        page=course,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place="市委党校心理体验馆",
        capacity=capacity,
    )
    session.save()
    return session


def make_cadres(count):
    department = make_department()
    return [make_cadre(department=department) for _ in range(count)]


def run_together(target, items):
    """Run target(item) in one thread per item, released at once; returns (results, errors)."""
    barrier = threading.Barrier(len(items))
    slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
    results, errors = [], []

    def worker(item):
        try:
            barrier.wait()
            with slots:
                try:
                    results.append(target(item))
                finally:
                    connection.close()
        except Exception as exc:  # noqa: BLE001 - every failure is reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a sign-up thread hung"
    return results, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_sign_ups_fill_the_seats_exactly(curriculum):
    session = make_session(curriculum, capacity=30)
    cadres = make_cadres(100)

    results, errors = run_together(lambda cadre: sign_up(cadre, session).status, cadres)

    assert errors == []
    assert Counter(results) == {SignupStatus.ENROLLED: 30, SignupStatus.WAITLISTED: 70}
    stored = Counter(SessionSignup.objects.filter(session=session).values_list("status", flat=True))
    assert stored == {SignupStatus.ENROLLED: 30, SignupStatus.WAITLISTED: 70}
    assert seats_left(session) == 0
    # Signing up enrols each cadre in the course, once.
    assert Enrollment.objects.filter(course_id=session.page_id).count() == 100


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_cancellations_promote_the_waiting_list_in_order(curriculum):
    session = make_session(curriculum, capacity=30)
    cadres = make_cadres(40)
    signups = [sign_up(cadre, session) for cadre in cadres]  # 30 seats, then 10 waiting
    waiting = [s for s in signups if s.status == SignupStatus.WAITLISTED]
    assert len(waiting) == 10

    promoted, errors = run_together(cancel, signups[:10])

    assert errors == []
    assert sorted(p.pk for p in promoted) == sorted(s.pk for s in waiting)
    statuses = Counter(
        SessionSignup.objects.filter(session=session).values_list("status", flat=True)
    )
    assert statuses == {SignupStatus.ENROLLED: 30, SignupStatus.CANCELLED: 10}


@pytest.mark.django_db
def test_cancelling_a_seat_promotes_the_first_on_the_waiting_list(curriculum):
    session = make_session(curriculum, capacity=1)
    seated, later, earlier = make_cadres(3)
    first = sign_up(seated, session)
    second = sign_up(later, session)
    third = sign_up(earlier, session)
    assert [s.status for s in (first, second, third)] == [
        SignupStatus.ENROLLED,
        SignupStatus.WAITLISTED,
        SignupStatus.WAITLISTED,
    ]
    # The queue is ordered by sign-up time, not by row id.
    SessionSignup.objects.filter(pk=third.pk).update(
        created_at=second.created_at - timedelta(minutes=5)
    )

    promoted = cancel(first)

    assert promoted.pk == third.pk
    assert SessionSignup.objects.get(pk=third.pk).status == SignupStatus.ENROLLED
    assert SessionSignup.objects.get(pk=second.pk).status == SignupStatus.WAITLISTED
    assert SessionSignup.objects.get(pk=first.pk).status == SignupStatus.CANCELLED
    assert seats_left(session) == 0
    # Cancelling a waiting-list place frees no seat and promotes nobody.
    assert cancel(second) is None
