"""/search/?q=: Chinese substrings, escaped highlights, facets, filters, pages, odd input."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from courses.models import Track
from search.backends import get_search_backend
from search.backends.base import Hit
from search.documents import build_documents
from search.views import highlighted
from tests.factories import make_course, make_curriculum

pytestmark = pytest.mark.django_db

SEARCH = "/search/"


def index():
    get_search_backend().rebuild(build_documents())


@pytest.fixture
def catalogue(make_catalogue):
    """Four courses in two tracks, one with markup in its title and summary, indexed."""
    return make_catalogue("resilience", "sleep", "dual", "markup_summary", index=True)


def titles(response) -> set[str]:
    return {item["hit"].title for item in response.context["hits"]}


def test_the_url_is_fixed():
    assert reverse("search:search") == SEARCH


def test_chinese_substrings_are_found_through_the_page(client, catalogue):
    response = client.get(SEARCH, {"q": "抗压"})

    assert response.status_code == 200
    assert "工作抗压训练：从紧张到从容" in titles(response)
    body = response.content.decode()
    assert "工作<em>抗压</em>训练：从紧张到从容" in body
    assert f'href="{catalogue["resilience"].url}"' in body

    dual = client.get(SEARCH, {"q": "双重压力"})
    assert titles(dual) == {"女性干部的双重压力与自我关爱"}
    assert "女性干部的<em>双重压力</em>与自我关爱" in dual.content.decode()


def test_mixed_chinese_and_english(client, catalogue):
    assert titles(client.get(SEARCH, {"q": "sleep 睡眠"})) == {"睡眠与恢复"}


def test_everyday_words_find_the_course_that_says_it_otherwise(client, catalogue):
    # No course says 睡不好 or 两头顾不过来; the sleep and dual-pressure courses say 睡眠
    # and 双重压力, which the everyday lexicon stands them for.
    response = client.get(SEARCH, {"q": "最近睡不好"})
    assert "睡眠与恢复" in titles(response)
    # The page says which words it also looked for, so the marked 睡眠 makes sense.
    assert "同时查找了意思相近的说法：睡眠、失眠" in response.content.decode()
    assert "女性干部的双重压力与自我关爱" in titles(client.get(SEARCH, {"q": "工作家庭两头顾"}))
    # Words that stand for nothing in the lexicon widen nothing.
    assert titles(client.get(SEARCH, {"q": "完全无关的话"})) == set()


def test_highlights_escape_markup_in_titles_and_summaries(client, catalogue):
    body = client.get(SEARCH, {"q": "压力"}).content.decode()

    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<em>压力</em>自测" in body
    assert "<b>粗体</b>" not in body
    assert "&lt;b&gt;粗体&lt;/b&gt;<em>压力</em>说明" in body


def test_a_highlight_with_other_markup_is_not_trusted():
    hit = Hit(
        course_id=1,
        title="<img src=x>压力",
        summary="",
        track="",
        track_title="",
        delivery_mode="online",
        credit_hours=1.0,
        url_path="/",
        highlight={"title": "<img src=x><em>压力</em>"},
    )

    assert highlighted(hit, "title") == "&lt;img src=x&gt;压力"


def test_facets_count_per_track_and_mode_with_chinese_labels(client, catalogue):
    response = client.get(SEARCH, {"q": "压力"})

    facets = response.context["facets"]
    tracks = {f["key"]: (str(f["label"]), f["count"]) for f in facets["track"]}
    # The three stress-track courses: two say 压力, the third is found by its track's title.
    assert tracks == {
        "stress_resilience": ("工作压力调适", 3),
        "women_dual_pressure": ("女干部双重压力调适", 1),
    }
    modes = {f["key"]: (str(f["label"]), f["count"]) for f in facets["mode"]}
    assert modes == {"online": ("线上", 3), "offline": ("线下", 1)}
    body = response.content.decode()
    assert '女干部双重压力调适 <span class="facet-count">(1)</span>' in body
    women_link = next(f["url"] for f in facets["track"] if f["key"] == "women_dual_pressure")
    assert "track=women_dual_pressure" in women_link


def test_a_facet_link_filters_and_the_active_filter_can_be_removed(client, catalogue):
    response = client.get(SEARCH, {"q": "压力", "track": "women_dual_pressure"})

    assert titles(response) == {"女性干部的双重压力与自我关爱"}
    # Facets still count the query, so the other track stays reachable.
    counts = {f["key"]: f["count"] for f in response.context["facets"]["track"]}
    assert counts["stress_resilience"] == 3
    [active] = response.context["active_filters"]
    assert str(active["value"]) == "女干部双重压力调适"
    assert "track" not in active["url"] and "q=" in active["url"]
    assert f'href="{active["url"]}"' in response.content.decode()

    offline = client.get(SEARCH, {"mode": "offline"})
    assert titles(offline) == {"睡眠与恢复"}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "压力", "track": "no-such-track"}, "没有这个专题。"),
        ({"mode": "teleport"}, None),
        ({"page": "abc"}, None),
        ({"page": "0"}, None),
        ({"page": "-3"}, None),
        ({"page": "1001"}, None),
        ({"tag": "not a slug!"}, None),
    ],
)
def test_an_unknown_filter_is_a_400_with_an_explanation(client, catalogue, params, message):
    response = client.get(SEARCH, params)

    assert response.status_code == 400
    body = response.content.decode()
    assert 'role="alert"' in body
    assert response.context["error"].code == "invalid_filter"
    assert response.context["error"].details
    if message:
        assert message in body


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "！！！",
        "...,,;;",
        "*:* AND (",
        'title:"x" AND (',
        "压力 OR 1=1 --",
        "%_%",
        "\\",
        "a" * 5000,
        "\x00压力",
        "压力\u200b管理",
        "Stress 压力管理",
        "<script>alert(1)</script>",
    ],
)
def test_odd_queries_never_fail(client, catalogue, text):
    response = client.get(SEARCH, {"q": text})

    assert response.status_code == 200
    assert response.context["results"].total >= 0


def test_the_query_is_capped_at_100_characters(client, catalogue):
    response = client.get(SEARCH, {"q": "压" * 300})

    assert response.status_code == 200
    assert len(response.context["query"].text) == 100


def test_pagination(client, home):
    track = make_curriculum(home, track=Track.POPULAR_SCIENCE)
    for n in range(12):
        make_course(track, title=f"心理健康常识 {n}")
    index()

    first = client.get(SEARCH, {"q": "心理"})
    second = client.get(SEARCH, {"q": "心理", "page": 2})

    assert first.context["results"].total == 12
    assert (len(first.context["hits"]), len(second.context["hits"])) == (10, 2)
    assert f'href="{escape(first.context["pagination"]["next_url"])}" rel="next"' in (
        first.content.decode()
    )
    assert "第 2 页，共 2 页" in second.content.decode()
    past = client.get(SEARCH, {"q": "心理", "page": 9})
    assert past.status_code == 200
    assert past.context["pagination"]["beyond_last"]


def test_no_results_suggest_what_to_do_and_popular_courses(client, catalogue):
    response = client.get(SEARCH, {"q": "天文望远镜"})

    assert response.status_code == 200
    assert response.context["results"].total == 0
    assert "search-empty" in response.content.decode()
    assert response.context["suggestions"]
    assert all(course.url for course in response.context["suggestions"])


def test_every_page_has_a_search_box_in_the_header(client, catalogue):
    body = client.get("/").content.decode()

    assert 'action="/search/"' in body
    assert 'id="header-q"' in body


def test_query_count_is_pinned(client, home, settings, django_assert_num_queries):
    # The database backend answers, so its queries are the ones counted.
    settings.LMS_SEARCH_BACKENDS = {"default": {"BACKEND": "search.backends.database"}}
    track = make_curriculum(home, track=Track.POPULAR_SCIENCE)
    for n in range(2):
        make_course(track, title=f"心理健康常识 {n}")
    index()
    # The hits' links come from Wagtail's site root paths, cached by the first page view,
    # which also reads the index's documents into the process.
    client.get(SEARCH, {"q": "心理"})

    # The index's version (one single-row query): the documents and the courses holding
    # each token were read by the first search and are kept until the index changes.
    with django_assert_num_queries(1):
        response = client.get(SEARCH, {"q": "心理"})
    assert len(response.context["hits"]) == 2
    # A token not looked up since the index changed: the inverted index answers, once.
    with django_assert_num_queries(2):
        client.get(SEARCH, {"q": "常识"})
    with django_assert_num_queries(1):
        client.get(SEARCH, {"q": "常识"})

    for n in range(2, 14):
        make_course(track, title=f"心理健康常识 {n}")
    index()
    # The first search after the index changed reads which rows were written since, those
    # rows, and the tokens again.
    with django_assert_num_queries(4):
        client.get(SEARCH, {"q": "心理"})
    with django_assert_num_queries(1):
        response = client.get(SEARCH, {"q": "心理"})
    assert (response.context["results"].total, len(response.context["hits"])) == (14, 10)

    # No hits: the popular courses are suggested instead. The first time after the index
    # changed, the new tokens cost a query, and the suggestions two (the index's version,
    # the anonymous viewer); then they come from the caches, the same for every visitor.
    with django_assert_num_queries(4):
        client.get(SEARCH, {"q": "天文望远镜"})
    with django_assert_num_queries(1):
        response = client.get(SEARCH, {"q": "天文望远镜"})
    assert response.context["suggestions"]


def test_traditional_full_width_and_track_titles_find_courses(client, catalogue):
    # 壓力 is 压力 in traditional characters; 压力调适 is in the tracks' titles only.
    assert titles(client.get(SEARCH, {"q": "壓力"})) == titles(client.get(SEARCH, {"q": "压力"}))
    found = client.get(SEARCH, {"q": "压力调适"})
    assert titles(found) >= {"工作抗压训练：从紧张到从容", "睡眠与恢复"}
    # The simplified text is marked for the traditional query.
    assert "<em>压力</em>" in client.get(SEARCH, {"q": "壓力"}).content.decode()


@pytest.mark.parametrize("query", ["！！", "？？", "😀", "……", "<>"])
def test_punctuation_or_emoji_alone_asks_for_words_and_never_lists_the_catalogue(
    client, catalogue, query
):
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200
    assert response.context["results"].total == 0
    page = response.content.decode()
    assert "请输入要查找的内容" in page
    # Tracks and popular courses to go on with, not an empty page.
    assert response.context["nearest_tracks"] and response.context["suggestions"]


def test_a_title_with_a_dotted_capital_i_is_found_and_highlighted(client, home):
    track = make_curriculum(home, track=Track.COMMUNICATION)
    make_course(track, title="İstanbul 管理沟通")
    index()
    response = client.get(SEARCH, {"q": "管理"})
    assert response.status_code == 200
    [item] = response.context["hits"]
    assert item["title_html"] == "İstanbul <em>管理</em>沟通"
