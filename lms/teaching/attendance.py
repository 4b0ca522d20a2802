"""Attendance at a course's offline sessions: the sheet an instructor ticks, and the hours
it awards (once per cadre and course, lms.learning.signups.record_attendance)."""

from dataclasses import dataclass
from urllib.parse import urlencode

import segno
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from courses.models import CoursePage, OfflineSession
from lms.learning.signups import check_in_code, record_attendance
from lms.models.learning import SessionSignup, SignupStatus

from .report import teaches

SHOWN = (SignupStatus.ENROLLED, SignupStatus.ATTENDED, SignupStatus.WAITLISTED)


def may_mark(user, course: CoursePage) -> bool:
    """The course's instructors and system administrators keep its attendance."""
    return user.is_authenticated and (user.is_superuser or teaches(user, course))


def session_for(user, course_id: int, session_id: int) -> OfflineSession:
    """The session, if this user keeps its course's attendance; 404 otherwise."""
    session = (
        OfflineSession.objects.select_related("page")
        .filter(pk=session_id, page_id=course_id)
        .first()
    )
    if session is None or not may_mark(user, session.page):
        raise Http404
    return session


def sheet(session: OfflineSession) -> list[SessionSignup]:
    """Seated and attended cadres (by department and name), then the waiting list."""
    signups = (
        SessionSignup.objects.filter(session=session, status__in=SHOWN)
        .select_related("cadre", "cadre__department")
        .order_by("cadre__department__path", "cadre__name", "pk")
    )
    seated = [s for s in signups if s.status != SignupStatus.WAITLISTED]
    waiting = sorted(
        (s for s in signups if s.status == SignupStatus.WAITLISTED),
        key=lambda s: (s.created_at, s.pk),
    )
    return seated + waiting


@dataclass
class Marked:
    newly: int  # cadres marked attended now (hours awarded)
    already: int  # cadres who were already marked


class AttendanceError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def mark_attended(session: OfflineSession, signup_ids) -> Marked:
    """Mark these signups attended, all or none: every id must be a seat in this session
    (not the waiting list, not cancelled, not another session's), else nothing changes."""
    try:
        wanted = {int(value) for value in signup_ids}
    except (TypeError, ValueError):
        raise AttendanceError([_("The attendance sheet was not understood; reload it.")]) from None
    if not wanted:
        raise AttendanceError([_("Tick at least one cadre who attended.")])
    found = {
        signup.pk: signup
        for signup in SessionSignup.objects.filter(pk__in=wanted).select_related("cadre")
    }
    problems = []
    for pk in sorted(wanted):
        signup = found.get(pk)
        if signup is None or signup.session_id != session.pk:
            problems.append(_("A ticked cadre is not signed up for this session."))
        elif signup.status == SignupStatus.WAITLISTED:
            problems.append(
                _("%(name)s is on the waiting list, without a seat: give them a seat first.")
                % {"name": signup.cadre.name}
            )
        elif signup.status == SignupStatus.CANCELLED:
            problems.append(_("%(name)s cancelled their seat.") % {"name": signup.cadre.name})
    if problems:
        raise AttendanceError(sorted(set(problems)))
    newly = already = 0
    with transaction.atomic():
        for pk in sorted(wanted):
            if found[pk].status == SignupStatus.ATTENDED:
                already += 1
            else:
                newly += 1
            record_attendance(found[pk])
    return Marked(newly=newly, already=already)


def check_in_link(request, session: OfflineSession) -> str:
    """The address a cadre's phone opens from the venue's QR code: the check-in page with
    the session's code filled in (the cadre still confirms; opening it changes nothing)."""
    path = reverse("lms:check_in", args=[session.pk])
    return request.build_absolute_uri(f"{path}?{urlencode({'code': check_in_code(session)})}")


def qr_svg(text: str) -> str:
    """`text` as a QR code, an inline SVG drawn by segno (no image file, no script)."""
    # segno's own markup: the text is encoded as modules, not embedded; the title is escaped.
    return mark_safe(  # noqa: S308  # nosec B308 B703
        segno.make(text, error="m").svg_inline(
            scale=5, border=2, light="#fff", title=_("Check-in QR code")
        )
    )
