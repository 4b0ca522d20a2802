"""学习分析 on a small hand-built population, checked number by number, then who may see
it, what the page and the downloads carry, and how bad filters are answered."""

import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from courses.models import Instructor
from lms.analytics import queries, summaries
from lms.analytics.dimensions import Filters
from lms.learning.enrollment import enrol
from lms.learning.feedback import leave_feedback
from lms.learning.progress import complete_lesson
from lms.models.analytics import AnalyticsExport
from lms.models.learning import CreditRecord, CreditSource, Enrollment, QuizAttempt
from lms.people.accounts import instructors_group, make_department_admin
from lms.people.roles import counsellors_group
from tests.factories import make_cadre, make_course, make_department, make_lesson

pytestmark = pytest.mark.django_db
SMALL_K = override_settings(LMS_ANALYTICS_K=2, LMS_ANALYTICS_K_HEALTH=2)
YEAR = timezone.localdate().year
MARCH = timezone.make_aware(datetime(YEAR, 3, 10, 9))
APRIL = timezone.make_aware(datetime(YEAR, 4, 5, 9))
OVERDUE_SINCE = (
    date(YEAR, 1, 31) if timezone.localdate() > date(YEAR, 2, 1) else date(YEAR - 1, 12, 1)
)


@pytest.fixture
def world(home, curriculum, django_user_model):
    """Ten cadres in one course. Women (一级科员, unit 一科): 6 enrolled, 4 started, 2
    completed. Men (县处级副职, unit 二科): 4 enrolled, 2 started and completed, all four
    required and due in the past, so the two who have not finished are overdue."""
    parent = make_department(code="analytics_p", name="分析处")
    women_unit = make_department(code="analytics_a", name="一科", parent=parent)
    men_unit = make_department(code="analytics_b", name="二科", parent=parent)
    course = make_course(curriculum, title="压力管理基础")
    lessons = [make_lesson(course), make_lesson(course)]
    women = [make_cadre(gender="female", rank="clerk_1", department=women_unit) for _ in range(6)]
    men = [make_cadre(gender="male", rank="county_deputy", department=men_unit) for _ in range(4)]
    enrolments = {}
    for cadre in women:
        enrolments[cadre.pk] = enrol(cadre, course)[0]
    for cadre in men:
        enrolments[cadre.pk] = enrol(cadre, course, required=True, due_date=OVERDUE_SINCE)[0]
    Enrollment.objects.update(enrolled_at=MARCH)
    for cadre in [*women[:2], *men[:2]]:
        for lesson in lessons:
            complete_lesson(enrolments[cadre.pk], lesson)
    for cadre in women[2:4]:
        complete_lesson(enrolments[cadre.pk], lessons[0])
    Enrollment.objects.filter(completed_at__isnull=False).update(completed_at=APRIL)
    CreditRecord.objects.update(earned_on=APRIL.date())
    for cadre in women[:2]:
        CreditRecord.objects.create(
            cadre=cadre,
            title="外出培训",
            hours=Decimal("100"),
            earned_on=APRIL.date(),
            source=CreditSource.DECLARED,
        )
    for cadre, passed in ((women[0], True), (women[1], True), (men[2], False), (men[3], False)):
        QuizAttempt.objects.create(
            enrollment=enrolments[cadre.pk],
            lesson=lessons[0],
            quiz_id="q1",
            number=1,
            answers={},
            score=100 if passed else 20,
            passed=passed,
        )
    for cadre, stars in ((women[0], 4), (women[1], 5), (men[0], 3), (men[1], 3)):
        leave_feedback(enrolments[cadre.pk], stars, "")
    admin = django_user_model.objects.create_user("analytics-admin", password="pw-a-1")
    make_department_admin(admin, parent)
    return {
        "parent": parent,
        "women_unit": women_unit,
        "men_unit": men_unit,
        "course": course,
        "women": women,
        "men": men,
        "admin": admin,
        "curriculum": curriculum,
        "home": home,
    }


def dashboard_for(user, **filters):
    summaries.rebuild()
    scope = queries.scope_for(user)
    return queries.build_dashboard(scope, Filters(**filters), queries.labels_for(scope))


def values(table):
    return {row.label: row.values for row in table.rows}


def table(dashboard, key):
    return dashboard.tables()[key]


# The numbers, exactly -----------------------------------------------------------------------


@SMALL_K
def test_the_funnel_and_completion_rates_by_group(world):
    data = dashboard_for(world["admin"])
    assert not data.withheld
    assert data.funnel.values == {"enrolled": 10, "started": 6, "completed": 4}
    assert table(data, "funnel").rows[0].rate("completed", "enrolled") == 40.0
    by_gender = {row.label: row for row in table(data, "by_gender").rows}
    assert by_gender["女"].values == {"enrolled": 6, "started": 4, "completed": 2}
    assert by_gender["女"].rate("completed", "enrolled") == 33.3
    assert by_gender["男"].rate("completed", "enrolled") == 50.0
    assert values(table(data, "by_rank_level")) == {
        "县处级": {"enrolled": 4, "started": 2, "completed": 2},
        "科员级": {"enrolled": 6, "started": 4, "completed": 2},
    }
    assert values(table(data, "by_department")) == {
        "一科": {"enrolled": 6, "started": 4, "completed": 2},
        "二科": {"enrolled": 4, "started": 2, "completed": 2},
    }
    assert values(table(data, "by_track")) == {
        "工作压力调适": {"enrolled": 10, "started": 6, "completed": 4}
    }


@SMALL_K
def test_monthly_trends_hours_against_targets_overdue_quizzes_and_ratings(world):
    data = dashboard_for(world["admin"])
    trends = values(data.trends)
    assert trends[f"{YEAR}-03"] == {
        "enrolments": 10,
        "completions": 0,
        "earners": 0,
        "credit_hours": 0,
    }
    # Four completions earn the course's 2 hours each; two women declared 100 hours.
    assert trends[f"{YEAR}-04"] == {
        "enrolments": 0,
        "completions": 4,
        "earners": 6,
        "credit_hours": Decimal("208.00"),
    }
    credits = values(data.credits)
    assert credits["科员级"] == {
        "cadres": 6,
        "met_target": 2,
        "average_hours": Decimal("34.0"),
        "average_target": Decimal("90.0"),
    }
    assert credits["县处级"] == {
        "cadres": 4,
        "met_target": 0,
        "average_hours": Decimal("1.0"),
        "average_target": Decimal("110.0"),
    }
    assert values(table(data, "overdue_by_department")) == {"二科": {"required": 4, "overdue": 2}}
    assert values(table(data, "overdue_by_campaign")) == {
        "不经培训任务": {"required": 4, "overdue": 2}
    }
    quizzes = table(data, "quizzes").rows[0]
    assert quizzes.values == {"quiz_takers": 4, "quiz_passed": 2}
    assert quizzes.rate("quiz_passed", "quiz_takers") == 50.0
    assert values(data.ratings) == {"压力管理基础": {"rated": 4, "average": 3.75}}


@SMALL_K
def test_filters_narrow_every_table(world):
    data = dashboard_for(world["admin"], gender="female", year=YEAR)
    assert data.funnel.values == {"enrolled": 6, "started": 4, "completed": 2}
    assert list(values(table(data, "by_department"))) == ["一科"]
    assert values(data.credits) == {
        "科员级": {
            "cadres": 6,
            "met_target": 2,
            "average_hours": Decimal("34.0"),
            "average_target": Decimal("90.0"),
        }
    }
    empty = dashboard_for(world["admin"], year=YEAR - 3)
    assert empty.funnel is None and not empty.withheld


# Suppression on the real tables -----------------------------------------------------------


def test_at_the_default_threshold_this_small_view_is_withheld_and_exports_hidden(client, world):
    """Four completions are fewer than five people: nothing is shown, and a download
    carries the hidden marker, not the numbers."""
    client.force_login(world["admin"])
    page = client.get(reverse("lms_analytics:dashboard")).content.decode()
    assert "不予显示" in page or "不显示" in page
    response = client.get(reverse("lms_analytics:export", args=["by_gender", "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["组别", "已选课", "已开始", "已完成"]
    assert all("已隐藏" in row[1] for row in rows[1:]) and len(rows) == 3
    assert "6" not in {cell for row in rows[1:] for cell in row}


@SMALL_K
def test_a_hidden_unit_takes_the_next_smallest_with_it(world):
    """三科's one cadre is hidden, and with them the next smallest unit, so that 分析处's
    total minus the units shown does not give that one person away."""
    extra = make_department(code="analytics_c", name="三科", parent=world["parent"])
    enrol(make_cadre(gender="male", rank="clerk_1", department=extra), world["course"])
    data = dashboard_for(world["admin"])
    by_department = {row.label: row for row in table(data, "by_department").rows}
    assert by_department["三科"].hidden and by_department["二科"].hidden
    assert not by_department["一科"].hidden
    assert by_department["一科"].values == {"enrolled": 6, "started": 4, "completed": 2}


@SMALL_K
def test_a_view_one_person_away_from_a_wider_view_is_withheld(world):
    """二科 has one woman besides its four men: "二科, men" and "二科" differ by her alone,
    so the narrower view is not shown (the wider one is)."""
    enrol(
        make_cadre(gender="female", rank="clerk_1", department=world["men_unit"]), world["course"]
    )
    assert dashboard_for(world["admin"], department=world["men_unit"], gender="male").withheld
    assert not dashboard_for(world["admin"], department=world["men_unit"]).withheld
    assert not dashboard_for(world["admin"], gender="male").withheld


# Who sees what ------------------------------------------------------------------------------


def test_a_department_administrator_sees_only_their_subtree(client, world):
    outsider = make_cadre(gender="female", department=make_department(code="elsewhere"))
    enrol(outsider, world["course"])
    with SMALL_K:
        inside = dashboard_for(world["admin"])
        everything = dashboard_for(get_user_model().objects.create_superuser("root", password="x"))
    assert inside.funnel.values["enrolled"] == 10
    assert everything.funnel.values["enrolled"] == 11
    # A department outside the subtree, typed into the URL, is dropped with a notice.
    client.force_login(world["admin"])
    outside = make_department(code="far_away", name="外单位")
    response = client.get(reverse("lms_analytics:dashboard"), {"department": outside.pk})
    assert response.status_code == 200
    assert "已忽略" in response.content.decode()
    assert response.context["filters"].department is None


@SMALL_K
def test_an_instructor_sees_their_own_courses_and_learning_data_only(client, world):
    other = make_course(world["curriculum"], title="别人的课")
    for cadre in world["women"]:
        enrol(cadre, other)
    user = get_user_model().objects.create_user("analytics-teacher", password="pw-t-1")
    user.groups.add(instructors_group(world["home"]))
    teacher = Instructor.objects.create(name="王老师", user=user)
    world["course"].instructors.set([teacher])
    world["course"].save()
    data = dashboard_for(user)
    assert data.funnel.values["enrolled"] == 10
    assert list(values(table(data, "by_course"))) == ["压力管理基础"]
    assert data.credits is None and data.assessments == []
    client.force_login(user)
    page = client.get(reverse("lms_analytics:dashboard")).content.decode()
    assert "别人的课" not in page
    assert 'name="campaign"' not in page


def test_counsellors_and_cadres_get_no_analytics(client, world, django_user_model):
    counsellor = django_user_model.objects.create_user("analytics-counsellor", password="pw")
    counsellor.groups.add(counsellors_group())
    for user in (counsellor, world["women"][0].user):
        client.force_login(user)
        response = client.get(reverse("lms_analytics:dashboard"))
        assert response.status_code in (302, 403)
        response = client.get(reverse("lms_analytics:export", args=["by_gender", "csv"]))
        assert response.status_code in (302, 403)


# The page and the downloads ----------------------------------------------------------------


@SMALL_K
def test_the_page_embeds_figures_with_group_labels_only(client, world):
    client.force_login(world["admin"])
    response = client.get(reverse("lms_analytics:dashboard"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "/static/plotly/plotly.min.js" in page and "cdn" not in page.lower()
    figures = re.findall(
        r'<script id="chart-[\w-]+-data" type="application/json">(.*?)</script>', page, re.S
    )
    assert len(figures) >= 8
    people = [*world["women"], *world["men"]]
    for figure in figures:
        for cadre in people:
            assert cadre.name not in figure and cadre.employee_id not in figure
        assert "customdata" not in figure and '"ids"' not in figure
    assert "33.3%" in page  # women's completion rate, in the table beside the chart


@SMALL_K
def test_every_table_downloads_as_csv_and_xlsx_and_each_download_is_recorded(client, world):
    client.force_login(world["admin"])
    response = client.get(
        reverse("lms_analytics:export", args=["by_gender", "csv"]), {"year": YEAR}
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["组别", "已选课", "已开始", "已完成", "完成率"]
    assert ["女", "6", "4", "2", "33.3"] in rows
    response = client.get(reverse("lms_analytics:export", args=["credits", "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert cells[0][:3] == ["组别", "干部人数", "达标人数"]
    assert ["科员级", 6, 2, 34.0, 90.0] in cells
    exports = list(AnalyticsExport.objects.order_by("at").values_list("table", "format", "filters"))
    assert exports == [("by_gender", "csv", f"year={YEAR}"), ("credits", "xlsx", "")]
    assert client.get(reverse("lms_analytics:export", args=["nonsense", "csv"])).status_code == 404
    assert client.get(reverse("lms_analytics:export", args=["by_gender", "pdf"])).status_code == 404


@SMALL_K
def test_malformed_filters_are_ignored_with_a_notice(client, world):
    client.force_login(world["admin"])
    response = client.get(
        reverse("lms_analytics:dashboard"),
        {"year": "二〇二六", "gender": "x", "course": "abc", "rank_level": "huge"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("已忽略") == 4
    assert response.context["dashboard"].funnel.values["enrolled"] == 10


def test_with_no_summaries_a_small_site_builds_them_while_the_page_waits(client, world):
    client.force_login(world["admin"])
    response = client.get(reverse("lms_analytics:dashboard"))
    assert response.status_code == 200
    assert summaries.latest_build() is not None
    assert "数据更新于" in response.content.decode()


@SMALL_K
def test_the_dashboard_reads_summaries_in_a_fixed_number_of_queries(
    client, world, django_assert_num_queries
):
    """The same queries for ten cadres as for fifty thousand: one GROUP BY per table (its
    neighbouring views in the same query), none per row; and none at all for a view
    already computed from the same build."""
    summaries.rebuild()
    client.force_login(world["admin"])
    url = reverse("lms_analytics:dashboard")
    client.get(url)
    cache.clear()
    # 34 and 18 with the admin menu's 课程学习报告 item, which asks once whether the
    # user has a course to report on.
    with django_assert_num_queries(34):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(18):  # the session, the user, the menu: no summaries
        assert client.get(url).status_code == 200
    for cadre in [make_cadre(gender="female", department=world["women_unit"]) for _ in range(5)]:
        enrol(cadre, world["course"])
    summaries.rebuild()
    with django_assert_num_queries(34):  # a new build: computed afresh
        response = client.get(url)
    assert response.context["dashboard"].funnel.values["enrolled"] == 15


def test_rebuild_now_refreshes_the_figures_and_keeps_the_filters(client, world):
    client.force_login(world["admin"])
    client.get(reverse("lms_analytics:dashboard"))
    first = summaries.latest_build()
    enrol(make_cadre(gender="male", department=world["men_unit"]), world["course"])
    response = client.post(reverse("lms_analytics:refresh"), {"query": "gender=male"})
    assert response.status_code == 302
    assert response["Location"] == reverse("lms_analytics:dashboard") + "?gender=male"
    latest = summaries.latest_build()  # eager Celery: the task ran in the request
    assert latest.pk != first.pk
    assert client.get(reverse("lms_analytics:refresh")).status_code == 405
