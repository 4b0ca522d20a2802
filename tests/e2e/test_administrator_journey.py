"""The department administrator in Chromium: after signing in they land in the admin, open
学习分析 and see its Plotly charts drawn (SVG bars in the page), at desktop and phone
widths; the instructor opens a course report. On the demo data (seed_demo, small)."""

import io
from datetime import timedelta

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


ROSTER = (
    "工号,姓名,性别,出生年份,部门,职级,岗位类别,职务,任现职时间,电子邮箱\n"
    "E2E0001,欧阳晓,女,1984,东城区,一级主任科员,综合管理类,科长,2021-03-01,\n"
    "E2E0002,司马青,男,1979,东城区,四级调研员,综合管理类,副科长,2019-07-01,\n"
)


def test_the_department_administrator_imports_a_roster_and_launches_a_campaign(
    page, live_server, demo, steps, tmp_path
):
    from django.utils import timezone

    from courses.models import CoursePage
    from lms.models import Audience, CadreProfile, Campaign, CampaignStatus, Department

    shots = steps(page, "roster-and-campaign")
    log_in(page, live_server.url, "deptadmin", PASSWORD)
    page.goto(f"{live_server.url}/admin/roster/import/")
    roster = tmp_path / "东城区名册.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    page.set_input_files("main input[type=file]", str(roster))
    shots.shot("upload")
    page.click("main form button[type=submit]")
    page.wait_for_selector("button[name=action][value=all]")
    shots.shot("preview")
    page.click("button[name=action][value=all]")
    page.wait_for_load_state()
    shots.shot("imported")
    imported = CadreProfile.objects.filter(employee_id__in=["E2E0001", "E2E0002"])
    assert sorted(imported.values_list("name", flat=True)) == ["司马青", "欧阳晓"]

    # The campaign, written in its form: a course ticked, the district's audience chosen,
    # a due date typed; saved as a draft, then launched from its launch page.
    district = Department.objects.get(code="district_a")
    audience = Audience.objects.filter(owner_department=district).first()
    course = CoursePage.objects.get(slug="mental-health-first-lesson")
    due = timezone.localdate() + timedelta(days=30)
    page.goto(f"{live_server.url}/admin/campaigns/new/")
    page.fill("#id_name", "东城区全员心理健康第一课")
    page.check(f"main input[name=courses][value='{course.pk}']")
    page.select_option("#id_audience", value=str(audience.pk))
    page.fill("#id_due_date", due.isoformat())
    page.keyboard.press("Escape")  # the date picker, if it opened over the buttons
    shots.shot("campaign-form")
    page.click("main form button[type=submit]:not([name])")
    page.wait_for_load_state()
    shots.shot("campaign-saved")
    draft = Campaign.objects.get(name="东城区全员心理健康第一课")
    assert draft.status == CampaignStatus.DRAFT and draft.owner_department == district
    assert list(draft.courses.all()) == [course] and draft.audience == audience
    assert draft.due_date == due
    page.goto(f"{live_server.url}/admin/campaigns/launch/{draft.pk}/")
    shots.shot("launch")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    shots.shot("launched")
    draft.refresh_from_db()
    assert draft.status != CampaignStatus.DRAFT
    assert draft.assignments.exists()
