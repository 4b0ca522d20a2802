"""Every demo course says what kind of help it is, and leadership courses address no
distress signal (issue 15: a course on leading teams does not address interpersonal
sensitivity)."""

import pytest

from courses.demo import seed_catalogue
from courses.models import CoursePage, CourseRole

pytestmark = pytest.mark.django_db


def test_every_demo_course_has_a_role_and_leadership_courses_address_no_distress():
    seed_catalogue()
    courses = CoursePage.objects.live().prefetch_related("signals")

    assert courses.exists()
    assert not courses.filter(role="").exists()
    for course in courses.filter(role=CourseRole.LEADERSHIP):
        factors = {s.key for s in course.signals.all() if s.kind == "scl90_factor"}
        assert not factors, f"{course.title} addresses {factors}"


def test_a_catalogue_seeded_before_roles_gets_them_without_losing_an_instructors_choice():
    seed_catalogue()
    first, second = CoursePage.objects.order_by("pk")[:2]
    CoursePage.objects.filter(pk=first.pk).update(role="")
    CoursePage.objects.filter(pk=second.pk).update(role=CourseRole.PEER_ACTIVITY)

    seed_catalogue()  # as seed_demo runs it again on an existing site

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.role != ""
    assert second.role == CourseRole.PEER_ACTIVITY
