"""Scoring of assessment instruments: pure functions over a definition and answers.

Answers map item numbers (1-based) to the chosen value on the instrument's scale.
Nothing here touches the database, so every rule is tested by hand-computed cases.
"""

from dataclasses import dataclass, field


class AnswerError(ValueError):
    """An incomplete or out-of-range answer set; lists every missing and invalid item."""

    def __init__(self, missing: list[int], invalid: list[int], unknown: list):
        self.missing, self.invalid, self.unknown = missing, invalid, unknown
        super().__init__(f"missing {missing}, invalid {invalid}, unknown {unknown}")


def validate_answers(definition: dict, answers: dict) -> dict[int, int]:
    """Normalise keys to ints; refuse the whole set if any item is missing or off-scale."""
    low, high = definition["scale"]["min"], definition["scale"]["max"]
    count = len(definition["items"])
    normalised: dict[int, int] = {}
    unknown = []
    for key, value in answers.items():
        try:
            number = int(key)
        except (TypeError, ValueError):
            unknown.append(key)
            continue
        if not 1 <= number <= count:
            unknown.append(key)
            continue
        normalised[number] = value
    missing = [n for n in range(1, count + 1) if n not in normalised]
    invalid = sorted(
        n
        for n, v in normalised.items()
        if not isinstance(v, int) or isinstance(v, bool) or not low <= v <= high
    )
    if missing or invalid or unknown:
        raise AnswerError(missing, invalid, unknown)
    return normalised


def safety_flags(definition: dict, answers: dict[int, int]) -> list[int]:
    """Item numbers whose answer reaches their safety threshold (e.g. SCL-90 items 15, 59)."""
    return [
        item["number"]
        for item in definition.get("safety_items", [])
        if answers[item["number"]] >= item["at_least"]
    ]


def _z(value: float, norm) -> float | None:
    if not norm:
        return None
    mean, sd = norm
    return round((value - mean) / sd, 2) if sd else None


def score_scl90(definition: dict, answers: dict[int, int]) -> dict:
    values = [answers[n] for n in range(1, len(definition["items"]) + 1)]
    total = sum(values)
    positive = sum(1 for v in values if v >= 2)
    negative = len(values) - positive
    factors = {
        f["key"]: round(sum(answers[n] for n in f["items"]) / len(f["items"]), 2)
        for f in definition["factors"]
    }
    screen = definition["positive_screen"]
    norms = definition.get("norms") or {}
    return {
        "total": total,
        "gsi": round(total / len(values), 2),
        "positive_items": positive,
        # The mean score of the positive items (those scored 2 or more): the items scored 1
        # add exactly `negative` to the total. Without a positive item it is undefined, not 0.
        "positive_mean": round((total - negative) / positive, 2) if positive else None,
        "factors": factors,
        "positive_screen": (
            total > screen["total_above"]
            or positive > screen["positive_items_above"]
            or any(score >= screen["factor_at_least"] for score in factors.values())
        ),
        "z": {
            "total": _z(total, norms.get("total")),
            "gsi": _z(total / len(values), norms.get("gsi")),
            "positive_items": _z(positive, norms.get("positive_items")),
            "factors": {
                key: _z(score, (norms.get("factors") or {}).get(key))
                for key, score in factors.items()
            },
        },
        "safety_items": safety_flags(definition, answers),
    }


def current_scores(scores: dict) -> dict:
    """Stored scores in today's shape: SCL-90 results stored before the fix hold a PSDI of
    0.0 where no item is positive; it is undefined there (None, shown as "—")."""
    if "positive_mean" in scores and not scores.get("positive_items"):
        return {**scores, "positive_mean": None}
    return scores


def score_sum(definition: dict, answers: dict[int, int]) -> dict:
    low, high = definition["scale"]["min"], definition["scale"]["max"]
    reverse = set(definition.get("reverse_items", []))
    total = sum((low + high - v) if n in reverse else v for n, v in answers.items())
    band = next(b for b in definition["bands"] if b["min"] <= total <= b["max"])
    return {"total": total, "band": band["key"], "safety_items": safety_flags(definition, answers)}


def score_sources(definition: dict, answers: dict[int, int]) -> dict:
    levels = {item["signal"]: answers[item["number"]] for item in definition["items"]}
    present_at = definition["source_present_at"]
    return {
        "levels": levels,
        "present": sorted(signal for signal, level in levels.items() if level >= present_at),
        "safety_items": [],
    }


SCORERS = {"scl90": score_scl90, "sum": score_sum, "sources": score_sources}


def score(definition: dict, answers: dict) -> dict:
    """Validate then score; raises AnswerError listing every bad item."""
    normalised = validate_answers(definition, answers)
    return SCORERS[definition["scoring"]](definition, normalised)


# The severity ladder (docs/domain.md §5). Thresholds are data an administrator can change;
# these defaults are the product's proposal awaiting a clinician's sign-off.
NORMAL, ELEVATED, HIGH, CRISIS = 0, 1, 2, 3

DEFAULT_THRESHOLDS = {
    "scl90": {
        "elevated": {"factor_at_least": 2.0, "total_at_least": 161, "positive_items_at_least": 44},
        "high": {
            "factor_at_least": 3.0,
            "special_factors_at_least": {"psychoticism": 2.0, "paranoid": 2.0},
            "total_at_least": 200,
            "positive_items_at_least": 50,
        },
    },
    # Band results of the other instruments that raise the rung.
    "bands": {
        "phq9": {"moderate": 1, "moderately_severe": 2, "severe": 2},
        "gad7": {"moderate": 1, "severe": 2},
        "pss10": {"high": 1},
    },
    # Any safety item at its threshold is a crisis, whatever else the scores say.
    "crisis_on_safety_items": True,
}


@dataclass
class Rung:
    level: int = NORMAL
    reasons: list[str] = field(default_factory=list)

    def raise_to(self, level: int, reason: str) -> None:
        if level >= self.level:
            if level > self.level:
                self.reasons = []
            self.level = level
            self.reasons.append(reason)


def scl90_rung(scores: dict, thresholds: dict) -> Rung:
    rung = Rung()
    high, elevated = thresholds["high"], thresholds["elevated"]
    for key, value in scores["factors"].items():
        special = high.get("special_factors_at_least", {}).get(key)
        if value >= high["factor_at_least"] or (special is not None and value >= special):
            rung.raise_to(HIGH, f"factor:{key}")
        elif value >= elevated["factor_at_least"]:
            rung.raise_to(ELEVATED, f"factor:{key}")
    for metric in ("total", "positive_items"):
        if scores[metric] >= high[f"{metric}_at_least"]:
            rung.raise_to(HIGH, metric)
        elif scores[metric] >= elevated[f"{metric}_at_least"]:
            rung.raise_to(ELEVATED, metric)
    return rung


def ladder_rung(results: dict[str, dict], thresholds: dict | None = None) -> Rung:
    """The highest rung reached by any instrument's result (key → scores)."""
    thresholds = thresholds or DEFAULT_THRESHOLDS
    rung = Rung()
    for key, scores in results.items():
        if scores.get("safety_items") and thresholds.get("crisis_on_safety_items", True):
            for number in scores["safety_items"]:
                rung.raise_to(CRISIS, f"safety:{key}:{number}")
        if key == "scl90":
            partial = scl90_rung(scores, thresholds["scl90"])
            for reason in partial.reasons:
                rung.raise_to(partial.level, reason)
        level = thresholds.get("bands", {}).get(key, {}).get(scores.get("band"))
        if level:
            rung.raise_to(level, f"band:{key}:{scores['band']}")
    return rung
