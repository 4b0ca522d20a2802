"""What 学习分析 shows, read from the summary tables: one GROUP BY per table, with the same
table under each neighbouring filter computed in the same query (conditional sums), and
every row passed through lms.analytics.privacy before anything leaves this module.

Rows come out as `Row` objects: a label and the counts shown, or `hidden`. Charts and
exports are built from these rows only, so a suppressed number never reaches a figure's
JSON or a downloaded file.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, Q, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from courses.models import CoursePage, CurriculumPage, Instructor
from lms.analytics import privacy
from lms.analytics.dimensions import (
    AGE_BAND_LABELS,
    FILTER_NAMES,
    RANK_LEVEL_LABELS,
    RANK_LEVELS,
    TRACKS,
    Filters,
)
from lms.conf import lms_settings
from lms.models.analytics import (
    ActivityFact,
    AssessmentAggregate,
    CourseActivityFact,
    CreditFact,
    LearnerFact,
    LearningFact,
)
from lms.models.targeting import Campaign
from lms.people.models import (
    AssessmentSignal,
    Department,
    Gender,
    PostCategory,
    SignalKind,
    admin_department,
)
from lms.people.roles import is_counsellor

STEP = Department.steplen
RANK_LEVEL_INDEX = {key: index for index, (key, *_rest) in enumerate(RANK_LEVELS)}


# Who sees what ------------------------------------------------------------------------------


@dataclass
class Scope:
    """What one user's analytics cover: everything, a department subtree, or some courses."""

    kind: str  # "all", "department" or "instructor"
    department: Department | None = None
    course_ids: frozenset = frozenset()

    @property
    def sees_assessments(self) -> bool:
        return self.kind == "all"

    @property
    def sees_people_data(self) -> bool:
        """Credit hours against targets are about cadres, not courses: not for instructors."""
        return self.kind != "instructor"


def scope_for(user) -> Scope | None:
    """None for anyone who may not see analytics: cadres, counsellors, the anonymous."""
    if not user.is_authenticated or not user.is_active or is_counsellor(user):
        return None
    if user.is_superuser:
        return Scope("all")
    if not user.has_perm("lms.view_analytics"):
        return None
    department = admin_department(user)
    if department is not None:
        return Scope("department", department=department)
    course_ids = frozenset(
        CoursePage.objects.filter(instructors__in=Instructor.objects.filter(user=user)).values_list(
            "pk", flat=True
        )
    )
    if course_ids:
        return Scope("instructor", course_ids=course_ids)
    return None


def scope_q(scope: Scope) -> Q:
    if scope.kind == "department":
        return Q(department__path__startswith=scope.department.path)
    if scope.kind == "instructor":
        return Q(course_id__in=scope.course_ids)
    return Q()


# Filters --------------------------------------------------------------------------------------

# Which filters each summary knows.
APPLIES = {
    LearningFact: set(FILTER_NAMES),
    ActivityFact: {
        "year",
        "track",
        "department",
        "rank_level",
        "gender",
        "post_category",
    },
    CreditFact: {"year", "department", "rank_level", "gender", "post_category"},
    CourseActivityFact: {"year", "track", "course"},
    LearnerFact: {"year", "department", "rank_level", "gender", "post_category"},
}
# How each summary's rows split into parts whose counts are exact people.
PARTS = {
    LearningFact: "course_id",
    ActivityFact: "track",
    CourseActivityFact: "course_id",
    LearnerFact: "year",
    CreditFact: None,
}
PEOPLE_DIMENSIONS = {"rank_level", "gender", "post_category", "department", "year"}


def people_mode(scope: Scope, filters: Filters, dimension: str) -> bool:
    """Whether a learning table can be checked against people (LearnerFact) rather than
    per-course lower bounds: its rows are groups of cadres and no filter is about courses."""
    return (
        scope.kind != "instructor"
        and filters.course is None
        and not filters.track
        and filters.campaign is None
        and dimension in PEOPLE_DIMENSIONS
    )


def filter_q(model, filters: Filters) -> Q:
    q = Q()
    known = APPLIES[model]
    if filters.year and "year" in known:
        monthly = model in (ActivityFact, CourseActivityFact)
        q &= Q(month__year=filters.year) if monthly else Q(year=filters.year)
    if filters.track and "track" in known:
        q &= Q(track=filters.track)
    if filters.course is not None and "course" in known:
        q &= Q(course_id=filters.course.pk)
    if "department" not in known:
        return q
    if filters.department is not None:
        q &= Q(department__path__startswith=filters.department.path)
    if filters.rank_level:
        q &= Q(rank_level=RANK_LEVEL_INDEX.get(filters.rank_level, -1))
    if filters.gender:
        q &= Q(gender=filters.gender)
    if filters.post_category is not None:
        q &= Q(post_category_id=filters.post_category.pk)
    if filters.campaign is not None and "campaign" in known:
        q &= Q(campaign_id=filters.campaign.pk)
    return q


def neighbours(model, scope: Scope, filters: Filters) -> list[Filters]:
    """The views one step wider: each filter removed, a department widened to its parent
    (never beyond the user's own subtree)."""
    wider = []
    for name in filters.active():
        if name not in APPLIES[model] or (model is CreditFact and name == "year"):
            # Credit hours are always shown for one year: a cadre counted in two years is
            # one person, so the all-years view is never shown nor compared with.
            continue
        if name == "department":
            department = filters.department
            if scope.kind == "department" and department.path == scope.department.path:
                continue
            parent = department.get_parent()
            if parent is not None and (
                scope.kind != "department" or parent.path.startswith(scope.department.path)
            ):
                wider.append(filters.widened("department", parent))
            else:
                wider.append(filters.without("department"))
            continue
        wider.append(filters.without(name))
    return wider


CELL_DIMENSIONS = ("rank_level", "gender", "post_category")


def needs_cells(filters: Filters, dimension: str) -> bool:
    """Whether a table needs the summaries' fine rows (rank level, gender, post category)
    or can read the department-level rows."""
    return dimension in CELL_DIMENSIONS or any(
        getattr(filters, name) not in (None, "") for name in CELL_DIMENSIONS
    )


def sensitive_course_ids() -> set[int]:
    """Courses that address an SCL-90 factor: enrolment in one may follow from a result."""
    factors = AssessmentSignal.objects.filter(kind=SignalKind.SCL90_FACTOR)
    return set(
        CoursePage.objects.filter(signals__in=factors).values_list("pk", flat=True).distinct()
    )


def threshold(courses_in_view) -> int:
    """k for a learning view: the health threshold when any course in it addresses an
    SCL-90 factor."""
    if set(courses_in_view) & sensitive_course_ids():
        return lms_settings.LMS_ANALYTICS_K_HEALTH
    return lms_settings.LMS_ANALYTICS_K


# Every course-level measure, read in one GROUP BY course (with the neighbouring views):
# the funnel, the track and course tables, quizzes and ratings are all cut from it.
COURSE_MEASURES = (
    "enrolled",
    "started",
    "completed",
    "quiz_takers",
    "quiz_passed",
    "rated",
    "rating_sum",
)


@dataclass
class CourseRows:
    rows: dict  # course id → {course id: vector of COURSE_MEASURES}
    wider: dict  # course id → [the same under each neighbouring view]

    def pick(self, start: int, stop: int, *, regroup=None):
        """Measures [start:stop]; with `regroup` (course id → key), rows merged by key
        (a track's courses stay separate parts, so people are still judged per course)."""
        rows, wider = split(self.rows, self.wider, start, stop)
        if regroup is None:
            return rows, wider
        merged: dict = {}
        merged_wider: dict = {}
        for course, parts in rows.items():
            key = regroup.get(course, "")
            merged.setdefault(key, {}).update(parts)
            target = merged_wider.setdefault(key, [{} for _ in wider[course]])
            for j, neighbour in enumerate(wider[course]):
                target[j].update(neighbour)
        return merged, merged_wider


def course_rows(scope, filters) -> CourseRows:
    rows, wider = grouped(LearningFact, scope, filters, "course", COURSE_MEASURES)
    return CourseRows(rows, wider)


# Tables --------------------------------------------------------------------------------------


@dataclass
class Row:
    key: object
    label: str
    values: dict = field(default_factory=dict)  # measure → shown number, or None if hidden
    hidden: bool = False

    def rate(self, numerator: str, denominator: str) -> float | None:
        if self.hidden:
            return None
        top, bottom = self.values.get(numerator), self.values.get(denominator)
        if top is None or not bottom:
            return None
        return round(100 * top / bottom, 1)


@dataclass
class Table:
    key: str
    title: str
    columns: list  # (measure, heading)
    rows: list[Row]
    note: str = ""
    rate: tuple | None = None  # (numerator, denominator, heading): a rate column
    percent: bool = False  # the values other than respondents are percentages

    @property
    def empty(self) -> bool:
        return not self.rows


def _department_branch(root: Department | None):
    length = len(root.path) + STEP if root else STEP
    return Substr("department__path", 1, length)


def dimension_expression(dimension: str, root: Department | None):
    return {
        "track": F("track"),
        "course": F("course_id"),
        "rank_level": F("rank_level"),
        "gender": F("gender"),
        "post_category": F("post_category_id"),
        "department": _department_branch(root),
        "campaign": F("campaign_id"),
        "month": F("month"),
        "year": F("year"),
    }[dimension]


def grouped(model, scope, filters, dimension, measures, *, root=None, parts=True):
    """rows[key][part] = vector for the view; wider[key] = [parts under each neighbour]."""
    views = [filters, *neighbours(model, scope, filters)]
    conditions = [filter_q(model, view) for view in views]
    anyof = Q()
    for condition in conditions:
        anyof |= condition
    queryset = model.objects.filter(scope_q(scope))
    if model in (LearningFact, ActivityFact):
        queryset = queryset.filter(fine=needs_cells(filters, dimension))
    queryset = queryset.filter(anyof).annotate(dim=dimension_expression(dimension, root))
    part_field = PARTS[model] if parts else None
    fields = ["dim", part_field] if part_field else ["dim"]
    sums = {
        f"v{j}_{m}": Sum(m, filter=condition, default=0)
        for j, condition in enumerate(conditions)
        for m in measures
    }
    rows: dict = defaultdict(dict)
    wider: dict = defaultdict(lambda: [{} for _ in views[1:]])
    for record in queryset.values(*fields).annotate(**sums).order_by():
        part = record.get(part_field) if part_field else "all"
        vectors = [tuple(record[f"v{j}_{m}"] for m in measures) for j in range(len(views))]
        if any(vectors[0]):
            rows[record["dim"]][part] = vectors[0]
        for j, vector in enumerate(vectors[1:]):
            wider[record["dim"]][j][part] = vector
    return dict(rows), {key: wider[key] for key in rows}


def protected_table(
    key,
    title,
    columns,
    rows,
    wider,
    check,
    k,
    labels,
    *,
    order=None,
    note="",
    rate=None,
    hidden=None,
):
    """Rows to show from `rows` (counts per part); `hidden`, when given, was decided on
    people counts (people_hidden)."""
    if hidden is None:
        hidden = privacy.hidden_rows(rows, check, k, neighbours=wider)
    keys = order if order is not None else sorted(rows, key=lambda value: str(labels(value)))
    measures = [measure for measure, _heading in columns]
    shown = []
    for value in keys:
        if value not in rows:
            continue
        totals = privacy.collapse(rows[value])
        is_hidden = value in hidden
        shown.append(
            Row(
                key=value,
                label=str(labels(value)),
                values={m: None if is_hidden else totals[i] for i, m in enumerate(measures)},
                hidden=is_hidden,
            )
        )
    return Table(key=key, title=title, columns=columns, rows=shown, note=note, rate=rate)


FUNNEL = ("enrolled", "started", "completed")
FUNNEL_CHECK = privacy.Check(
    (
        privacy.measure(0),
        privacy.measure(1),
        privacy.measure(2),
        privacy.difference(0, 1),
        privacy.difference(1, 2),
        privacy.difference(0, 2),
    )
)


def COMPLETION_RATE():  # noqa: N802  (a constant, translated when called)
    return ("completed", "enrolled", _("Completion rate"))


PEOPLE_FUNNEL = ("enrolled", "started", "completed", "not_started", "in_progress", "not_completed")
PEOPLE_OVERDUE = ("required", "overdue", "on_time")


def people_check(measures) -> privacy.Check:
    return privacy.Check(tuple(privacy.measure(i) for i in range(len(measures))))


PEOPLE_DISPLAY = ("enrolments", "enrolments_started", "enrolments_completed")
OVERDUE_DISPLAY = ("enrolments_required", "enrolments_overdue")


def split(rows, wider, start, stop):
    """The measures [start:stop] of grouped() rows and of their neighbours."""
    return (
        {key: {p: v[start:stop] for p, v in parts.items()} for key, parts in rows.items()},
        {
            key: [{p: v[start:stop] for p, v in parts.items()} for parts in w]
            for key, w in wider.items()
        },
    )


def people_table(scope, filters, dimension, display, people, k, *, root):
    """Rows of enrolments (人次) to show and the rows to hide, judged on the cadres behind
    them (each counted once), from LearnerFact in one query."""
    both, wider = grouped(LearnerFact, scope, filters, dimension, display + people, root=root)
    shown, shown_wider = split(both, wider, 0, len(display))
    judged, judged_wider = split(both, wider, len(display), None)
    shown = {key: parts for key, parts in shown.items() if privacy.collapse(parts)[0]}
    hidden = privacy.hidden_rows(judged, people_check(people), k, neighbours=judged_wider)
    return shown, shown_wider, hidden & set(shown)


def funnel_columns():
    return [("enrolled", _("Enrolled")), ("started", _("Started")), ("completed", _("Completed"))]


@dataclass
class Labels:
    """Names for the keys a GROUP BY returns, loaded once per dashboard."""

    courses: dict
    tracks: dict  # course id → track key
    departments: dict
    campaigns: dict
    post_categories: dict

    def of(self, dimension):
        genders = dict(Gender.choices)
        none = _("Not through a campaign")
        return {
            "track": lambda v: TRACKS.get(v, v or _("Unfiled")),
            "course": lambda v: self.courses.get(v, _("Deleted course")),
            "rank_level": lambda v: RANK_LEVELS[v][1],
            "gender": lambda v: genders.get(v, v),
            "post_category": lambda v: self.post_categories.get(v, "—"),
            "department": lambda v: self.departments.get(v, v),
            "campaign": lambda v: self.campaigns.get(v, none) if v else none,
            "month": lambda v: f"{v:%Y-%m}",
            "year": lambda v: str(v),
        }[dimension]


def labels_for(scope: Scope) -> Labels:
    courses = CoursePage.objects.all()
    if scope.kind == "instructor":
        courses = courses.filter(pk__in=scope.course_ids)
    courses = list(courses.values_list("pk", "title", "path"))
    curricula = dict(CurriculumPage.objects.values_list("path", "track"))
    step = CoursePage.steplen
    return Labels(
        courses={pk: title for pk, title, _path in courses},
        tracks={pk: curricula.get(path[:-step], "") for pk, _title, path in courses},
        departments=dict(Department.objects.values_list("path", "name")),
        campaigns=dict(Campaign.objects.values_list("pk", "name")),
        post_categories=dict(PostCategory.objects.values_list("pk", "name")),
    )


def department_root(scope: Scope, filters: Filters) -> Department | None:
    """The department whose branches the by-department tables list: the chosen one, the
    administrator's own, or the one root of the tree (a city's tree has one)."""
    if filters.department is not None:
        return filters.department
    if scope.department is not None:
        return scope.department
    roots = list(Department.get_root_nodes()[:2])
    return roots[0] if len(roots) == 1 else None


# The dashboard -----------------------------------------------------------------------------

COMPLETION_DIMENSIONS = [
    ("track", lambda: _("Completion by track")),
    ("course", lambda: _("Completion by course")),
    ("rank_level", lambda: _("Completion by rank level")),
    ("gender", lambda: _("Completion by gender")),
    ("post_category", lambda: _("Completion by post category")),
    ("department", lambda: _("Completion by department")),
]


@dataclass
class Dashboard:
    k: int
    withheld: bool = False
    funnel: Row | None = None
    completion: list[Table] = field(default_factory=list)
    trends: Table | None = None
    credits: Table | None = None
    overdue: list[Table] = field(default_factory=list)
    quizzes: Table | None = None
    ratings: Table | None = None
    assessments: list[Table] = field(default_factory=list)

    def tables(self) -> dict[str, Table]:
        found = [*self.completion, self.trends, self.credits, *self.overdue, self.quizzes]
        found += [self.ratings, *self.assessments]
        if self.funnel is not None:
            found.append(
                Table(
                    "funnel",
                    _("Learning funnel"),
                    funnel_columns(),
                    [self.funnel],
                    rate=COMPLETION_RATE(),
                )
            )
        return {table.key: table for table in found if table is not None}


def funnel(scope, filters, k, courses: CourseRows) -> tuple[Row | None, bool]:
    """The view's enrolled → started → completed, or withheld (True) when the view, or its
    difference from a neighbouring view, describes fewer than k people."""
    rows, wider = courses.pick(0, 3)
    total = privacy.add(rows.values())
    if not total:
        return None, False
    model, check = LearningFact, FUNNEL_CHECK
    if people_mode(scope, filters, "year"):
        model, check = LearnerFact, people_check(PEOPLE_FUNNEL)
        both, wider = grouped(model, scope, filters, "year", PEOPLE_DISPLAY + PEOPLE_FUNNEL)
        display, _wider = split(both, wider, 0, 3)
        rows, wider = split(both, wider, 3, None)
        total = privacy.add(display.values())
    judged = privacy.add(rows.values())
    wider_totals = [
        privacy.add(wider[key][j] for key in wider)
        for j in range(len(neighbours(model, scope, filters)))
    ]
    if not judged or privacy.view_withheld(judged, wider_totals, check, k):
        return Row("all", _("All enrolments"), dict.fromkeys(FUNNEL), hidden=True), True
    values = dict(zip(FUNNEL, privacy.collapse(total), strict=True))
    return Row("all", _("All enrolments"), values), False


def completion_tables(scope, filters, k, labels: Labels, courses: CourseRows) -> list[Table]:
    tables = []
    root = department_root(scope, filters)
    columns = funnel_columns()
    for dimension, title in COMPLETION_DIMENSIONS:
        order = list(range(len(RANK_LEVELS))) if dimension == "rank_level" else None
        hidden = None
        if dimension == "course":
            rows, wider = courses.pick(0, 3)
        elif dimension == "track":
            rows, wider = courses.pick(0, 3, regroup=labels.tracks)
        elif people_mode(scope, filters, dimension):
            rows, wider, hidden = people_table(
                scope, filters, dimension, PEOPLE_DISPLAY, PEOPLE_FUNNEL, k, root=root
            )
        else:
            rows, wider = grouped(LearningFact, scope, filters, dimension, FUNNEL, root=root)
        tables.append(
            protected_table(
                f"by_{dimension}",
                title(),
                columns,
                rows,
                wider,
                FUNNEL_CHECK,
                k,
                labels.of(dimension),
                order=order,
                rate=COMPLETION_RATE(),
                hidden=hidden,
            )
        )
    return tables


def trend_table(scope, filters, k, labels) -> Table:
    """Per month: enrolments and completions (人次), cadres earning hours and the hours.
    Judged on the cadres behind each number, per track (a cadre may learn in two)."""
    if scope.kind == "instructor":
        # Per course: every count is people already; the cadre filters do not apply.
        measures = ("enrolments", "completions", "earners", "credit_hours")
        rows, wider = grouped(CourseActivityFact, scope, filters, "month", measures)
        shown, shown_wider = split(rows, wider, 0, 3)
        people = privacy.Check((privacy.measure(0), privacy.measure(1), privacy.measure(2)))
        hidden = privacy.hidden_rows(shown, people, k, neighbours=shown_wider)
        cadre_filters = {"department", "rank_level", "gender", "post_category"}
        note = (
            _("Per course: the months are not filtered by department, rank, gender or post.")
            if cadre_filters & set(filters.active())
            else ""
        )
    else:
        measures = ("enrolments", "completions", "earners", "credit_hours")
        measures += ("enrollers", "completers")
        rows, wider = grouped(ActivityFact, scope, filters, "month", measures)
        shown, shown_wider = split(rows, wider, 0, 3)
        judged, judged_wider = split(rows, wider, 2, None)  # earners, hours, the people
        people = privacy.Check((privacy.measure(0), privacy.measure(2), privacy.measure(3)))
        hidden = privacy.hidden_rows(judged, people, k, neighbours=judged_wider)
        note = (
            _("Not filtered by course: the months show the whole track.") if filters.course else ""
        )
    table = protected_table(
        "trends",
        _("Monthly enrolments, completions and credit hours"),
        [
            ("enrolments", _("Enrolments")),
            ("completions", _("Completions")),
            ("earners", _("Cadres earning hours")),
            ("credit_hours", _("Credit hours")),
        ],
        {key: {p: (*v, 0) for p, v in parts.items()} for key, parts in shown.items()},
        {
            key: [{p: (*v, 0) for p, v in parts.items()} for parts in w]
            for key, w in shown_wider.items()
        },
        privacy.Check((privacy.measure(0),)),
        k,
        labels.of("month"),
        order=sorted(rows),
        hidden=hidden,
        note=note,
    )
    for row in table.rows:
        if not row.hidden:
            row.values["credit_hours"] = sum(
                (Decimal(vector[3]) for vector in rows[row.key].values()), Decimal(0)
            )
    return table


def credit_table(scope, filters, k, year: int) -> Table:
    measures = ("cadres", "met_target", "hours", "target_hours")
    view = filters.widened("year", year)
    rows, wider = grouped(CreditFact, scope, view, "rank_level", measures, parts=False)
    counts = {key: {p: v[:2] for p, v in parts.items()} for key, parts in rows.items()}
    counts_wider = {
        key: [{p: v[:2] for p, v in parts.items()} for parts in w] for key, w in wider.items()
    }
    check = privacy.Check((privacy.measure(0), privacy.measure(1), privacy.difference(0, 1)))
    table = protected_table(
        "credits",
        _("Credit hours against annual targets, %(year)s") % {"year": year},
        [
            ("cadres", _("Cadres")),
            ("met_target", _("Met the target")),
            ("average_hours", _("Average hours")),
            ("average_target", _("Target hours")),
        ],
        {key: {p: v + (0, 0) for p, v in parts.items()} for key, parts in counts.items()},
        {
            key: [{p: v + (0, 0) for p, v in parts.items()} for parts in w]
            for key, w in counts_wider.items()
        },
        check,
        k,
        lambda v: RANK_LEVELS[v][1],
        order=list(range(len(RANK_LEVELS))),
    )
    for row in table.rows:
        if row.hidden:
            continue
        vector = rows[row.key]["all"]
        cadres = vector[0] or 1
        row.values["average_hours"] = round(Decimal(vector[2]) / cadres, 1)
        row.values["average_target"] = round(Decimal(vector[3]) / cadres, 1)
    return table


def overdue_tables(scope, filters, k, labels) -> list[Table]:
    measures = ("required", "overdue")
    check = privacy.Check((privacy.measure(0), privacy.measure(1), privacy.difference(0, 1)))
    columns = [("required", _("Required enrolments")), ("overdue", _("Overdue"))]
    tables = []
    root = department_root(scope, filters)
    for dimension, title in (
        ("department", _("Overdue required courses by department")),
        ("campaign", _("Overdue required courses by campaign")),
    ):
        if dimension == "campaign" and scope.kind == "instructor":
            continue
        hidden = None
        if people_mode(scope, filters, dimension):
            rows, wider, hidden = people_table(
                scope, filters, dimension, OVERDUE_DISPLAY, PEOPLE_OVERDUE, k, root=root
            )
        else:
            rows, wider = grouped(LearningFact, scope, filters, dimension, measures, root=root)
            rows = {key: parts for key, parts in rows.items() if privacy.collapse(parts)[0]}
        tables.append(
            protected_table(
                f"overdue_by_{dimension}",
                title,
                columns,
                rows,
                wider,
                check,
                k,
                labels.of(dimension),
                rate=("overdue", "required", _("Overdue rate")),
                hidden=hidden,
            )
        )
    return tables


def quiz_table(k, labels, courses: CourseRows) -> Table:
    rows, wider = courses.pick(3, 5)
    rows = {key: parts for key, parts in rows.items() if privacy.collapse(parts)[0]}
    check = privacy.Check((privacy.measure(0), privacy.measure(1), privacy.difference(0, 1)))
    return protected_table(
        "quizzes",
        _("Quiz pass rates by course"),
        [("quiz_takers", _("Took a quiz")), ("quiz_passed", _("Passed"))],
        rows,
        wider,
        check,
        k,
        labels.of("course"),
        rate=("quiz_passed", "quiz_takers", _("Pass rate")),
    )


def rating_table(k, labels, courses: CourseRows) -> Table:
    rows, wider = courses.pick(5, 7)
    rows = {key: parts for key, parts in rows.items() if privacy.collapse(parts)[0]}
    check = privacy.Check((privacy.measure(0),))
    table = protected_table(
        "ratings",
        _("Course ratings"),
        [("rated", _("Ratings")), ("average", _("Average stars"))],
        rows,
        wider,
        check,
        k,
        labels.of("course"),
    )
    for row in table.rows:
        if not row.hidden:
            rated, total = privacy.collapse(rows[row.key])
            row.values["average"] = round(total / rated, 2) if rated else None
    return table


# Assessment aggregates (system administrators only) -----------------------------------------


def assessment_tables() -> list[Table]:
    """The stored, already suppressed aggregates, as rates per group."""
    names = dict(
        AssessmentSignal.objects.filter(kind=SignalKind.STRESS_SOURCE).values_list("key", "name")
    )
    factor_names = dict(
        AssessmentSignal.objects.filter(kind=SignalKind.SCL90_FACTOR).values_list("key", "name")
    )
    stored = defaultdict(dict)
    for aggregate in AssessmentAggregate.objects.all():
        stored[(aggregate.dimension, aggregate.value)][aggregate.measure] = aggregate
    if not stored:
        return []
    genders = dict(Gender.choices)
    group_labels = {
        "all": lambda v: _("All respondents"),
        "gender": lambda v: genders.get(v, v),
        "age_band": lambda v: AGE_BAND_LABELS.get(v, v),
        "rank_level": lambda v: RANK_LEVEL_LABELS.get(v, v),
    }
    measures = sorted({m for group in stored.values() for m in group}, key=_measure_order)
    sources = [
        m
        for m in measures
        if not m.startswith(("respondents:", "factor:")) and m != "positive_screen"
    ]
    screens = ["positive_screen", *[m for m in measures if m.startswith("factor:")]]
    tables = []
    for key, title, chosen, heading in (
        ("stress_sources", _("Stress sources reported, per cent of respondents"), sources, names),
        (
            "scl90",
            _("SCL-90 positive screens and elevated factors, per cent of respondents"),
            screens,
            factor_names,
        ),
    ):
        columns = [("respondents", _("Respondents"))]
        for measure in chosen:
            if measure == "positive_screen":
                columns.append((measure, _("Positive screen")))
            else:
                columns.append(
                    (measure, str(heading.get(measure.removeprefix("factor:"), measure)))
                )
        instrument = (
            "respondents:stress_sources" if key == "stress_sources" else "respondents:scl90"
        )
        rows = []
        for dimension in ("all", "gender", "age_band", "rank_level"):
            for (group_dimension, value), group in stored.items():
                if group_dimension != dimension:
                    continue
                respondents = group.get(instrument)
                count = respondents.count if respondents else None
                values = {"respondents": count}
                for measure in chosen:
                    aggregate = group.get(measure)
                    values[measure] = (
                        round(100 * aggregate.count / aggregate.respondents, 1)
                        if aggregate and aggregate.count is not None and aggregate.respondents
                        else None
                    )
                rows.append(
                    Row(
                        key=f"{dimension}:{value}",
                        label=str(group_labels[dimension](value)),
                        values=values,
                        hidden=count is None,
                    )
                )
        tables.append(Table(key=key, title=title, columns=columns, rows=rows, percent=True))
    return tables


def _measure_order(measure: str) -> tuple:
    order = ["respondents:stress_sources", "respondents:scl90", "positive_screen"]
    return (order.index(measure) if measure in order else 9, measure)


def build_dashboard(scope: Scope, filters: Filters, labels: Labels) -> Dashboard:
    from django.utils import timezone

    courses = course_rows(scope, filters)
    k = threshold(courses.rows)
    dashboard = Dashboard(k=k)
    dashboard.funnel, dashboard.withheld = funnel(scope, filters, k, courses)
    dashboard.completion = completion_tables(scope, filters, k, labels, courses)
    dashboard.trends = trend_table(scope, filters, k, labels)
    if scope.sees_people_data:
        year = filters.year or timezone.localdate().year
        dashboard.credits = credit_table(scope, filters, k, year)
    dashboard.overdue = overdue_tables(scope, filters, k, labels)
    dashboard.quizzes = quiz_table(k, labels, courses)
    dashboard.ratings = rating_table(k, labels, courses)
    if dashboard.withheld:
        # Shown as a notice; exported with every row hidden.
        for table in dashboard.tables().values():
            for row in table.rows:
                row.hidden = True
                row.values = dict.fromkeys(row.values)
        return dashboard
    if scope.sees_assessments and not filters.active():
        dashboard.assessments = assessment_tables()
    return dashboard
