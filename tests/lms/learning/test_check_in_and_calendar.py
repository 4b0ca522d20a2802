"""At the venue: a seated cadre checks in with the session's six-digit code (attended,
hours once); a wrong or out-of-time code, or no seat, is refused in Chinese with nothing
changed. A seat can be added to one's calendar as an .ics file."""

import re
from datetime import UTC, timedelta
from decimal import Decimal

import pytest
import segno
from django.utils import timezone

from courses.models import OfflineSession
from lms.learning.signups import CHECK_IN_TRIES, check_in_code
from lms.models import CreditRecord, SessionSignup, SignupStatus
from tests.factories import make_cadre, make_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(curriculum):
    course = make_course(curriculum, delivery_mode="offline", credit_hours=Decimal("2"))
    start = timezone.now() + timedelta(minutes=10)  # check-in is open
    return OfflineSession.objects.create(
        page=course,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="市委党校 3 号楼, 305",
        capacity=1,
    )


@pytest.fixture
def seated(session, client):
    cadre = make_cadre(name="王五")
    SessionSignup.objects.create(session=session, cadre=cadre, status=SignupStatus.ENROLLED)
    client.force_login(cadre.user)
    return cadre


def url(session, what="check-in/"):
    return f"/my/sessions/{session.pk}/{what}"


def test_the_right_code_checks_in_once(client, session, seated):
    code = check_in_code(session)
    assert len(code) == 6 and code.isdigit()
    response = client.post(url(session), {"code": code})
    assert response.status_code == 302
    assert SessionSignup.objects.get(cadre=seated).status == SignupStatus.ATTENDED
    client.post(url(session), {"code": code})
    assert CreditRecord.objects.filter(cadre=seated, source="offline").count() == 1
    assert "✓ 已出席" in client.get(session.page.url).content.decode()


def test_a_wrong_code_is_refused_and_tries_are_limited(client, session, seated):
    code = check_in_code(session)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    response = client.post(url(session), {"code": wrong})
    assert response.status_code == 400
    assert "签到码不正确" in response.content.decode()
    for _ in range(CHECK_IN_TRIES - 1):
        client.post(url(session), {"code": wrong})
    response = client.post(url(session), {"code": code})  # right, but too late
    assert "错误次数过多" in response.content.decode()
    assert SessionSignup.objects.get(cadre=seated).status == SignupStatus.ENROLLED


def test_check_in_is_refused_outside_the_session(client, session, seated):
    session.starts_at = timezone.now() + timedelta(days=1)
    session.ends_at = session.starts_at + timedelta(hours=1)
    session.save()
    response = client.post(url(session), {"code": check_in_code(session)})
    assert response.status_code == 400
    assert "开始前 30 分钟" in response.content.decode()
    assert not CreditRecord.objects.exists()


def test_no_seat_no_check_in_and_no_calendar(client, session):
    waiting = make_cadre()
    SessionSignup.objects.create(session=session, cadre=waiting, status=SignupStatus.WAITLISTED)
    client.force_login(waiting.user)
    assert client.post(url(session), {"code": check_in_code(session)}).status_code == 404
    assert client.get(url(session, "calendar.ics")).status_code == 404


def test_a_seat_goes_into_the_calendar(client, session, seated):
    response = client.get(url(session, "calendar.ics"))
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    start = session.starts_at.astimezone(UTC)
    assert f"DTSTART:{start:%Y%m%dT%H%M%SZ}" in body
    assert "LOCATION:市委党校 3 号楼\\, 305" in body  # commas escaped (RFC 5545)
    assert f"SUMMARY:{session.page.title}" in body


def test_the_instructor_sees_the_code_on_the_attendance_sheet(client, session, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="x-Pass-1")
    client.force_login(admin)
    body = client.get(
        f"/admin/courses/{session.page_id}/sessions/{session.pk}/attendance/"
    ).content.decode()
    assert check_in_code(session) in body


def qr_path(svg: str) -> str:
    """The dark modules of the page's QR code, as segno draws them."""
    dark = re.search(r'<svg[^>]*class="segno".*?class="qrline"[^>]*\bd="([^"]+)"', svg, re.S)
    return dark.group(1)


def test_the_sheet_and_the_printed_sheet_carry_a_qr_code_of_the_check_in_link(
    client, session, django_user_model
):
    admin = django_user_model.objects.create_superuser("root", password="x-Pass-1")
    client.force_login(admin)
    sheet = f"/admin/courses/{session.page_id}/sessions/{session.pk}/attendance/"
    link = f"http://testserver{url(session)}?code={check_in_code(session)}"
    expected = qr_path(segno.make(link, error="m").svg_inline(border=2))
    for page in (sheet, sheet + "?print=1"):
        body = client.get(page).content.decode()
        assert qr_path(body) == expected, page  # the QR code encodes exactly that link


def test_the_qr_link_opens_check_in_with_the_code_filled_in(client, session, seated):
    code = check_in_code(session)
    page = client.get(url(session), {"code": code}).content.decode()
    assert f'value="{code}"' in page
    assert SessionSignup.objects.get(cadre=seated).status == SignupStatus.ENROLLED  # unchanged
    client.post(url(session), {"code": code})
    assert SessionSignup.objects.get(cadre=seated).status == SignupStatus.ATTENDED


def test_a_code_in_the_link_that_is_not_six_digits_is_not_filled_in(client, session, seated):
    page = client.get(url(session), {"code": '"><script>1</script>'}).content.decode()
    assert 'value=""' in page and "<script>1" not in page
