"""Enrollment, progress, quizzes, credit hours, certificates and feedback."""

import hashlib
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import Orderable

from lms.people.models import CadreProfile


class EnrollmentOrigin(models.TextChoices):
    SELF = "self", _("Self-enrolled")
    CAMPAIGN = "campaign", _("Assignment campaign")
    ADMIN = "admin", _("Enrolled by an administrator")


class EnrollmentStatus(models.TextChoices):
    # With a context: Wagtail's workflow screens say "In progress" of a review task.
    ACTIVE = "active", pgettext_lazy("enrollment", "In progress")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


def done_count(**only):
    """An enrolment's completed lessons that are live (and match `only`, e.g. required)."""
    return Count(
        "lesson_progress",
        filter=Q(
            lesson_progress__completed_at__isnull=False,
            lesson_progress__lesson__live=True,
            **{f"lesson_progress__lesson__{k}": v for k, v in only.items()},
        ),
        distinct=True,
    )


class EnrollmentQuerySet(models.QuerySet):
    def for_cadre(self, cadre):
        return self.filter(cadre=cadre)

    def with_course(self):
        return self.select_related("course", "last_lesson")

    def with_resume(self):
        """Annotate `resume_at`: the part of the last lesson the cadre last read there."""
        return self.annotate(
            resume_at=models.Subquery(
                LessonProgress.objects.filter(
                    enrollment=models.OuterRef("pk"), lesson=models.OuterRef("last_lesson")
                ).values("position")[:1]
            )
        )

    def with_progress(self, course=None):
        """Annotate, in the same query, the lessons that count towards completion and how
        many of them are done: the required ones, or all when none is required.

        Given the one course every enrolment of the queryset is in (a course report), its
        lesson counts are read once and annotated as constants; otherwise they are counted
        per row, beneath each course's path (an index range, courses/tree.py).
        """
        from courses.models import LessonPage
        from courses.tree import Beneath

        if course is not None:
            counts = (
                LessonPage.objects.child_of(course)
                .live()
                .aggregate(all=Count("pk"), required=Count("pk", filter=Q(required=True)))
            )
            return self.annotate(
                lessons_done=done_count(required=True),
                lessons_required=models.Value(counts["required"]),
                lessons_done_all=done_count(),
                lessons_all=models.Value(counts["all"]),
            )

        def lessons(**only):
            return (
                LessonPage.objects.filter(
                    Beneath(models.F("path"), models.OuterRef("course__path")),
                    live=True,
                    depth=models.OuterRef("course__depth") + 1,
                    **only,
                )
                .order_by()
                .values("depth")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            )

        return self.annotate(
            lessons_done=done_count(required=True),
            lessons_required=models.Subquery(
                lessons(required=True), output_field=models.IntegerField()
            ),
            lessons_done_all=done_count(),
            lessons_all=models.Subquery(lessons(), output_field=models.IntegerField()),
        )


class Enrollment(models.Model):
    """One cadre in one course: unique, kept when the cadre withdraws."""

    cadre = models.ForeignKey(
        CadreProfile, on_delete=models.CASCADE, related_name="enrollments", verbose_name=_("cadre")
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.CASCADE,
        related_name="enrollments",
        verbose_name=_("course"),
    )
    origin = models.CharField(
        _("origin"), max_length=10, choices=EnrollmentOrigin.choices, default=EnrollmentOrigin.SELF
    )
    required = models.BooleanField(_("required"), default=False)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=EnrollmentStatus.choices,
        default=EnrollmentStatus.ACTIVE,
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    last_lesson = models.ForeignKey(
        "courses.LessonPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("last lesson"),
    )
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        constraints = [
            models.UniqueConstraint(fields=["cadre", "course"], name="one_enrollment_per_course")
        ]
        indexes = [models.Index(fields=["course", "status"])]

    def __str__(self):
        return f"{self.cadre} → {self.course_id}"

    @property
    def is_overdue(self) -> bool:
        return (
            self.status == EnrollmentStatus.ACTIVE
            and self.due_date is not None
            and self.due_date < timezone.localdate()
        )

    @property
    def percent_complete(self) -> int:
        """Needs with_progress(): the share of the lessons that count (the required ones,
        or all when every lesson is optional) that are done."""
        if self.status == EnrollmentStatus.COMPLETED:
            return 100
        required = getattr(self, "lessons_required", None) or 0
        if required:
            return min(100, round(100 * self.lessons_done / required))
        total = getattr(self, "lessons_all", None) or 0
        if not total:
            return 0
        return min(100, round(100 * getattr(self, "lessons_done_all", 0) / total))


class LessonProgress(models.Model):
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.CASCADE, related_name="+")
    opened_at = models.DateTimeField(_("first opened"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    position = models.CharField(
        _("position"),
        max_length=100,
        blank=True,
        help_text=_("Where the cadre left off (an anchor or a video time)."),
    )

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "lesson"], name="one_progress_per_lesson")
        ]

    def __str__(self):
        return f"{self.enrollment_id}: {self.lesson_id}"


class QuizAttempt(models.Model):
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.CASCADE, related_name="+")
    quiz_id = models.CharField(_("quiz block"), max_length=64)
    number = models.PositiveSmallIntegerField(_("attempt"))
    answers = models.JSONField(_("answers"))
    score = models.PositiveSmallIntegerField(_("score (%)"))
    passed = models.BooleanField(_("passed"))
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)

    class Meta:
        ordering = ["submitted_at"]
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "quiz_id", "number"], name="one_attempt_per_number"
            )
        ]

    def __str__(self):
        return f"{self.enrollment_id}: {self.quiz_id} #{self.number}"


class SignupStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Seat confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Attended")


class SessionSignup(models.Model):
    session = models.ForeignKey(
        "courses.OfflineSession", on_delete=models.CASCADE, related_name="signups"
    )
    cadre = models.ForeignKey(CadreProfile, on_delete=models.CASCADE, related_name="signups")
    status = models.CharField(_("status"), max_length=12, choices=SignupStatus.choices)
    created_at = models.DateTimeField(_("signed up at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("session sign-up")
        verbose_name_plural = _("session sign-ups")
        constraints = [
            models.UniqueConstraint(fields=["session", "cadre"], name="one_signup_per_session")
        ]

    def __str__(self):
        return f"{self.cadre_id} @ {self.session_id}: {self.status}"


class CreditSource(models.TextChoices):
    ONLINE = "online", _("Online course")
    OFFLINE = "offline", _("Offline attendance")
    DECLARED = "declared", _("Declared and approved")


class CreditStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


def evidence_storage():
    """PRIVATE_MEDIA_ROOT (settings.STORAGES["evidence"]), never the public media."""
    from django.core.files.storage import storages

    return storages["evidence"]


class CreditRecordQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=CreditStatus.APPROVED)

    def in_year(self, year: int):
        return self.filter(earned_on__year=year)


class CreditRecord(models.Model):
    """The credit-hour ledger: one row per award, never edited to add hours twice."""

    cadre = models.ForeignKey(CadreProfile, on_delete=models.CASCADE, related_name="credit_records")
    course = models.ForeignKey(
        "courses.CoursePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="credit_records",
    )
    # Kept as written when awarded, so the ledger survives course edits and deletions.
    title = models.CharField(_("title"), max_length=255)
    hours = models.DecimalField(
        _("credit hours"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    earned_on = models.DateField(_("earned on"))
    source = models.CharField(_("source"), max_length=10, choices=CreditSource.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=CreditStatus.choices, default=CreditStatus.APPROVED
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    # Declared hours: the cadre's evidence (private storage), and the decision on them.
    evidence = models.FileField(
        _("evidence"), upload_to="declarations/%Y/%m/", storage=evidence_storage, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CreditRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-earned_on", "-pk"]
        verbose_name = _("credit-hour record")
        verbose_name_plural = _("credit-hour ledger")
        constraints = [
            # A course's hours are awarded once per cadre and source, whatever races.
            models.UniqueConstraint(
                fields=["cadre", "course", "source"],
                condition=Q(course__isnull=False),
                name="credit_awarded_once_per_course",
            ),
            models.CheckConstraint(condition=Q(hours__gte=0), name="credit_hours_not_negative"),
        ]

    def __str__(self):
        return f"{self.title} ({self.hours})"


class Certificate(models.Model):
    enrollment = models.OneToOneField(
        Enrollment, on_delete=models.CASCADE, related_name="certificate"
    )
    code = models.CharField(_("verification code"), max_length=20, unique=True)
    holder_name = models.CharField(_("holder"), max_length=50)
    course_title = models.CharField(_("course"), max_length=255)
    hours = models.DecimalField(_("credit hours"), max_digits=5, decimal_places=2)
    issued_on = models.DateField(_("issued on"))

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self):
        return self.code

    @staticmethod
    def new_code() -> str:
        # Unambiguous characters only: codes are read aloud and typed from paper.
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
        return "".join(secrets.choice(alphabet) for _ in range(12))

    @property
    def masked_holder(self) -> str:
        """The holder's name with the middle hidden, for the public verification page."""
        name = self.holder_name
        if len(name) <= 1:
            return name
        if len(name) == 2:
            return name[0] + "*"
        return name[0] + "*" * (len(name) - 2) + name[-1]


class CourseFeedback(models.Model):
    enrollment = models.OneToOneField(Enrollment, on_delete=models.CASCADE, related_name="feedback")
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        validators=[
            MinValueValidator(1, _("Choose 1 to 5 stars.")),
            MaxValueValidator(5, _("Choose 1 to 5 stars.")),
        ],
    )
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("course feedback")
        verbose_name_plural = _("course feedback")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5"
            )
        ]

    def __str__(self):
        return f"{self.enrollment_id}: {self.rating}"


class OnlineCreditMode(models.TextChoices):
    COURSE = "course", _("Use each course's credit hours")
    MINUTES = "minutes", _("Convert the course's minutes by the bands below")


@register_setting(icon="time")
class CreditPolicy(ClusterableModel, BaseGenericSetting):
    """How online learning converts to credit hours (local rules differ, docs/domain.md §7.3)."""

    online_mode = models.CharField(
        _("online credit hours"),
        max_length=10,
        choices=OnlineCreditMode.choices,
        default=OnlineCreditMode.COURSE,
    )
    quiz_bonus = models.DecimalField(
        _("bonus for a passed quiz"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )

    panels = [
        FieldRowPanel([FieldPanel("online_mode"), FieldPanel("quiz_bonus")]),
        InlinePanel("bands", heading=_("Minute bands"), label=_("band")),
    ]

    class Meta:
        verbose_name = _("credit-hour rules")


class MinuteBand(Orderable):
    """Courses of at least `min_minutes` earn `hours` (the highest matching band wins)."""

    policy = ParentalKey(CreditPolicy, on_delete=models.CASCADE, related_name="bands")
    min_minutes = models.PositiveIntegerField(_("from minutes"))
    hours = models.DecimalField(
        _("credit hours"), max_digits=4, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta(Orderable.Meta):
        verbose_name = _("minute band")


class AnnualTarget(models.Model):
    """The yearly credit-hour target for ranks in an ordinal range."""

    name = models.CharField(_("name"), max_length=60)
    min_ordinal = models.PositiveSmallIntegerField(_("from rank ordinal"), default=0)
    max_ordinal = models.PositiveSmallIntegerField(_("up to rank ordinal"), default=999)
    annual_hours = models.DecimalField(_("credit hours per year"), max_digits=6, decimal_places=1)
    online_hours = models.DecimalField(
        _("of which online self-study"), max_digits=6, decimal_places=1, default=Decimal("50")
    )

    class Meta:
        ordering = ["-min_ordinal"]
        verbose_name = _("annual credit-hour target")
        verbose_name_plural = _("annual credit-hour targets")

    def __str__(self):
        return self.name


class ApiToken(models.Model):
    """A bearer token for the host platform's calls on a user's behalf. Only a hash is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lms_api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return self.name

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name: str) -> tuple["ApiToken", str]:
        key = secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, key_hash=cls.hash(key)), key
