"""An instructor takes attendance in Chromium: opens the session's sheet from the admin,
ticks who came, saves, and the ticked cadres have their offline hours; the QR code for
check-in is on the sheet."""

import pytest
from django.contrib.auth import get_user_model

from courses.models import Instructor
from lms.learning.signups import sign_up
from lms.models import CreditRecord, SessionSignup, SignupStatus
from lms.people.accounts import assign_instructor
from tests.factories import make_cadre
from tests.lms.learning.test_signup_concurrency import make_session

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_instructor_ticks_who_came_and_the_hours_are_awarded(
    page, live_server, curriculum, steps
):
    shots = steps(page, "attendance")
    session = make_session(curriculum, capacity=2)
    came, absent = (sign_up(make_cadre(name=name), session) for name in ("赵一", "钱二"))
    teacher = get_user_model().objects.create_user("teacher", password="x-Pass-1")
    assign_instructor(teacher, [curriculum])
    Instructor.objects.create(name="陈老师", user=teacher).courses.add(session.page)

    log_in(page, live_server.url, "teacher", "x-Pass-1")
    assert "/admin/" in page.url
    page.goto(
        f"{live_server.url}/admin/courses/{session.page_id}/sessions/{session.pk}/attendance/"
    )
    assert page.locator("svg.segno").count() == 1
    shots.shot("sheet")
    page.check(f"#attended-{came.pk}")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    shots.shot("saved")

    assert SessionSignup.objects.get(pk=came.pk).status == SignupStatus.ATTENDED
    assert SessionSignup.objects.get(pk=absent.pk).status == SignupStatus.ENROLLED
    assert CreditRecord.objects.filter(cadre=came.cadre, source="offline").count() == 1
    assert page.locator(f"#attended-{came.pk}").is_checked()
