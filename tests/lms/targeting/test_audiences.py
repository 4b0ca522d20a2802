"""Audiences: each criterion, and combinations, against a brute-force filter written here
over a generated population; scope; preview; and no assessment data as a criterion."""

import random
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model

from lms.demo.population import seed_departments, seed_population
from lms.models import Audience
from lms.models.targeting import Audience as AudienceModel
from lms.people.models import CadreProfile, Department, PostCategory, Rank, RankLadder
from lms.targeting.audiences import Criteria, audience_cadres, cadres_in, preview

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 29)


@pytest.fixture
def population():
    seed_departments()
    seed_population(400, "pw-population-1")
    # Some accounts left, some cadres without a date in post, some new in post.
    cadres = list(CadreProfile.objects.with_reference().order_by("pk"))
    rng = random.Random(7)
    User = get_user_model()
    User.objects.filter(pk__in=[c.user_id for c in rng.sample(cadres, 20)]).update(is_active=False)
    for cadre in rng.sample(cadres, 30):
        cadre.in_post_since = None if rng.random() < 0.5 else TODAY - timedelta(rng.randint(0, 60))
    CadreProfile.objects.bulk_update(cadres, ["in_post_since"])
    return list(CadreProfile.objects.with_reference().order_by("pk"))


def brute_force(
    cadres,
    *,
    scope=None,
    departments=(),
    min_ordinal=None,
    max_ordinal=None,
    ladder="",
    gender="",
    categories=(),
    min_age=None,
    max_age=None,
    min_years=None,
    new_within=None,
):
    """The rule as an administrator states it, cadre by cadre."""
    chosen = []
    for c in cadres:
        age = TODAY.year - c.birth_year
        in_post = c.in_post_since
        years_in_post = None
        if in_post is not None:
            years_in_post = (
                TODAY.year
                - in_post.year
                - ((TODAY.month, TODAY.day) < (in_post.month, in_post.day))
            )
        ok = (
            c.user.is_active
            and (scope is None or c.department == scope or c.department.is_descendant_of(scope))
            and (
                not departments
                or any(c.department == d or c.department.is_descendant_of(d) for d in departments)
            )
            and (min_ordinal is None or c.rank.ordinal >= min_ordinal)
            and (max_ordinal is None or c.rank.ordinal <= max_ordinal)
            and (not ladder or c.rank.ladder == ladder)
            and (not gender or c.gender == gender)
            and (not categories or c.post_category_id in categories)
            and (min_age is None or age >= min_age)
            and (max_age is None or age <= max_age)
            and (min_years is None or (years_in_post is not None and years_in_post >= min_years))
            and (
                new_within is None or (in_post is not None and (TODAY - in_post).days <= new_within)
            )
        )
        if ok:
            chosen.append(c.pk)
    return set(chosen)


def ids(criteria):
    return set(cadres_in(criteria, TODAY).values_list("pk", flat=True))


def test_each_criterion_matches_the_brute_force_filter(population):
    county_deputy = Rank.objects.get(code="county_deputy").ordinal
    researcher_4 = Rank.objects.get(code="researcher_4").ordinal
    comprehensive = PostCategory.objects.get(code="comprehensive")
    district = Department.objects.get(code="district_a")
    police = Department.objects.get(code="public_security")
    cases = [
        ({}, {}),
        ({"min_ordinal": county_deputy}, {"min_ordinal": county_deputy}),
        ({"max_ordinal": researcher_4}, {"max_ordinal": researcher_4}),
        ({"ladder": RankLadder.LEADERSHIP}, {"ladder": RankLadder.LEADERSHIP}),
        ({"gender": "female"}, {"gender": "female"}),
        ({"post_category_ids": (comprehensive.pk,)}, {"categories": (comprehensive.pk,)}),
        ({"department_paths": (district.path,)}, {"departments": (district,)}),
        ({"department_paths": (district.path, police.path)}, {"departments": (district, police)}),
        ({"scope_path": police.path}, {"scope": police}),
        ({"min_age": 45}, {"min_age": 45}),
        ({"max_age": 35}, {"max_age": 35}),
        ({"min_years_in_post": 3}, {"min_years": 3}),
        ({"new_in_post_within_days": 45}, {"new_within": 45}),
    ]
    for criteria, brute in cases:
        expected = brute_force(population, **brute)
        assert ids(Criteria(**criteria)) == expected, criteria
        assert {c.pk for c in population if Criteria(**criteria).matches(c, TODAY)} == expected
    # The whole population minus the inactive accounts is the empty audience.
    assert len(ids(Criteria())) == len(population) - 20


def test_random_combinations_match_the_brute_force_filter(population):
    rng = random.Random(2026)
    ranks = list(Rank.objects.all())
    categories = list(PostCategory.objects.all())
    departments = list(Department.objects.all())
    for _ in range(40):
        low, high = sorted(rng.sample([r.ordinal for r in ranks], 2))
        chosen_departments = rng.sample(departments, rng.randint(0, 2))
        chosen_categories = tuple(c.pk for c in rng.sample(categories, rng.randint(0, 2)))
        options = {
            "min_ordinal": rng.choice([None, low]),
            "max_ordinal": rng.choice([None, high]),
            "gender": rng.choice(["", "female", "male"]),
            "min_age": rng.choice([None, 30, 40]),
            "max_age": rng.choice([None, 50, 58]),
        }
        criteria = Criteria(
            **options,
            post_category_ids=chosen_categories,
            department_paths=tuple(d.path for d in chosen_departments),
        )
        expected = brute_force(
            population, **options, categories=chosen_categories, departments=chosen_departments
        )
        assert ids(criteria) == expected


def test_a_saved_audience_is_the_form_values_and_never_leaves_its_owner(population):
    district = Department.objects.get(code="district_a")
    audience = AudienceModel.objects.create(
        name="东城区女性干部", owner_department=district, gender="female"
    )
    expected = brute_force(population, scope=district, gender="female")
    assert set(audience_cadres(audience, TODAY).values_list("pk", flat=True)) == expected
    # Naming a department outside the owner's subtree reaches nobody there.
    audience.departments.add(Department.objects.get(code="public_security"))
    assert not audience_cadres(audience, TODAY).exists()


def test_preview_counts_and_samples_without_saving(population):
    before = Audience.objects.count()
    result = preview(Criteria(gender="male"), TODAY)
    assert result.count == len(brute_force(population, gender="male"))
    assert 0 < len(result.sample) <= 10
    assert all(c.gender == "male" for c in result.sample)
    assert Audience.objects.count() == before


def test_no_audience_criterion_reads_assessment_data():
    fields = {field.name for field in AudienceModel._meta.get_fields()}
    forbidden = {"signals", "rung", "profile", "assessment", "factors", "screen"}
    assert not any(word in name for name in fields for word in forbidden)
    criteria_fields = set(Criteria.__dataclass_fields__)
    assert not any(word in name for name in criteria_fields for word in forbidden)
