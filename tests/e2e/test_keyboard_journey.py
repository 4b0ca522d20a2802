"""The cadre's journey by keyboard alone, in Chromium: Tab to each control and press
Enter or Space, from signing in to passing the quiz. A control that cannot be reached with
Tab, or that does nothing on Enter or Space, fails the test."""

from decimal import Decimal

import pytest

from lms.models import Enrollment, EnrollmentStatus
from tests.factories import make_cadre, make_course, make_lesson
from tests.lms.learning.test_web_learning import QUIZ

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
MOST_TABS = 80


def tab_to(page, selector: str):
    """Press Tab until the focused element matches `selector`."""
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        if page.evaluate(
            "(s) => document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
    raise AssertionError(f"{selector} cannot be reached with Tab")


def press_and_follow(page, key: str):
    with page.expect_navigation():
        page.keyboard.press(key)


def test_a_cadre_completes_the_journey_with_the_keyboard_alone(
    page, live_server, curriculum, steps
):
    shots = steps(page, "keyboard")
    course = make_course(curriculum, title="键盘也能学完的课程", credit_hours=Decimal("1"))
    make_lesson(course, title="认识压力", body=[("quiz", QUIZ)])
    cadre = make_cadre(name="郑五")

    page.goto(f"{live_server.url}/accounts/login/")
    tab_to(page, "input[name=username]")
    page.keyboard.type(cadre.user.username)
    tab_to(page, "input[name=password]")
    page.keyboard.type("pw-cadre-123")
    press_and_follow(page, "Enter")
    assert "/my/" in page.url

    page.goto(f"{live_server.url}/")
    tab_to(page, f"a[href='{course.url}']")
    press_and_follow(page, "Enter")
    tab_to(page, "form[action$='/enrol/'] button")
    press_and_follow(page, "Enter")
    tab_to(page, "a.button[href*='/lesson-']")
    press_and_follow(page, "Enter")
    # QUIZ's right answers: the first option of q1 (a radio group: Tab enters it on its
    # first option), then the first two boxes of q2.
    tab_to(page, "input[name=q1]")
    page.keyboard.press("Space")
    assert page.is_checked("input[name=q1][value='0']")
    for value in ("0", "1"):
        tab_to(page, f"input[name=q2][value='{value}']")
        page.keyboard.press("Space")
        assert page.is_checked(f"input[name=q2][value='{value}']")
    tab_to(page, ".quiz-form button[type=submit]")
    press_and_follow(page, "Enter")
    shots.shot("passed")

    enrollment = Enrollment.objects.get(cadre=cadre, course=course)
    assert enrollment.status == EnrollmentStatus.COMPLETED
