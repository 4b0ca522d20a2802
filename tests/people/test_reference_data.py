import pytest
from django.urls import reverse

from lms.models import AssessmentSignal, CadreProfile, Department, PostCategory, Rank
from tests.factories import make_cadre, make_department

pytestmark = pytest.mark.django_db


def test_reference_data_is_seeded_by_migration():
    assert Rank.objects.filter(ladder="leadership").count() == 10
    assert Rank.objects.filter(ladder="comprehensive").count() == 12
    assert PostCategory.objects.count() == 4
    factors = AssessmentSignal.objects.filter(kind="scl90_factor")
    assert factors.count() == 10
    assert set(
        AssessmentSignal.objects.filter(kind="stress_source").values_list("key", flat=True)
    ) == {
        "stress_work",
        "stress_promotion",
        "stress_interpersonal",
        "stress_self_demand",
        "stress_moral",
        "stress_family",
    }


def test_rank_ordinals_compare_across_ladders():
    threshold = Rank.objects.get(name="四级调研员").ordinal
    at_or_above = set(Rank.objects.at_or_above(threshold).values_list("name", flat=True))
    assert {"县处级副职", "四级调研员", "四级高级主管", "四级高级主办", "一级巡视员"} <= at_or_above
    assert "一级主任科员" not in at_or_above
    assert "乡科级正职" not in at_or_above


def test_department_subtree_scopes_cadres():
    city = make_department("city_t", "S市")
    bureau = make_department("bureau_t", "市财政局", parent=city)
    city.refresh_from_db()
    other = make_department("other_t", "市教育局", parent=city)
    inside = make_cadre(department=bureau)
    outside = make_cadre(department=other)
    bureau.refresh_from_db()

    in_bureau = set(CadreProfile.objects.in_department_tree(bureau))
    city.refresh_from_db()
    in_city = set(CadreProfile.objects.in_department_tree(city))

    assert in_bureau == {inside}
    assert {inside, outside} <= in_city


def test_admin_creates_and_moves_a_department(admin_client):
    city = make_department("city_x", "S市")
    add_url = reverse("wagtailsnippets_lms_department:add")
    response = admin_client.post(
        add_url, {"name": "市委党校", "code": "school_x", "parent": city.pk}
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    school = Department.objects.get(code="school_x")
    assert school.get_parent() == city

    edit_url = reverse("wagtailsnippets_lms_department:edit", args=(school.pk,))
    response = admin_client.post(edit_url, {"name": "市委党校", "code": "school_x", "parent": ""})
    assert response.status_code == 302
    school.refresh_from_db()
    assert school.is_root()


def test_department_cannot_move_below_itself(admin_client):
    city = make_department("city_y", "S市")
    child = make_department("child_y", "下级单位", parent=city)
    edit_url = reverse("wagtailsnippets_lms_department:edit", args=(city.pk,))
    response = admin_client.post(edit_url, {"name": "S市", "code": "city_y", "parent": child.pk})
    assert response.status_code == 200
    city.refresh_from_db()
    assert city.is_root()
