"""Assessment instruments as data: definitions shipped here, item texts loaded by licence.

A definition holds the items, the response scale, the scoring method, factors,
reverse-scored items, bands or screening criteria, norms and safety items. Item texts
of licensed instruments (SCL-90-R, PHQ-9, ...) are placeholders until a party school
installs its own with `manage.py load_instrument FILE`.
"""

import copy
import functools
import json
from pathlib import Path

DEFINITIONS_DIR = Path(__file__).parent
SCORING_METHODS = {"scl90", "sum", "sources"}
MAX_ITEM_TEXT = 500
MAX_PLAIN_NAME = 30


class InstrumentError(ValueError):
    """A malformed definition or item-text file; `where` names the field (items[14].text)."""

    def __init__(self, where: str, problem: str):
        self.where, self.problem = where, problem
        super().__init__(f"{where}: {problem}")


def _require(condition: bool, where: str, problem: str) -> None:
    if not condition:
        raise InstrumentError(where, problem)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_item_numbers(numbers, count: int, where: str) -> None:
    for index, number in enumerate(numbers):
        _require(
            _is_int(number) and 1 <= number <= count,
            f"{where}[{index}]",
            f"item {number!r} is not between 1 and {count}",
        )


def _check_item(item, index: int) -> None:
    where = f"items[{index}]"
    _require(isinstance(item, dict), where, "must be an object")
    _require(item.get("number") == index + 1, f"{where}.number", f"must be {index + 1}")
    text = item.get("text")
    _require(isinstance(text, str) and text.strip(), f"{where}.text", "must be non-empty text")
    _require(
        len(text) <= MAX_ITEM_TEXT, f"{where}.text", f"is longer than {MAX_ITEM_TEXT} characters"
    )


def validate_definition(data) -> dict:
    """Check a definition thoroughly; returns it unchanged or raises InstrumentError."""
    _require(isinstance(data, dict), "$", "a definition is a JSON object")
    for field in ("key", "name", "scoring", "scale", "items"):
        _require(field in data, field, "is missing")
    _require(
        isinstance(data["key"], str) and data["key"].replace("_", "").isalnum(),
        "key",
        "must be letters, digits and underscores",
    )
    _require(_is_int(data.get("version", 1)), "version", "must be a whole number")
    _require(
        data["scoring"] in SCORING_METHODS, "scoring", f"must be one of {sorted(SCORING_METHODS)}"
    )

    scale = data["scale"]
    _require(isinstance(scale, dict), "scale", "must be an object with min, max and labels")
    _require(
        _is_int(scale.get("min")) and _is_int(scale.get("max")),
        "scale",
        "min and max must be whole numbers",
    )
    _require(scale["min"] < scale["max"], "scale", "min must be below max")
    labels = scale.get("labels", [])
    _require(
        isinstance(labels, list) and len(labels) == scale["max"] - scale["min"] + 1,
        "scale.labels",
        f"needs exactly {scale['max'] - scale['min'] + 1} labels",
    )

    items = data["items"]
    _require(isinstance(items, list) and items, "items", "must be a non-empty list")
    for index, item in enumerate(items):
        _check_item(item, index)
    count = len(items)

    _check_item_numbers(data.get("reverse_items", []), count, "reverse_items")
    for index, safety in enumerate(data.get("safety_items", [])):
        where = f"safety_items[{index}]"
        _check_item_numbers([safety.get("number")], count, where + ".number")
        threshold = safety.get("at_least")
        _require(
            _is_int(threshold) and scale["min"] <= threshold <= scale["max"],
            f"{where}.at_least",
            "must be a value on the response scale",
        )

    if data["scoring"] == "scl90":
        factors = data.get("factors")
        _require(isinstance(factors, list) and factors, "factors", "SCL-90 scoring needs factors")
        seen: dict[int, str] = {}
        for index, factor in enumerate(factors):
            where = f"factors[{index}]"
            _require(isinstance(factor.get("key"), str), f"{where}.key", "is missing")
            if "plain_name" in factor:
                plain = factor["plain_name"]
                _require(
                    isinstance(plain, str) and plain.strip() and len(plain) <= MAX_PLAIN_NAME,
                    f"{where}.plain_name",
                    f"must be non-empty text of at most {MAX_PLAIN_NAME} characters",
                )
            _check_item_numbers(factor.get("items", []), count, f"{where}.items")
            for number in factor["items"]:
                _require(
                    number not in seen,
                    f"{where}.items",
                    f"item {number} is already in factor {seen.get(number)!r}",
                )
                seen[number] = factor["key"]
        missing = sorted(set(range(1, count + 1)) - set(seen))
        _require(not missing, "factors", f"items {missing} belong to no factor")
    if data["scoring"] == "sum":
        bands = data.get("bands")
        _require(isinstance(bands, list) and bands, "bands", "sum scoring needs bands")
        low = count * scale["min"]
        expected = low
        for index, band in enumerate(bands):
            where = f"bands[{index}]"
            _require(
                band.get("min") == expected,
                f"{where}.min",
                f"must be {expected} (no gaps or overlaps)",
            )
            _require(
                _is_int(band.get("max")) and band["max"] >= band["min"],
                f"{where}.max",
                "must be at least min",
            )
            expected = band["max"] + 1
        _require(
            expected - 1 == count * scale["max"], "bands", f"must end at {count * scale['max']}"
        )
    if data["scoring"] == "sources":
        for index, item in enumerate(items):
            _require(isinstance(item.get("signal"), str), f"items[{index}].signal", "is missing")
        _require(_is_int(data.get("source_present_at")), "source_present_at", "is missing")
    return data


def validate_item_texts(definition: dict, texts) -> list[dict]:
    """Check a licensed item-text file against its definition; returns the new items."""
    _require(isinstance(texts, dict), "$", "an item-text file is a JSON object")
    _require(texts.get("key") == definition["key"], "key", f"must be {definition['key']!r}")
    items = texts.get("items")
    _require(isinstance(items, list), "items", "must be a list")
    expected = len(definition["items"])
    _require(
        len(items) == expected, "items", f"must have exactly {expected} items, not {len(items)}"
    )
    merged = []
    for index, (item, original) in enumerate(zip(items, definition["items"], strict=True)):
        _check_item(item, index)
        merged.append({**original, "text": item["text"].strip()})
    return merged


def read_json(path) -> object:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InstrumentError(
            f"line {exc.lineno} column {exc.colno}", f"not valid JSON ({exc.msg})"
        ) from exc


def shipped_definitions() -> dict[str, dict]:
    """Every definition in this folder, validated, by key (a copy the caller may change)."""
    return copy.deepcopy(_parsed_definitions())


def shipped_definition(key: str) -> dict:
    """One shipped definition, read-only (the cached parse itself: do not change it)."""
    return _parsed_definitions()[key]


def plain_factor_names(definition: dict) -> dict[str, str]:
    """Factor key → the name a cadre reads (身体不适感 rather than 躯体化).

    Counsellors read the clinical `name`; cadres the `plain_name` beside it. A row installed
    before plain names existed lacks them (sync_instruments never overwrites a row), so the
    shipped definition of the same key fills in; the clinical name is the last resort.
    """
    shipped = _parsed_definitions().get(definition.get("key"), {})
    fallback = {f["key"]: f.get("plain_name") for f in shipped.get("factors", [])}
    return {
        f["key"]: f.get("plain_name") or fallback.get(f["key"]) or f["name"]
        for f in definition.get("factors", [])
    }


@functools.cache
def _parsed_definitions() -> dict[str, dict]:
    # The shipped files do not change while a process runs: read and validate them once.
    definitions = {}
    for path in sorted(DEFINITIONS_DIR.glob("*.json")):
        definition = validate_definition(read_json(path))
        definitions[definition["key"]] = definition
    return definitions
