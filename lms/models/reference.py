"""Reference data shared by courses (audience, signals) and cadres (profiles).

Seeded by a data migration from DOMAIN.md §4 and §7 and editable in the admin.
"""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
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
