"""Offline session sign-ups: seats up to capacity, then a first-come waiting list."""

from datetime import UTC, timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from courses.models import CoursePage, OfflineSession
from lms.errors import CheckInRefused, SessionNotAvailable
from lms.learning.enrollment import enrol
from lms.models.learning import SessionSignup, SignupStatus
from lms.people.models import CadreProfile

ACTIVE = (SignupStatus.ENROLLED, SignupStatus.WAITLISTED, SignupStatus.ATTENDED)
SEATED = (SignupStatus.ENROLLED, SignupStatus.ATTENDED)


def open_session(session_id: int) -> OfflineSession:
    session = (
        OfflineSession.objects.select_related("page")
        .filter(pk=session_id, starts_at__gt=timezone.now(), page__live=True)
        .first()
    )
    if session is None:
        raise SessionNotAvailable()
    return session


@transaction.atomic
def sign_up(cadre: CadreProfile, session: OfflineSession) -> SessionSignup:
    """Take a seat if one is free, else join the waiting list. Idempotent per cadre."""
    # Lock the session row: concurrent sign-ups are counted one after another.
    session = OfflineSession.objects.select_for_update().get(pk=session.pk)
    signup = SessionSignup.objects.filter(session=session, cadre=cadre).first()
    if signup is not None and signup.status in ACTIVE:
        return signup
    seats_taken = SessionSignup.objects.filter(session=session, status__in=SEATED).count()
    status = SignupStatus.ENROLLED if seats_taken < session.capacity else SignupStatus.WAITLISTED
    if signup is None:
        signup = SessionSignup.objects.create(session=session, cadre=cadre, status=status)
    else:
        # Coming back after cancelling joins the back of the queue.
        signup.status, signup.created_at = status, timezone.now()
        signup.save(update_fields=["status", "created_at", "updated_at"])
    enrol(cadre, CoursePage.objects.get(pk=session.page_id))
    return signup


@transaction.atomic
def cancel(signup: SessionSignup) -> SessionSignup | None:
    """Cancel a sign-up; a freed seat goes to the first on the waiting list (returned)."""
    OfflineSession.objects.select_for_update().get(pk=signup.session_id)
    signup = SessionSignup.objects.get(pk=signup.pk)
    freed_seat = signup.status == SignupStatus.ENROLLED
    if signup.status in (SignupStatus.ENROLLED, SignupStatus.WAITLISTED):
        signup.status = SignupStatus.CANCELLED
        signup.save(update_fields=["status", "updated_at"])
    if not freed_seat:
        return None
    promoted = (
        SessionSignup.objects.filter(session_id=signup.session_id, status=SignupStatus.WAITLISTED)
        .order_by("created_at", "pk")
        .first()
    )
    if promoted is not None:
        promoted.status = SignupStatus.ENROLLED
        promoted.save(update_fields=["status", "updated_at"])
    return promoted


def seats_left(session: OfflineSession) -> int:
    return seats_left_in([session])[session.pk]


def seats_left_in(sessions) -> dict[int, int]:
    """The seats left in each session (its capacity less the seated), from one query for
    them all (a course page's list)."""
    taken = dict(
        SessionSignup.objects.filter(session__in=sessions, status__in=SEATED)
        .order_by()
        .values_list("session_id")
        .annotate(n=Count("pk"))
        .values_list("session_id", "n")
    )
    return {session.pk: max(0, session.capacity - taken.get(session.pk, 0)) for session in sessions}


def waitlist_position(signup: SessionSignup) -> int:
    """1-based place in the queue, in the order cancel() promotes people."""
    ahead = SessionSignup.objects.filter(
        session_id=signup.session_id, status=SignupStatus.WAITLISTED
    ).filter(
        Q(created_at__lt=signup.created_at) | Q(created_at=signup.created_at, pk__lt=signup.pk)
    )
    return ahead.count() + 1


@transaction.atomic
def record_attendance(signup: SessionSignup) -> SessionSignup:
    """Mark a seated cadre as attended and award the course's hours once (offline source)."""
    from lms.learning.credits import award
    from lms.models.learning import CreditSource

    signup = (
        SessionSignup.objects.select_for_update().select_related("session__page").get(pk=signup.pk)
    )
    if signup.status not in (SignupStatus.ENROLLED, SignupStatus.ATTENDED):
        raise SessionNotAvailable()
    if signup.status != SignupStatus.ATTENDED:
        signup.status = SignupStatus.ATTENDED
        signup.save(update_fields=["status", "updated_at"])
    course = signup.session.page
    award(
        signup.cadre,
        course,
        course.credit_hours,
        CreditSource.OFFLINE,
        timezone.localdate(signup.session.starts_at),
    )
    return signup


# Check-in at the venue -------------------------------------------------------------------

CHECK_IN_OPENS = timedelta(minutes=30)  # before the session starts
CHECK_IN_TRIES = 5  # wrong codes per cadre and session before check-in is closed to them


def check_in_code(session: OfflineSession) -> str:
    """Six digits the instructor shows at the venue. Derived from SECRET_KEY and the
    session (no table holds it, every server agrees on it); a moved session gets a new one."""
    digest = salted_hmac("lms.check-in", f"{session.pk}:{session.starts_at.isoformat()}")
    return f"{int(digest.hexdigest()[:12], 16) % 1_000_000:06d}"


def check_in_open(session: OfflineSession, now=None) -> bool:
    now = now or timezone.now()
    return session.starts_at - CHECK_IN_OPENS <= now <= session.ends_at


def check_in(cadre: CadreProfile, session: OfflineSession, code: str) -> SessionSignup:
    """A seated cadre checks in with the session's code: attended, hours awarded once.
    Refused (CheckInRefused, nothing changed) outside the session's time, without a seat,
    with a wrong code, and after CHECK_IN_TRIES wrong codes."""
    if not check_in_open(session):
        raise CheckInRefused(
            _("Check-in opens 30 minutes before the session starts and closes when it ends.")
        )
    signup = SessionSignup.objects.filter(session=session, cadre=cadre, status__in=SEATED).first()
    if signup is None:
        raise CheckInRefused(_("You have no seat in this session, so you cannot check in."))
    tries_key = f"lms:check-in-tries:{session.pk}:{cadre.pk}"
    if cache.get(tries_key, 0) >= CHECK_IN_TRIES:
        raise CheckInRefused(
            _("Too many wrong codes: please ask the instructor to mark your attendance.")
        )
    if not constant_time_compare((code or "").strip(), check_in_code(session)):
        cache.set(tries_key, cache.get(tries_key, 0) + 1, timeout=24 * 60 * 60)
        raise CheckInRefused(_("That is not this session's code. Check it and try again."))
    return record_attendance(signup)


def session_calendar(session: OfflineSession, host: str) -> str:
    """The session as an iCalendar event (RFC 5545), for the cadre's own calendar."""

    def stamp(moment):
        return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

    def text(value: str) -> str:
        return (
            value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
        )

    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Xinyu//Offline sessions//ZH",
        "CALSCALE:GREGORIAN",
        "BEGIN:VEVENT",
        f"UID:session-{session.pk}@{host}",
        f"DTSTAMP:{stamp(timezone.now())}",
        f"DTSTART:{stamp(session.starts_at)}",
        f"DTEND:{stamp(session.ends_at)}",
        f"SUMMARY:{text(session.page.title)}",
        f"LOCATION:{text(session.place)}",
        *([f"DESCRIPTION:{text(session.note)}"] if session.note else []),
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(lines) + "\r\n"
