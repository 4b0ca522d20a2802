"""Page changes reach the course search backends after the commit, by course id only."""

import logging
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.urls import reverse
from wagtail.models import PageViewRestriction
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from courses.models import CoursePage, Track
from lms.people.accounts import ensure_user, reviewers_group
from search import sync, tasks
from search.backends.base import SearchQuery
from search.backends.database import DatabaseSearchBackend
from search.models import IndexedCourse
from tests.factories import make_course, make_curriculum, make_lesson

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: connecting fails at once, like a cluster that is down.
DEAD_ES = {
    "BACKEND": "search.backends.elasticsearch",
    "URLS": ["http://127.0.0.1:1"],
    "INDEX": "dead-courses",
    "PLAIN_JSON": True,
    "TIMEOUT": 0.5,
}


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run the block, then its on-commit callbacks, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def indexed(course_id) -> dict | None:
    row = IndexedCourse.objects.filter(course_id=course_id).first()
    return row.document if row else None


def found(text) -> set[int]:
    return {hit.course_id for hit in DatabaseSearchBackend({}).search(SearchQuery(text=text)).hits}


def test_publishing_indexes_the_course_only_after_commit(
    curriculum, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        course = make_course(curriculum, title="睡眠与恢复")
    assert callbacks and indexed(course.pk) is None  # nothing before the commit
    for callback in callbacks:
        callback()
    assert indexed(course.pk)["title"] == "睡眠与恢复"
    assert course.pk in found("睡眠")


def test_the_task_message_carries_the_course_id_only(curriculum, commit):
    with mock.patch.object(tasks.index_course, "delay") as delay, commit():
        course = make_course(curriculum, title="睡眠与恢复", summary="改善睡眠")
    delay.assert_called_with(course.pk)
    assert all(call.args == (course.pk,) and not call.kwargs for call in delay.call_args_list)


def test_publishing_a_lesson_reindexes_its_course(curriculum, commit):
    with commit():
        course = make_course(curriculum, title="倾听的艺术")
    assert course.pk not in found("同理心")
    with commit():
        make_lesson(course, body=[("paragraph", "<p>积极倾听需要耐心与同理心。</p>")])
    assert course.pk in found("同理心")


def test_unpublishing_removes_and_republishing_restores(curriculum, commit):
    with commit():
        course = make_course(curriculum)
    assert indexed(course.pk)
    with commit():
        course.unpublish()
    assert indexed(course.pk) is None
    with commit():
        course.save_revision().publish()
    assert indexed(course.pk)


def test_deleting_a_course_removes_it(curriculum, commit):
    with commit():
        course = make_course(curriculum)
        make_lesson(course)
    with commit():
        CoursePage.objects.get(pk=course.pk).delete()
    assert indexed(course.pk) is None


def test_moving_a_course_reindexes_its_track_and_url(home, curriculum, commit):
    other = make_curriculum(home, track=Track.COMMUNICATION, slug="talk", title="沟通与领导力")
    with commit():
        course = make_course(curriculum, slug="moving")
    assert indexed(course.pk)["track"] == Track.STRESS_RESILIENCE
    with commit():
        CoursePage.objects.get(pk=course.pk).move(other, pos="last-child")
    document = indexed(course.pk)
    assert document["track"] == Track.COMMUNICATION
    assert document["url_path"].endswith("/talk/moving/")


def test_moving_a_lesson_reindexes_both_courses(curriculum, commit):
    with commit():
        first, second = make_course(curriculum), make_course(curriculum)
        lesson = make_lesson(first, body=[("paragraph", "<p>正念呼吸练习</p>")])
    assert found("正念") == {first.pk}
    with commit():
        lesson.move(second, pos="last-child")
    assert found("正念") == {second.pk}


def test_renaming_a_curriculum_reindexes_its_courses(curriculum, commit):
    with commit():
        course = make_course(curriculum)
    curriculum.title = "工作抗压训练（新版）"
    with commit():
        curriculum.save_revision().publish()
    assert indexed(course.pk)["track_title"] == "工作抗压训练（新版）"


def test_a_view_restriction_takes_its_courses_out_and_back(curriculum, commit):
    with commit():
        course = make_course(curriculum)
    with commit():
        restriction = PageViewRestriction.objects.create(
            page=curriculum, restriction_type=PageViewRestriction.LOGIN
        )
    assert indexed(course.pk) is None  # only public courses are searchable
    with commit():
        restriction.delete()
    assert indexed(course.pk)


def test_tasks_are_idempotent_and_follow_the_fresh_rows(curriculum, commit):
    with commit():
        course = make_course(curriculum)
    tasks.index_course(course.pk)
    tasks.index_course(course.pk)
    assert IndexedCourse.objects.filter(course_id=course.pk).count() == 1
    # A late remove for a course that is live again leaves it indexed.
    tasks.remove_course(course.pk)
    assert indexed(course.pk)
    CoursePage.objects.filter(pk=course.pk).update(live=False)
    tasks.index_course(course.pk)  # a late index for an unpublished course removes it
    assert indexed(course.pk) is None


def test_the_database_store_is_written_even_when_not_configured(settings, curriculum, commit):
    settings.LMS_SEARCH_BACKENDS = {"default": DEAD_ES}
    with commit():
        course = make_course(curriculum)
    assert indexed(course.pk)


def test_an_elasticsearch_outage_never_breaks_the_save(settings, curriculum, commit, caplog):
    settings.LMS_SEARCH_BACKENDS = {"default": DEAD_ES, "database": {"BACKEND": DB}}
    with caplog.at_level(logging.WARNING, logger="search"), commit():
        course = make_course(curriculum, title="睡眠与恢复")
    assert indexed(course.pk)  # the fallback store has it
    messages = [r.getMessage() for r in caplog.records]
    assert any("'default' could not be updated" in m for m in messages)
    assert any("reconcile will catch up" in m for m in messages)


def test_a_worker_retries_the_failed_backend_only_later(settings, curriculum, commit):
    settings.LMS_SEARCH_BACKENDS = {"default": DEAD_ES, "database": {"BACKEND": DB}}
    with commit():
        course = make_course(curriculum)
    with (
        mock.patch.object(tasks.index_course, "retry", side_effect=Retry()) as retry,
        pytest.raises(Retry),
    ):
        tasks.index_course.run(course.pk)  # as a worker runs it: not eagerly
    retry.assert_called_once()
    kwargs = retry.call_args.kwargs
    assert kwargs["args"] == (course.pk,) and kwargs["kwargs"] == {"aliases": ["default"]}
    assert kwargs["countdown"] == tasks.FIRST_RETRY_SECONDS
    assert isinstance(kwargs["exc"], tasks.SearchBackendUnavailable)
    assert tasks.index_course.max_retries == tasks.MAX_RETRIES
    assert tasks.retry_delay(10) == tasks.LAST_RETRY_SECONDS


def test_a_broker_outage_never_breaks_the_save(curriculum, commit, caplog):
    with (
        mock.patch.object(tasks.index_course, "delay", side_effect=ConnectionError("no redis")),
        caplog.at_level(logging.WARNING, logger="search"),
        commit(),
    ):
        course = make_course(curriculum)
    assert indexed(course.pk) is None
    assert any("Could not enqueue" in r.getMessage() for r in caplog.records)


def test_an_editor_publishes_through_the_admin_while_elasticsearch_is_down(
    settings, client, home, curriculum, commit
):
    settings.LMS_SEARCH_BACKENDS = {"default": DEAD_ES, "database": {"BACKEND": DB}}
    user = ensure_user("reviewer", "pw-reviewer-123")
    user.groups.add(reviewers_group(home))  # 教研室 publishes; instructors submit
    client.force_login(user)
    form = nested_form_data(
        {
            "title": "工作抗压训练：从紧张到从容",
            "slug": "from-tension-to-calm",
            "summary": "认识压力的来源，学会三种放松方法。",
            "body": streamfield([("paragraph", rich_text("<p>压力是正常的。</p>"))]),
            "credit_hours": "2.5",
            "estimated_minutes": "90",
            "delivery_mode": "online",
            "tags": "压力管理",
            "audience_gender": "",
            "audience_min_age": "",
            "audience_max_age": "",
            "sessions": inline_formset([]),
            "seo_title": "",
            "search_description": "",
            "go_live_at": "",
            "expire_at": "",
        }
    )
    form["action-publish"] = "action-publish"
    url = reverse("wagtailadmin_pages:add", args=("courses", "coursepage", curriculum.pk))
    with commit():
        response = client.post(url, form)
    assert response.status_code == 302
    course = CoursePage.objects.get(slug="from-tension-to-calm")
    assert course.live and indexed(course.pk)


def test_backends_to_write_puts_the_database_first_once(settings):
    settings.LMS_SEARCH_BACKENDS = {
        "default": DEAD_ES,
        "database": {"BACKEND": DB},
        "copy": {"BACKEND": DB},
    }
    assert [alias for alias, _backend in sync.backends_to_write()] == ["database", "default"]
    assert [alias for alias, _backend in sync.backends_to_write(["default"])] == ["default"]


DB = "search.backends.database"
