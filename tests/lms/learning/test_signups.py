"""Offline sessions: seats up to capacity, then a first-come waiting list."""

from datetime import timedelta

import pytest
from django.utils import timezone

from courses.models import OfflineSession
from lms.errors import SessionNotAvailable
from lms.learning.signups import cancel, open_session, seats_left, seats_left_in, sign_up
from lms.models import Enrollment, SessionSignup, SignupStatus
from tests.factories import make_cadre, make_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(curriculum):
    course = make_course(curriculum, delivery_mode="offline")
    start = timezone.now() + timedelta(days=5)
    return OfflineSession.objects.create(
        page=course, starts_at=start, ends_at=start + timedelta(hours=2), place="党校", capacity=2
    )


def test_seats_fill_then_the_waiting_list_grows(session):
    cadres = [make_cadre() for _ in range(4)]
    statuses = [sign_up(c, session).status for c in cadres]
    assert statuses == ["enrolled", "enrolled", "waitlisted", "waitlisted"]
    assert seats_left(session) == 0
    # Signing up for a session enrols the cadre in its course.
    assert Enrollment.objects.filter(course_id=session.page_id).count() == 4


def test_the_seats_of_a_course_s_sessions_are_counted_together(session):
    """What the course page lists, from one query for all its sessions: each session's
    capacity less its seated cadres, not the waiting or the cancelled."""
    other, empty = (
        OfflineSession.objects.create(
            page=session.page,
            starts_at=session.starts_at + timedelta(days=days),
            ends_at=session.ends_at + timedelta(days=days),
            place="党校",
            capacity=capacity,
        )
        for days, capacity in ((7, 3), (14, 4))
    )
    signups = [sign_up(make_cadre(), session) for _ in range(3)]  # two seated, one waiting
    cancel(sign_up(make_cadre(), other))
    sign_up(make_cadre(), other)
    assert signups[2].status == SignupStatus.WAITLISTED
    sessions = [session, other, empty]
    assert seats_left_in(sessions) == {session.pk: 0, other.pk: 2, empty.pk: 4}


def test_signing_up_twice_changes_nothing(session):
    cadre = make_cadre()
    first = sign_up(cadre, session)
    second = sign_up(cadre, session)
    assert first.pk == second.pk
    assert SessionSignup.objects.count() == 1


def test_a_cancellation_promotes_the_first_waitlisted(session):
    a, b, c, d = (make_cadre() for _ in range(4))
    seat = sign_up(a, session)
    sign_up(b, session)
    sign_up(c, session)
    sign_up(d, session)

    promoted = cancel(seat)

    assert promoted.cadre == c
    statuses = dict(SessionSignup.objects.values_list("cadre_id", "status"))
    assert statuses == {
        a.pk: SignupStatus.CANCELLED,
        b.pk: SignupStatus.ENROLLED,
        c.pk: SignupStatus.ENROLLED,
        d.pk: SignupStatus.WAITLISTED,
    }


def test_leaving_the_waiting_list_promotes_nobody(session):
    cadres = [make_cadre() for _ in range(3)]
    signups = [sign_up(c, session) for c in cadres]
    assert cancel(signups[2]) is None
    assert seats_left(session) == 0


def test_past_sessions_are_closed(session):
    session.starts_at = timezone.now() - timedelta(days=1)
    session.ends_at = session.starts_at + timedelta(hours=1)
    session.save()
    with pytest.raises(SessionNotAvailable):
        open_session(session.pk)


def test_attendance_awards_offline_hours_once(session):
    from decimal import Decimal

    from lms.learning.signups import record_attendance
    from lms.models import CreditRecord

    seated, waiting = make_cadre(), make_cadre()
    signup = sign_up(seated, session)
    record_attendance(signup)
    record_attendance(signup)
    record = CreditRecord.objects.get(cadre=seated)
    assert (record.source, record.hours) == ("offline", Decimal("2.0"))
    assert SessionSignup.objects.get(pk=signup.pk).status == SignupStatus.ATTENDED
    sign_up(make_cadre(), session)
    queued = sign_up(waiting, session)
    with pytest.raises(SessionNotAvailable):
        record_attendance(queued)  # only seated cadres can have attended
