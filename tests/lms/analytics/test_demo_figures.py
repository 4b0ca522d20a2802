"""The seeded demo, summarised by 学习分析, reproduces the source survey (docs/domain.md §3)
within two points: what a system administrator sees on the dashboard, suppressed and all."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from lms.analytics import queries, summaries
from lms.analytics.dimensions import Filters
from tests.factories import rolled_back

pytestmark = pytest.mark.django_db
POPULATION = 600

SOURCE_FIGURES = {  # per cent of respondents, docs/domain.md §3.1
    "工作": 96.4,
    "晋升与考核": 62.7,
    "人际关系": 25.2,
    "自我要求": 42.7,
    "道德": 21.6,
}
WOMEN_WITH_PROBLEMS = 32.3  # §3.2


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with rolled_back(django_db_blocker):
        call_command("seed_demo", cadres=POPULATION, password="pw-demo-1", stdout=io.StringIO())
        summaries.rebuild()
        yield


def assessment_tables():
    scope = queries.Scope("all")
    data = queries.build_dashboard(scope, Filters(), queries.labels_for(scope))
    return {table.key: table for table in data.assessments}


def column(table, heading_part: str) -> str:
    matches = [m for m, heading in table.columns if heading_part in str(heading)]
    assert len(matches) == 1, (heading_part, table.columns)
    return matches[0]


def test_stress_sources_match_the_survey(seeded):
    sources = assessment_tables()["stress_sources"]
    everyone = next(row for row in sources.rows if row.key == "all:all")
    for heading, figure in SOURCE_FIGURES.items():
        measure = column(sources, heading)
        assert everyone.values[measure] == pytest.approx(figure, abs=2), heading


def test_women_screen_positive_more_often_than_men(seeded):
    screens = assessment_tables()["scl90"]
    rows = {row.key: row for row in screens.rows}
    women, men = rows["gender:female"], rows["gender:male"]
    assert women.values["positive_screen"] == pytest.approx(WOMEN_WITH_PROBLEMS, abs=2)
    assert women.values["positive_screen"] > men.values["positive_screen"]


def test_the_system_administrator_sees_them_and_the_department_administrator_does_not(
    seeded, client
):
    root = get_user_model().objects.get(username="admin")
    client.force_login(root)
    page = client.get(reverse("lms_analytics:dashboard")).content.decode()
    assert "压力来源" in page and "阳性筛查" in page
    client.force_login(get_user_model().objects.get(username="deptadmin"))
    page = client.get(reverse("lms_analytics:dashboard")).content.decode()
    assert "数据更新于" in page
    assert "压力来源" not in page and "阳性筛查" not in page
