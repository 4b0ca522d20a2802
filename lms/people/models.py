"""People and the reference data that describes them: ranks on one ordinal scale, post
categories, the department tree, assessment signals (as names, never as anyone's result)
and the cadre profile.

The models belong to the `lms` app label (their tables are lms_*); they live here so
that courses and search can use them without importing the learning layers. The
reference data is seeded by a data migration (docs/domain.md §4 and §7) and editable in
the admin.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from treebeard.mp_tree import MP_Node

code_validator = RegexValidator(
    r"^[a-z0-9_]+$",
    _("Use lower-case letters, digits and underscores only."),
)


class RankLadder(models.TextChoices):
    LEADERSHIP = "leadership", _("Leadership post")
    COMPREHENSIVE = "comprehensive", _("Grade: comprehensive management")
    PROFESSIONAL = "professional", _("Grade: professional and technical")
    LAW_ENFORCEMENT = "law_enforcement", _("Grade: administrative law enforcement")


class RankQuerySet(models.QuerySet):
    def at_or_above(self, ordinal: int):
        return self.filter(ordinal__gte=ordinal)


class Rank(models.Model):
    """A leadership post or a grade. The ordinal puts every ladder on one scale,
    so "四级调研员 and above" also admits 县处级副职 and 四级高级主管."""

    code = models.SlugField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=40, unique=True)
    ladder = models.CharField(_("ladder"), max_length=20, choices=RankLadder.choices)
    ordinal = models.PositiveSmallIntegerField(
        _("ordinal"),
        help_text=_("Seniority on one scale across all ladders; higher is more senior."),
    )

    objects = RankQuerySet.as_manager()

    class Meta:
        ordering = ["-ordinal", "ladder", "name"]
        verbose_name = _("rank")
        verbose_name_plural = _("ranks")

    def __str__(self):
        return self.name


class PostCategory(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=40, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("post category")
        verbose_name_plural = _("post categories")

    def __str__(self):
        return self.name


class Department(MP_Node):
    """An organisation unit. Administrators are scoped to a department's subtree."""

    code = models.SlugField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)

    node_order_by = ["name"]

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name

    @property
    def tree_label(self) -> str:
        """The name indented by depth, for flat listings of the tree."""
        return "\u3000" * (self.depth - 1) + self.name

    def subtree(self):
        """This department and every department below it."""
        return Department.get_tree(self)


class SignalKind(models.TextChoices):
    SCL90_FACTOR = "scl90_factor", _("SCL-90 factor")
    STRESS_SOURCE = "stress_source", _("Stress source")


class AssessmentSignal(models.Model):
    """Something an assessment can raise and a course can address."""

    key = models.SlugField(_("key"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=40)
    kind = models.CharField(_("kind"), max_length=20, choices=SignalKind.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        ordering = ["kind", "sort_order"]
        verbose_name = _("assessment signal")
        verbose_name_plural = _("assessment signals")

    def __str__(self):
        return self.name


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class CadreProfileQuerySet(models.QuerySet):
    def with_reference(self):
        return self.select_related("user", "department", "rank", "post_category")

    def in_department_tree(self, department: Department):
        return self.filter(department__path__startswith=department.path)

    def for_admin(self, user):
        """The cadres this administrator may act on: all for a system administrator, their
        department subtree for a department administrator, none for anyone else."""
        return self.filter(admin_scope_q(user, "department__path"))

    def active(self):
        return self.filter(user__is_active=True)


class CadreProfile(models.Model):
    """A cadre (learner). Cadres never get Wagtail admin access."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="cadre_profile",
        verbose_name=_("user"),
    )
    employee_id = models.CharField(
        _("employee ID"),
        max_length=32,
        unique=True,
        validators=[RegexValidator(r"^[A-Za-z0-9-]+$", _("Letters, digits and hyphens only."))],
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"), validators=[MinValueValidator(1940), MaxValueValidator(2010)]
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="cadres", verbose_name=_("department")
    )
    rank = models.ForeignKey(
        Rank, on_delete=models.PROTECT, related_name="cadres", verbose_name=_("rank")
    )
    post_category = models.ForeignKey(
        PostCategory,
        on_delete=models.PROTECT,
        related_name="cadres",
        verbose_name=_("post category"),
    )
    post_title = models.CharField(_("post title"), max_length=100, blank=True)
    in_post_since = models.DateField(_("in current post since"), null=True, blank=True)

    objects = CadreProfileQuerySet.as_manager()

    class Meta:
        ordering = ["employee_id"]
        verbose_name = _("cadre profile")
        verbose_name_plural = _("cadre profiles")
        indexes = [models.Index(fields=["gender", "birth_year"])]

    def __str__(self):
        return f"{self.name} ({self.employee_id})"

    def age_in(self, year: int) -> int:
        return year - self.birth_year


class AdministratorScope(models.Model):
    """The department subtree a department administrator governs. Their power over
    cadres, learning records, audiences and campaigns ends at its border."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="admin_scope",
        verbose_name=_("user"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="administrators",
        verbose_name=_("department"),
    )

    class Meta:
        verbose_name = _("administrator scope")
        verbose_name_plural = _("administrator scopes")

    def __str__(self):
        return f"{self.user} → {self.department}"


def admin_department(user) -> Department | None:
    """The root of a department administrator's subtree (None for anyone else)."""
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.admin_scope.department
    except AdministratorScope.DoesNotExist:
        return None


def admin_scope_q(user, path_field: str) -> models.Q:
    """A filter on `path_field` (a department's path) for what this user may administer."""
    if user is None or not user.is_authenticated or not user.is_active:
        return models.Q(pk__in=[])
    if user.is_superuser:
        return models.Q()
    department = admin_department(user)
    if department is None:
        return models.Q(pk__in=[])
    return models.Q(**{f"{path_field}__startswith": department.path})
