"""Plotly figures from the rows lms.analytics.queries returns. No ORM here: the builders take
tables of already suppressed rows (hidden rows are left out of the figure, and the table
beside each chart says how many were hidden), so they are tested without a database.

Figures use the empty "none" template (no 10 KB of styling per chart), zh-hans labels,
percentages with one decimal, and a layout that reflows at phone width
(`responsive` in theme/static/lms/analytics.js).
"""

import json

import plotly.graph_objects as go
import plotly.io as pio
from django.utils.translation import gettext as _

COLOURS = ["#2e6b5e", "#c98a2b", "#7a4d8c", "#3d7ea6", "#b5533c", "#5d7a2e"]
FONT = "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif"


def _layout(title: str, **extra) -> dict:
    return {
        "template": "none",
        "title": {"text": title, "font": {"size": 15}},
        "font": {"family": FONT, "size": 12},
        "separators": ".,",
        "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
        "legend": {"orientation": "h", "y": -0.15},
        "autosize": True,
        "height": extra.pop("height", 320),
        **extra,
    }


def _visible(table):
    return [row for row in table.rows if not row.hidden]


def rate_bars(table, numerator: str, denominator: str, title: str, *, horizontal=True):
    """One bar per visible row: numerator as a percentage of denominator."""
    rows = [row for row in _visible(table) if row.rate(numerator, denominator) is not None]
    labels = [row.label for row in rows]
    rates = [row.rate(numerator, denominator) for row in rows]
    bar = go.Bar(
        x=rates if horizontal else labels,
        y=labels if horizontal else rates,
        orientation="h" if horizontal else "v",
        marker={"color": COLOURS[0]},
        text=[f"{rate:.1f}%" for rate in rates],
        textposition="auto",
        hovertemplate="%{y}: %{x:.1f}%<extra></extra>"
        if horizontal
        else "%{x}: %{y:.1f}%<extra></extra>",
        cliponaxis=False,
    )
    axis = {"range": [0, 100], "ticksuffix": "%", "automargin": True}
    layout = _layout(title, height=max(220, 34 * len(rows) + 90))
    if horizontal:
        layout.update(xaxis=axis, yaxis={"automargin": True, "autorange": "reversed"})
    else:
        layout.update(yaxis=axis, xaxis={"automargin": True})
    return go.Figure(data=[bar], layout=layout)


def funnel(row, title: str):
    labels = [_("Enrolled"), _("Started"), _("Completed")]
    values = [row.values["enrolled"], row.values["started"], row.values["completed"]]
    trace = go.Funnel(
        y=labels,
        x=values,
        textinfo="value+percent initial",
        marker={"color": COLOURS[:3]},
        hovertemplate="%{y}: %{x}<extra></extra>",
    )
    return go.Figure(data=[trace], layout=_layout(title, height=260, yaxis={"automargin": True}))


def trends(table, title: str):
    rows = _visible(table)
    months = [row.label for row in rows]
    figure = go.Figure(layout=_layout(title, height=340))
    for i, (measure, name) in enumerate(
        (("enrolments", _("Enrolments")), ("completions", _("Completions")))
    ):
        figure.add_trace(
            go.Scatter(
                x=months,
                y=[row.values[measure] for row in rows],
                name=name,
                mode="lines+markers",
                line={"color": COLOURS[i]},
                hovertemplate=f"{name} %{{x}}: %{{y}}<extra></extra>",
            )
        )
    figure.add_trace(
        go.Bar(
            x=months,
            y=[float(row.values["credit_hours"]) for row in rows],
            name=_("Credit hours"),
            yaxis="y2",
            marker={"color": COLOURS[2], "opacity": 0.35},
            hovertemplate=_("Credit hours") + " %{x}: %{y:.1f}<extra></extra>",
        )
    )
    figure.update_layout(
        xaxis={"type": "category", "automargin": True},
        yaxis={"title": {"text": _("People")}, "rangemode": "tozero", "automargin": True},
        yaxis2={
            "title": {"text": _("Credit hours")},
            "overlaying": "y",
            "side": "right",
            "rangemode": "tozero",
            "showgrid": False,
            "automargin": True,
        },
    )
    return figure


def credits_against_targets(table, title: str):
    rows = _visible(table)
    labels = [row.label for row in rows]
    figure = go.Figure(layout=_layout(title, barmode="group"))
    figure.add_trace(
        go.Bar(
            x=labels,
            y=[float(row.values["average_hours"]) for row in rows],
            name=_("Average hours"),
            marker={"color": COLOURS[0]},
            hovertemplate="%{x}: %{y:.1f}<extra></extra>",
        )
    )
    figure.add_trace(
        go.Bar(
            x=labels,
            y=[float(row.values["average_target"]) for row in rows],
            name=_("Target hours"),
            marker={"color": COLOURS[1]},
            hovertemplate="%{x}: %{y:.1f}<extra></extra>",
        )
    )
    figure.update_layout(xaxis={"automargin": True}, yaxis={"automargin": True})
    return figure


def bars(table, measure: str, title: str, *, colour: str, maximum=None, decimals=0):
    """One horizontal bar per visible row with a value: counts, or averages (decimals)."""
    rows = [row for row in _visible(table) if row.values.get(measure) is not None]
    xaxis = {"range": [0, maximum]} if maximum else {"rangemode": "tozero"}
    return go.Figure(
        data=[
            go.Bar(
                x=[float(row.values[measure]) for row in rows],
                y=[row.label for row in rows],
                orientation="h",
                marker={"color": colour},
                hovertemplate=f"%{{y}}: %{{x:.{decimals}f}}<extra></extra>",
            )
        ],
        layout=_layout(
            title,
            height=max(220, 34 * len(rows) + 90),
            yaxis={"automargin": True, "autorange": "reversed"},
            xaxis=xaxis,
        ),
    )


def grouped_rates(table, title: str):
    """Assessment rates: one bar group per measure, bars for everyone and by gender (the
    table beside it has the age bands and rank levels too)."""
    measures = [(m, heading) for m, heading in table.columns if m != "respondents"]
    figure = go.Figure(layout=_layout(title, barmode="group", height=380))
    rows = [row for row in _visible(table) if str(row.key).startswith(("all:", "gender:"))]
    for i, row in enumerate(rows):
        figure.add_trace(
            go.Bar(
                x=[str(heading) for _m, heading in measures],
                y=[row.values.get(m) for m, _heading in measures],
                name=row.label,
                marker={"color": COLOURS[i % len(COLOURS)]},
                hovertemplate=f"{row.label} %{{x}}: %{{y:.1f}}%<extra></extra>",
            )
        )
    figure.update_layout(
        yaxis={"ticksuffix": "%", "rangemode": "tozero"}, xaxis={"automargin": True}
    )
    return figure


def to_json(figure) -> str:
    """The figure as plotly.js reads it: data and layout only."""
    return pio.to_json(figure, validate=False, pretty=False, engine="json")


def payload(figure) -> dict:
    return json.loads(to_json(figure))


def figures_for(dashboard) -> dict:
    """The chart of each table that has one, keyed by the table's key."""
    figures = {}
    if dashboard.funnel is not None:
        figures["funnel"] = funnel(dashboard.funnel, _("Learning funnel"))
    for table in dashboard.completion:
        figures[table.key] = rate_bars(table, "completed", "enrolled", _("Completion rate"))
    if dashboard.trends is not None:
        figures["trends"] = trends(dashboard.trends, dashboard.trends.title)
    if dashboard.credits is not None:
        figures["credits"] = credits_against_targets(dashboard.credits, dashboard.credits.title)
    for table in dashboard.overdue:
        figures[table.key] = bars(table, "overdue", _("Overdue"), colour=COLOURS[4])
    if dashboard.quizzes is not None:
        figures["quizzes"] = rate_bars(
            dashboard.quizzes, "quiz_passed", "quiz_takers", _("Pass rate")
        )
    if dashboard.ratings is not None:
        figures["ratings"] = bars(
            dashboard.ratings,
            "average",
            _("Average stars"),
            colour=COLOURS[3],
            maximum=5,
            decimals=2,
        )
    for table in dashboard.assessments:
        figures[table.key] = grouped_rates(table, table.title)
    return figures
