"""Wagtail's own search (page explorer, Page.objects.search) finds Chinese substrings."""

import io

import pytest
from django.core.management import call_command
from modelsearch.query import And, Not, Phrase, PlainText
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from search.wagtail_search import segment_query
from tests.factories import make_course, make_lesson

pytestmark = pytest.mark.django_db

TITLE = "工作抗压训练：从紧张到从容"


@pytest.fixture
def course(curriculum):
    course = make_course(curriculum, title=TITLE, summary="认识压力来源，学会三种放松方法。")
    make_lesson(course, title="呼吸放松", body=[("paragraph", "<p>Box breathing 四拍呼吸法</p>")])
    return course


def found(results) -> set[int]:
    return {page.pk for page in results}


def test_the_configured_backend_segments_chinese():
    backend = get_search_backend()
    assert type(backend).__name__.startswith("Segmented")


def test_saving_a_page_indexes_it_segmented(course):
    assert course.pk in found(Page.objects.search("抗压"))
    assert course.pk in found(Page.objects.search("从容"))
    assert course.pk in found(Page.objects.search("放松方法"))  # the summary
    assert course.pk not in found(Page.objects.search("领导力"))


def test_update_index_rebuilds_the_segmented_index(course):
    call_command("wagtail_update_index", stdout=io.StringIO(), stderr=io.StringIO())
    assert course.pk in found(Page.objects.search("抗压"))
    assert course.pk in found(Page.objects.autocomplete("抗"))


def test_lesson_text_and_latin_words(course):
    lesson_ids = found(Page.objects.search("呼吸法"))
    assert lesson_ids and course.pk not in lesson_ids
    assert lesson_ids == found(Page.objects.search("BREATHING"))


@pytest.mark.parametrize("query", ["！！！", "   ", '"', "*:*", "压力 AND (", "\x00压力"])
def test_odd_queries_never_fail(course, query):
    list(Page.objects.search(query))
    list(Page.objects.autocomplete(query))


def test_the_explorer_search_lists_the_course(client, course, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/pages/search/", {"q": "抗压"})
    assert response.status_code == 200
    assert TITLE in response.content.decode()
    response = client.get("/admin/pages/search/", {"q": "领导力"})
    assert TITLE not in response.content.decode()


def test_queries_are_segmented_like_the_text():
    assert segment_query("工作抗压") == "工作 作抗 抗压"
    assert segment_query("！！！") is None
    plain = segment_query(PlainText("抗压训练", operator="or"))
    assert (plain.query_string, plain.operator) == ("抗压 压训 训练", "or")
    combined = segment_query(And([PlainText("抗压"), Not(Phrase("！")), Phrase("睡眠质量")]))
    assert isinstance(combined, And) and len(combined.subqueries) == 2
    assert combined.subqueries[1].query_string == "睡眠 眠质 质量"
