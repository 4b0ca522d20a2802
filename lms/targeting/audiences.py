"""Audiences: which cadres a saved definition covers today, and a preview before saving.

A definition is read through an allow-list of criteria (`Criteria`), never by passing a
request's fields to `filter()`. Criteria come from what the roster says of a cadre; no
assessment data can be one. An audience never reaches beyond the subtree of the
department it belongs to, and only active accounts are covered.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q, QuerySet

from lms.models.targeting import Audience
from lms.people.models import CadreProfile, Department, admin_department

SAMPLE_SIZE = 10


@dataclass(frozen=True)
class Criteria:
    min_ordinal: int | None = None
    max_ordinal: int | None = None
    ladder: str = ""
    gender: str = ""
    post_category_ids: tuple[int, ...] = ()
    department_paths: tuple[str, ...] = ()
    min_age: int | None = None
    max_age: int | None = None
    min_years_in_post: int | None = None
    new_in_post_within_days: int | None = None
    # The owner's subtree: the outer limit of every audience.
    scope_path: str = ""

    @classmethod
    def of(cls, audience: Audience) -> "Criteria":
        return cls.from_values(
            min_rank=audience.min_rank,
            max_rank=audience.max_rank,
            ladder=audience.ladder,
            gender=audience.gender,
            post_categories=list(audience.post_categories.all()) if audience.pk else [],
            departments=list(audience.departments.all()) if audience.pk else [],
            min_age=audience.min_age,
            max_age=audience.max_age,
            min_years_in_post=audience.min_years_in_post,
            new_in_post_within_days=audience.new_in_post_within_days,
            owner_department=audience.owner_department,
        )

    @classmethod
    def from_values(cls, **values) -> "Criteria":
        """From an audience form's cleaned data (the same field names as the model)."""
        min_rank, max_rank = values.get("min_rank"), values.get("max_rank")
        owner = values.get("owner_department")
        return cls(
            min_ordinal=min_rank.ordinal if min_rank else None,
            max_ordinal=max_rank.ordinal if max_rank else None,
            ladder=values.get("ladder") or "",
            gender=values.get("gender") or "",
            post_category_ids=tuple(sorted(c.pk for c in values.get("post_categories") or [])),
            department_paths=tuple(sorted(d.path for d in values.get("departments") or [])),
            min_age=values.get("min_age"),
            max_age=values.get("max_age"),
            min_years_in_post=values.get("min_years_in_post"),
            new_in_post_within_days=values.get("new_in_post_within_days"),
            scope_path=owner.path if owner else "",
        )

    def q(self, today: date) -> Q:
        """The criteria as one filter on CadreProfile."""
        q = Q(user__is_active=True)
        if self.scope_path:
            q &= Q(department__path__startswith=self.scope_path)
        if self.department_paths:
            within = Q()
            for path in self.department_paths:
                within |= Q(department__path__startswith=path)
            q &= within
        if self.min_ordinal is not None:
            q &= Q(rank__ordinal__gte=self.min_ordinal)
        if self.max_ordinal is not None:
            q &= Q(rank__ordinal__lte=self.max_ordinal)
        if self.ladder:
            q &= Q(rank__ladder=self.ladder)
        if self.gender:
            q &= Q(gender=self.gender)
        if self.post_category_ids:
            q &= Q(post_category_id__in=self.post_category_ids)
        # Age as everywhere else in the product: this year minus the birth year.
        if self.min_age is not None:
            q &= Q(birth_year__lte=today.year - self.min_age)
        if self.max_age is not None:
            q &= Q(birth_year__gte=today.year - self.max_age)
        if self.min_years_in_post is not None:
            q &= Q(in_post_since__lte=years_before(today, self.min_years_in_post))
        if self.new_in_post_within_days is not None:
            q &= Q(in_post_since__gte=today - timedelta(days=self.new_in_post_within_days))
        return q

    def matches(self, cadre: CadreProfile, today: date) -> bool:
        """The same rule in Python, for one cadre already loaded with its rank, department
        and user (used to check a cadre who joined or changed; the tests check it against
        q() over a generated population)."""
        if not cadre.user.is_active:
            return False
        path = cadre.department.path
        if self.scope_path and not path.startswith(self.scope_path):
            return False
        if self.department_paths and not any(path.startswith(p) for p in self.department_paths):
            return False
        ordinal = cadre.rank.ordinal
        checks = [
            self.min_ordinal is None or ordinal >= self.min_ordinal,
            self.max_ordinal is None or ordinal <= self.max_ordinal,
            not self.ladder or cadre.rank.ladder == self.ladder,
            not self.gender or cadre.gender == self.gender,
            not self.post_category_ids or cadre.post_category_id in self.post_category_ids,
            self.min_age is None or cadre.birth_year <= today.year - self.min_age,
            self.max_age is None or cadre.birth_year >= today.year - self.max_age,
            self.min_years_in_post is None
            or (
                cadre.in_post_since is not None
                and cadre.in_post_since <= years_before(today, self.min_years_in_post)
            ),
            self.new_in_post_within_days is None
            or (
                cadre.in_post_since is not None
                and cadre.in_post_since >= today - timedelta(days=self.new_in_post_within_days)
            ),
        ]
        return all(checks)


def years_before(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February in a year that has none
        return today.replace(year=today.year - years, day=28)


def cadres_in(criteria: Criteria, today: date) -> QuerySet:
    return CadreProfile.objects.filter(criteria.q(today))


def audience_cadres(audience: Audience, today: date) -> QuerySet:
    return cadres_in(Criteria.of(audience), today)


@dataclass
class Preview:
    count: int
    sample: list[CadreProfile] = field(default_factory=list)


def preview(criteria: Criteria, today: date, size: int = SAMPLE_SIZE) -> Preview:
    """How many cadres the criteria cover, and the first few of them by name."""
    cadres = cadres_in(criteria, today)
    sample = list(cadres.select_related("department", "rank").order_by("employee_id")[:size])
    return Preview(count=cadres.count(), sample=sample)


def owner_for(user) -> Department | None:
    """The department an administrator's audiences and campaigns belong to."""
    return None if user.is_superuser else admin_department(user)
