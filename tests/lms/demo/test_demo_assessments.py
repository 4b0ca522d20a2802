"""The demo assessments (lms/demo/assessments.py) reproduce docs/domain.md §3 and are stored
exactly as the services would have stored them: scored, laddered, encrypted, followed up."""

import io
from collections import Counter
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from lms.assessments import records as assessments
from lms.assessments.crypto import primary_key_id
from lms.assessments.scoring import CRISIS, HIGH, ladder_rung, score
from lms.demo.assessments import seed_assessments
from lms.models import (
    Assessment,
    AssessmentConsent,
    AuditAction,
    AuditLog,
    CadreProfile,
    FollowUp,
    ProfileRules,
    PsychProfile,
)
from lms.people.roles import DEPARTMENT_ADMINS, is_counsellor
from tests.factories import rolled_back

pytestmark = pytest.mark.django_db
POPULATION = 500

# docs/domain.md §3.1–3.2, in per cent of the respondents.
SOURCE_FIGURES = {
    "stress_work": 96.4,
    "stress_promotion": 62.7,
    "stress_interpersonal": 25.2,
    "stress_self_demand": 42.7,
    "stress_moral": 21.6,
}
WOMEN_WITH_PROBLEMS = 32.3


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module inside a transaction rolled back at the end."""
    with rolled_back(django_db_blocker):
        call_command("seed_demo", cadres=POPULATION, password="pw-demo-1", stdout=io.StringIO())
        yield timezone.now()


def results(key):
    """Decrypted through the ORM."""
    return [
        a
        for a in Assessment.objects.select_related("instrument", "cadre").order_by("pk")
        if a.instrument.key == key
    ]


def share(rows, test) -> float:
    rows = list(rows)
    return 100 * sum(1 for row in rows if test(row)) / len(rows)


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Assessment, AssessmentConsent, PsychProfile, FollowUp, AuditLog)
    }


def test_most_cadres_consent_and_take_both_instruments(seeded):
    population = CadreProfile.objects.filter(employee_id__startswith="S").count()
    assert population == POPULATION
    consents = AssessmentConsent.objects.filter(cadre__employee_id__startswith="S")
    assert consents.count() == round(0.88 * POPULATION)
    assert 0.4 < consents.filter(share_with_counsellor=True).count() / consents.count() < 0.8
    assert set(consents.values_list("notice_version", flat=True)) == {assessments.NOTICE_VERSION}
    assert all(c.purpose and "测评" in c.purpose for c in consents)
    taken = Counter(Assessment.objects.values_list("cadre_id", "instrument__key"))
    assert set(taken.values()) == {1}
    per_cadre = Counter(cadre for cadre, _key in taken)
    assert set(per_cadre.values()) == {2}
    # Nobody without consent was assessed.
    consenting = set(AssessmentConsent.objects.active().values_list("cadre_id", flat=True))
    assert set(per_cadre) == consenting


def test_stress_sources_reproduce_the_papers_table(seeded):
    surveys = results("stress_sources")
    assert len(surveys) > 400
    for signal, figure in SOURCE_FIGURES.items():
        achieved = share(surveys, lambda a, s=signal: s in a.scores["present"])
        assert abs(achieved - figure) <= 2, (signal, achieved)
    women = [a for a in surveys if a.cadre.gender == "female"]
    men = [a for a in surveys if a.cadre.gender == "male"]
    family = {
        "women": share(women, lambda a: "stress_family" in a.scores["present"]),
        "men": share(men, lambda a: "stress_family" in a.scores["present"]),
    }
    assert family["women"] > family["men"] + 10
    # "present" means an answer at or above source_present_at, as the scorer says.
    for assessment in surveys[:50]:
        assert (
            assessment.scores["present"]
            == score(assessment.instrument.definition, assessment.answers)["present"]
        )


def test_a_third_of_women_screen_positive_more_than_men(seeded):
    screens = results("scl90")
    women = share((a for a in screens if a.cadre.gender == "female"), _positive)
    men = share((a for a in screens if a.cadre.gender == "male"), _positive)
    assert abs(women - WOMEN_WITH_PROBLEMS) <= 2, women
    assert women > men + 5


def _positive(assessment) -> bool:
    return assessment.scores["positive_screen"]


def test_the_ladder_is_realistic_and_crises_are_followed_up(seeded):
    screens = results("scl90")
    rungs = Counter(a.scores["rung"] for a in screens)
    assert rungs[0] > rungs[1] > rungs[HIGH] > rungs[CRISIS] >= 1
    assert rungs[CRISIS] <= 3
    assert rungs[0] / len(screens) > 0.6

    consent = {c.cadre_id: c for c in AssessmentConsent.objects.active()}
    follow_ups = {f.assessment_id: f for f in FollowUp.objects.all()}
    for assessment in screens:
        rung = assessment.scores["rung"]
        follow_up = follow_ups.get(assessment.pk)
        if rung < HIGH:
            assert follow_up is None
            continue
        assert follow_up is not None and follow_up.cadre_id == assessment.cadre_id
        assert follow_up.urgent == (rung == CRISIS)
        assert (
            follow_up.counsellor_may_contact == consent[assessment.cadre_id].share_with_counsellor
        )
        due = timedelta(hours=24) if rung == CRISIS else timedelta(days=7)
        assert follow_up.due_at == assessment.taken_at + due
        assert follow_up.created_at == assessment.taken_at
        if rung == CRISIS:
            answers = assessment.answers
            assert answers["15"] >= 2 or answers["59"] >= 3
            assert follow_up.status == "open" and follow_up.due_at > seeded
            assert AuditLog.objects.filter(
                action=AuditAction.ALERT, target=f"follow_up:{follow_up.pk}"
            ).exists()
    assert len(follow_ups) == rungs[HIGH] + rungs[CRISIS]
    # Nobody below the crisis rung answered a safety item at its threshold.
    for assessment in screens:
        if assessment.scores["rung"] < CRISIS:
            assert assessment.answers["15"] == 1 and assessment.answers["59"] <= 2


def test_stored_scores_and_rungs_are_what_the_scorer_gives(seeded):
    thresholds = ProfileRules.current().thresholds
    for assessment in Assessment.objects.select_related("instrument"):
        stored = dict(assessment.scores)
        rung, reasons = stored.pop("rung"), stored.pop("reasons")
        expected = score(assessment.instrument.definition, assessment.answers)
        assert stored == expected
        again = ladder_rung({assessment.instrument.key: stored}, thresholds)
        assert (rung, reasons) == (again.level, again.reasons)


def test_profiles_are_what_rebuild_profile_derives(seeded):
    assert PsychProfile.objects.count() == AssessmentConsent.objects.count()
    profiles = list(
        PsychProfile.objects.filter(cadre__employee_id__startswith="S")
        .select_related("cadre")
        .order_by("pk")
    )
    # The newest assessment per cadre: later rows overwrite earlier ones.
    latest = dict(Assessment.objects.order_by("taken_at").values_list("cadre_id", "taken_at"))
    for profile in profiles[:150]:
        assert profile.updated_at == latest[profile.cadre_id]
        stored = dict(profile.data)
        assert stored.pop("updated") == timezone.localdate(latest[profile.cadre_id]).isoformat()
        rebuilt = assessments.rebuild_profile(profile.cadre)
        rebuilt.pop("updated")
        assert stored == rebuilt


def test_dates_spread_over_the_past_year(seeded):
    now = seeded
    consents = {c.cadre_id: c.granted_at for c in AssessmentConsent.objects.all()}
    taken = list(Assessment.objects.values_list("cadre_id", "taken_at"))
    for cadre, at in taken:
        assert consents[cadre] <= at < now
    assert min(at for _cadre, at in taken) >= now - timedelta(days=366)
    assert len({(at.year, at.month) for _cadre, at in taken}) >= 12


def test_nothing_is_stored_in_plaintext(seeded):
    kid = primary_key_id()
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers, scores, key_id FROM lms_assessment")
        rows = cursor.fetchall()
        cursor.execute("SELECT data, key_id FROM lms_psychprofile")
        profiles = cursor.fetchall()
    assert len(rows) > 800 and profiles
    for answers, scores, key_id in rows:
        assert key_id == kid
        assert answers.startswith(f"{kid}:") and scores.startswith(f"{kid}:")
        assert "positive_mean" not in scores and "present" not in scores
    for data, key_id in profiles:
        assert key_id == kid and data.startswith(f"{kid}:") and "rung" not in data


def test_the_demo_cadre_has_a_personalised_profile(seeded):
    cadre = CadreProfile.objects.get(employee_id="DEMO0001")
    consent = assessments.active_consent(cadre)
    assert consent is not None and consent.share_with_counsellor
    profile = assessments.profile_for_recommendations(cadre)
    assert profile["rung"] == 1
    assert profile["factors"] == ["interpersonal"]
    assert {"stress_work", "stress_family"} <= set(profile["sources"])
    assert profile["family_pressure"]
    assert not FollowUp.objects.filter(cadre=cadre).exists()


def test_demo_accounts_for_counsellor_and_department_admin(seeded):
    User = get_user_model()
    counsellor = User.objects.get(username="counsellor")
    assert is_counsellor(counsellor) and counsellor.email.endswith("@xinyu.invalid")
    assert counsellor.check_password("pw-demo-1")
    admin = User.objects.get(username="deptadmin")
    assert admin.groups.filter(name=DEPARTMENT_ADMINS).exists()
    assert admin.check_password("pw-demo-1") and not admin.is_staff
    # Closed follow-ups were handled by the demo counsellor.
    assert not FollowUp.objects.filter(status="closed").exclude(handled_by=counsellor).exists()


def test_seeding_again_adds_nothing(seeded):
    first = counts()
    assert first["Assessment"] > 0
    output = io.StringIO()
    call_command("seed_demo", cadres=POPULATION, password="pw-demo-2", stdout=output)
    assert counts() == first
    assert "counsellor / pw-demo-2" in output.getvalue()
    # A run of a minute shows where it is, step by step.
    steps = [line for line in output.getvalue().splitlines() if line.startswith("[")]
    assert [line[:5] for line in steps] == [f"[{n}/8]" for n in range(1, 9)]
    assert all(line.endswith(" s)") for line in steps)
    assert seed_assessments().consents == 0


def test_a_larger_population_only_assesses_the_new_cadres(seeded):
    before = set(Assessment.objects.values_list("pk", "cadre_id"))
    call_command("seed_demo", cadres=POPULATION + 100, password="pw-demo-1", stdout=io.StringIO())
    after = set(Assessment.objects.values_list("pk", "cadre_id"))
    assert before < after
    new = CadreProfile.objects.filter(pk__in={cadre for _pk, cadre in after - before})
    assert new.count() == 88
    assert all(int(c.employee_id[1:]) > POPULATION for c in new)
