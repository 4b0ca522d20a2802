"""Rebuilding the summary tables from the learning records (and, for system administrators,
the suppressed assessment aggregates from the decrypted results).

Each learning summary is one GROUP BY over the records, with conditional counts; the
rows are written with bulk_create inside one transaction, so the dashboard reads either
the old summaries or the new ones, never half of each. Run by `manage.py build_analytics`,
nightly by Celery beat, and on demand from the dashboard (lms.analytics.tasks).
"""

import time
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear, TruncMonth
from django.utils import timezone

from courses.models import CoursePage, CurriculumPage
from lms.analytics import privacy
from lms.analytics.dimensions import (
    AGE_BANDS,
    RANK_LEVELS,
    age_band_of,
    rank_level_expression,
    rank_level_of,
)
from lms.conf import lms_settings
from lms.models.analytics import (
    ActivityFact,
    AnalyticsBuild,
    AssessmentAggregate,
    BuildStatus,
    CourseActivityFact,
    CreditFact,
    LearnerFact,
    LearningFact,
)
from lms.models.assessment import Assessment, AssessmentConsent, Instrument, ProfileRules
from lms.models.learning import (
    AnnualTarget,
    CreditRecord,
    Enrollment,
    EnrollmentStatus,
    LessonProgress,
    QuizAttempt,
)
from lms.models.targeting import CampaignAssignment
from lms.people.models import AssessmentSignal, CadreProfile, SignalKind

CELL = ("department_id", "rank_level", "gender", "post_category_id")
BATCH = 5000


def course_tracks() -> dict[int, str]:
    """Each course's track, from the curriculum page above it."""
    tracks = {page.path: page.track for page in CurriculumPage.objects.only("path", "track")}
    return {
        course.pk: tracks.get(course.path[: -course.steplen], "")
        for course in CoursePage.objects.only("pk", "path", "depth")
    }


def track_expression(tracks: dict[int, str], field_name: str = "course_id"):
    """A course's track as SQL (courses live in the page tree, tracks on their parent)."""
    by_track: dict[str, list[int]] = defaultdict(list)
    for course_id, track in tracks.items():
        by_track[track].append(course_id)
    return Case(
        *[
            When(**{f"{field_name}__in": ids}, then=Value(track))
            for track, ids in sorted(by_track.items())
            if track
        ],
        default=Value(""),
        output_field=CharField(),
    )


def _cell(prefix: str) -> dict:
    """The cadre's cell as annotations named like LearningFact's columns (on CadreProfile
    itself only the rank level: the other three are its own fields)."""
    if not prefix:
        return {"rank_level": rank_level_expression("rank__ordinal")}
    return {
        "department_id": F(f"{prefix}department_id"),
        "rank_level": rank_level_expression(f"{prefix}rank__ordinal"),
        "gender": F(f"{prefix}gender"),
        "post_category_id": F(f"{prefix}post_category_id"),
    }


def insert_from(model, queryset, columns: list) -> int:
    """INSERT INTO model's table SELECT columns FROM (queryset): the grouped rows go
    straight from the records to the summary without passing through Python, so a
    rebuild at a province's scale costs the GROUP BY, not 500,000 model instances. Table
    and column names come from the model; values stay query parameters."""
    pairs = [column if isinstance(column, tuple) else (column, column) for column in columns]
    sql, params = queryset.query.sql_with_params()
    quote = connection.ops.quote_name
    target = ", ".join(quote(model._meta.get_field(name).column) for name, _source in pairs)
    source = ", ".join(quote(alias) for _name, alias in pairs)
    table = quote(model._meta.db_table)
    statement = f"INSERT INTO {table} ({target}) SELECT {source} FROM ({sql}) AS grouped_rows"  # noqa: S608  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return max(cursor.rowcount, 0)


def live_enrolments():
    return Enrollment.objects.exclude(status=EnrollmentStatus.WITHDRAWN)


COARSE = ("department_id",)


def build_learning(tracks: dict[int, str]) -> int:
    return _build_learning(tracks, CELL, fine=True) + _build_learning(tracks, COARSE, fine=False)


def _build_learning(tracks: dict[int, str], cell: tuple, *, fine: bool) -> int:
    """Enrolments (not withdrawn) grouped by year, course, campaign and the cadre's cell."""
    today = timezone.localdate()
    campaign = (
        CampaignAssignment.objects.filter(enrollment=OuterRef("pk"))
        .order_by("campaign_id")
        .values("campaign_id")[:1]
    )
    rows = (
        live_enrolments()
        .annotate(
            year=ExtractYear("enrolled_at"),
            track=track_expression(tracks),
            campaign_id=Subquery(campaign),
            opened=Exists(LessonProgress.objects.filter(enrollment=OuterRef("pk"))),
            took_quiz=Exists(QuizAttempt.objects.filter(enrollment=OuterRef("pk"))),
            passed_quiz=Exists(QuizAttempt.objects.filter(enrollment=OuterRef("pk"), passed=True)),
            fine=Value(fine),
            **{name: value for name, value in _cell("cadre__").items() if name in cell},
        )
        .values("year", "course_id", "track", "campaign_id", "fine", *cell)
        .annotate(
            enrolled=Count("pk"),
            started=Count("pk", filter=Q(opened=True) | Q(status=EnrollmentStatus.COMPLETED)),
            completed=Count("pk", filter=Q(status=EnrollmentStatus.COMPLETED)),
            # Not "required": the name would hide Enrollment.required from the filters below.
            required_n=Count("pk", filter=Q(required=True)),
            overdue=Count(
                "pk",
                filter=Q(required=True, status=EnrollmentStatus.ACTIVE, due_date__lt=today),
            ),
            quiz_takers=Count("pk", filter=Q(took_quiz=True)),
            quiz_passed=Count("pk", filter=Q(passed_quiz=True)),
            rated=Count("feedback"),
            rating_sum=Coalesce(Sum("feedback__rating"), 0),
        )
        .order_by()
    )
    columns = ["year", "course_id", "track", "campaign_id", "fine", *cell]
    columns += ["enrolled", "started", "completed", ("required", "required_n"), "overdue"]
    columns += ["quiz_takers"]
    columns += ["quiz_passed", "rated", "rating_sum"]
    return insert_from(LearningFact, rows, columns)


def enrolment_years() -> list[int]:
    return sorted({day.year for day in Enrollment.objects.dates("enrolled_at", "year")})


def build_learners() -> int:
    """Per year and cell: enrolments of each kind, and the cadres with at least one (each
    cadre tested with EXISTS subqueries and counted once). Two sets of rows that add up."""
    today = timezone.localdate()
    done = Q(status=EnrollmentStatus.COMPLETED)
    late = Q(required=True, status=EnrollmentStatus.ACTIVE, due_date__lt=today)
    kinds = {
        "enrolled": Q(),
        "started": Q(opened=True) | done,
        "completed": done,
        "not_started": Q(opened=False) & ~done,
        "in_progress": Q(opened=True) & ~done,
        "not_completed": ~done,
        "required": Q(required=True),
        "overdue": late,
        "on_time": Q(required=True) & ~late,
    }
    opened = Exists(LessonProgress.objects.filter(enrollment=OuterRef("pk")))
    written = 0
    for year in enrolment_years():
        enrolments = live_enrolments().filter(enrolled_at__year=year)
        counted = (
            enrolments.annotate(opened=opened, year=Value(year), **_cell("cadre__"))
            .values("year", *CELL)
            .annotate(
                enrolments=Count("pk"),
                enrolments_started=Count("pk", filter=kinds["started"]),
                enrolments_completed=Count("pk", filter=done),
                enrolments_required=Count("pk", filter=Q(required=True)),
                enrolments_overdue=Count("pk", filter=late),
            )
            .order_by()
        )
        written += insert_from(
            LearnerFact,
            counted,
            ["year", *CELL, "enrolments", "enrolments_started", "enrolments_completed"]
            + ["enrolments_required", "enrolments_overdue"],
        )
        mine = enrolments.filter(cadre=OuterRef("pk")).annotate(opened=opened)
        people = (
            CadreProfile.objects.annotate(
                **{f"has_{kind}": Exists(mine.filter(q)) for kind, q in kinds.items()}
            )
            .filter(has_enrolled=True)
            .annotate(year=Value(year), **_cell(""))
            .values("year", *CELL)
            .annotate(**{kind: Count("pk", filter=Q(**{f"has_{kind}": True})) for kind in kinds})
            .order_by()
        )
        written += insert_from(LearnerFact, people, ["year", *CELL, *kinds])
    return written


def build_activity(tracks: dict[int, str]) -> int:
    """Per month and track: enrolments, completions and approved credit hours, each with
    the cadres behind them; three sets of rows that add up. Fine and department-level."""
    written = _build_activity(tracks, CELL, fine=True)
    written += _build_activity(tracks, COARSE, fine=False)
    return written + build_course_activity(tracks)


def _build_activity(tracks: dict[int, str], cell: tuple, *, fine: bool) -> int:
    grain = {name: value for name, value in _cell("cadre__").items() if name in cell}
    written = 0
    for source, month, measures in (
        (Enrollment.objects.all(), "enrolled_at", ("enrolments", "enrollers")),
        (
            Enrollment.objects.filter(completed_at__isnull=False),
            "completed_at",
            ("completions", "completers"),
        ),
    ):
        rows = (
            source.annotate(
                month=TruncMonth(month, output_field=DateField()),
                track=track_expression(tracks),
                fine=Value(fine),
                **grain,
            )
            .values("month", "track", "fine", *cell)
            .annotate(**{measures[0]: Count("pk"), measures[1]: Count("cadre_id", distinct=True)})
            .order_by()
        )
        written += insert_from(ActivityFact, rows, ["month", "track", "fine", *cell, *measures])
    credits = (
        CreditRecord.objects.approved()
        .annotate(
            month=TruncMonth("earned_on"),
            track=track_expression(tracks),
            fine=Value(fine),
            **grain,
        )
        .values("month", "track", "fine", *cell)
        .annotate(credit_hours=Sum("hours"), earners=Count("cadre_id", distinct=True))
        .order_by()
    )
    return written + insert_from(
        ActivityFact, credits, ["month", "track", "fine", *cell, "credit_hours", "earners"]
    )


def build_course_activity(tracks: dict[int, str]) -> int:
    """The same per course, without the cadres' cells (one enrolment per cadre and course,
    so every count is people)."""
    written = 0
    for source, month, measure in (
        (Enrollment.objects.all(), "enrolled_at", "enrolments"),
        (Enrollment.objects.filter(completed_at__isnull=False), "completed_at", "completions"),
    ):
        rows = (
            source.annotate(
                month=TruncMonth(month, output_field=DateField()), track=track_expression(tracks)
            )
            .values("month", "course_id", "track")
            .annotate(**{measure: Count("pk")})
            .order_by()
        )
        written += insert_from(CourseActivityFact, rows, ["month", "course_id", "track", measure])
    credits = (
        CreditRecord.objects.approved()
        .filter(course__isnull=False)
        .annotate(month=TruncMonth("earned_on"), track=track_expression(tracks))
        .values("month", "course_id", "track")
        .annotate(credit_hours=Sum("hours"), earners=Count("cadre_id", distinct=True))
        .order_by()
    )
    return written + insert_from(
        CourseActivityFact, credits, ["month", "course_id", "track", "credit_hours", "earners"]
    )


def credit_years() -> list[int]:
    years = {day.year for day in CreditRecord.objects.approved().dates("earned_on", "year")}
    return sorted(years | {timezone.localdate().year})


def build_credits() -> int:
    """Each active cadre's approved hours in a year against the target for their rank."""
    target = AnnualTarget.objects.filter(
        min_ordinal__lte=OuterRef("rank__ordinal"), max_ordinal__gte=OuterRef("rank__ordinal")
    ).order_by("-min_ordinal")
    money = DecimalField(max_digits=12, decimal_places=2)
    written = 0
    for year in credit_years():
        hours = (
            CreditRecord.objects.approved()
            .in_year(year)
            .filter(cadre=OuterRef("pk"))
            .values("cadre")
            .annotate(total=Sum("hours"))
            .values("total")
        )
        rows = (
            CadreProfile.objects.active()
            .annotate(
                year_hours=Coalesce(
                    Subquery(hours, output_field=money), Value(0), output_field=money
                ),
                target=Subquery(target.values("annual_hours")[:1], output_field=money),
                year=Value(year),
                **_cell(""),
            )
            .values("year", *CELL)
            .annotate(
                cadres=Count("pk"),
                met_target=Count("pk", filter=Q(target__isnull=False, year_hours__gte=F("target"))),
                hours=Coalesce(Sum("year_hours"), Value(0), output_field=money),
                target_hours=Coalesce(Sum("target"), Value(0), output_field=money),
            )
            .order_by()
        )
        written += insert_from(
            CreditFact,
            rows,
            ["year", *CELL, "cadres", "met_target", "hours", "target_hours"],
        )
    return written


# Assessment aggregates --------------------------------------------------------------------


def assessment_measures() -> list[str]:
    """The measures stored per group, in a fixed order: respondents first, then counts."""
    sources = list(
        AssessmentSignal.objects.filter(kind=SignalKind.STRESS_SOURCE)
        .order_by("sort_order")
        .values_list("key", flat=True)
    )
    factors = [f["key"] for f in scl90_definition().get("factors", [])]
    return [
        "respondents:stress_sources",
        *sources,
        "respondents:scl90",
        "positive_screen",
        *(f"factor:{key}" for key in factors),
    ]


def scl90_definition() -> dict:
    instrument = Instrument.objects.filter(key="scl90").first()
    return instrument.definition if instrument else {}


def assessment_counts(measures: list[str]) -> dict[tuple[str, str], list[int]]:
    """Counts per (dimension, value) from each consenting cadre's latest results, decrypted
    one at a time and never kept: only the counters leave this function."""
    index = {name: i for i, name in enumerate(measures)}
    elevated_at = ProfileRules.current().thresholds["scl90"]["elevated"]["factor_at_least"]
    year = timezone.localdate().year
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * len(measures))
    consenting = AssessmentConsent.objects.filter(withdrawn_at__isnull=True).values("cadre_id")
    latest = (
        Assessment.objects.filter(
            cadre_id__in=consenting, instrument__key__in=["scl90", "stress_sources"]
        )
        .select_related("instrument", "cadre__rank")
        .only(
            "cadre_id",
            "scores",
            "taken_at",
            "instrument__key",
            "cadre__gender",
            "cadre__birth_year",
            "cadre__rank__ordinal",
            "key_id",
        )
        .order_by("cadre_id", "instrument_id", "-taken_at")
    )
    seen = None
    for assessment in latest.iterator(chunk_size=1000):
        pair = (assessment.cadre_id, assessment.instrument.key)
        if pair == seen:
            continue  # an older result of the same instrument
        seen = pair
        cadre = assessment.cadre
        groups = [
            ("all", "all"),
            ("gender", cadre.gender),
            ("age_band", age_band_of(cadre.age_in(year))),
            ("rank_level", rank_level_of(cadre.rank.ordinal)),
        ]
        scores = assessment.scores
        hits: list[str]
        if assessment.instrument.key == "stress_sources":
            hits = ["respondents:stress_sources", *scores.get("present", [])]
        else:
            hits = ["respondents:scl90"]
            if scores.get("positive_screen"):
                hits.append("positive_screen")
            hits += [
                f"factor:{key}"
                for key, value in scores.get("factors", {}).items()
                if value >= elevated_at
            ]
        for group in groups:
            vector = counts[group]
            for name in hits:
                if name in index:
                    vector[index[name]] += 1
    return counts


DIMENSION_VALUES = {
    "gender": ["female", "male"],
    "age_band": [key for key, *_rest in AGE_BANDS],
    "rank_level": [key for key, *_rest in RANK_LEVELS],
}


def _respondents_index(measures: list[str], i: int) -> int:
    while not measures[i].startswith("respondents:"):
        i -= 1
    return i


def suppressed_assessment_rows(counts, measures, k: int) -> list[AssessmentAggregate]:
    """The aggregates that may be stored. Column by column: a group's respondents are
    hidden when fewer than k (or when the hidden groups would add up to fewer than k from
    the total); a count is hidden when it, or the respondents without it, are fewer than
    k, or when its group's respondents are hidden, and again complementary within its
    column. A whole column is hidden when its total is."""
    width = len(measures)
    tables = {"all": {"all": {"all": tuple(counts.get(("all", "all"), [0] * width))}}}
    for dimension, values in DIMENSION_VALUES.items():
        tables[dimension] = {
            value: {"all": tuple(counts[(dimension, value)])}
            for value in values
            if (dimension, value) in counts
        }
    rows: list[AssessmentAggregate] = []
    for dimension, table in tables.items():
        hidden_respondents: dict[int, set] = {}
        for i, name in enumerate(measures):
            if not name.startswith("respondents:"):
                continue
            check = privacy.Check((privacy.measure(i),))
            hidden_respondents[i] = privacy.hidden_rows(table, check, k)
            if privacy.exposes({"all": tables["all"]["all"]["all"]}, check, k):
                hidden_respondents[i] = set(table)
        for i, name in enumerate(measures):
            r = _respondents_index(measures, i)
            if i == r:
                hidden = hidden_respondents[r]
            else:
                check = privacy.Check((privacy.measure(i), privacy.difference(r, i)))
                hidden = privacy.hidden_rows(table, check, k, already=hidden_respondents[r])
                if privacy.exposes({"all": tables["all"]["all"]["all"]}, check, k):
                    hidden = set(table)
            for value, parts in table.items():
                vector = parts["all"]
                shown = value not in hidden
                rows.append(
                    AssessmentAggregate(
                        dimension=dimension,
                        value=value,
                        measure=name,
                        respondents=vector[r] if value not in hidden_respondents[r] else None,
                        count=vector[i] if shown else None,
                    )
                )
    return rows


def build_assessments() -> int:
    measures = assessment_measures()
    counts = assessment_counts(measures)
    rows = suppressed_assessment_rows(counts, measures, lms_settings.LMS_ANALYTICS_K_HEALTH)
    AssessmentAggregate.objects.bulk_create(rows)
    return len(rows)


# The whole rebuild -------------------------------------------------------------------------


def rebuild(*, assessments: bool = True) -> AnalyticsBuild:
    """Empty and refill every summary in one transaction; record how long it took."""
    build = AnalyticsBuild.objects.create(status=BuildStatus.RUNNING)
    started = time.perf_counter()
    try:
        with transaction.atomic():
            for model in (
                LearningFact,
                LearnerFact,
                ActivityFact,
                CourseActivityFact,
                CreditFact,
                AssessmentAggregate,
            ):
                model.objects.all().delete()
            tracks = course_tracks()
            rows = build_learning(tracks) + build_learners()
            rows += build_activity(tracks) + build_credits()
            if assessments:
                rows += build_assessments()
    except Exception:
        build.status = BuildStatus.FAILED
        build.finished_at = timezone.now()
        build.save(update_fields=["status", "finished_at"])
        raise
    build.status = BuildStatus.DONE
    build.finished_at = timezone.now()
    build.seconds = round(time.perf_counter() - started, 3)
    build.rows = rows
    build.save(update_fields=["status", "finished_at", "seconds", "rows"])
    return build


def latest_build() -> AnalyticsBuild | None:
    return AnalyticsBuild.objects.filter(status=BuildStatus.DONE).order_by("-finished_at").first()
