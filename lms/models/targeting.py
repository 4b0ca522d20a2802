"""Targeting: roster imports, audiences, assignment campaigns and their reminders.

Audiences select cadres by what the roster says of them (rank, ladder, gender, post
category, department subtree, age, time in post) and never by anything from an
assessment. Every object belongs to the department subtree of the administrator who made
it (`owner_department`; empty for system administrators), and `for_admin(user)` is the
one way the admin reaches them.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.people.models import (
    CadreProfile,
    Department,
    Gender,
    PostCategory,
    Rank,
    RankLadder,
    admin_department,
    admin_scope_q,
)


class OwnedQuerySet(models.QuerySet):
    def for_admin(self, user):
        """Objects made within this administrator's subtree (all, for a system admin)."""
        if user is not None and user.is_authenticated and user.is_superuser and user.is_active:
            return self.all()
        department = admin_department(user)
        if department is None:
            return self.none()
        return self.filter(admin_scope_q(user, "owner_department__path"))


class Audience(models.Model):
    """A saved, named definition of a group of cadres, evaluated afresh whenever used."""

    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    owner_department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owned by"),
        help_text=_("The audience never reaches beyond this department's subtree."),
    )
    departments = models.ManyToManyField(
        Department,
        blank=True,
        related_name="+",
        verbose_name=_("departments"),
        help_text=_("Each with the units below it. Empty: the whole of your scope."),
    )
    min_rank = models.ForeignKey(
        Rank,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lowest rank"),
        help_text=_("This rank and above, across the post and grade ladders."),
    )
    max_rank = models.ForeignKey(
        Rank,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("highest rank"),
    )
    ladder = models.CharField(
        _("ladder"),
        max_length=20,
        choices=RankLadder.choices,
        blank=True,
        help_text=_("Only leading posts, or only one grade ladder. Empty: every ladder."),
    )
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    post_categories = models.ManyToManyField(
        PostCategory, blank=True, related_name="+", verbose_name=_("post categories")
    )
    min_age = models.PositiveSmallIntegerField(
        _("minimum age"), null=True, blank=True, validators=[MaxValueValidator(80)]
    )
    max_age = models.PositiveSmallIntegerField(
        _("maximum age"), null=True, blank=True, validators=[MaxValueValidator(80)]
    )
    min_years_in_post = models.PositiveSmallIntegerField(
        _("at least this many years in the current post"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(50)],
    )
    new_in_post_within_days = models.PositiveSmallIntegerField(
        _("new in post within this many days"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.min_age and self.max_age and self.min_age > self.max_age:
            errors["max_age"] = _("The maximum age must not be below the minimum age.")
        if self.min_rank_id and self.max_rank_id and self.min_rank.ordinal > self.max_rank.ordinal:
            errors["max_rank"] = _("The highest rank must not be below the lowest rank.")
        if errors:
            raise ValidationError(errors)


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    CANCELLED = "cancelled", _("Cancelled")


class Campaign(models.Model):
    """Courses assigned to an audience, required or elective, with a due date and a
    reminder policy. Launching assigns in the background; cadres who later join or change
    and match are assigned while the campaign runs."""

    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    owner_department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owned by"),
    )
    courses = models.ManyToManyField(
        "courses.CoursePage", related_name="campaigns", verbose_name=_("courses")
    )
    audience = models.ForeignKey(
        Audience, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("audience")
    )
    required = models.BooleanField(
        _("required"),
        default=True,
        help_text=_("Required courses appear under 必修 with their due date and cannot be left."),
    )
    due_date = models.DateField(_("due date"))
    remind_days_before = models.PositiveSmallIntegerField(
        _("remind this many days before the due date"),
        null=True,
        blank=True,
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    remind_overdue = models.BooleanField(_("remind once overdue"), default=True)
    remind_not_started_after_days = models.PositiveSmallIntegerField(
        _("remind if not started after this many days"),
        null=True,
        blank=True,
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    # Assignment progress: the task walks the audience by cadre id; `cursor` is the last id
    # done, so a restarted task goes on where the killed one stopped.
    total = models.PositiveIntegerField(_("cadres in the audience"), default=0)
    processed = models.PositiveIntegerField(_("cadres assigned so far"), default=0)
    cursor = models.BigIntegerField(default=0, editable=False)
    launched_at = models.DateTimeField(_("launched at"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("assignment finished at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("training campaign")
        verbose_name_plural = _("training campaigns")

    def __str__(self):
        return self.name

    @property
    def assigning(self) -> bool:
        return self.status == CampaignStatus.RUNNING and self.assigned_at is None


class AssignmentOutcome(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    UPGRADED = "upgraded", _("Self-enrolment made required")
    ALREADY_COMPLETED = "completed", _("Already completed")
    WITHDRAWN = "withdrawn", _("Left the course earlier: not re-enrolled")


class CampaignAssignment(models.Model):
    """One cadre and one course of a campaign, written once (the unique constraint is what
    makes a rerun or a restarted task assign nobody twice)."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("campaign")
    )
    cadre = models.ForeignKey(
        CadreProfile,
        on_delete=models.CASCADE,
        related_name="campaign_assignments",
        verbose_name=_("cadre"),
    )
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.CASCADE, related_name="+", verbose_name=_("course")
    )
    enrollment = models.ForeignKey(
        "lms.Enrollment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="campaign_assignments",
        verbose_name=_("enrollment"),
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=AssignmentOutcome.choices)
    created_at = models.DateTimeField(_("assigned at"), default=timezone.now)

    class Meta:
        verbose_name = _("campaign assignment")
        verbose_name_plural = _("campaign assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "cadre", "course"], name="one_assignment_per_campaign_course"
            )
        ]

    def __str__(self):
        return f"{self.campaign_id}: {self.cadre_id} → {self.course_id}"


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    NOT_STARTED = "not_started", _("Not started")


class Reminder(models.Model):
    """A reminder sent for one assignment; never the same kind twice (the constraint)."""

    assignment = models.ForeignKey(
        CampaignAssignment,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("assignment"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    emailed = models.BooleanField(_("e-mailed"), default=False)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "kind"], name="one_reminder_per_kind")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.assignment_id})"


class OverdueDigest(models.Model):
    """The daily overdue digest an administrator was sent (one per day at most)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()
    overdue = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "sent_on"], name="one_digest_per_day")
        ]

    def __str__(self):
        return f"{self.user_id} {self.sent_on}"


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("Checked, not yet imported")
    COMMITTED = "committed", _("Imported")
    DISCARDED = "discarded", _("Discarded")


class RosterImport(models.Model):
    """An uploaded roster: checked row by row first, then imported (or discarded).

    `rows` holds the normalised rows and every problem found, so the preview and the
    commit read the very same data; the uploaded file itself is not kept."""

    file_name = models.CharField(_("file"), max_length=200)
    owner_department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owned by"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED
    )
    rows = models.JSONField(default=list)
    problems = models.JSONField(default=list)
    report = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("imported by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")

    def __str__(self):
        return self.file_name
