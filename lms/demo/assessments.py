"""Demo assessments: consent, a stress-source survey and an SCL-90 for the seeded population,
whose aggregate reproduces the survey figures of docs/domain.md §3.

Rows are built in memory and written with bulk_create: `lms.assessments.records.submit` per row
would take minutes for 2,000 cadres. They are built the way the services would have
written them: scores come from the real scorer (`lms.assessments.scoring.score`), the rung from
`lms.assessments.scoring.ladder_rung` under the current ProfileRules, and "rung" and "reasons" are
stored in the scores as `submit` stores them; the profile has the shape
`rebuild_profile` gives it; HIGH and CRISIS results open a follow-up as `open_follow_up`
does (urgent and due in 24 hours for a crisis, in 7 days otherwise; the counsellor may
contact the cadre only if the consent says so); the audit log gets the consent, create
and alert records the services write. bulk_create bypasses Model.save(), so key_id is
set here; EncryptedJSONField encrypts in get_prep_value, so the table holds ciphertext.

Rates (documented here because the analytics are checked against them; every rate is an
exact quota over the cadres seeded in one run, so small populations match too):
- consent: 88 % of the population (22 of every 25 consecutive employee numbers, so that
  those who declined are remembered without a row); 60 % of those also let counsellors
  see their results and contact them (share_with_counsellor). Every consenting cadre
  took the stress-source survey and then, a few minutes later, the SCL-90.
- stress sources present (answer ≥ source_present_at, i.e. 3 "有一定压力" or more), over
  the respondents: work 96.4 %, promotion and appraisal 62.7 %, interpersonal 25.2 %,
  self-demand 42.7 %, moral 21.6 % (docs/domain.md §3.1), family 58 % of women and 34 % of men
  (our choice: the source reports women cadres' dual pressure without a figure).
  Promotion weighs more for cadres aged 30–45, moral pressure for county level and above.
- SCL-90 positive screen (lms.assessments.scoring positive_screen): 32.3 % of women
  (docs/domain.md §3.2) and 20 % of men, chosen more often among cadres reporting more
  stress sources. Of the positive screens 10 % reach HIGH (a factor ≥ 3, paranoid or
  psychoticism ≥ 2, or a high total), and one respondent in 600 (at least one from 150
  respondents on) is a CRISIS (item 15 ≥ 2 or item 59 ≥ 3, with a depressive profile);
  the rest are ELEVATED.
  Negative screens answer around the 1986 norm's profile (GSI about 1.3) and never touch
  the safety items.
  Elevated factors follow the stress sources: interpersonal pressure → interpersonal
  sensitivity, self-demand → obsessive, family → anxiety and somatization, work → sleep.
- dates: consents spread evenly over the past 12 months, the survey 1–10 minutes later,
  the SCL-90 5–25 minutes after that. Crisis results are from the last day, so their
  urgent follow-ups are open and not yet due. Follow-ups due more than 30 days ago were
  closed by the demo counsellor within their week; the others are open.

Randomness is seeded (SEED), so a run is reproducible. Idempotent: population cadres who
already have a consent, an assessment or a profile are skipped (as are those who decline,
by their number), and the demo account
takes its assessments (through the real services) only once.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from lms.assessments.crypto import primary_key_id
from lms.assessments.records import NOTICE_VERSION, give_consent, submit, sync_instruments
from lms.assessments.scoring import CRISIS, ELEVATED, HIGH, NORMAL, ladder_rung, score
from lms.demo.learning import DEMO_ACCOUNT_ID, POPULATION_ID
from lms.models.assessment import (
    Assessment,
    AssessmentConsent,
    AuditAction,
    AuditLog,
    FollowUp,
    FollowUpStatus,
    Instrument,
    ProfileRules,
    PsychProfile,
)
from lms.people.models import CadreProfile, Gender

SEED = 2026
CONSENT_SHARE = 0.88
CONSENT_BLOCK = 25  # 22 of every 25 consecutive population cadres consent
SHARE_WITH_COUNSELLOR = 0.60
SOURCE_RATES = {
    "stress_work": 0.964,
    "stress_promotion": 0.627,
    "stress_interpersonal": 0.252,
    "stress_self_demand": 0.427,
    "stress_moral": 0.216,
}
FAMILY_RATES = {Gender.FEMALE: 0.58, Gender.MALE: 0.34}
POSITIVE_RATES = {Gender.FEMALE: 0.323, Gender.MALE: 0.20}
HIGH_SHARE = 0.10  # of the positive screens
RESPONDENTS_PER_CRISIS = 600
SENIOR_ORDINAL = 130  # county level and 四级调研员 and above
HANDLED_AFTER = timedelta(days=30)  # follow-ups due longer ago than this were closed
MAX_DRAWS = 400

PURPOSE = "根据心理测评结果为本人推荐合适的心理健康课程（筛查提示，非诊断）"
PURPOSE_SHARED = PURPOSE + "；同意心理咨询师查看测评结果并与本人联系随访"

# How often a factor is the one raised in a positive screen, before the stress sources.
FOCUS_WEIGHTS = {
    "somatization": 1.0,
    "obsessive": 1.6,
    "interpersonal": 1.2,
    "depression": 1.3,
    "anxiety": 1.3,
    "hostility": 0.7,
    "phobic": 0.5,
    "other": 1.0,
}
SOURCE_FOCUS = {
    "stress_interpersonal": {"interpersonal": 3.0},
    "stress_self_demand": {"obsessive": 2.5},
    "stress_family": {"anxiety": 1.5, "somatization": 1.5},
    "stress_work": {"other": 1.3},
    "stress_moral": {"hostility": 1.5},
}
SPECIAL_FACTORS = ("paranoid", "psychoticism")  # ≥ 2 is already HIGH

# The demo account: work and family pressure, interpersonal sensitivity elevated (rung 1).
DEMO_SOURCES = {
    "stress_work": 4,
    "stress_promotion": 2,
    "stress_interpersonal": 2,
    "stress_self_demand": 2,
    "stress_moral": 1,
    "stress_family": 4,
}
DEMO_SCL_RAISED = {
    # interpersonal: 6 21 34 36 37 41 61 69 73 → 21 / 9 = 2.33
    6: 3,
    21: 2,
    34: 2,
    36: 3,
    37: 2,
    41: 2,
    61: 2,
    69: 3,
    73: 2,
    # a little obsessive, anxiety, sleep and mood, every factor below 2
    3: 2,
    9: 2,
    10: 2,
    2: 2,
    17: 2,
    19: 2,
    44: 2,
    5: 2,
}


@dataclass
class AssessmentSummary:
    consents: int = 0
    assessments: int = 0
    positive: int = 0
    high: int = 0
    crisis: int = 0
    follow_ups: int = 0
    demo_account: bool = False


@dataclass
class Plan:
    cadre: CadreProfile
    share: bool
    sources: set[str] = field(default_factory=set)
    level: int = NORMAL


def weighted_sample(rng: random.Random, items: list, k: int, weight) -> list:
    """Exactly k items without replacement, each drawn with chance ∝ weight(item)."""
    if k <= 0:
        return []
    keyed = [(rng.random() ** (1.0 / weight(item)), index) for index, item in enumerate(items)]
    keyed.sort(reverse=True)
    return [items[index] for _key, index in keyed[:k]]


def quota(rate: float, count: int) -> int:
    return min(count, round(rate * count))


@lru_cache(maxsize=256)
def _consenting_positions(block: int) -> frozenset[int]:
    rng = random.Random(f"{SEED}:consent:{block}")  # noqa: S311  (demo data, not security)
    return frozenset(rng.sample(range(CONSENT_BLOCK), quota(CONSENT_SHARE, CONSENT_BLOCK)))


def consents(employee_id: str) -> bool:
    """Whether a population cadre consents: exactly 22 in every 25 consecutive numbers.

    Decided by the employee number alone, so those who decline stay declined when the
    command runs again, and any population size is within a few cadres of the rate.
    """
    block, position = divmod(int(employee_id[1:]) - 1, CONSENT_BLOCK)
    return position in _consenting_positions(block)


# --- who answers what -------------------------------------------------------------------


def assign_sources(rng: random.Random, plans: list[Plan], year: int) -> None:
    def promotion_weight(plan):
        return 1.6 if 30 <= plan.cadre.age_in(year) <= 45 else 1.0

    def moral_weight(plan):
        return 1.5 if plan.cadre.rank.ordinal >= SENIOR_ORDINAL else 1.0

    weights = {"stress_promotion": promotion_weight, "stress_moral": moral_weight}
    for signal, rate in SOURCE_RATES.items():
        chosen = weighted_sample(rng, plans, quota(rate, len(plans)), weights.get(signal, _one))
        for plan in chosen:
            plan.sources.add(signal)
    for gender, rate in FAMILY_RATES.items():
        group = [p for p in plans if p.cadre.gender == gender]
        for plan in weighted_sample(rng, group, quota(rate, len(group)), _one):
            plan.sources.add("stress_family")


def _one(_plan) -> float:
    return 1.0


def _strain(plan: Plan) -> float:
    """More reported pressure, more likely a positive screen."""
    sources = plan.sources
    return (
        1.0
        + 0.35 * len(sources)
        + 0.6 * ("stress_self_demand" in sources)
        + 0.5 * ("stress_interpersonal" in sources)
        + 0.3 * ("stress_family" in sources)
    )


def assign_levels(rng: random.Random, plans: list[Plan]) -> None:
    positives: dict[str, list[Plan]] = {}
    for gender, rate in POSITIVE_RATES.items():
        group = [p for p in plans if p.cadre.gender == gender]
        positives[gender] = weighted_sample(rng, group, quota(rate, len(group)), _strain)
    everyone = [p for group in positives.values() for p in group]
    # One in 600, and at least one in any sizeable batch; none in a handful of new cadres.
    crises = round(len(plans) / RESPONDENTS_PER_CRISIS)
    if len(plans) >= RESPONDENTS_PER_CRISIS // 4:
        crises = max(1, crises)
    for plan in weighted_sample(rng, everyone, min(crises, len(everyone)), _strain):
        plan.level = CRISIS
    for group in positives.values():
        rest = [p for p in group if p.level != CRISIS]
        for plan in weighted_sample(rng, rest, quota(HIGH_SHARE, len(group)), _strain):
            plan.level = HIGH
        for plan in rest:
            if plan.level == NORMAL:
                plan.level = ELEVATED


# --- answers ------------------------------------------------------------------------------


def source_answers(rng: random.Random, definition: dict, sources: set[str]) -> dict[int, int]:
    low, high = definition["scale"]["min"], definition["scale"]["max"]
    present_at = definition["source_present_at"]
    answers = {}
    for item in definition["items"]:
        if item["signal"] in sources:
            levels = list(range(present_at, high + 1))
            weights = [0.45, 0.37, 0.18][: len(levels)] or [1.0]
            if item["signal"] == "stress_work":
                weights = [0.30, 0.42, 0.28][: len(levels)] or [1.0]
        else:
            levels = list(range(low, present_at))
            weights = [0.45, 0.55][: len(levels)] or [1.0]
        weights += [weights[-1]] * (len(levels) - len(weights))
        answers[item["number"]] = rng.choices(levels, weights)[0]
    return answers


def _focus(rng: random.Random, plan: Plan, count: int) -> list[str]:
    weights = dict(FOCUS_WEIGHTS)
    for signal in plan.sources:
        for key, factor in SOURCE_FOCUS.get(signal, {}).items():
            weights[key] *= factor
    if plan.cadre.gender == Gender.FEMALE:
        for key in ("somatization", "depression", "anxiety"):
            weights[key] *= 1.2
    keys = list(weights)
    return weighted_sample(rng, keys, count, weights.__getitem__)


def _means(rng: random.Random, plan: Plan) -> tuple[float, dict[str, float], bool]:
    """(base level, raised factor means, whether a safety item is answered) for the level."""
    if plan.level == NORMAL:
        return rng.uniform(0.95, 1.5), {}, False
    if plan.level == ELEVATED:
        count = rng.choices((1, 2, 3), (0.6, 0.3, 0.1))[0]
        raised = {key: rng.uniform(2.2, 2.75) for key in _focus(rng, plan, count)}
        return rng.uniform(1.2, 1.6), raised, False
    if plan.level == HIGH:
        kind = rng.random()
        if kind < 0.15:
            return (
                rng.uniform(1.4, 1.8),
                {rng.choice(SPECIAL_FACTORS): rng.uniform(2.2, 2.6)},
                False,
            )
        if kind < 0.30:
            return rng.uniform(2.2, 2.5), {}, False
        raised = {key: rng.uniform(3.0, 3.6) for key in _focus(rng, plan, 1)}
        raised.update(
            {key: rng.uniform(2.2, 2.7) for key in _focus(rng, plan, 1) if key not in raised}
        )
        return rng.uniform(1.4, 1.8), raised, False
    return rng.uniform(1.6, 1.9), {"depression": rng.uniform(2.6, 3.1), "other": 2.4}, True


def _norm_shape(definition: dict) -> dict[str, float]:
    """Each factor's norm mean above or below the norm GSI: the usual profile shape."""
    norms = definition.get("norms") or {}
    gsi = (norms.get("gsi") or [None])[0]
    if gsi is None:
        return {}
    return {key: mean - gsi for key, (mean, _sd) in (norms.get("factors") or {}).items()}


def scl_answers(rng: random.Random, definition: dict, plan: Plan) -> dict[int, int]:
    low, high = definition["scale"]["min"], definition["scale"]["max"]
    base, raised, safety = _means(rng, plan)
    shape = _norm_shape(definition)
    answers = {}
    for factor in definition["factors"]:
        key = factor["key"]
        mean = raised.get(key, base + shape.get(key, 0.0) + rng.gauss(0, 0.12))
        for number in factor["items"]:
            answers[number] = min(high, max(low, round(rng.gauss(mean, 0.55))))
    items = {item["number"]: item["at_least"] for item in definition.get("safety_items", [])}
    for number, at_least in items.items():
        # Nobody but the crisis cases comes near a safety item.
        answers[number] = min(answers[number], max(low, at_least - 1))
    if safety and items:
        number = rng.choice(sorted(items))
        answers[number] = rng.randint(items[number], min(high, items[number] + 1))
    return answers


def draw_scl(rng: random.Random, definition: dict, thresholds: dict, plan: Plan):
    """Answers whose scores land on the plan's rung: (answers, scores, rung)."""
    for _attempt in range(MAX_DRAWS):
        answers = scl_answers(rng, definition, plan)
        scores = score(definition, answers)
        rung = ladder_rung({"scl90": scores}, thresholds)
        if rung.level == plan.level and scores["positive_screen"] == (plan.level >= ELEVATED):
            break
    # After MAX_DRAWS (only under thresholds edited beyond reach) the last draw stands.
    return answers, scores, rung


# --- rows -----------------------------------------------------------------------------


@dataclass
class _Rows:
    consents: list = field(default_factory=list)
    assessments: list = field(default_factory=list)  # (stress, scl) per consent
    profiles: list = field(default_factory=list)
    follow_ups: list = field(default_factory=list)  # (follow_up, scl assessment index)


def _stored(scores: dict, rung) -> dict:
    scores["rung"], scores["reasons"] = rung.level, rung.reasons
    return scores


def population_to_assess():
    return (
        CadreProfile.objects.filter(
            employee_id__regex=POPULATION_ID,
            assessment_consents__isnull=True,
            assessments__isnull=True,
            psych_profile__isnull=True,
        )
        .select_related("rank")
        .order_by("employee_id")
    )


@transaction.atomic
def seed_assessments(*, counsellor=None, now: datetime | None = None) -> AssessmentSummary:
    """Consents, surveys, SCL-90s, profiles and follow-ups for population cadres without any."""
    now = now or timezone.now()
    summary = AssessmentSummary()
    sync_instruments()
    scl = Instrument.objects.get(key="scl90")
    sources = Instrument.objects.get(key="stress_sources")
    thresholds = ProfileRules.current().thresholds
    elevated_at = thresholds["scl90"]["elevated"]["factor_at_least"]
    key_id = primary_key_id()

    consenting = [c for c in population_to_assess() if consents(c.employee_id)]
    rng = random.Random(f"{SEED}:assessments")  # noqa: S311  (demo data, not security)
    sharing = set(rng.sample(range(len(consenting)), quota(SHARE_WITH_COUNSELLOR, len(consenting))))
    plans = [Plan(cadre, index in sharing) for index, cadre in enumerate(consenting)]
    assign_sources(rng, plans, now.year)
    assign_levels(rng, plans)

    rows = _Rows()
    alerts = []
    for plan in plans:
        cadre = plan.cadre
        if plan.level == CRISIS:
            consented_at = now - timedelta(hours=rng.uniform(3, 20))
        else:
            consented_at = now - timedelta(days=rng.uniform(1, 365))
        surveyed_at = consented_at + timedelta(minutes=rng.uniform(1, 10))
        screened_at = surveyed_at + timedelta(minutes=rng.uniform(5, 25))
        rows.consents.append(
            AssessmentConsent(
                cadre=cadre,
                notice_version=NOTICE_VERSION,
                purpose=PURPOSE_SHARED if plan.share else PURPOSE,
                share_with_counsellor=plan.share,
                granted_at=consented_at,
            )
        )
        answers = source_answers(rng, sources.definition, plan.sources)
        survey = score(sources.definition, answers)
        survey = _stored(survey, ladder_rung({sources.key: survey}, thresholds))
        stress = Assessment(
            cadre=cadre,
            instrument=sources,
            taken_at=surveyed_at,
            answers={str(k): v for k, v in answers.items()},
            scores=survey,
            key_id=key_id,
        )
        answers, screen, rung = draw_scl(rng, scl.definition, thresholds, plan)
        screen = _stored(screen, rung)
        scl_row = Assessment(
            cadre=cadre,
            instrument=scl,
            taken_at=screened_at,
            answers={str(k): v for k, v in answers.items()},
            scores=screen,
            key_id=key_id,
        )
        rows.assessments.append((stress, scl_row))

        # The profile as rebuild_profile derives it from the latest results.
        profile_rung = ladder_rung({sources.key: survey, scl.key: screen}, thresholds)
        present = survey["present"]
        rows.profiles.append(
            PsychProfile(
                cadre=cadre,
                key_id=key_id,
                data={
                    "rung": profile_rung.level,
                    "reasons": profile_rung.reasons,
                    "factors": sorted(k for k, v in screen["factors"].items() if v >= elevated_at),
                    "sources": present,
                    "family_pressure": "stress_family" in present,
                    "updated": timezone.localdate(screened_at).isoformat(),
                },
            )
        )
        if profile_rung.level >= HIGH:
            crisis = profile_rung.level >= CRISIS
            follow_up = FollowUp(
                cadre=cadre,
                urgent=crisis,
                counsellor_may_contact=plan.share,
                due_at=screened_at + (timedelta(hours=24) if crisis else timedelta(days=7)),
            )
            if follow_up.due_at < now - HANDLED_AFTER:
                follow_up.status = FollowUpStatus.CLOSED
                follow_up.closed_at = screened_at + timedelta(days=rng.uniform(1, 6))
                follow_up.handled_by = counsellor
            rows.follow_ups.append((follow_up, scl_row))
            if crisis:
                alerts.append(follow_up)
        summary.positive += screen["positive_screen"]
        summary.high += profile_rung.level == HIGH
        summary.crisis += profile_rung.level == CRISIS

    _save(rows, alerts)
    summary.consents = len(rows.consents)
    summary.assessments = 2 * len(rows.assessments)
    summary.follow_ups = len(rows.follow_ups)
    summary.demo_account = seed_demo_account()
    return summary


def _save(rows: _Rows, alerts: list) -> None:
    AssessmentConsent.objects.bulk_create(rows.consents)
    flat = [row for pair in rows.assessments for row in pair]
    Assessment.objects.bulk_create(flat)
    for follow_up, assessment in rows.follow_ups:
        follow_up.assessment = assessment
    follow_ups = [follow_up for follow_up, _assessment in rows.follow_ups]
    FollowUp.objects.bulk_create(follow_ups)
    PsychProfile.objects.bulk_create(rows.profiles)
    # auto_now and auto_now_add stamp "now" on insert: put back the dates of the history
    # in one statement each (a follow-up is opened, and the profile last rebuilt, when
    # the SCL-90 is submitted).
    FollowUp.objects.filter(pk__in=[f.pk for f in follow_ups]).update(
        created_at=Subquery(
            Assessment.objects.filter(pk=OuterRef("assessment_id")).values("taken_at")[:1]
        )
    )
    for follow_up in follow_ups:
        follow_up.created_at = follow_up.assessment.taken_at
    PsychProfile.objects.filter(pk__in=[p.pk for p in rows.profiles]).update(
        updated_at=Subquery(
            Assessment.objects.filter(cadre_id=OuterRef("cadre_id"))
            .order_by("-taken_at")
            .values("taken_at")[:1]
        )
    )

    # The audit records the services write: consent, each assessment, each crisis alert.
    log = [
        AuditLog(
            at=consent.granted_at,
            actor_id=consent.cadre.user_id,
            subject=consent.cadre,
            action=AuditAction.CONSENT,
            target=f"consent:{consent.pk}",
        )
        for consent in rows.consents
    ]
    log += [
        AuditLog(
            at=assessment.taken_at,
            actor_id=assessment.cadre.user_id,
            subject=assessment.cadre,
            action=AuditAction.CREATE,
            target=f"assessment:{assessment.pk}",
        )
        for assessment in flat
    ]
    log += [
        AuditLog(
            at=follow_up.created_at,
            actor=None,
            subject=follow_up.cadre,
            action=AuditAction.ALERT,
            target=f"follow_up:{follow_up.pk}",
        )
        for follow_up in alerts
    ]
    AuditLog.objects.bulk_create(log)


def seed_demo_account() -> bool:
    """The demo cadre takes both instruments through the real services, once."""
    cadre = CadreProfile.objects.filter(employee_id=DEMO_ACCOUNT_ID).first()
    if cadre is None:
        return False
    if cadre.assessment_consents.exists() or cadre.assessments.exists():
        return False
    give_consent(cadre, share_with_counsellor=True, purpose=PURPOSE_SHARED)
    definition = Instrument.objects.get(key="stress_sources").definition
    submit(
        cadre,
        "stress_sources",
        {item["number"]: DEMO_SOURCES[item["signal"]] for item in definition["items"]},
    )
    answers = dict.fromkeys(range(1, 91), 1)
    answers.update(DEMO_SCL_RAISED)
    submit(cadre, "scl90", answers)
    return True
