"""Small-cell suppression, as properties over generated tables (no database).

A "table" is what lms.analytics.queries hands to privacy.hidden_rows: rows of parts (one
count vector per course, each count exact people), and each row under neighbouring
filters (supersets of it). Whatever the population, what is shown must not describe
fewer than k people: not a cell, not the hidden remainder of the total, not the
difference from a neighbouring view.
"""

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms.analytics import privacy
from lms.analytics.queries import FUNNEL_CHECK
from lms.analytics.summaries import suppressed_assessment_rows

K = 5
# The dashboard's check: enrolled, started, completed and each difference between them.
FUNNEL = FUNNEL_CHECK


@st.composite
def funnel_vector(draw, at_most=40):
    enrolled = draw(st.integers(0, at_most))
    started = draw(st.integers(0, enrolled))
    completed = draw(st.integers(0, started))
    return (enrolled, started, completed)


@st.composite
def tables(draw):
    """Rows of per-course funnel vectors, each with one wider neighbour that adds people."""
    courses = draw(st.integers(1, 3))
    row_count = draw(st.integers(1, 7))
    rows, neighbours = {}, {}
    for row in range(row_count):
        parts = {c: draw(funnel_vector()) for c in range(courses)}
        if not any(any(v) for v in parts.values()):
            continue
        extra = {c: draw(funnel_vector(at_most=8)) for c in range(courses)}
        wider = {c: tuple(a + b for a, b in zip(parts[c], extra[c], strict=True)) for c in parts}
        rows[row] = parts
        neighbours[row] = [wider]
    return rows, neighbours


def shown_few(parts, check) -> bool:
    return privacy.exposes(parts, check, K)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_no_visible_cell_describes_fewer_than_k(table):
    rows, neighbours = table
    hidden = privacy.hidden_rows(rows, FUNNEL, K, neighbours=neighbours)
    for key, parts in rows.items():
        if key in hidden:
            continue
        for quantity in FUNNEL.quantities:
            values = [quantity(vector) for vector in parts.values()]
            assert sum(values) == 0 or max(values) >= K


@settings(max_examples=400)
@given(tables())
def test_the_hidden_rows_cannot_be_worked_out_from_the_total(table):
    rows, neighbours = table
    hidden = privacy.hidden_rows(rows, FUNNEL, K, neighbours=neighbours)
    if not hidden or hidden == set(rows):
        return
    # What a reader can compute: the total minus every visible row.
    total = privacy.total_parts(rows)
    remainder = privacy.subtract(total, privacy.add(rows[key] for key in rows if key not in hidden))
    assert not shown_few(remainder, FUNNEL)


@settings(max_examples=400)
@given(tables())
def test_a_visible_row_and_its_neighbour_never_differ_by_fewer_than_k(table):
    rows, neighbours = table
    hidden = privacy.hidden_rows(rows, FUNNEL, K, neighbours=neighbours)
    for key in set(rows) - hidden:
        for wider in neighbours[key]:
            assert not shown_few(privacy.subtract(wider, rows[key]), FUNNEL)


def test_one_person_in_several_courses_is_one_person():
    # Four courses with one cadre each sum to four enrolments, but could be one person.
    rows = {"small": dict.fromkeys(range(4), (1, 1, 1)), "large": {0: (30, 20, 10)}}
    assert "small" in privacy.hidden_rows(rows, FUNNEL, 4)
    # Five in one course are five people.
    assert not privacy.few({0: (5,)}, privacy.measure(0), 5)


def test_a_single_hidden_row_takes_the_next_smallest_with_it():
    rows = {"a": {0: (3, 3, 3)}, "b": {0: (40, 20, 10)}, "c": {0: (12, 6, 6)}}
    hidden = privacy.hidden_rows(rows, FUNNEL, K)
    assert hidden == {"a", "c"}


def test_a_view_that_differs_from_its_neighbour_by_a_few_people_is_withheld():
    view = {0: (30, 20, 10)}
    assert privacy.view_withheld(view, [{0: (33, 22, 11)}], FUNNEL, K)
    assert not privacy.view_withheld(view, [{0: (40, 30, 20)}], FUNNEL, K)
    assert not privacy.view_withheld(view, [view], FUNNEL, K)  # the same people


# Assessment aggregates: what is stored is already suppressed --------------------------------

MEASURES = ["respondents:stress_sources", "stress_work", "respondents:scl90", "positive_screen"]


@st.composite
def assessment_counts(draw):
    groups = {
        "gender": ["female", "male"],
        "age_band": ["under_35", "35_44", "45_54", "55_plus"],
    }
    people = draw(
        st.lists(
            st.tuples(
                st.sampled_from(groups["gender"]),
                st.sampled_from(groups["age_band"]),
                st.booleans(),
                st.booleans(),
            ),
            min_size=0,
            max_size=120,
        )
    )
    counts = {}
    for gender, band, work, positive in people:
        vector = (1, int(work), 1, int(positive))
        for key in (("all", "all"), ("gender", gender), ("age_band", band)):
            counts[key] = [
                a + b for a, b in zip(counts.get(key, [0, 0, 0, 0]), vector, strict=True)
            ]
    return counts


@settings(max_examples=300)
@given(assessment_counts())
def test_stored_assessment_aggregates_never_describe_fewer_than_k(counts):
    k = 11
    rows = suppressed_assessment_rows(counts, MEASURES, k)
    by_column = Counter()
    for row in rows:
        if row.count is not None:
            assert row.count == 0 or row.count >= k
            if row.respondents is not None:
                complement = row.respondents - row.count
                assert complement == 0 or complement >= k
        by_column[(row.dimension, row.measure)] += 1
    # Within each dimension and measure, the hidden groups add up to 0 or at least k.
    for dimension in ("gender", "age_band"):
        for i, measure in enumerate(MEASURES):
            cells = [r for r in rows if r.dimension == dimension and r.measure == measure]
            hidden = [r for r in cells if r.count is None]
            if not hidden or len(hidden) == len(cells):
                continue
            total = counts[("all", "all")][i]
            remainder = total - sum(r.count for r in cells if r.count is not None)
            assert remainder == 0 or remainder >= k
