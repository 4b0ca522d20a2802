"""The "recommended for you" block on /my/ and the catalogue: reasons, consent, queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import Track
from lms.assessments import records as assessments
from lms.learning.recommendations import recommendation_panel, recommendations_for
from lms.models import PsychProfile
from search.backends import get_search_backend
from search.documents import build_documents
from search.ranking import CRISIS, ELEVATED, HIGH
from tests.factories import make_cadre, make_course, make_curriculum

pytestmark = pytest.mark.django_db

MY = "/my/"
# Cadres read the rule's plain phrase for interpersonal sensitivity (人际关系敏感).
FACTOR = "与人相处时可能容易感到不自在"
CLINICAL = "人际关系敏感"


def index():
    get_search_backend().rebuild(build_documents())


@pytest.fixture
def catalogue(make_catalogue):
    """Three courses in two tracks; only 倾听的艺术 addresses 人际关系敏感. Indexed."""
    return make_catalogue("resilience", "sleep", "listen", index=True)


def with_profile(cadre, *, consent=True, rung=ELEVATED):
    if consent:
        assessments.give_consent(cadre, share_with_counsellor=False, purpose="课程推荐")
    PsychProfile.objects.create(
        cadre=cadre,
        data={"rung": rung, "factors": ["interpersonal"], "sources": [], "reasons": []},
    )
    return cadre


@pytest.fixture
def cadre_client(client):
    def login(cadre):
        client.force_login(cadre.user)
        return client

    return login


def block(response) -> str:
    body = response.content.decode()
    start = body.index('class="card recommendations"')
    return body[start : body.index("</section>", start)]


def test_my_learning_shows_recommendations_with_a_reason(cadre_client, catalogue):
    cadre = with_profile(make_cadre())

    response = cadre_client(cadre).get(MY)

    panel = response.context["recommendations"]
    assert panel.personal[0].course_id == catalogue["listen"].pk
    assert FACTOR in panel.personal[0].reason
    html = block(response)
    assert "倾听的艺术" in html
    assert FACTOR in html and CLINICAL not in html
    assert f'href="{catalogue["listen"].url}"' in html
    assert 'href="/assessment/"' in html  # how personalisation and consent work
    assert len(panel.personal) <= 6


def test_a_popular_list_is_shown_beside_and_never_repeats(cadre_client, catalogue):
    response = cadre_client(make_cadre()).get(MY)

    panel = response.context["recommendations"]
    personal = {item.course_id for item in panel.personal}
    assert not personal & {item.course_id for item in panel.popular}
    assert all(FACTOR not in reason for item in panel.popular for reason in item.reasons)


def test_without_consent_nothing_from_the_profile_shows(cadre_client, catalogue):
    cadre = with_profile(make_cadre(), consent=False)

    response = cadre_client(cadre).get(MY)

    assert response.status_code == 200
    assert 'class="card recommendations"' in response.content.decode()
    assert FACTOR not in response.content.decode()
    assert all(FACTOR not in r for item in recommendations_for(cadre.user) for r in item.reasons)


def test_after_withdrawing_consent_the_reason_is_gone(cadre_client, catalogue):
    cadre = with_profile(make_cadre())
    assert FACTOR in block(cadre_client(cadre).get(MY))

    assessments.withdraw_consent(cadre)

    assert FACTOR not in cadre_client(cadre).get(MY).content.decode()


def test_a_crisis_rung_shows_no_profile_based_reason(cadre_client, catalogue):
    cadre = with_profile(make_cadre(), rung=CRISIS)

    body = cadre_client(cadre).get(MY).content.decode()

    assert FACTOR not in body


def test_a_high_rung_puts_the_counselling_contact_and_help_seeking_first(
    cadre_client, catalogue, curriculum
):
    from tests.factories import make_course

    helping = make_course(curriculum, title="何时与如何寻求专业心理帮助", role="help_seeking")
    index()
    cadre = with_profile(make_cadre(), rung=HIGH)

    response = cadre_client(cadre).get(MY)

    html = block(response)
    assert "市委党校心理咨询室" in html and "12356" in html
    assert html.index("12356") < html.index("何时与如何寻求专业心理帮助")
    assert response.context["recommendations"].personal[0].course_id == helping.pk
    assert CLINICAL not in html


def test_the_catalogue_shows_the_block_to_cadres_only(client, cadre_client, catalogue):
    anonymous = client.get("/")
    assert anonymous.context["recommendations"] is None
    assert 'class="card recommendations"' not in anonymous.content.decode()
    assert 'action="/search/"' in anonymous.content.decode()

    response = cadre_client(with_profile(make_cadre())).get("/")
    assert FACTOR in block(response)


def test_staff_see_no_block(cadre_client, catalogue, django_user_model):
    staff = django_user_model.objects.create_user(username="teacher", password="pw-t-123")

    assert recommendation_panel(staff) is None


def test_query_count_does_not_grow_with_the_catalogue(cadre_client, home):
    cadre = with_profile(make_cadre())
    client = cadre_client(cadre)
    track = make_curriculum(home, track=Track.COMMUNICATION)
    make_course(track)
    index()

    def queries():
        client.get(MY)  # warm Wagtail's site-root cache
        with CaptureQueriesContext(connection) as captured:
            response = client.get(MY)
        assert response.status_code == 200
        return len(captured), len(response.context["recommendations"].personal)

    few, shown_few = queries()
    for _ in range(11):
        make_course(track)
    index()
    many, shown_many = queries()

    assert (shown_few, shown_many) == (1, 6)
    assert many == few


# --- the panel is computed once, then cached until what it rests on changes ------------------


@pytest.fixture
def recommend_calls(monkeypatch):
    """The viewers the search backend was asked to rank for, in order."""
    calls = []
    backend_class = type(get_search_backend())
    original = backend_class.recommend

    def counted(self, viewer, top=10):
        calls.append(viewer)
        return original(self, viewer, top)

    monkeypatch.setattr(backend_class, "recommend", counted)
    return calls


def test_the_panel_is_ranked_once_then_served_from_the_cache(
    cadre_client, catalogue, recommend_calls
):
    client = cadre_client(make_cadre())

    first = client.get(MY).context["recommendations"]
    # The cadre's list and the popular list: one ranking each.
    assert len(recommend_calls) == 2
    client.get("/")  # the catalogue shows the same panel
    again = client.get(MY).context["recommendations"]
    assert len(recommend_calls) == 2
    assert again == first

    # Another cadre gets their own list; the popular one is shared.
    cadre_client(make_cadre(gender="male")).get(MY)
    assert len(recommend_calls) == 3


def test_withdrawing_consent_drops_the_cached_reasons_at_once(cadre_client, catalogue):
    cadre = with_profile(make_cadre())
    client = cadre_client(cadre)
    assert FACTOR in client.get(MY).context["recommendations"].personal[0].reason

    assessments.withdraw_consent(cadre)

    panel = client.get(MY).context["recommendations"]
    assert all(FACTOR not in reason for item in panel.personal for reason in item.reasons)


def test_a_campaign_assignment_shows_in_the_cached_panel(cadre_client, catalogue):
    from datetime import timedelta

    from django.utils import timezone

    from lms.models import Audience, Campaign
    from lms.targeting import campaigns
    from tests.factories import make_department

    unit = make_department(code="unit", name="市检察院")
    cadre = make_cadre(department=unit)
    client = cadre_client(cadre)
    before = client.get(MY).context["recommendations"]
    assert catalogue["sleep"].pk in {item.course_id for item in before.personal}

    campaign = Campaign.objects.create(
        name="必修",
        audience=Audience.objects.create(name="全体", owner_department=unit),
        owner_department=unit,
        due_date=timezone.localdate() + timedelta(days=30),
    )
    campaign.courses.set([catalogue["sleep"]])
    campaigns.assign(campaign, [cadre.pk])  # bulk writes: no model signals

    # The assignment is listed under 必修课程 at once, and no longer recommended.
    response = client.get(MY)
    assert [e.course_id for e in response.context["required"]] == [catalogue["sleep"].pk]
    panel = response.context["recommendations"]
    assert catalogue["sleep"].pk not in {i.course_id for i in [*panel.personal, *panel.popular]}


def test_a_newly_published_course_reaches_a_cached_panel(cadre_client, catalogue, home):
    client = cadre_client(make_cadre())
    client.get(MY)
    track = make_curriculum(home, track=Track.COMMUNICATION, slug="new-track")
    course = make_course(track, title="新开课程")
    index()

    panel = client.get(MY).context["recommendations"]
    shown = {item.course_id for item in [*panel.personal, *panel.popular]}
    assert course.pk in shown


def test_the_cached_panel_follows_the_language(cadre_client, catalogue):
    client = cadre_client(make_cadre())
    chinese = client.get(MY).context["recommendations"]
    client.cookies["django_language"] = "en"
    english = client.get(MY).context["recommendations"]
    assert chinese.personal[0].reason != english.personal[0].reason
    assert english.personal[0].reason.isascii()
