"""A department administrator's day in the admin: define an audience, preview it, make a
campaign, launch it, watch it assign; the cadres find the course in 我的学习."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from lms.models import Audience, Campaign, CampaignStatus, Enrollment
from lms.people.accounts import make_department_admin
from lms.people.models import Rank
from tests.admin_icons import icon_problems
from tests.factories import make_cadre, make_course, make_department

pytestmark = pytest.mark.django_db


@pytest.fixture
def procuratorate():
    city = make_department(code="s_city_test", name="S市")
    unit = make_department(code="procuratorate", name="市检察院", parent=city)
    branch = make_department(code="procuratorate_branch", name="东城检察分院", parent=unit)
    return city, unit, branch


@pytest.fixture
def unit_admin(procuratorate):
    _city, unit, _branch = procuratorate
    user = get_user_model().objects.create_user("unitadmin", password="pw-unitadmin-1")
    make_department_admin(user, unit)
    return user


@pytest.fixture
def cadres(procuratorate):
    city, unit, branch = procuratorate
    return {
        "senior_woman": make_cadre(gender="female", rank="county_deputy", department=branch),
        "junior_woman": make_cadre(gender="female", rank="clerk_1", department=unit),
        "senior_man": make_cadre(gender="male", rank="county_chief", department=unit),
        "elsewhere": make_cadre(gender="female", rank="county_deputy", department=city),
    }


def audience_form(**values):
    form = {
        "name": "检察院县处级副职及以上女性干部",
        "description": "",
        "min_rank": Rank.objects.get(code="county_deputy").pk,
        "max_rank": "",
        "ladder": "",
        "gender": "female",
        "min_age": "",
        "max_age": "",
        "min_years_in_post": "",
        "new_in_post_within_days": "",
    }
    form.update(values)
    return form


def test_an_administrator_targets_assigns_and_the_cadre_sees_it(
    client, unit_admin, cadres, curriculum, django_capture_on_commit_callbacks
):
    client.force_login(unit_admin)
    assert client.get("/admin/").status_code == 200
    for name in ("roster:import", "audiences:add"):  # their buttons show their labels
        assert icon_problems(client.get(reverse(name)).content.decode()) == [], name

    # The preview counts without saving: one senior woman under the procuratorate.
    response = client.post(reverse("audiences:add"), {**audience_form(), "preview": "1"})
    assert response.status_code == 200
    assert response.context["audience_preview"].count == 1
    assert [c.pk for c in response.context["audience_preview"].sample] == [
        cadres["senior_woman"].pk
    ]
    assert not Audience.objects.exists()

    response = client.post(reverse("audiences:add"), audience_form())
    assert response.status_code == 302
    audience = Audience.objects.get()
    assert audience.owner_department.code == "procuratorate"

    course = make_course(curriculum, title="女性干部的双重压力与自我关爱")
    due = timezone.localdate() + timedelta(days=30)
    response = client.post(
        reverse("campaigns:add"),
        {
            "name": "女性干部双重压力必修",
            "description": "",
            "courses": [course.pk],
            "audience": audience.pk,
            "required": "on",
            "due_date": due.isoformat(),
            "remind_days_before": "7",
            "remind_overdue": "on",
            "remind_not_started_after_days": "14",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    campaign = Campaign.objects.get()
    assert campaign.status == CampaignStatus.DRAFT

    confirm = client.get(reverse("campaigns:launch", args=[campaign.pk]))
    assert confirm.status_code == 200 and confirm.context["preview"].count == 1
    assert icon_problems(confirm.content.decode()) == []  # the launch button shows its label
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("campaigns:launch", args=[campaign.pk]))
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.RUNNING and campaign.processed == 1
    progress = client.get(reverse("campaigns:progress", args=[campaign.pk]))
    assert progress.status_code == 200

    enrollment = Enrollment.objects.get(course=course)
    assert enrollment.cadre == cadres["senior_woman"] and enrollment.required
    client.force_login(cadres["senior_woman"].user)
    page = client.get("/my/").content.decode()
    assert "女性干部的双重压力与自我关爱" in page and due.strftime("%Y-%m-%d") in page


def test_a_past_due_date_and_an_empty_audience_are_refused_with_reasons(
    client, unit_admin, cadres, curriculum
):
    client.force_login(unit_admin)
    nobody = Audience.objects.create(
        name="无人", owner_department=unit_admin.admin_scope.department, min_age=79
    )
    course = make_course(curriculum)
    response = client.post(
        reverse("campaigns:add"),
        {
            "name": "过期任务",
            "courses": [course.pk],
            "audience": nobody.pk,
            "required": "on",
            "due_date": (timezone.localdate() - timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "due_date" in response.context["form"].errors
    campaign = Campaign.objects.create(
        name="空人群",
        audience=nobody,
        owner_department=nobody.owner_department,
        due_date=timezone.localdate() + timedelta(days=5),
    )
    campaign.courses.add(course)
    response = client.post(reverse("campaigns:launch", args=[campaign.pk]))
    assert response.status_code == 409
    assert response.context["problem"]
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT and not Enrollment.objects.exists()


def test_a_launched_campaign_keeps_its_courses_and_audience(client, unit_admin, cadres, curriculum):
    client.force_login(unit_admin)
    audience = Audience.objects.create(
        name="全体", owner_department=unit_admin.admin_scope.department
    )
    campaign = Campaign.objects.create(
        name="进行中",
        audience=audience,
        owner_department=audience.owner_department,
        due_date=timezone.localdate() + timedelta(days=5),
        status=CampaignStatus.RUNNING,
    )
    form = client.get(reverse("campaigns:edit", args=[campaign.pk])).context["form"]
    assert form.fields["courses"].disabled and form.fields["audience"].disabled
    assert not form.fields["name"].disabled
