"""GET /api/v1/search (public) and GET /api/v1/recommendations (cadres)."""

import pytest
from django.contrib.auth import get_user_model

from lms.assessments import records as assessments
from lms.models import ApiToken, PsychProfile
from search.ranking import ELEVATED
from tests.factories import make_cadre

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/search"
RECOMMENDATIONS = "/api/v1/recommendations"


@pytest.fixture
def catalogue(make_catalogue):
    """Five courses in three tracks, one with markup in its title, indexed."""
    return make_catalogue("resilience", "sleep", "dual", "listen", "markup", index=True)


def bearer(user) -> dict:
    _token, key = ApiToken.issue(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


# Search -------------------------------------------------------------------------------


def test_search_is_public_and_finds_chinese_substrings(client, catalogue):
    response = client.get(SEARCH, {"q": "抗压"})

    assert response.status_code == 200
    data = response.json()
    assert data["q"] == "抗压"
    [hit] = [h for h in data["hits"] if h["id"] == catalogue["resilience"].pk]
    assert hit["highlight"]["title"] == "工作<em>抗压</em>训练：从紧张到从容"
    assert hit["url"] == catalogue["resilience"].url
    assert hit["track"] == "stress_resilience"
    assert data["total"] == len(data["hits"])


def test_search_names_the_words_it_also_searched_for(client, catalogue):
    data = client.get(SEARCH, {"q": "最近睡不好"}).json()
    assert data["related"] == ["睡眠", "失眠"]
    assert catalogue["sleep"].pk in {hit["id"] for hit in data["hits"]}
    assert client.get(SEARCH, {"q": "抗压"}).json()["related"] == ["减压", "压力"]
    assert client.get(SEARCH, {"q": "睡眠"}).json()["related"] == []


def test_search_highlights_are_escaped(client, catalogue):
    data = client.get(SEARCH, {"q": "压力"}).json()

    [hit] = [h for h in data["hits"] if h["id"] == catalogue["markup"].pk]
    assert hit["highlight"]["title"] == "&lt;script&gt;x&lt;/script&gt;<em>压力</em>"
    assert hit["title"] == "<script>x</script>压力"  # plain text stays plain text


def test_search_facets_and_filters(client, catalogue):
    data = client.get(SEARCH, {"q": "压力", "track": "women_dual_pressure"}).json()

    assert [h["title"] for h in data["hits"]] == ["女性干部的双重压力与自我关爱"]
    tracks = {f["key"]: (f["label"], f["count"]) for f in data["facets"]["track"]}
    assert tracks["women_dual_pressure"] == ("女干部双重压力调适", 1)
    assert tracks["stress_resilience"][1] >= 2
    offline = client.get(SEARCH, {"mode": "offline"}).json()
    assert [h["title"] for h in offline["hits"]] == ["睡眠与恢复"]
    modes = {f["key"]: f["count"] for f in offline["facets"]["delivery_mode"]}
    assert modes == {"online": 4, "offline": 1}


def test_search_pages(client, catalogue):
    data = client.get(SEARCH, {"page": 2, "page_size": 2}).json()

    assert (data["total"], data["page"], data["page_size"], len(data["hits"])) == (5, 2, 2, 2)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"track": "no-such-track"}, "没有这个专题。"),
        ({"mode": "teleport"}, None),
    ],
)
def test_an_unknown_filter_is_a_structured_400(client, catalogue, params, message):
    response = client.get(SEARCH, params)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_filter"
    assert error["message"] and error["details"]
    if message:
        assert message in error["details"]


@pytest.mark.parametrize(
    "params", [{"page": 0}, {"page": 1001}, {"page": "abc"}, {"page_size": 51}]
)
def test_inputs_are_bounded(client, catalogue, params):
    response = client.get(SEARCH, params)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_request"


@pytest.mark.parametrize("length", [101, 10_000])
def test_a_long_query_is_cut_as_the_page_cuts_it_never_refused(client, catalogue, length):
    query = "压力" + "很" * (length - 2)
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200
    assert response.json()["q"] == query[:100]
    page = client.get("/search/", {"q": query})
    assert page.status_code == 200 and page.context["query"].text == query[:100]


@pytest.mark.parametrize(
    "text", ["", "   ", "！！！", "*:* AND (", 'title:"x" AND (', "\x00压力", "sleep 睡眠", "%"]
)
def test_odd_queries_never_fail(client, catalogue, text):
    response = client.get(SEARCH, {"q": text})

    assert response.status_code == 200
    assert response.json()["total"] >= 0


# Recommendations ----------------------------------------------------------------------


def test_recommendations_need_a_login(client, catalogue):
    response = client.get(RECOMMENDATIONS)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_recommendations_are_for_cadres_only(client, catalogue):
    staff = get_user_model().objects.create_user(username="instructor2", password="pw-x-123")

    response = client.get(RECOMMENDATIONS, **bearer(staff))

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_a_cadre"


def test_a_cadre_gets_personal_and_non_personalised_lists(client, catalogue):
    cadre = make_cadre(gender="female")

    response = client.get(RECOMMENDATIONS, **bearer(cadre.user))

    assert response.status_code == 200
    data = response.json()
    ids = [item["id"] for item in data["items"]]
    assert catalogue["dual"].pk in ids  # aimed at women cadres
    assert 0 < len(ids) <= 6
    for item in data["items"] + data["non_personalised"]:
        assert item["reason"] == item["reasons"][0]
        assert item["url"].startswith("/")
    # The non-personalised list is the same for everyone: no course aimed at women only.
    assert catalogue["dual"].pk not in [item["id"] for item in data["non_personalised"]]


def test_the_session_works_too(client, catalogue):
    cadre = make_cadre()
    client.force_login(cadre.user)

    assert client.get(RECOMMENDATIONS).status_code == 200


def profile(cadre, *, consent: bool, rung=ELEVATED):
    if consent:
        assessments.give_consent(cadre, share_with_counsellor=False, purpose="课程推荐")
    PsychProfile.objects.create(
        cadre=cadre,
        data={"rung": rung, "factors": ["interpersonal"], "sources": [], "reasons": []},
    )


def test_a_consenting_cadre_is_told_why(client, catalogue):
    cadre = make_cadre()
    profile(cadre, consent=True)

    data = client.get(RECOMMENDATIONS, **bearer(cadre.user)).json()

    assert data["items"][0]["id"] == catalogue["listen"].pk
    # The rule's plain phrase for interpersonal (人际关系敏感), as the cadre reads it.
    assert "与人相处时可能容易感到不自在" in data["items"][0]["reason"]
    assert "与人相处时可能容易感到不自在" not in str(data["non_personalised"])


def test_without_consent_the_profile_is_not_used_or_shown(client, catalogue):
    cadre = make_cadre()
    profile(cadre, consent=False)

    response = client.get(RECOMMENDATIONS, **bearer(cadre.user))

    assert response.status_code == 200
    assert "人际关系敏感" not in response.content.decode()
