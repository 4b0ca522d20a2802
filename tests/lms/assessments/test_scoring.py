"""Instrument scoring against hand-computed cases, and the severity ladder's cut-offs."""

import copy
import json

import pytest

from lms.assessments.instruments import InstrumentError, shipped_definitions, validate_definition
from lms.assessments.scoring import (
    CRISIS,
    DEFAULT_THRESHOLDS,
    ELEVATED,
    HIGH,
    NORMAL,
    AnswerError,
    ladder_rung,
    score,
)

DEFS = shipped_definitions()
SCL = DEFS["scl90"]


def scl_answers(base=1, **overrides):
    answers = dict.fromkeys(range(1, 91), base)
    for key, value in overrides.items():
        answers[int(key.lstrip("i"))] = value
    return answers


def factor_items(key):
    return next(f["items"] for f in SCL["factors"] if f["key"] == key)


def test_scl90_factor_map_partitions_items_1_to_90_exactly():
    numbers = [n for factor in SCL["factors"] for n in factor["items"]]
    assert sorted(numbers) == list(range(1, 91))
    assert len(SCL["factors"]) == 10
    sizes = {f["key"]: len(f["items"]) for f in SCL["factors"]}
    assert sizes == {
        "somatization": 12,
        "obsessive": 10,
        "interpersonal": 9,
        "depression": 13,
        "anxiety": 10,
        "hostility": 6,
        "phobic": 7,
        "paranoid": 6,
        "psychoticism": 10,
        "other": 7,
    }


def test_scl90_all_ones_is_the_floor():
    result = score(SCL, scl_answers())
    assert (result["total"], result["gsi"], result["positive_items"]) == (90, 1.0, 0)
    assert result["positive_mean"] is None  # undefined without a positive item
    assert set(result["factors"].values()) == {1.0}
    assert result["positive_screen"] is False
    assert result["safety_items"] == []
    # The 1986 norm: total 129.96 ± 38.76 → z = (90 − 129.96) / 38.76.
    assert result["z"]["total"] == round((90 - 129.96) / 38.76, 2)


def test_scl90_hand_computed_case():
    # Interpersonal items all 3 (9 items), items 1 and 4 (somatization) 2, the rest 1.
    answers = scl_answers(i1=2, i4=2, **{f"i{n}": 3 for n in factor_items("interpersonal")})
    result = score(SCL, answers)
    total = 90 + 9 * 2 + 2 * 1  # 110
    assert result["total"] == total
    assert result["gsi"] == round(total / 90, 2)
    assert result["positive_items"] == 11
    # (total − negative count) / positive count = (110 − 79) / 11
    assert result["positive_mean"] == round((110 - 79) / 11, 2)
    assert result["factors"]["interpersonal"] == 3.0
    assert result["factors"]["somatization"] == round((2 + 2 + 10) / 12, 2)
    assert result["positive_screen"] is True  # a factor ≥ 2
    assert result["z"]["factors"]["interpersonal"] == round((3.0 - 1.65) / 0.51, 2)
    assert result["z"]["factors"]["other"] is None  # no norm published for "other"


def spread_twos(count):
    """`count` items at 2, one item per factor left at 1 (means < 2), safety items untouched."""
    answers = scl_answers()
    safety = {item["number"] for item in SCL["safety_items"]}
    candidates = [n for factor in SCL["factors"] for n in factor["items"][1:] if n not in safety]
    for n in candidates[:count]:
        answers[n] = 2
    return answers


@pytest.mark.parametrize(("positive_count", "screen"), [(43, False), (44, True)])
def test_scl90_positive_items_screen_boundary(positive_count, screen):
    result = score(SCL, spread_twos(positive_count))
    assert max(result["factors"].values()) < 2
    assert result["total"] == 90 + positive_count
    assert result["positive_screen"] is screen


def test_scl90_total_screen_boundary():
    answers = scl_answers()
    result_160 = score(SCL, {**answers, **dict.fromkeys(range(1, 71), 2)})  # total 160
    assert result_160["total"] == 160
    assert result_160["positive_items"] > 43  # the item criterion still applies
    assert result_160["positive_screen"] is True


def test_scl90_safety_items():
    assert score(SCL, scl_answers(i15=2))["safety_items"] == [15]
    assert score(SCL, scl_answers(i59=2))["safety_items"] == []
    assert score(SCL, scl_answers(i59=3))["safety_items"] == [59]


def test_phq9_sum_bands_and_item_9():
    phq = DEFS["phq9"]
    answers = dict.fromkeys(range(1, 10), 1)  # 9
    assert score(phq, answers) == {"total": 9, "band": "mild", "safety_items": [9]}
    answers = {**answers, 9: 0, 1: 2}  # 9 − 1 + 1 = 9
    assert score(phq, answers)["safety_items"] == []
    assert score(phq, dict.fromkeys(range(1, 10), 0))["band"] == "minimal"
    assert score(phq, dict.fromkeys(range(1, 10), 3))["band"] == "severe"
    for total, band in [
        (4, "minimal"),
        (5, "mild"),
        (10, "moderate"),
        (15, "moderately_severe"),
        (20, "severe"),
    ]:
        answers = dict.fromkeys(range(1, 10), 0)
        remaining = total
        for n in range(1, 9):
            answers[n] = min(3, remaining)
            remaining -= answers[n]
        assert score(phq, answers)["band"] == band, total


def test_gad7_bands():
    gad = DEFS["gad7"]
    for values, band in [
        ([0] * 7, "minimal"),
        ([1] * 5 + [0, 0], "mild"),
        ([2] * 5 + [0, 0], "moderate"),
        ([3] * 5 + [0, 0], "severe"),
    ]:
        assert score(gad, dict(enumerate(values, start=1)))["band"] == band


def test_pss10_reverses_items_4_5_7_8():
    pss = DEFS["pss10"]
    all_zero = dict.fromkeys(range(1, 11), 0)
    # Reverse items 4, 5, 7, 8 score 4 − 0 = 4 each.
    assert score(pss, all_zero) == {"total": 16, "band": "moderate", "safety_items": []}
    calm = {**all_zero, 4: 4, 5: 4, 7: 4, 8: 4}
    assert score(pss, calm)["total"] == 0
    assert score(pss, dict.fromkeys(range(1, 11), 4))["total"] == 24


def test_stress_sources_mark_present_sources():
    survey = DEFS["stress_sources"]
    result = score(survey, {1: 5, 2: 3, 3: 1, 4: 2, 5: 1, 6: 4})
    assert result["present"] == ["stress_family", "stress_promotion", "stress_work"]
    assert result["levels"]["stress_work"] == 5


def test_incomplete_or_out_of_range_answers_are_refused_with_every_bad_item():
    answers = scl_answers()
    del answers[7]
    del answers[90]
    answers[3] = 6
    answers[4] = 0
    answers[5] = "2"
    answers["x"] = 1
    with pytest.raises(AnswerError) as excinfo:
        score(SCL, answers)
    assert excinfo.value.missing == [7, 90]
    assert excinfo.value.invalid == [3, 4, 5]
    assert excinfo.value.unknown == ["x"]


# --- the severity ladder, at and around each cut-off -------------------------------------


def rung_of(**overrides):
    return ladder_rung({"scl90": score(SCL, scl_answers(**overrides))})


def set_factor(key, value):
    return {f"i{n}": value for n in factor_items(key)}


def test_all_normal_is_rung_0():
    assert rung_of().level == NORMAL


@pytest.mark.parametrize(
    ("value", "level"),
    [(1, NORMAL), (2, ELEVATED), (3, HIGH)],
)
def test_factor_cut_offs(value, level):
    assert rung_of(**set_factor("obsessive", value)).level == level


def test_factor_just_below_2_stays_normal():
    items = factor_items("hostility")  # 6 items: five 2s and a 1 → 1.83
    overrides = {f"i{n}": 2 for n in items[:5]}
    assert rung_of(**overrides).level == NORMAL


@pytest.mark.parametrize("factor", ["psychoticism", "paranoid"])
def test_psychoticism_or_paranoid_at_2_is_high(factor):
    rung = rung_of(**set_factor(factor, 2))
    assert rung.level == HIGH and f"factor:{factor}" in rung.reasons


def test_spread_positive_items_reach_the_ladder_by_count():
    assert rung_of_answers(spread_twos(43)).level == NORMAL
    assert rung_of_answers(spread_twos(44)).level == ELEVATED
    assert rung_of_answers(spread_twos(49)).level == ELEVATED
    assert rung_of_answers(spread_twos(50)).level == HIGH


def rung_of_answers(answers):
    return ladder_rung({"scl90": score(SCL, answers)})


def test_total_thresholds_via_custom_thresholds():
    result = score(SCL, scl_answers())
    result = {**result, "total": 161, "positive_items": 10}
    assert ladder_rung({"scl90": result}).level == ELEVATED
    assert ladder_rung({"scl90": {**result, "total": 160}}).level == NORMAL
    assert ladder_rung({"scl90": {**result, "total": 199}}).level == ELEVATED
    assert ladder_rung({"scl90": {**result, "total": 200}}).level == HIGH
    assert ladder_rung({"scl90": {**result, "total": 100, "positive_items": 44}}).level == ELEVATED
    assert ladder_rung({"scl90": {**result, "total": 100, "positive_items": 49}}).level == ELEVATED
    assert ladder_rung({"scl90": {**result, "total": 100, "positive_items": 50}}).level == HIGH


def test_safety_items_are_a_crisis_whatever_else():
    assert rung_of(i15=2).level == CRISIS
    assert rung_of(i59=2).level == NORMAL
    rung = rung_of(i59=3, **set_factor("obsessive", 3))
    assert rung.level == CRISIS and rung.reasons == ["safety:scl90:59"]
    phq = score(DEFS["phq9"], {**dict.fromkeys(range(1, 9), 0), 9: 1})
    assert ladder_rung({"phq9": phq}).level == CRISIS


def test_other_instruments_raise_the_rung_by_band():
    phq = score(DEFS["phq9"], {**dict.fromkeys(range(1, 6), 2), **dict.fromkeys(range(6, 10), 0)})
    assert phq["band"] == "moderate"
    assert ladder_rung({"phq9": phq}).level == ELEVATED


def test_thresholds_are_data():
    strict = copy.deepcopy(DEFAULT_THRESHOLDS)
    strict["scl90"]["elevated"]["factor_at_least"] = 1.5
    result = {"scl90": score(SCL, scl_answers(**{f"i{n}": 2 for n in factor_items("anxiety")[:6]}))}
    assert ladder_rung(result).level == NORMAL
    assert ladder_rung(result, strict).level == ELEVATED


# --- malformed definitions name the place ------------------------------------------------


def test_shipped_definitions_are_valid():
    assert set(DEFS) == {"scl90", "phq9", "gad7", "pss10", "stress_sources"}


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda d: d["items"][14].update(text=""), "items[14].text"),
        (lambda d: d["items"][3].update(number=9), "items[3].number"),
        (lambda d: d["factors"][9]["items"].append(3), "factors[9].items"),
        (lambda d: d["factors"][9]["items"].remove(89), "factors"),
        (lambda d: d["factors"][1]["items"].append(91), "factors[1].items[10]"),
        (lambda d: d["safety_items"][0].update(at_least=9), "safety_items[0].at_least"),
        (lambda d: d["scale"].update(labels=["a"]), "scale.labels"),
        (lambda d: d.pop("scoring"), "scoring"),
    ],
)
def test_malformed_definitions_are_refused_precisely(mutate, where):
    definition = json.loads(json.dumps(SCL))
    mutate(definition)
    with pytest.raises(InstrumentError) as excinfo:
        validate_definition(definition)
    assert excinfo.value.where == where


def test_bands_must_cover_the_range_without_gaps():
    definition = json.loads(json.dumps(DEFS["gad7"]))
    definition["bands"][1]["min"] = 6
    with pytest.raises(InstrumentError) as excinfo:
        validate_definition(definition)
    assert excinfo.value.where == "bands[1].min"
