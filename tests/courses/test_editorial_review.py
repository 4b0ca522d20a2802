"""教研审核: instructors write only in the curricula they are assigned to and submit; a
reviewer of 教研室 approves (the course goes live) or sends it back with a comment."""

import pytest
from django.urls import reverse
from wagtail.models import WorkflowState

from courses.models import CoursePage, Track
from lms.people.accounts import assign_instructor, ensure_user, review_workflow, reviewers_group
from tests.courses.test_authoring import add_url, course_form
from tests.factories import make_course, make_curriculum

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(home):
    stress = make_curriculum(home, track=Track.STRESS_RESILIENCE, slug="stress")
    women = make_curriculum(home, track=Track.WOMEN_DUAL_PRESSURE, slug="women")
    review_workflow(home)
    instructor = ensure_user("teacher-a", "pw-teacher-123")
    assign_instructor(instructor, [stress])
    reviewer = ensure_user("reviewer", "pw-reviewer-123")
    reviewer.groups.add(reviewers_group(home))
    return {
        "stress": stress,
        "women": women,
        "own_course": make_course(stress, title="睡眠与压力"),
        "other_course": make_course(women, title="女性干部的双重压力"),
        "instructor": instructor,
        "reviewer": reviewer,
    }


def submit_new_course(client, curriculum, **extra):
    data = course_form(**extra)
    data["action-submit"] = "action-submit"
    return client.post(add_url(curriculum), data)


def test_an_instructor_cannot_publish_only_submit(client, world):
    client.force_login(world["instructor"])
    data = course_form()
    data["action-publish"] = "action-publish"
    client.post(add_url(world["stress"]), data)
    course = CoursePage.objects.filter(slug="from-tension-to-calm").first()
    assert course is None or not course.live

    response = submit_new_course(client, world["stress"], slug="submitted-course")
    assert response.status_code == 302
    course = CoursePage.objects.get(slug="submitted-course")
    assert not course.live
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(course.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == "教研审核"


def workflow_action(client, course, action, comment=""):
    state = WorkflowState.objects.get(object_id=str(course.pk), status="in_progress")
    url = reverse(
        "wagtailadmin_pages:workflow_action",
        args=(course.pk, action, state.current_task_state.pk),
    )
    return client.post(url, {"comment": comment})


def test_a_reviewer_approves_and_the_course_goes_live(client, world):
    client.force_login(world["instructor"])
    submit_new_course(client, world["stress"], slug="to-approve")
    course = CoursePage.objects.get(slug="to-approve")

    client.force_login(world["reviewer"])
    workflow_action(client, course, "approve")

    course.refresh_from_db()
    assert course.live
    assert client.get(course.url).status_code == 200


def test_a_reviewer_sends_it_back_with_a_comment_the_instructor_reads(client, world):
    client.force_login(world["instructor"])
    submit_new_course(client, world["stress"], slug="to-reject")
    course = CoursePage.objects.get(slug="to-reject")

    client.force_login(world["reviewer"])
    workflow_action(client, course, "reject", comment="请补充求助热线的说明")

    course.refresh_from_db()
    assert not course.live
    client.force_login(world["instructor"])
    edit = client.get(reverse("wagtailadmin_pages:edit", args=(course.pk,)))
    assert edit.status_code == 200
    history = client.get(reverse("wagtailadmin_pages:history", args=(course.pk,)))
    assert "请补充求助热线的说明" in history.content.decode()


@pytest.mark.parametrize(
    ("who", "course", "can_edit"),
    [
        ("instructor", "own_course", True),
        ("instructor", "other_course", False),
        ("reviewer", "own_course", True),
        ("reviewer", "other_course", True),
    ],
)
def test_who_may_edit_which_course(client, world, who, course, can_edit):
    client.force_login(world[who])
    response = client.get(reverse("wagtailadmin_pages:edit", args=(world[course].pk,)))
    assert (response.status_code == 200) is can_edit


def test_an_instructor_cannot_add_a_course_to_another_track(client, world):
    client.force_login(world["instructor"])
    response = submit_new_course(client, world["women"], slug="not-mine")
    assert response.status_code in (302, 403)
    assert not CoursePage.objects.filter(slug="not-mine").exists()


def test_an_instructor_cannot_approve_what_they_submitted(client, world):
    client.force_login(world["instructor"])
    submit_new_course(client, world["stress"], slug="self-approval")
    course = CoursePage.objects.get(slug="self-approval")
    workflow_action(client, course, "approve")
    course.refresh_from_db()
    assert not course.live
