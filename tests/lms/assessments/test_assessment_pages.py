"""The cadre's self-assessment pages: consent, taking a questionnaire, results and help."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from lms.assessments import records as assessments
from lms.models import (
    Assessment,
    AssessmentConsent,
    AuditLog,
    FollowUp,
    PsychProfile,
    SafetyNetSettings,
)
from tests.factories import make_cadre

pytestmark = pytest.mark.django_db

INDEX = "/assessment/"
CONSENT = "/assessment/consent/"
HELP = "/assessment/help/"
SCL90 = "/assessment/scl90/"
FACTOR_NAMES = [
    "躯体化",
    "强迫症状",
    "人际关系敏感",
    "抑郁",
    "焦虑",
    "敌对",
    "恐怖",
    "偏执",
    "精神病性",
    "其他（睡眠、饮食）",
]
# What a cadre reads instead, in the same order (plain_name in scl90.json).
PLAIN_NAMES = [
    "身体不适感",
    "反复思虑与检查",
    "人际交往中的不自在",
    "情绪低落",
    "紧张不安",
    "容易烦躁",
    "对某些场合的害怕",
    "对他人的戒备",
    "孤独与疏离感",
    "睡眠与饮食",
]
LOCAL_LINE = "0755-8888 1234"
VOLUNTARY = (
    "Taking part is voluntary. Saying no never blocks any course: you can enrol and learn "
    "exactly as before."
)
WILL_CONTACT = (
    "As you allowed, a counsellor of the party-school counselling room will contact you "
    "within 24 hours. You do not need to wait: you can call one of the numbers below at "
    "any time."
)
PLEASE_CALL = (
    "You have not allowed counsellors to contact you, so no one will call you. Please call "
    "one of the numbers below, now or whenever you are ready; it is free and confidential."
)


def zh(msgid: str) -> str:
    """The text as the page shows it (zh-hans is the default), translated or not yet."""
    with translation.override("zh-hans"):
        return gettext(msgid)


def scl(**overrides) -> dict[int, int]:
    answers = dict.fromkeys(range(1, 91), 1)
    answers.update({int(key[1:]): value for key, value in overrides.items()})
    return answers


def form_data(answers: dict[int, int]) -> dict[str, str]:
    return {f"item-{number}": str(value) for number, value in answers.items()}


def main_of(response) -> str:
    """The page's own content; the site footer disclaims diagnosis on every page."""
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


@pytest.fixture
def cadre(db):
    return make_cadre(name="王五")


@pytest.fixture
def cadre_client(client, cadre):
    client.force_login(cadre.user)
    return client


@pytest.fixture
def consenting(cadre):
    assessments.give_consent(cadre, share_with_counsellor=False, purpose="测试")
    return cadre


@pytest.fixture
def local_line(db):
    safety = SafetyNetSettings.load()
    safety.local_hotline = LOCAL_LINE
    safety.local_hotline_name = "深圳市心理援助热线"
    safety.save()
    return safety


# Who may see the pages -----------------------------------------------------------------


def test_the_url_names_are_fixed():
    assert reverse("lms_assessment:index") == INDEX
    assert reverse("lms_assessment:consent") == CONSENT
    assert reverse("lms_assessment:help") == HELP
    assert reverse("lms_assessment:take", args=["scl90"]) == SCL90
    assert reverse("lms_assessment:result", args=[7]) == "/assessment/results/7/"


def test_anonymous_visitors_log_in_first_except_for_help(client):
    for url in (INDEX, CONSENT, SCL90, "/assessment/results/1/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    response = client.get(HELP)
    assert response.status_code == 200
    assert "12356" in response.content.decode()


def test_users_without_a_cadre_profile_are_refused(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("teacher"))
    for url in (INDEX, CONSENT, SCL90):
        assert client.get(url).status_code == 403


# The index ------------------------------------------------------------------------------


def test_index_without_consent_links_the_notice_and_lists_scl90_and_stress_first(cadre_client):
    response = cadre_client.get(INDEX)

    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="{CONSENT}"' in html
    assert zh(VOLUNTARY) in html
    takes = re.findall(r'href="/assessment/([a-z0-9_]+)/"', html)
    takes = [key for key in takes if key not in ("consent", "help")]
    assert takes[:2] == ["scl90", "stress_sources"]
    assert {"phq9", "gad7", "pss10"} <= set(takes)


def test_index_lists_past_results_with_a_plain_summary(cadre_client, consenting):
    done = assessments.submit(consenting, "scl90", scl())

    response = cadre_client.get(INDEX)

    html = response.content.decode()
    assert reverse("lms_assessment:result", args=[done.pk]) in html
    assert "症状自评量表" in html
    assert zh("Your answers show no notable strain at the moment.") in html


# Consent -----------------------------------------------------------------------------------


def test_the_notice_states_purpose_retention_rights_and_version(cadre_client, settings):
    settings.LMS_ASSESSMENT_RETENTION_DAYS = 730

    response = cadre_client.get(CONSENT)

    html = response.content.decode()
    assert response.status_code == 200
    assert assessments.NOTICE_VERSION in html
    assert "730" in html
    assert 'name="agree"' in html and 'name="share"' in html
    assert "checked" not in html  # nothing is ticked for the cadre
    assert reverse("lms_assessment:export") in html
    assert reverse("lms_assessment:delete") in html


def test_consent_needs_the_agree_box(cadre_client, cadre):
    response = cadre_client.post(CONSENT, {"action": "consent", "share": "on"})

    assert response.status_code == 400
    assert not AssessmentConsent.objects.filter(cadre=cadre).exists()


def test_consent_then_withdraw_deletes_the_profile(cadre_client, cadre):
    response = cadre_client.post(CONSENT, {"action": "consent", "agree": "on"})

    assert response.status_code == 302 and response["Location"] == INDEX
    consent = assessments.active_consent(cadre)
    assert consent is not None and not consent.share_with_counsellor
    assert consent.notice_version == assessments.NOTICE_VERSION

    cadre_client.post(SCL90, form_data(scl()))
    assert PsychProfile.objects.filter(cadre=cadre).exists()

    response = cadre_client.post(CONSENT, {"action": "withdraw"})

    assert response.status_code == 302
    assert assessments.active_consent(cadre) is None
    assert not PsychProfile.objects.filter(cadre=cadre).exists()
    assert AuditLog.objects.filter(subject=cadre, action="withdraw").exists()
    # The page now offers to delete the results that are still kept.
    page = cadre_client.get(CONSENT).content.decode()
    assert reverse("lms_assessment:delete") in page


def test_the_counsellor_box_is_separate_and_optional(cadre_client, cadre):
    cadre_client.post(CONSENT, {"action": "consent", "agree": "on", "share": "on"})

    assert assessments.active_consent(cadre).share_with_counsellor


def test_consent_returns_to_the_questionnaire_it_came_from(cadre_client):
    response = cadre_client.post(CONSENT, {"action": "consent", "agree": "on", "next": SCL90})
    assert response["Location"] == SCL90

    response = cadre_client.post(
        CONSENT, {"action": "consent", "agree": "on", "next": "https://evil.example/"}
    )
    assert response["Location"] == INDEX


# Taking a questionnaire ---------------------------------------------------------------


def test_without_consent_the_form_redirects_to_the_notice(cadre_client):
    response = cadre_client.get(SCL90)

    assert response.status_code == 302
    assert response["Location"].startswith(CONSENT)


def test_without_consent_a_post_is_refused_and_nothing_saved(cadre_client, cadre):
    response = cadre_client.post(SCL90, form_data(scl()))

    assert response.status_code == 302
    assert response["Location"].startswith(CONSENT)
    assert not Assessment.objects.exists()
    assert not PsychProfile.objects.exists()


def test_unknown_instrument_is_a_404(cadre_client, consenting):
    assert cadre_client.get("/assessment/nosuch/").status_code == 404


def test_the_form_has_a_fieldset_per_item_and_a_placeholder_note(cadre_client, consenting):
    response = cadre_client.get(SCL90)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<fieldset id="item-') == 90
    assert html.count('type="radio" name="item-15"') == 5
    assert "第15题" in html
    assert "没有" in html and "严重" in html
    assert "placeholder-note" in html


def test_taking_scl90_shows_plain_factor_names_and_never_diagnoses(cadre_client, consenting):
    answers = scl(**{f"i{n}": 2 for n in (6, 21, 34, 36, 37, 41, 61, 69, 73)})

    response = cadre_client.post(SCL90, form_data(answers))

    done = Assessment.objects.get(cadre=consenting)
    assert response.status_code == 302
    assert response["Location"] == reverse("lms_assessment:result", args=[done.pk])
    assert done.answers == {str(n): v for n, v in answers.items()}

    page = cadre_client.get(response["Location"])
    main = main_of(page)
    assert page.status_code == 200
    for name in PLAIN_NAMES:
        assert name in main
    for name in FACTOR_NAMES:  # the clinical names are for counsellors
        assert name not in main
    assert "factor-notable" in main  # interpersonal reached 2
    assert "诊断" not in main and "diagnos" not in main.lower()
    assert zh("Typical average (for reference only)") in main


def test_incomplete_answers_come_back_with_400_naming_the_items(cadre_client, consenting):
    answers = form_data(scl(i1=3))
    del answers["item-12"], answers["item-15"]
    answers["item-3"] = "9"

    response = cadre_client.post(SCL90, answers)

    html = response.content.decode()
    assert response.status_code == 400
    for number in (3, 12, 15):
        assert f'href="#item-{number}"' in html
    assert 'href="#item-4"' not in html
    assert 'name="item-1" value="3" checked' in html  # the ticks are kept
    assert 'name="item-12" value="1" checked' not in html
    assert not Assessment.objects.exists()
    assert not PsychProfile.objects.exists()


# High and crisis results --------------------------------------------------------------------


def test_a_crisis_answer_goes_to_the_help_page(cadre_client, cadre, local_line):
    assessments.give_consent(cadre, share_with_counsellor=True, purpose="测试")

    response = cadre_client.post(SCL90, form_data(scl(i15=2)))

    assert response.status_code == 302 and response["Location"] == HELP
    page = cadre_client.get(HELP)
    html = page.content.decode()
    assert "12356" in html and 'href="tel:12356"' in html
    assert LOCAL_LINE in html and 'href="tel:075588881234"' in html
    assert 'href="tel:110"' in html and 'href="tel:120"' in html
    assert "市委党校心理咨询室" in html
    assert zh(WILL_CONTACT) in html


def test_without_contact_consent_the_help_page_encourages_calling(cadre_client, consenting):
    cadre_client.post(SCL90, form_data(scl(i59=3)))

    html = cadre_client.get(HELP).content.decode()
    follow_up = FollowUp.objects.get(cadre=consenting)
    assert follow_up.urgent and not follow_up.counsellor_may_contact
    assert zh(PLEASE_CALL) in html
    assert html.count("help-follow-up") == 1
    assert zh(WILL_CONTACT) not in html


def test_a_crisis_result_shows_help_instead_of_scores(cadre_client, consenting, local_line):
    cadre_client.post(SCL90, form_data(scl(i15=2)))
    done = Assessment.objects.get(cadre=consenting)

    main = main_of(cadre_client.get(reverse("lms_assessment:result", args=[done.pk])))

    assert "12356" in main and LOCAL_LINE in main
    assert "factor-table" not in main
    for name in FACTOR_NAMES + PLAIN_NAMES:
        assert name not in main
    assert str(done.scores["total"]) not in main
    assert "诊断" not in main


def test_a_high_result_puts_the_counsellor_first(cadre_client, consenting):
    paranoid = (8, 18, 43, 68, 76, 83)
    cadre_client.post(SCL90, form_data(scl(**{f"i{n}": 3 for n in paranoid})))
    done = Assessment.objects.get(cadre=consenting)
    assert done.scores["rung"] == 2

    main = main_of(cadre_client.get(reverse("lms_assessment:result", args=[done.pk])))

    assert "市委党校心理咨询室" in main and "12356" in main
    assert main.index("市委党校心理咨询室") < main.index("factor-table")
    assert "诊断" not in main


def test_other_instruments_show_their_band(cadre_client, consenting):
    response = cadre_client.post("/assessment/gad7/", form_data(dict.fromkeys(range(1, 8), 1)))
    done = Assessment.objects.get(cadre=consenting)
    assert response["Location"] == reverse("lms_assessment:result", args=[done.pk])

    main = main_of(cadre_client.get(response["Location"]))
    assert "轻度" in main and "7 / 21" in main

    response = cadre_client.post(
        "/assessment/stress_sources/", form_data({1: 5, 2: 2, 3: 1, 4: 1, 5: 1, 6: 4})
    )
    main = main_of(cadre_client.get(response["Location"]))
    assert "照顾家庭、兼顾工作与家庭带来的压力" in main and "压力很大" in main


# Nobody else's results -------------------------------------------------------------------


def test_another_cadres_result_looks_like_a_missing_one(client, consenting):
    done = assessments.submit(consenting, "scl90", scl(i6=4))
    other = make_cadre()
    client.force_login(other.user)

    theirs = client.get(reverse("lms_assessment:result", args=[done.pk]))
    missing = client.get(reverse("lms_assessment:result", args=[done.pk + 1000]))

    assert theirs.status_code == missing.status_code == 403
    assert main_of(theirs) == main_of(missing)
    html = theirs.content.decode()
    # The score as a number of its own: the page's random tokens (CSRF, CSP nonce) may
    # hold its digits by chance.
    total = re.compile(rf"(?<![0-9A-Za-z_-]){done.scores['total']}(?![0-9A-Za-z_-])")
    assert "人际关系敏感" not in html and not total.search(html)
    assert not AuditLog.objects.filter(action="view").exists()


# Query counts: plain views, no Wagtail page and no cache, so the first request is counted --


def test_index_query_count_is_pinned(cadre_client, consenting, django_assert_num_queries):
    assessments.submit(consenting, "scl90", scl())

    with django_assert_num_queries(9):
        response = cadre_client.get(INDEX)
    assert len(response.context["results"]) == 1

    for _ in range(5):
        assessments.submit(consenting, "scl90", scl(i6=2))
        assessments.submit(consenting, "gad7", dict.fromkeys(range(1, 8), 1))
    with django_assert_num_queries(9):
        response = cadre_client.get(INDEX)
    assert len(response.context["results"]) == 11


def test_result_page_query_count_is_pinned(cadre_client, consenting, django_assert_num_queries):
    done = assessments.submit(consenting, "scl90", scl(i6=2))

    with django_assert_num_queries(9):
        response = cadre_client.get(reverse("lms_assessment:result", args=[done.pk]))
    assert response.status_code == 200
    assert len(response.context["view"]["factors"]) == len(FACTOR_NAMES)


def test_high_result_page_query_count_is_pinned(
    cadre_client, consenting, django_assert_num_queries
):
    paranoid = (8, 18, 43, 68, 76, 83)
    done = assessments.submit(consenting, "scl90", scl(**{f"i{n}": 3 for n in paranoid}))
    url = reverse("lms_assessment:result", args=[done.pk])
    cadre_client.get(url)  # the first read of the safety-net settings creates their row

    with django_assert_num_queries(10):
        response = cadre_client.get(url)
    assert response.context["high"]
