from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .reference import Department, PostCategory, Rank


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class CadreProfileQuerySet(models.QuerySet):
    def with_reference(self):
        return self.select_related("user", "department", "rank", "post_category")

    def in_department_tree(self, department: Department):
        return self.filter(department__path__startswith=department.path)


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
