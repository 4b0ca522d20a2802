"""The public catalogue: listing, filters, languages and a bounded number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import DeliveryMode, Track
from lms.assessments import records as assessments
from lms.models import PsychProfile
from search.backends import get_search_backend
from search.documents import build_documents
from search.ranking import ELEVATED
from tests.factories import make_cadre, make_course, make_curriculum, make_lesson

pytestmark = pytest.mark.django_db


def catalogue_queries(client, url="/"):
    client.get(url)  # the first page view fills Wagtail's cache of site root paths
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_catalogue_lists_published_courses_only(client, curriculum):
    make_course(curriculum, title="工作抗压训练：压力的来源")
    make_course(curriculum, title="尚未发布的草稿课程", live=False)

    body = client.get("/").content.decode()

    assert "工作抗压训练：压力的来源" in body
    assert "尚未发布的草稿课程" not in body


def test_catalogue_query_count_does_not_grow_with_courses(client, home):
    tracks = [make_curriculum(home, track=track) for track in Track.values[:2]]
    for i in range(2):
        make_course(tracks[i % 2], tags=[f"标签{i}"])
    few = catalogue_queries(client)

    for i in range(10):
        make_course(tracks[i % 2], tags=[f"标签{i}", "共同标签"])
    many = catalogue_queries(client)

    assert many == few


def add_courses(tracks, count):
    for i in range(count):
        make_course(tracks[i % len(tracks)], tags=[f"标签{i}", "共同标签"])


def test_catalogue_query_count_is_pinned_for_anonymous_visitors(
    client, home, django_assert_num_queries
):
    tracks = [make_curriculum(home, track=track) for track in Track.values[:2]]
    add_courses(tracks, 2)
    client.get("/")  # the first page view fills Wagtail's cache of site root paths

    with django_assert_num_queries(13):
        response = client.get("/")
    assert len(response.context["courses_page"].object_list) == 2

    tracks += [make_curriculum(home, track=track) for track in Track.values[2:]]
    add_courses(tracks, 10)
    with django_assert_num_queries(13):
        response = client.get("/")
    assert len(response.context["courses_page"].object_list) == 12


def test_catalogue_query_count_is_pinned_for_a_cadre_with_recommendations(
    client, home, settings, django_assert_num_queries
):
    # The recommendations come from the database backend, whose queries are counted.
    settings.LMS_SEARCH_BACKENDS = {"default": {"BACKEND": "search.backends.database"}}
    tracks = [make_curriculum(home, track=track) for track in Track.values[:2]]
    add_courses(tracks, 2)
    get_search_backend().rebuild(build_documents())
    cadre = make_cadre()
    assessments.give_consent(cadre, share_with_counsellor=False, purpose="课程推荐")
    PsychProfile.objects.create(
        cadre=cadre,
        data={"rung": ELEVATED, "factors": ["interpersonal"], "sources": [], "reasons": []},
    )
    client.force_login(cadre.user)
    # The first page view fills Wagtail's cache of site root paths, and ranks the panel.
    client.get("/")

    # The panel comes from the cache while neither the cadre nor the catalogue changes.
    with django_assert_num_queries(19):
        response = client.get("/")
    panel = response.context["recommendations"]
    assert (len(panel.personal), len(panel.popular)) == (2, 0)

    tracks += [make_curriculum(home, track=track) for track in Track.values[2:]]
    add_courses(tracks, 10)
    get_search_backend().rebuild(build_documents())
    # The index changed: the panel is ranked again, in a fixed number of queries (which
    # of the index's rows were written since, and those rows, then kept), then cached.
    with django_assert_num_queries(31):
        client.get("/")
    with django_assert_num_queries(19):
        response = client.get("/")
    panel = response.context["recommendations"]
    assert (len(panel.personal), len(panel.popular)) == (6, 4)
    assert len(response.context["courses_page"].object_list) == 12


def test_filter_by_track_tag_and_mode(client, home):
    stress = make_curriculum(home, track=Track.STRESS_RESILIENCE, slug="stress")
    women = make_curriculum(home, track=Track.WOMEN_DUAL_PRESSURE, slug="women")
    make_course(stress, title="睡眠与压力", tags=["睡眠"], delivery_mode=DeliveryMode.ONLINE)
    make_course(stress, title="正念减压沙龙", tags=["正念"], delivery_mode=DeliveryMode.OFFLINE)
    make_course(women, title="女性干部的双重压力", tags=["睡眠"], delivery_mode=DeliveryMode.ONLINE)

    def titles(query):
        body = client.get("/" + query).content.decode()
        return {t for t in ("睡眠与压力", "正念减压沙龙", "女性干部的双重压力") if t in body}

    assert titles("?track=women") == {"女性干部的双重压力"}
    assert titles("?tag=睡眠") == {"睡眠与压力", "女性干部的双重压力"}
    assert titles("?mode=offline") == {"正念减压沙龙"}
    assert titles("?track=stress&mode=online") == {"睡眠与压力"}


def test_unknown_filter_values_are_explained_not_crashed(client, curriculum):
    make_course(curriculum, title="睡眠与压力")

    response = client.get("/?mode=teleport&track=no-such-track")

    assert response.status_code == 200
    body = response.content.decode()
    assert "没有这个专题。" in body
    assert "睡眠与压力" in body  # the catalogue still shows what it can


def test_catalogue_and_course_render_in_chinese_by_default(client, curriculum):
    course = make_course(curriculum, title="工作抗压训练：压力的来源")

    home_body = client.get("/").content.decode()
    course_body = client.get(course.url).content.decode()

    assert '<html lang="zh-hans">' in home_body
    assert "全部课程" in home_body
    assert "课程目录" in course_body


def test_an_english_browser_still_gets_chinese_until_the_user_chooses(client, curriculum):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in body
    assert "全部课程" in body


def test_catalogue_and_course_render_in_english_on_request(client, curriculum):
    course = make_course(curriculum, title="工作抗压训练：压力的来源")
    client.cookies["django_language"] = "en"

    home_body = client.get("/").content.decode()
    course_body = client.get(course.url).content.decode()

    assert '<html lang="en">' in home_body
    assert "All courses" in home_body
    assert "Course catalogue" in course_body
    assert "工作抗压训练：压力的来源" in course_body  # authored content stays as written


def test_language_switch_sets_the_choice(client, curriculum):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert "All courses" in client.get("/").content.decode()


def test_curriculum_page_lists_its_courses(client, home):
    stress = make_curriculum(home, track=Track.STRESS_RESILIENCE, slug="stress")
    other = make_curriculum(home, track=Track.COMMUNICATION, slug="talk")
    make_course(stress, title="睡眠与压力")
    make_course(other, title="倾听的艺术")

    body = client.get(stress.url).content.decode()

    assert "睡眠与压力" in body
    assert "倾听的艺术" not in body


def test_curriculum_page_query_count_is_pinned(client, home, django_assert_num_queries):
    track = make_curriculum(home, track=Track.STRESS_RESILIENCE)
    add_courses([track], 2)
    client.get(track.url)  # the first page view fills Wagtail's cache of site root paths

    with django_assert_num_queries(9):
        response = client.get(track.url)
    assert len(response.context["courses"]) == 2

    add_courses([track], 10)
    with django_assert_num_queries(9):
        response = client.get(track.url)
    assert len(response.context["courses"]) == 12


def test_lesson_page_shows_quiz_without_revealing_answers(client, curriculum):
    course = make_course(curriculum)
    quiz = {
        "title": "小测验",
        "pass_mark": 60,
        "max_attempts": 3,
        "questions": [
            {
                "kind": "single",
                "text": "压力一定是坏事吗？",
                "choices": [
                    {"text": "适度压力有助于成长", "correct": True},
                    {"text": "压力总是有害的", "correct": False},
                ],
                "explanation": "解析：适度的压力可以提升专注力。",
            }
        ],
    }
    first = make_lesson(course, title="认识压力", body=[("quiz", quiz)])
    second = make_lesson(course, title="放松练习")

    body = client.get(first.url).content.decode()

    assert "压力一定是坏事吗？" in body
    assert "适度压力有助于成长" in body
    assert "解析：适度的压力可以提升专注力。" not in body
    assert "correct" not in body.lower()
    assert second.url in body  # next-lesson navigation
