"""Care where the cadre lands, and results in the right words.

Help first on 我的学习 and the self-assessment page while a crisis follow-up is open; an
undefined positive-symptom mean (PSDI) shown as "—", never as a number; plain factor names
for cadres, clinical and plain names side by side for counsellors.
"""

import json
import re

import pytest
from django.urls import reverse

from lms.assessments import records as assessments
from lms.assessments.instruments import (
    InstrumentError,
    plain_factor_names,
    shipped_definitions,
    validate_definition,
)
from lms.assessments.scoring import CRISIS, score
from lms.learning.views import care_for
from lms.models import Assessment, FollowUp, FollowUpStatus, Instrument, SafetyNetSettings
from lms.people.roles import counsellors_group
from tests.factories import make_cadre

pytestmark = pytest.mark.django_db

MY = "/my/"
INDEX = "/assessment/"
LOCAL_LINE = "0755-8888 1234"
CLINICAL = {"paranoid": "偏执", "psychoticism": "精神病性", "interpersonal": "人际关系敏感"}
PLAIN = {
    "paranoid": "对他人的戒备",
    "psychoticism": "孤独与疏离感",
    "interpersonal": "人际交往中的不自在",
}
PARANOID_ITEMS = (8, 18, 43, 68, 76, 83)
PSYCHOTICISM_ITEMS = (7, 16, 35, 62, 77, 84, 85, 87, 88, 90)


def scl(**overrides) -> dict[int, int]:
    answers = dict.fromkeys(range(1, 91), 1)
    answers.update({int(key[1:]): value for key, value in overrides.items()})
    return answers


def raised(items, value=3) -> dict[int, int]:
    return scl(**{f"i{n}": value for n in items})


def main_of(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def first_element(main: str) -> str:
    """The first tag inside <main>: what a reader, a screen reader and a phone meet first."""
    inside = main[main.index(">") + 1 :]
    return re.search(r"<[a-zA-Z][^>]*>", inside).group(0)


def care_section(main: str) -> str:
    start = main.index('<section class="care-first"')
    return main[start : main.index("</section>", start)]


@pytest.fixture
def local_line(db):
    safety = SafetyNetSettings.load()
    safety.local_hotline = LOCAL_LINE
    safety.save()
    return safety


@pytest.fixture
def cadre(db):
    cadre = make_cadre(name="赵六")
    assessments.give_consent(cadre, share_with_counsellor=True, purpose="测试")
    return cadre


@pytest.fixture
def in_crisis(cadre):
    done = assessments.submit(cadre, "scl90", scl(i15=2))
    assert done.scores["rung"] == CRISIS
    return done


# Help first while a crisis follow-up is open -----------------------------------------------


@pytest.mark.parametrize("url", [MY, INDEX])
def test_help_is_the_first_thing_on_the_page_and_shows_no_score(client, in_crisis, local_line, url):
    client.force_login(in_crisis.cadre.user)

    main = main_of(client.get(url))

    assert first_element(main).startswith('<section class="care-first"')
    panel = care_section(main)
    assert 'href="tel:12356"' in panel and 'href="tel:075588881234"' in panel
    assert 'href="tel:110"' in panel and 'href="tel:120"' in panel
    assert "市委党校心理咨询室" in panel  # the counselling room, from the settings
    assert "help-follow-up" in panel  # whether a counsellor will call
    total = str(in_crisis.scores["total"])
    assert not re.search(rf"(?<![0-9]){total}(?![0-9])", main)
    for name in [*CLINICAL.values(), *PLAIN.values(), "抑郁", "情绪低落"]:
        assert name not in main
    if url == MY:  # above the recommendations, on a phone too: it comes first in the page
        assert main.index("care-first") < main.index("<h1")


def test_the_hook_hands_over_only_what_the_panel_needs(rf, in_crisis):
    request = rf.get(MY)

    care = care_for(request, in_crisis.cadre)

    assert set(care) == {"safety", "national_href", "local_href", "emergency", "follow_up"}
    assert care["follow_up"] == {"counsellor_may_contact": True}


@pytest.mark.parametrize("url", [MY, INDEX])
def test_nothing_changes_for_a_cadre_without_a_crisis(client, cadre, url):
    assessments.submit(cadre, "scl90", raised(PARANOID_ITEMS))  # high: a routine follow-up
    client.force_login(cadre.user)

    response = client.get(url)

    assert response.context["care"] is None
    assert "care-first" not in main_of(response)
    assert first_element(main_of(response)).startswith('<section class="hero"')


def test_help_leaves_when_the_follow_up_closes_or_a_calmer_result_follows(client, in_crisis):
    client.force_login(in_crisis.cadre.user)
    assert "care-first" in main_of(client.get(MY))

    follow_up = FollowUp.objects.get(assessment=in_crisis)
    follow_up.status = FollowUpStatus.CONTACTED  # called, not closed: the help stays
    follow_up.save()
    assert "care-first" in main_of(client.get(MY))

    assessments.submit(in_crisis.cadre, "gad7", dict.fromkeys(range(1, 8), 0))
    assert "care-first" in main_of(client.get(MY))  # another instrument changes nothing

    assessments.submit(in_crisis.cadre, "scl90", scl())
    assert "care-first" not in main_of(client.get(MY))


def test_a_closed_follow_up_ends_the_help(client, in_crisis):
    FollowUp.objects.filter(assessment=in_crisis).update(status=FollowUpStatus.CLOSED)
    client.force_login(in_crisis.cadre.user)

    assert "care-first" not in main_of(client.get(MY))
    assert "care-first" not in main_of(client.get(INDEX))


def test_nobody_else_sees_the_help(client, in_crisis, django_user_model):
    counsellor = django_user_model.objects.create_user("counsellor", password="pw-c-12345")
    counsellor.groups.add(counsellors_group())
    admin = django_user_model.objects.create_superuser("root", password="pw-root-123")

    for user in (counsellor, admin, make_cadre().user):
        client.force_login(user)
        response = client.get(MY)
        assert response.status_code == 200
        assert "care-first" not in response.content.decode()


# The positive-symptom mean (PSDI) ------------------------------------------------------------


def test_psdi_is_undefined_without_a_positive_item():
    definition = shipped_definitions()["scl90"]

    assert score(definition, scl())["positive_mean"] is None
    assert score(definition, scl(i1=3, i2=2))["positive_mean"] == 2.5


def stored_before_the_fix(done: Assessment) -> Assessment:
    done.scores = {**done.scores, "positive_mean": 0.0}
    done.save()
    return done


@pytest.mark.parametrize("legacy", [False, True], ids=["new", "stored-as-0.0"])
def test_an_undefined_psdi_is_a_dash_for_the_cadre_the_counsellor_and_the_export(
    client, cadre, django_user_model, legacy
):
    done = assessments.submit(cadre, "scl90", scl())
    assert done.scores["positive_mean"] is None
    if legacy:
        stored_before_the_fix(done)
    client.force_login(cadre.user)

    mine = main_of(client.get(reverse("lms_assessment:result", args=[done.pk])))
    exported = json.loads(client.get(reverse("lms_assessment:export")).content)

    psdi = re.search(r'<dd class="positive-mean">(.*?)</dd>', mine).group(1)
    assert "—" in psdi and not re.search(r"\d", psdi)
    assert exported["assessments"][0]["scores"]["positive_mean"] is None

    counsellor = django_user_model.objects.create_user("counsellor", password="pw-c-12345")
    counsellor.groups.add(counsellors_group())
    client.force_login(counsellor)
    theirs = main_of(client.get(reverse("lms_counsellor:cadre", args=[cadre.pk])))
    psdi = re.search(r'<dd class="positive-mean">(.*?)</dd>', theirs).group(1)
    assert "—" in psdi and not re.search(r"\d", psdi)


def test_a_defined_psdi_is_shown_as_a_number(client, cadre):
    done = assessments.submit(cadre, "scl90", scl(i1=3, i2=2))
    client.force_login(cadre.user)

    main = main_of(client.get(reverse("lms_assessment:result", args=[done.pk])))

    assert '<dd class="positive-mean">2.50</dd>' in main


# Plain factor names for cadres, both names for counsellors ---------------------------------


def paranoid_and_psychoticism(cadre) -> Assessment:
    done = assessments.submit(cadre, "scl90", raised(PARANOID_ITEMS + PSYCHOTICISM_ITEMS))
    assert done.scores["factors"]["paranoid"] >= 2 and done.scores["factors"]["psychoticism"] >= 2
    return done


def test_a_cadre_reads_plain_names_never_the_clinical_ones(client, cadre):
    done = paranoid_and_psychoticism(cadre)
    client.force_login(cadre.user)

    main = main_of(client.get(reverse("lms_assessment:result", args=[done.pk])))

    assert "factor-table" in main
    assert PLAIN["paranoid"] in main and PLAIN["psychoticism"] in main
    assert CLINICAL["paranoid"] not in main and CLINICAL["psychoticism"] not in main
    index = main_of(client.get(INDEX))
    assert CLINICAL["paranoid"] not in index and CLINICAL["psychoticism"] not in index


def test_a_counsellor_reads_both_names(client, cadre, django_user_model):
    paranoid_and_psychoticism(cadre)
    counsellor = django_user_model.objects.create_user("counsellor", password="pw-c-12345")
    counsellor.groups.add(counsellors_group())
    client.force_login(counsellor)

    page = main_of(client.get(reverse("lms_counsellor:cadre", args=[cadre.pk])))

    assert "偏执（对他人的戒备）" in page and "精神病性（孤独与疏离感）" in page
    assert "其他（睡眠与饮食）" in page  # its own gloss gives way, not doubled


def test_a_row_installed_before_plain_names_gets_them_from_the_shipped_definition(client, cadre):
    instrument = Instrument.objects.get(key="scl90")
    for factor in instrument.definition["factors"]:
        del factor["plain_name"]
    instrument.save()
    done = paranoid_and_psychoticism(cadre)
    client.force_login(cadre.user)

    main = main_of(client.get(reverse("lms_assessment:result", args=[done.pk])))

    assert PLAIN["paranoid"] in main and CLINICAL["paranoid"] not in main


def test_every_shipped_factor_has_a_plain_name():
    definition = shipped_definitions()["scl90"]
    names = plain_factor_names(definition)

    assert len(names) == 10
    for factor in definition["factors"]:
        assert factor["plain_name"] and factor["plain_name"] != factor["name"]
    assert names["other"] == "睡眠与饮食"


def test_plain_names_stand_in_for_unknown_instruments_with_the_clinical_name():
    definition = {"key": "custom", "factors": [{"key": "a", "name": "甲", "items": [1]}]}

    assert plain_factor_names(definition) == {"a": "甲"}


@pytest.mark.parametrize("bad", ["", "   ", 7, None, "很" * 31])
def test_a_malformed_plain_name_is_refused_with_its_place(bad):
    definition = shipped_definitions()["scl90"]
    definition["factors"][7]["plain_name"] = bad

    with pytest.raises(InstrumentError) as excinfo:
        validate_definition(definition)

    assert excinfo.value.where == "factors[7].plain_name"


def test_a_definition_without_plain_names_is_still_valid():
    definition = shipped_definitions()["scl90"]
    for factor in definition["factors"]:
        del factor["plain_name"]

    assert validate_definition(definition) is definition


def test_recommendation_reasons_name_the_plain_factor(cadre):
    assessments.submit(cadre, "scl90", raised((6, 21, 34, 36, 37, 41, 61, 69, 73), 2))

    profile = assessments.viewer_profile(cadre)

    assert "interpersonal" in profile["signals"]
    assert profile["signal_names"]["interpersonal"] == PLAIN["interpersonal"]
