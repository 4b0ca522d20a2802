"""A cadre's journey in Chromium, at desktop and phone widths: log in, find a course,
enrol, read the lesson, pass its quiz, and leave with the credit hours and a certificate;
axe-core finds no serious or critical accessibility violation on the pages on the way."""

from decimal import Decimal

import pytest

from lms.models import Certificate, Enrollment, EnrollmentStatus
from tests.factories import make_cadre, make_course, make_lesson
from tests.lms.learning.test_web_learning import QUIZ

from .conftest import WIDTHS, log_in, serious

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_cadre_finds_learns_passes_and_gets_a_certificate(
    page, live_server, curriculum, steps, width
):
    page.set_viewport_size(WIDTHS[width])
    shots = steps(page, f"cadre-{width}")
    course = make_course(
        curriculum, title="睡眠与压力：给忙碌干部的调适课", credit_hours=Decimal("2")
    )
    make_lesson(
        course,
        title="认识压力",
        body=[("paragraph", "<p>压力是身体对挑战的正常反应。</p>"), ("quiz", QUIZ)],
    )
    cadre = make_cadre(name="李四")
    problems = {}

    log_in(page, live_server.url, cadre.user.username, "pw-cadre-123")
    page.goto(f"{live_server.url}/search/?q=睡眠")
    shots.shot("search")
    problems["search"] = serious(page)
    page.click(f"a[href='{course.url}']")
    page.wait_for_load_state()
    shots.shot("course")
    problems["course"] = serious(page)

    page.click("form[action$='/enrol/'] button[type=submit]")
    page.wait_for_load_state()
    page.click("a.button[href*='/lesson-']")
    page.wait_for_load_state()
    shots.shot("lesson")
    problems["lesson"] = serious(page)

    page.check("input[name=q1][value='0']")  # QUIZ: the right answers are 0, then 0 and 1
    page.check("input[name=q2][value='0']")
    page.check("input[name=q2][value='1']")
    page.click(".quiz-form button[type=submit]")
    page.wait_for_load_state()
    shots.shot("quiz-passed")
    assert "100%" in page.content()

    enrollment = Enrollment.objects.get(cadre=cadre, course=course)
    assert enrollment.status == EnrollmentStatus.COMPLETED
    page.goto(f"{live_server.url}{course.url}")
    page.click("a[href*='/my/certificates/']")
    page.wait_for_load_state()
    shots.shot("certificate")
    assert Certificate.objects.get(enrollment=enrollment).code in page.content()

    page.goto(f"{live_server.url}/my/")
    shots.shot("my-learning")
    problems["my"] = serious(page)
    assert "睡眠与压力" in page.content()

    assert not any(problems.values()), problems
