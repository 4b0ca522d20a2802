"""The department administrator in Chromium: after signing in they land in the admin, open
学习分析 and see its Plotly charts drawn (SVG bars in the page), at desktop and phone
widths; the instructor opens a course report. On the demo data (seed_demo, small)."""

import io

import pytest
from django.core.management import call_command

from .conftest import WIDTHS, log_in, serious

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PASSWORD = "pw-e2e-demo-1"


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", cadres=600, password=PASSWORD, stdout=io.StringIO())


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_department_administrator_sees_the_charts_drawn(page, live_server, demo, steps, width):
    page.set_viewport_size(WIDTHS[width])
    shots = steps(page, f"administrator-{width}")
    log_in(page, live_server.url, "deptadmin", PASSWORD)
    assert "/admin/" in page.url  # the role landing
    shots.shot("admin-home")

    page.goto(f"{live_server.url}/admin/analytics/")
    shots.shot("analytics-loaded")
    page.wait_for_selector(".js-plotly-plot svg .bars path", timeout=15_000)
    shots.shot("analytics")
    bars = page.locator(".js-plotly-plot svg .bars path").count()
    assert bars > 0
    assert "Plotly" not in page.locator("main").inner_text()[:200]  # drawn, not an error


def test_the_instructor_opens_their_course_report(page, live_server, demo, steps):
    shots = steps(page, "instructor-desktop")
    log_in(page, live_server.url, "instructor", PASSWORD)
    page.goto(f"{live_server.url}/admin/courses/reports/")
    shots.shot("reports")
    page.click("main table a[href*='/report/']")
    page.wait_for_load_state()
    shots.shot("report")
    assert page.locator("main table tbody tr").count() > 0


def test_no_serious_accessibility_violation_on_the_catalogue_counsellor_and_analytics_pages(
    page, live_server, demo, steps
):
    shots = steps(page, "accessibility")
    problems = {}
    page.goto(f"{live_server.url}/")
    shots.shot("catalogue")
    problems["catalogue"] = serious(page)

    log_in(page, live_server.url, "counsellor", PASSWORD)
    assert page.url.endswith("/counsellor/")
    shots.shot("counsellor")
    problems["counsellor"] = serious(page)

    page.context.clear_cookies()
    log_in(page, live_server.url, "deptadmin", PASSWORD)
    page.goto(f"{live_server.url}/admin/analytics/")
    page.wait_for_selector(".js-plotly-plot svg .bars path", timeout=15_000)
    problems["analytics"] = serious(page, within="main")
    assert not any(problems.values()), problems
