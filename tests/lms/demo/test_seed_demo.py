from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page

from courses.models import CoursePage, CurriculumPage, Instructor, LessonPage, OfflineSession
from lms.models import CadreProfile, Department

pytestmark = pytest.mark.django_db


def counts():
    return {
        "pages": Page.objects.count(),
        "curricula": CurriculumPage.objects.count(),
        "courses": CoursePage.objects.live().count(),
        "lessons": LessonPage.objects.live().count(),
        "sessions": OfflineSession.objects.count(),
        "instructors": Instructor.objects.count(),
        "users": get_user_model().objects.count(),
        "cadres": CadreProfile.objects.count(),
        "departments": Department.objects.count(),
    }


def test_seed_demo_is_idempotent_and_complete():
    call_command("seed_demo", cadres=60, password="pw-demo-1")
    first = counts()
    call_command("seed_demo", cadres=60, password="pw-demo-2")

    assert counts() == first
    assert first["curricula"] == 5
    assert first["courses"] >= 20
    per_track = Counter(c.get_parent().specific.track for c in CoursePage.objects.live())
    assert len(per_track) == 5 and min(per_track.values()) >= 4
    assert first["sessions"] > 0
    assert first["cadres"] == 61  # the population plus the demo cadre account
    # The second run reset the demo passwords to the new one.
    User = get_user_model()
    for username in ("admin", "instructor", "cadre"):
        assert User.objects.get(username=username).check_password("pw-demo-2")


def test_seeded_catalogue_is_browsable_and_searchable_words_are_present(client):
    call_command("seed_demo", cadres=0, password="pw-demo-1")
    body = client.get("/").content.decode()
    assert "双重压力" in body or "抗压" in body
    course = CoursePage.objects.live().filter(title__contains="抗压").first()
    assert course is not None
    assert client.get(course.url).status_code == 200
    lesson = LessonPage.objects.live().child_of(course).first()
    assert client.get(lesson.url).status_code == 200


def test_demo_accounts_have_the_right_roles(client):
    call_command("seed_demo", cadres=0, password="pw-demo-1")
    assert client.login(username="instructor", password="pw-demo-1")
    assert client.get("/admin/").status_code == 200
    client.logout()
    assert client.login(username="cadre", password="pw-demo-1")
    assert client.get("/admin/").status_code == 302  # cadres never reach the admin
    assert CadreProfile.objects.get(user__username="cadre").employee_id == "DEMO0001"
