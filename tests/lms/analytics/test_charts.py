"""Chart builders take suppressed rows and return Plotly figures: no database here."""

import json
from decimal import Decimal

from django.utils import translation

from lms.analytics import charts
from lms.analytics.queries import Dashboard, Row, Table


def completion_table():
    return Table(
        key="by_gender",
        title="按性别",
        columns=[("enrolled", "选课"), ("started", "已开始"), ("completed", "已完成")],
        rows=[
            Row("female", "女", {"enrolled": 40, "started": 30, "completed": 10}),
            Row("male", "男", {"enrolled": 60, "started": 45, "completed": 30}),
            Row(
                "other",
                "隐藏组",
                {"enrolled": None, "started": None, "completed": None},
                hidden=True,
            ),
        ],
    )


def test_rate_bars_show_visible_rows_as_percentages_and_leave_hidden_rows_out():
    figure = charts.payload(charts.rate_bars(completion_table(), "completed", "enrolled", "完成率"))
    bar = figure["data"][0]
    assert bar["y"] == ["女", "男"]
    assert bar["x"] == [25.0, 50.0]
    assert bar["text"] == ["25.0%", "50.0%"]
    assert "隐藏组" not in json.dumps(figure, ensure_ascii=False)
    assert figure["layout"]["xaxis"]["range"] == [0, 100]


def test_the_funnel_keeps_its_three_stages_in_order():
    with translation.override("zh-hans"):
        row = Row("all", "全部", {"enrolled": 100, "started": 75, "completed": 40})
        figure = charts.payload(charts.funnel(row, "学习漏斗"))
    trace = figure["data"][0]
    assert trace["type"] == "funnel"
    assert trace["x"] == [100, 75, 40]
    assert trace["y"] == ["已选课", "已开始", "已完成"]


def test_trends_plot_people_on_one_axis_and_hours_on_another():
    table = Table(
        key="trends",
        title="月度",
        columns=[],
        rows=[
            Row(
                "m1",
                "2026-03",
                {"enrolments": 12, "completions": 0, "earners": 0, "credit_hours": Decimal("0")},
            ),
            Row(
                "m2",
                "2026-04",
                {"enrolments": 0, "completions": 8, "earners": 8, "credit_hours": Decimal("16.0")},
            ),
            Row("m3", "2026-05", {}, hidden=True),
        ],
    )
    figure = charts.payload(charts.trends(table, "月度"))
    enrolments, completions, hours = figure["data"]
    assert enrolments["x"] == ["2026-03", "2026-04"]
    assert enrolments["y"] == [12, 0] and completions["y"] == [0, 8]
    assert hours["y"] == [0.0, 16.0] and hours["yaxis"] == "y2"


def test_credit_chart_puts_average_hours_beside_the_target():
    table = Table(
        key="credits",
        title="学时",
        columns=[],
        rows=[
            Row(1, "县处级", {"average_hours": Decimal("42.5"), "average_target": Decimal("50.0")})
        ],
    )
    averages, targets = charts.payload(charts.credits_against_targets(table, "学时"))["data"]
    assert averages["y"] == [42.5] and targets["y"] == [50.0]


def test_figures_are_small_use_no_template_and_carry_only_group_labels():
    dashboard = Dashboard(
        k=5,
        funnel=Row("all", "全部", {"enrolled": 100, "started": 75, "completed": 40}),
        completion=[completion_table()],
    )
    figures = charts.figures_for(dashboard)
    assert set(figures) == {"funnel", "by_gender"}
    for figure in figures.values():
        text = charts.to_json(figure)
        assert len(text) < 5000
        payload = json.loads(text)
        # The empty "none" template, not plotly's default styling (about 10 KB per chart).
        assert len(json.dumps(payload["layout"].get("template", {}))) < 200
        # Nothing but labels, numbers and styling: no per-person arrays, no ids.
        for trace in payload["data"]:
            assert len(trace.get("x", [])) <= 3
            assert "ids" not in trace and "customdata" not in trace
