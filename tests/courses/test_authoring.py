"""Instructors author courses through the Wagtail admin; bad input is refused in Chinese."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from courses.models import CoursePage
from lms.models import Rank
from lms.people.accounts import assign_instructor, ensure_user, reviewers_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def instructor_client(client, curriculum):
    """An instructor assigned to the curriculum: writes and submits, never publishes."""
    user = ensure_user("teacher", "pw-teacher-123")
    assign_instructor(user, [curriculum])
    client.force_login(user)
    return client


@pytest.fixture
def reviewer_client(client, home):
    """A reviewer of 教研室, who may publish (tests/courses/test_editorial_review.py)."""
    user = ensure_user("reviewer", "pw-reviewer-123")
    user.groups.add(reviewers_group(home))
    client.force_login(user)
    return client


def course_form(sessions=(), **overrides):
    data = {
        "title": "工作抗压训练：从紧张到从容",
        "slug": "from-tension-to-calm",
        "summary": "认识压力的来源，学会三种放松方法。",
        "body": streamfield([("paragraph", rich_text("<p>压力是正常的。</p>"))]),
        "credit_hours": "2.5",
        "estimated_minutes": "90",
        "delivery_mode": "blended",
        "tags": "压力管理, 放松",
        "audience_gender": "",
        "audience_min_age": "",
        "audience_max_age": "",
        "sessions": inline_formset(list(sessions)),
        "seo_title": "",
        "search_description": "",
        "go_live_at": "",
        "expire_at": "",
    }
    data.update(overrides)
    return nested_form_data(data)


def session_row(start, end, capacity="30", place="市委党校 3 号楼 305 教室"):
    fmt = "%Y-%m-%d %H:%M"
    return {
        "starts_at": start.strftime(fmt),
        "ends_at": end.strftime(fmt),
        "place": place,
        "capacity": capacity,
        "note": "",
    }


def add_url(curriculum):
    return reverse("wagtailadmin_pages:add", args=("courses", "coursepage", curriculum.pk))


def test_a_reviewer_creates_and_publishes_a_course(reviewer_client, curriculum):
    start = timezone.localtime() + timedelta(days=7)
    data = course_form(
        sessions=[session_row(start, start + timedelta(hours=2))],
        audience_min_rank=str(Rank.objects.get(code="county_deputy").pk),
    )
    data["action-publish"] = "action-publish"

    response = reviewer_client.post(add_url(curriculum), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    course = CoursePage.objects.get(slug="from-tension-to-calm")
    assert course.live
    assert course.get_parent().specific == curriculum
    assert course.sessions.count() == 1
    assert sorted(t.name for t in course.tags.all()) == ["压力管理", "放松"]
    assert course.audience_min_rank.code == "county_deputy"
    public = reviewer_client.get(course.url)
    assert public.status_code == 200
    assert "工作抗压训练：从紧张到从容" in public.content.decode()


def test_instructor_can_save_a_draft_that_visitors_cannot_see(
    instructor_client, curriculum, client
):
    response = instructor_client.post(add_url(curriculum), course_form())
    assert response.status_code == 302
    course = CoursePage.objects.get(slug="from-tension-to-calm")
    assert not course.live
    client.logout()
    assert client.get("/from-tension-to-calm/").status_code == 404


def refused(response, message):
    body = response.content.decode()
    assert response.status_code == 200, "the form should be shown again, not accepted"
    assert message in body, f"expected {message!r} in the form errors"
    assert not CoursePage.objects.filter(slug="from-tension-to-calm").exists()


def test_negative_credit_hours_are_refused(instructor_client, curriculum):
    data = course_form(credit_hours="-1")
    data["action-submit"] = "action-submit"  # submitted for review: validated all the same
    refused(instructor_client.post(add_url(curriculum), data), "学时不能为负数。")


def test_negative_capacity_is_refused(instructor_client, curriculum):
    start = timezone.localtime() + timedelta(days=3)
    data = course_form(sessions=[session_row(start, start + timedelta(hours=1), capacity="-5")])
    refused(instructor_client.post(add_url(curriculum), data), "容纳人数至少为 1。")


def test_session_ending_before_it_starts_is_refused(instructor_client, curriculum):
    start = timezone.make_aware(datetime(2026, 12, 1, 14, 0))
    data = course_form(sessions=[session_row(start, start - timedelta(hours=1))])
    refused(instructor_client.post(add_url(curriculum), data), "结束时间必须晚于开始时间。")


def test_audience_naming_no_existing_rank_is_refused(instructor_client, curriculum):
    missing = Rank.objects.order_by("-pk").first().pk + 1000
    data = course_form()
    data["audience_ranks"] = [str(Rank.objects.get(code="clerk_1").pk), str(missing)]
    refused(instructor_client.post(add_url(curriculum), data), "选择一个有效的选项")


def test_age_range_upside_down_is_refused(instructor_client, curriculum):
    data = course_form(audience_min_age="50", audience_max_age="30")
    refused(instructor_client.post(add_url(curriculum), data), "最大年龄不能小于最小年龄。")


def test_course_cannot_be_added_directly_under_the_catalogue_home(instructor_client, home):
    url = reverse("wagtailadmin_pages:add", args=("courses", "coursepage", home.pk))
    response = instructor_client.post(url, course_form())
    assert response.status_code in (302, 403)
    assert not CoursePage.objects.filter(slug="from-tension-to-calm").exists()


def test_cadres_have_no_admin_access(client, db):
    from tests.factories import make_cadre

    cadre = make_cadre()
    client.force_login(cadre.user)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code in (302, 403)
    assert (
        "/admin/" not in response.get("Location", "/admin/login") or "login" in response["Location"]
    )
