"""Resuming a lesson where the cadre left off: the part they last read (sent by
theme/js/position.js) is where 继续学习 takes them back, on /my/ and the course page."""

import pytest

from lms.learning.enrollment import enrol
from lms.models import LessonProgress
from tests.factories import make_cadre, make_course, make_lesson

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(curriculum, client):
    course = make_course(curriculum, title="睡眠与压力")
    lesson = make_lesson(
        course,
        body=[("paragraph", "<p>第一部分</p>"), ("paragraph", "<p>第二部分</p>")],
    )
    cadre = make_cadre()
    enrol(cadre, course)
    client.force_login(cadre.user)
    parts = [f"b-{block.id}" for block in lesson.body]
    return {"course": course, "lesson": lesson, "cadre": cadre, "parts": parts}


def position_url(lesson):
    return f"/my/lessons/{lesson.pk}/position/"


def test_the_lesson_marks_its_parts_and_loads_the_script(client, world):
    body = client.get(world["lesson"].url).content.decode()
    for part in world["parts"]:
        assert f'id="{part}"' in body
    assert f'data-position-url="{position_url(world["lesson"])}"' in body
    assert "theme/js/position.js" in body


def test_continue_goes_back_to_the_part_last_read(client, world):
    second = world["parts"][1]
    assert client.post(position_url(world["lesson"]), {"pos": second}).status_code == 204
    assert LessonProgress.objects.get(lesson=world["lesson"]).position == second

    my = client.get("/my/")
    (in_progress,) = my.context["in_progress"]
    assert in_progress.continue_url == f"{world['lesson'].url}#{second}"
    course_page = client.get(world["course"].url).content.decode()
    assert f'href="{world["lesson"].url}#{second}"' in course_page


@pytest.mark.parametrize("pos", ["", "b-not-a-part", "javascript:alert(1)", "b-" + "0" * 36])
def test_a_position_that_is_not_a_part_of_the_lesson_is_refused(client, world, pos):
    assert client.post(position_url(world["lesson"]), {"pos": pos}).status_code == 400
    assert not LessonProgress.objects.exclude(position="").exists()


def test_only_enrolled_cadres_record_a_position(client, world):
    client.force_login(make_cadre().user)
    response = client.post(position_url(world["lesson"]), {"pos": world["parts"][0]})
    assert response.status_code in (403, 404)
    assert not LessonProgress.objects.exclude(position="").exists()
