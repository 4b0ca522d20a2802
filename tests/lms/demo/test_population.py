"""The demo population follows the documented distributions (lms/demo/population.py)."""

from collections import Counter

import pytest

from lms.demo.population import generate_population, seed_departments, seed_population
from lms.models import CadreProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    seed_departments()
    return generate_population(2000, year=2026)


def share(items, predicate):
    return sum(1 for item in items if predicate(item)) / len(items)


def test_population_is_deterministic():
    seed_departments()
    first = generate_population(50, year=2026)
    second = generate_population(50, year=2026)
    assert [p["name"] for p in first] == [p["name"] for p in second]


def test_ranks_form_a_pyramid(people):
    county_and_above = share(people, lambda p: p["rank"].ordinal >= 130)
    junior = share(people, lambda p: p["rank"].ordinal <= 120)
    assert 0.08 <= county_and_above <= 0.25
    assert junior > 0.6


def test_post_categories_and_gender_follow_the_documented_shares(people):
    categories = Counter(p["post_category_code"] for p in people)
    assert 0.65 <= categories["comprehensive"] / 2000 <= 0.75
    assert 0.14 <= categories["law_enforcement"] / 2000 <= 0.22
    women = share(people, lambda p: p["gender"] == "female")
    assert 0.25 <= women <= 0.40
    leaders = [p for p in people if p["rank"].ladder == "leadership"]
    grades = [p for p in people if p["rank"].ladder != "leadership"]
    assert share(leaders, lambda p: p["gender"] == "female") < share(
        grades, lambda p: p["gender"] == "female"
    )


def test_ages_span_25_to_60_and_grow_with_seniority(people):
    ages = [2026 - p["birth_year"] for p in people]
    assert min(ages) >= 25 and max(ages) <= 60

    def mean_age(selected):
        return sum(2026 - p["birth_year"] for p in selected) / len(selected)

    seniors = [p for p in people if p["rank"].ordinal >= 130]
    juniors = [p for p in people if p["rank"].ordinal <= 100]
    assert mean_age(seniors) > mean_age(juniors) + 10


def test_cadres_are_placed_in_leaf_departments():
    seed_population(40, "pw-demo-1")
    assert CadreProfile.objects.count() == 40
    assert all(c.department.is_leaf() for c in CadreProfile.objects.with_reference())
