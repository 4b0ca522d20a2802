"""Summary tables behind 学习分析 (lms.analytics). Derived data: `manage.py build_analytics`
(or the nightly Celery task) empties and rebuilds them from the learning records.

No row names a cadre. The learning summaries count people per combination of course and
the cadre's department, rank, gender and post category; small counts stay in the tables
(they are needed to add up correctly) and are hidden when a view is shown (lms.analytics.
privacy). Assessment aggregates are different: they are computed from decrypted results
and stored only after suppression, so no small count derived from health data is ever
written.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.people.models import Department, PostCategory


class CadreCell(models.Model):
    """The cadre's side of a summary row: who, described only by reference data."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    # The index of the rank's level in lms.analytics.dimensions.RANK_LEVELS: ranks are
    # only ever shown and filtered by level, and 45 ranks would multiply the rows by ten.
    # These three are empty in the department-level rows of the summaries that have them.
    rank_level = models.PositiveSmallIntegerField(null=True)
    gender = models.CharField(max_length=10, db_default="")
    post_category = models.ForeignKey(
        PostCategory, null=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        abstract = True


class LearningFact(CadreCell):
    """Enrolments of one year in one course by one cell of cadres, through one campaign."""

    year = models.PositiveSmallIntegerField()
    course = models.ForeignKey("courses.CoursePage", on_delete=models.CASCADE, related_name="+")
    track = models.CharField(max_length=30)
    # Every enrolment is counted twice: once by the cadre's full cell (fine) and once by
    # department only. A view that neither filters nor groups by rank, gender or post reads
    # the department-level rows, a tenth as many.
    fine = models.BooleanField(db_default=True)
    campaign = models.ForeignKey(
        "lms.Campaign", null=True, on_delete=models.CASCADE, related_name="+"
    )
    # People, each counted once per course: one enrolment per cadre and course.
    enrolled = models.PositiveIntegerField(db_default=0)
    started = models.PositiveIntegerField(db_default=0)
    completed = models.PositiveIntegerField(db_default=0)
    required = models.PositiveIntegerField(db_default=0)
    overdue = models.PositiveIntegerField(db_default=0)
    quiz_takers = models.PositiveIntegerField(db_default=0)
    quiz_passed = models.PositiveIntegerField(db_default=0)
    rated = models.PositiveIntegerField(db_default=0)
    rating_sum = models.PositiveIntegerField(db_default=0)

    class Meta:
        verbose_name = _("learning summary")
        verbose_name_plural = _("learning summaries")
        indexes = [models.Index(fields=["fine", "year"])]
        permissions = [("view_analytics", _("Can view learning analytics"))]

    def __str__(self):
        return f"{self.year} {self.course_id}: {self.completed}/{self.enrolled}"


class LearnerFact(CadreCell):
    """People, not enrolments: how many cadres of one cell had, in one year, at least one
    enrolment of each kind. A cadre is counted once however many courses they took, so
    these are the counts compared with k for tables across courses."""

    year = models.PositiveSmallIntegerField()
    # Enrolments (人次), what the tables show ...
    enrolments = models.PositiveIntegerField(db_default=0)
    enrolments_started = models.PositiveIntegerField(db_default=0)
    enrolments_completed = models.PositiveIntegerField(db_default=0)
    enrolments_required = models.PositiveIntegerField(db_default=0)
    enrolments_overdue = models.PositiveIntegerField(db_default=0)
    # ... and people, what is compared with k.
    enrolled = models.PositiveIntegerField(db_default=0)
    started = models.PositiveIntegerField(db_default=0)
    completed = models.PositiveIntegerField(db_default=0)
    not_started = models.PositiveIntegerField(db_default=0)
    in_progress = models.PositiveIntegerField(db_default=0)
    not_completed = models.PositiveIntegerField(db_default=0)
    required = models.PositiveIntegerField(db_default=0)
    overdue = models.PositiveIntegerField(db_default=0)
    on_time = models.PositiveIntegerField(db_default=0)

    class Meta:
        indexes = [models.Index(fields=["year"])]

    def __str__(self):
        return f"{self.year}: {self.enrolled}"


class ActivityFact(CadreCell):
    """One month's enrolments, completions and credit hours in one track by one cell of
    cadres, with the people behind each (a row holds one of the three; they add up)."""

    month = models.DateField()  # the first of the month
    track = models.CharField(max_length=30, blank=True)  # empty: hours not from a course
    fine = models.BooleanField(db_default=True)  # as LearningFact.fine
    enrolments = models.PositiveIntegerField(db_default=0)
    enrollers = models.PositiveIntegerField(db_default=0)
    completions = models.PositiveIntegerField(db_default=0)
    completers = models.PositiveIntegerField(db_default=0)
    earners = models.PositiveIntegerField(db_default=0)
    credit_hours = models.DecimalField(max_digits=12, decimal_places=2, db_default=0)

    class Meta:
        indexes = [models.Index(fields=["month"])]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.track}"


class CourseActivityFact(models.Model):
    """One month's enrolments, completions and credit hours in one course, for instructors'
    trends (their scope is courses, not departments)."""

    month = models.DateField()
    course = models.ForeignKey("courses.CoursePage", on_delete=models.CASCADE, related_name="+")
    track = models.CharField(max_length=30, blank=True)
    enrolments = models.PositiveIntegerField(db_default=0)
    completions = models.PositiveIntegerField(db_default=0)
    earners = models.PositiveIntegerField(db_default=0)
    credit_hours = models.DecimalField(max_digits=12, decimal_places=2, db_default=0)

    class Meta:
        indexes = [models.Index(fields=["month"])]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.course_id}"


class CreditFact(CadreCell):
    """One year's approved credit hours of one cell of cadres against their annual target."""

    year = models.PositiveSmallIntegerField()
    cadres = models.PositiveIntegerField(db_default=0)
    met_target = models.PositiveIntegerField(db_default=0)
    hours = models.DecimalField(max_digits=12, decimal_places=2, db_default=0)
    target_hours = models.DecimalField(max_digits=12, decimal_places=2, db_default=0)

    class Meta:
        indexes = [models.Index(fields=["year"])]

    def __str__(self):
        return f"{self.year}: {self.met_target}/{self.cadres}"


class AssessmentAggregate(models.Model):
    """A suppressed aggregate of assessment results: one measure for one group.

    `count` and `respondents` are NULL where the group, or the cells that would let it be
    worked out, describe fewer than LMS_ANALYTICS_K_HEALTH people."""

    dimension = models.CharField(max_length=20)  # all, gender, age_band, rank_level
    value = models.CharField(max_length=40)
    measure = models.CharField(max_length=60)  # e.g. stress_work, positive_screen, factor:…
    respondents = models.PositiveIntegerField(null=True)
    count = models.PositiveIntegerField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "value", "measure"], name="one_assessment_aggregate"
            )
        ]

    def __str__(self):
        return f"{self.dimension}={self.value} {self.measure}"


class BuildStatus(models.TextChoices):
    RUNNING = "running", _("Building")
    DONE = "done", _("Up to date")
    FAILED = "failed", _("Failed")


class AnalyticsBuild(models.Model):
    """One rebuild of the summaries: the dashboard says how fresh its numbers are."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=BuildStatus.choices)
    seconds = models.FloatField(null=True, blank=True)
    rows = models.PositiveIntegerField(db_default=0)

    class Meta:
        ordering = ["-started_at"]
        get_latest_by = "started_at"

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.status}"


class AnalyticsExport(models.Model):
    """Append-only record of every table downloaded from 学习分析."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    table = models.CharField(max_length=40)
    format = models.CharField(max_length=5)
    filters = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("analytics export")
        verbose_name_plural = _("analytics exports")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.table}.{self.format}"
