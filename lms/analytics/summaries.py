"""Rebuilding the summary tables from the learning records (and, for system administrators,
the suppressed assessment aggregates from the decrypted results).

Each learning summary is one GROUP BY over the records, with conditional counts; the
rows are written with bulk_create inside one transaction, so the dashboard reads either
the old summaries or the new ones, never half of each. Run by `manage.py build_analytics`,
nightly by Celery beat, and on demand from the dashboard (lms.analytics.tasks).
"""

import time
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractYear, TruncMonth
from django.utils import timezone

from courses.models import CoursePage, CurriculumPage
from lms.analytics import privacy
from lms.analytics.dimensions import AGE_BANDS, RANK_LEVELS, age_band_of, rank_level_of
from lms.conf import lms_settings
from lms.models.analytics import (
    ActivityFact,
    AnalyticsBuild,
    AssessmentAggregate,
    BuildStatus,
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

CELL = ("department_id", "rank_id", "gender", "post_category_id")
BATCH = 5000


def course_tracks() -> dict[int, str]:
    """Each course's track, from the curriculum page above it."""
    tracks = {page.path: page.track for page in CurriculumPage.objects.only("path", "track")}
    return {
        course.pk: tracks.get(course.path[: -course.steplen], "")
        for course in CoursePage.objects.only("pk", "path", "depth")
    }


def _cell(prefix: str) -> dict:
    return {name: F(f"{prefix}{name}") for name in CELL}


def learning_rows():
    """Enrolments (not withdrawn) grouped by year, course, campaign and the cadre's cell."""
    today = timezone.localdate()
    campaign = (
        CampaignAssignment.objects.filter(enrollment=OuterRef("pk"))
        .order_by("campaign_id")
        .values("campaign_id")[:1]
    )
    return (
        Enrollment.objects.exclude(status=EnrollmentStatus.WITHDRAWN)
        .annotate(
            year=ExtractYear("enrolled_at"),
            via_campaign=Subquery(campaign),
            opened=Exists(LessonProgress.objects.filter(enrollment=OuterRef("pk"))),
            took_quiz=Exists(QuizAttempt.objects.filter(enrollment=OuterRef("pk"))),
            passed_quiz=Exists(QuizAttempt.objects.filter(enrollment=OuterRef("pk"), passed=True)),
            **_cell("cadre__"),
        )
        .values("year", "course_id", "via_campaign", *CELL)
        .annotate(
            enrolled=Count("pk"),
            started=Count("pk", filter=Q(opened=True) | Q(status=EnrollmentStatus.COMPLETED)),
            completed=Count("pk", filter=Q(status=EnrollmentStatus.COMPLETED)),
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


def build_learning(tracks: dict[int, str]) -> int:
    objects = (
        LearningFact(
            year=row["year"],
            course_id=row["course_id"],
            track=tracks.get(row["course_id"], ""),
            campaign_id=row["via_campaign"],
            department_id=row["department_id"],
            rank_id=row["rank_id"],
            gender=row["gender"],
            post_category_id=row["post_category_id"],
            enrolled=row["enrolled"],
            started=row["started"],
            completed=row["completed"],
            required=row["required_n"],
            overdue=row["overdue"],
            quiz_takers=row["quiz_takers"],
            quiz_passed=row["quiz_passed"],
            rated=row["rated"],
            rating_sum=row["rating_sum"],
        )
        for row in learning_rows().iterator(chunk_size=BATCH)
    )
    return _write(LearningFact, objects)


def enrolment_years() -> list[int]:
    return sorted({day.year for day in Enrollment.objects.dates("enrolled_at", "year")})


def build_learners() -> int:
    """Per year and cell, the cadres with at least one enrolment of each kind: one query
    per year, each cadre tested with EXISTS subqueries and counted once."""
    today = timezone.localdate()
    opened = Exists(LessonProgress.objects.filter(enrollment=OuterRef("pk")))
    kinds = {
        "enrolled": Q(),
        "started": Q(opened=True) | Q(status=EnrollmentStatus.COMPLETED),
        "completed": Q(status=EnrollmentStatus.COMPLETED),
        "not_started": Q(opened=False) & ~Q(status=EnrollmentStatus.COMPLETED),
        "in_progress": Q(opened=True) & ~Q(status=EnrollmentStatus.COMPLETED),
        "not_completed": ~Q(status=EnrollmentStatus.COMPLETED),
        "required": Q(required=True),
        "overdue": Q(required=True, status=EnrollmentStatus.ACTIVE, due_date__lt=today),
        "on_time": Q(required=True) & ~Q(status=EnrollmentStatus.ACTIVE, due_date__lt=today),
    }
    written = 0
    for year in enrolment_years():
        enrolments = (
            Enrollment.objects.exclude(status=EnrollmentStatus.WITHDRAWN)
            .filter(cadre=OuterRef("pk"), enrolled_at__year=year)
            .annotate(opened=opened)
        )
        cadres = CadreProfile.objects.annotate(
            **{f"has_{kind}": Exists(enrolments.filter(q)) for kind, q in kinds.items()}
        ).filter(has_enrolled=True)
        rows = (
            cadres.values(*CELL)
            .annotate(**{kind: Count("pk", filter=Q(**{f"has_{kind}": True})) for kind in kinds})
            .order_by()
        )
        written += _write(
            LearnerFact,
            (
                LearnerFact(year=year, **{name: row[name] for name in (*CELL, *kinds)})
                for row in rows.iterator(chunk_size=BATCH)
            ),
        )
    return written


def _month(value) -> date:
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


def build_activity(tracks: dict[int, str]) -> int:
    """Per month: enrolments, completions and approved credit hours (with their earners)."""
    cells: dict[tuple, dict] = defaultdict(
        lambda: {"enrolments": 0, "completions": 0, "earners": 0, "credit_hours": Decimal(0)}
    )

    def key(row, month):
        return (_month(month), row["course_id"], *(row[name] for name in CELL))

    enrolments = (
        Enrollment.objects.annotate(month=TruncMonth("enrolled_at"), **_cell("cadre__"))
        .values("month", "course_id", *CELL)
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in enrolments.iterator(chunk_size=BATCH):
        cells[key(row, row["month"])]["enrolments"] += row["n"]
    completions = (
        Enrollment.objects.filter(completed_at__isnull=False)
        .annotate(month=TruncMonth("completed_at"), **_cell("cadre__"))
        .values("month", "course_id", *CELL)
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in completions.iterator(chunk_size=BATCH):
        cells[key(row, row["month"])]["completions"] += row["n"]
    credits = (
        CreditRecord.objects.approved()
        .annotate(month=TruncMonth("earned_on"), **_cell("cadre__"))
        .values("month", "course_id", *CELL)
        .annotate(hours=Sum("hours"), earners=Count("cadre_id", distinct=True))
        .order_by()
    )
    for row in credits.iterator(chunk_size=BATCH):
        cell = cells[key(row, row["month"])]
        cell["credit_hours"] += row["hours"] or 0
        cell["earners"] += row["earners"]
    objects = (
        ActivityFact(
            month=month,
            course_id=course_id,
            track=tracks.get(course_id, "") if course_id else "",
            department_id=department_id,
            rank_id=rank_id,
            gender=gender,
            post_category_id=post_category_id,
            **measures,
        )
        for (month, course_id, department_id, rank_id, gender, post_category_id), measures in (
            cells.items()
        )
    )
    return _write(ActivityFact, objects)


def credit_years() -> list[int]:
    years = {day.year for day in CreditRecord.objects.approved().dates("earned_on", "year")}
    return sorted(years | {timezone.localdate().year})


def build_credits() -> int:
    """Each active cadre's approved hours in a year against the target for their rank."""
    target = AnnualTarget.objects.filter(
        min_ordinal__lte=OuterRef("rank__ordinal"), max_ordinal__gte=OuterRef("rank__ordinal")
    ).order_by("-min_ordinal")
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
        money = DecimalField(max_digits=12, decimal_places=2)
        rows = (
            CadreProfile.objects.active()
            .annotate(
                year_hours=Coalesce(
                    Subquery(hours, output_field=money), Value(0), output_field=money
                ),
                target=Subquery(target.values("annual_hours")[:1], output_field=money),
            )
            .values(*CELL)
            .annotate(
                cadres=Count("pk"),
                met=Count("pk", filter=Q(target__isnull=False, year_hours__gte=F("target"))),
                hours=Sum("year_hours"),
                target_hours=Coalesce(Sum("target"), Value(0), output_field=money),
            )
            .order_by()
        )
        written += _write(
            CreditFact,
            (
                CreditFact(
                    year=year,
                    cadres=row["cadres"],
                    met_target=row["met"],
                    hours=row["hours"] or 0,
                    target_hours=row["target_hours"] or 0,
                    **{name: row[name] for name in CELL},
                )
                for row in rows.iterator(chunk_size=BATCH)
            ),
        )
    return written


def _write(model, objects) -> int:
    batch, written = [], 0
    for obj in objects:
        batch.append(obj)
        if len(batch) >= BATCH:
            model.objects.bulk_create(batch)
            written += len(batch)
            batch = []
    if batch:
        model.objects.bulk_create(batch)
        written += len(batch)
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
