"""Building the judged profiles through the real services, and measuring a backend's
recommendations against them (issue 15): nDCG@5, expected courses in the top three and
must-not courses in it, beside the non-personalised list as a baseline.

`measure(backend)` needs a database holding the demo catalogue (courses.demo.seed_catalogue)
indexed into `backend`; it builds the profiles' cadres unless given them, so `make bench` can
print the figures in a throwaway database as the tests do in theirs.
"""

import math
from datetime import date

from courses.models import CoursePage
from lms.assessments import records as assessments
from lms.assessments.instruments import shipped_definition
from lms.learning.recommendations import viewer_for
from lms.people.models import CadreProfile
from tests.factories import make_cadre

from .judgements import ELEVATED, HIGH, PROFILES

K = 5  # nDCG@5
TOP = 3  # an expected course among the first three, no must-not course among them
SHOWN = 10  # what is fetched per viewer (the reasons are checked on all of it)

# Answers that raise an SCL-90 factor: its items alternate between these, so the factor
# mean is about 2.5 (elevated: 2.0–2.99) or 3.5 (high: ≥ 3). Every other item is 1.
LEVEL_ANSWERS = {ELEVATED: (2, 3), HIGH: (3, 4)}
# Safety items stay below their thresholds unless a profile says otherwise (crisis).
SAFE = {15: 1, 59: 2}


def scl90_answers(raised: dict[str, str], safety: dict[int, int] | None = None) -> dict:
    definition = shipped_definition("scl90")
    answers = dict.fromkeys(range(1, len(definition["items"]) + 1), 1)
    for factor in definition["factors"]:
        level = raised.get(factor["key"])
        if level is None:
            continue
        values = LEVEL_ANSWERS[level]
        for index, number in enumerate(factor["items"]):
            answers[number] = values[index % 2]
    for number, most in SAFE.items():
        answers[number] = min(answers[number], most)
    answers.update(safety or {})
    return answers


def source_answers(sources) -> dict:
    definition = shipped_definition("stress_sources")
    return {item["number"]: 4 if item["signal"] in sources else 1 for item in definition["items"]}


def build_cadre(profile: dict) -> CadreProfile:
    """A cadre who consents, reports the profile's stress sources and takes an SCL-90
    raising its factors, all through lms.assessments.records; checked to land on the
    profile's rung with exactly its signals, so a judgement never rests on a profile
    the services did not produce."""
    spec = profile["cadre"]
    cadre = make_cadre(
        rank=spec["rank"],
        gender=spec["gender"],
        post_category=spec.get("post_category", "comprehensive"),
        birth_year=date.today().year - spec["age"],
        name=f"画像{profile['key']}",
    )
    assessments.give_consent(cadre, share_with_counsellor=False, purpose="课程推荐")
    assessments.submit(cadre, "stress_sources", source_answers(profile["sources"]))
    assessments.submit(cadre, "scl90", scl90_answers(profile["scl90"], profile.get("safety")))
    built = assessments.profile_for_recommendations(cadre) or {}
    signals = set(built.get("factors", ())) | set(built.get("sources", ()))
    expected = set(profile["scl90"]) | set(profile["sources"])
    assert signals == expected and built.get("rung") == profile["rung"], (
        f"profile {profile['key']}: the services gave signals {sorted(signals)} at rung "
        f"{built.get('rung')}, not {sorted(expected)} at rung {profile['rung']}"
    )
    return cadre


def build_cadres(profiles=PROFILES) -> dict[str, CadreProfile]:
    return {profile["key"]: build_cadre(profile) for profile in profiles}


def ndcg(ranked: list[str], relevant: dict[str, int], k: int = K) -> float:
    """The formula of tests/search/relevance: gains 2^grade − 1, log2 discount."""
    gains = [relevant.get(slug, 0) for slug in ranked[:k]]
    dcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sorted(relevant.values(), reverse=True)[:k]
    best = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / best if best else 1.0


def expected_courses(profile: dict) -> set[str]:
    """What must show in the top three: the courses graded 2."""
    return {slug for slug, grade in profile["relevant"].items() if grade == 2}


def recommend(backend, cadre: CadreProfile, *, personalised: bool = True, top: int = SHOWN):
    return backend.recommend(viewer_for(cadre, personalised=personalised), top)


def judge(profile: dict, items, slugs: dict[int, str]) -> dict:
    ranked = [slugs[item.course_id] for item in items]
    top = set(ranked[:TOP])
    return {
        "ranked": ranked,
        "titles": [item.title for item in items],
        "reasons": [list(item.reasons) for item in items],
        "ndcg": ndcg(ranked, profile["relevant"]),
        "top3_hit": bool(expected_courses(profile) & top),
        "violations": sorted(set(profile["must_not_top3"]) & top),
    }


def measure(backend, cadres: dict[str, CadreProfile] | None = None, profiles=PROFILES) -> dict:
    """{"ndcg@5", "top3_hit_rate", "must_not_violations", "baseline_ndcg@5", "profiles"}
    for one backend; "profiles" holds per profile the personalised list ("personal") and
    the non-personalised one ("baseline", viewer_for(cadre, personalised=False)), judged."""
    cadres = cadres if cadres is not None else build_cadres(profiles)
    slugs = dict(CoursePage.objects.values_list("pk", "slug"))
    per_profile = {}
    for profile in profiles:
        cadre = cadres[profile["key"]]
        per_profile[profile["key"]] = {
            "personal": judge(profile, recommend(backend, cadre), slugs),
            "baseline": judge(profile, recommend(backend, cadre, personalised=False), slugs),
        }
    count = len(per_profile) or 1
    personal = [result["personal"] for result in per_profile.values()]
    return {
        "ndcg@5": sum(r["ndcg"] for r in personal) / count,
        "top3_hit_rate": sum(r["top3_hit"] for r in personal) / count,
        "must_not_violations": sum(len(r["violations"]) for r in personal),
        "baseline_ndcg@5": sum(r["baseline"]["ndcg"] for r in per_profile.values()) / count,
        "profiles": per_profile,
    }


def summary(measured: dict) -> str:
    return (
        f"nDCG@5 {measured['ndcg@5']:.3f} (non-personalised baseline "
        f"{measured['baseline_ndcg@5']:.3f}), top-3 hit rate {measured['top3_hit_rate']:.2f}, "
        f"must-not courses in a top 3: {measured['must_not_violations']}"
    )


def report(measured: dict, profiles=PROFILES, *, only_failing: bool = True) -> str:
    """Per profile: what failed, nDCG@5 beside the baseline's, and the top five titles."""
    lines = [summary(measured)]
    for profile in profiles:
        result = measured["profiles"][profile["key"]]
        personal = result["personal"]
        failed = []
        if not personal["top3_hit"]:
            failed.append("no expected course in the top 3")
        if personal["violations"]:
            failed.append("must-not in the top 3: " + ", ".join(personal["violations"]))
        if only_failing and not failed and personal["ndcg"] >= 0.85:
            continue
        lines.append(
            f"- {profile['key']}: nDCG@5 {personal['ndcg']:.2f} "
            f"(baseline {result['baseline']['ndcg']:.2f})"
            + (f"; {'; '.join(failed)}" if failed else "")
            + "\n    top 5: "
            + " | ".join(personal["titles"][:K])
        )
    return "\n".join(lines)
