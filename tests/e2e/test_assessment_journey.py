"""A cadre's self-assessment in Chromium: they read the notice and consent, answer the
SCL-90 (1 = not at all … 5 = extremely), and see recommendations that say why; a cadre
whose answers reach the crisis rung is taken to the help page and finds the help panel on
我的学习. axe-core checks the notice, the questionnaire, the result, the help page and
我的学习."""

import pytest

from courses.demo import seed_catalogue
from lms.models import Assessment, AssessmentConsent
from tests.factories import make_cadre

from .conftest import log_in, serious

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
ANXIETY_ITEMS = (2, 17, 23, 33, 39, 57, 72, 78, 80, 86)  # docs/domain.md §4
SUICIDAL_THOUGHTS = 15


def consent_and_answer(page, base_url, shots, answers: dict[int, int], problems: dict):
    page.goto(f"{base_url}/assessment/scl90/")  # without consent: the notice first
    page.wait_for_selector("#id_agree")
    shots.shot("notice")
    problems["notice"] = serious(page)
    page.check("#id_agree")
    page.check("#id_share")
    page.click(".consent-form button[type=submit]")
    page.wait_for_selector(".assessment-form")
    shots.shot("questionnaire")
    problems["questionnaire"] = serious(page)
    for number in range(1, 91):
        page.check(f"input[name='item-{number}'][value='{answers.get(number, 1)}']")
    page.click(".assessment-form button[type=submit]")
    page.wait_for_load_state()


@pytest.fixture
def catalogue(transactional_db):
    seed_catalogue()


def test_a_cadre_consents_answers_and_sees_why_courses_are_recommended(
    page, live_server, catalogue, steps
):
    shots = steps(page, "assessment")
    cadre = make_cadre(name="周敏")
    problems = {}
    log_in(page, live_server.url, cadre.user.username, "pw-cadre-123")

    consent_and_answer(page, live_server.url, shots, dict.fromkeys(ANXIETY_ITEMS, 4), problems)
    assert "/assessment/results/" in page.url
    shots.shot("result")
    problems["result"] = serious(page)
    assert AssessmentConsent.objects.filter(cadre=cadre).exists()
    assert Assessment.objects.filter(cadre=cadre).count() == 1

    page.goto(f"{live_server.url}/my/")
    reasons = page.locator(".recommendation-reason").all_inner_texts()
    shots.shot("my-learning")
    problems["my"] = serious(page)
    assert reasons and all(reason.strip() for reason in reasons)
    assert not any(problems.values()), problems


def test_a_crisis_answer_leads_to_help_and_the_help_panel(page, live_server, catalogue, steps):
    shots = steps(page, "crisis")
    cadre = make_cadre(name="吴刚")
    problems = {}
    log_in(page, live_server.url, cadre.user.username, "pw-cadre-123")

    consent_and_answer(page, live_server.url, shots, {SUICIDAL_THOUGHTS: 2}, problems)
    assert page.url.endswith("/assessment/help/")
    shots.shot("help")
    problems["help"] = serious(page)
    assert page.locator("a[href='tel:12356']").count() > 0

    page.goto(f"{live_server.url}/my/")
    shots.shot("my-learning")
    assert page.locator("section.care-first").count() == 1
    assert page.locator("section.care-first a[href='tel:12356']").count() > 0
    assert not any(problems.values()), problems
