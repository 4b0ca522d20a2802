"""Small-cell suppression: which rows of a table may be shown. Pure functions, no database.

A table's rows partition the view (every enrolment falls in exactly one track, course,
rank level, gender, post category, department branch or campaign). Each row arrives as
its parts: counts per course, where every count is exact people (a cadre enrols in a course
once). Across courses the same person may be counted twice, so the people behind a row
number at least the largest of its parts: that lower bound is what is compared with k,
never the sum, which could be one person counted in five courses.

A quantity (enrolled, completed, enrolled − completed, …) "describes fewer than k people"
when it is not zero and its lower bound is under k. A row is hidden when:
1. any of its quantities does (primary suppression);
2. it and the same row under a neighbouring filter (one filter removed, or a department
   widened to its parent) differ by such a quantity: two bookmarks must not subtract to
   a few people;
3. the rows hidden so far would add up, from the total shown, to such a quantity: then
   the smallest visible rows are hidden with them until they do not (complementary
   suppression).
A whole view is withheld when its total, or its difference from a neighbouring view,
describes fewer than k people.

What this does not do: it does not search every chain of three or more views for a
difference; views whose neighbours are equal to them are compared one step only.
"""

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

Vector = Sequence[int]  # one count per measure
Parts = Mapping[Hashable, Vector]  # per course (or one part when counts are exact people)
Quantity = Callable[[Vector], int]


@dataclass(frozen=True)
class Check:
    """The quantities a table shows, as functions of its measure vector."""

    quantities: tuple[Quantity, ...]


def measure(index: int) -> Quantity:
    return lambda vector: vector[index]


def difference(minuend: int, subtrahend: int) -> Quantity:
    return lambda vector: vector[minuend] - vector[subtrahend]


def few(parts: Parts, quantity: Quantity, k: int) -> bool:
    """True when the quantity is not zero yet may describe fewer than k people."""
    values = [quantity(vector) for vector in parts.values()]
    if not values or sum(values) == 0:
        return False
    return max(values) < k


def subtract(whole: Parts, part: Parts) -> dict:
    """Per part, what `whole` has beyond `part` (whole ⊇ part)."""
    keys = set(whole) | set(part)
    width = len(next(iter(whole.values()), None) or next(iter(part.values()), ()))
    zero = (0,) * width
    return {
        key: tuple(a - b for a, b in zip(whole.get(key, zero), part.get(key, zero), strict=True))
        for key in keys
    }


def add(parts_list: Iterable[Parts]) -> dict:
    total: dict = {}
    for parts in parts_list:
        for key, vector in parts.items():
            if key in total:
                total[key] = tuple(a + b for a, b in zip(total[key], vector, strict=True))
            else:
                total[key] = tuple(vector)
    return total


def exposes(parts: Parts, check: Check, k: int) -> bool:
    return any(few(parts, quantity, k) for quantity in check.quantities)


def view_withheld(total: Parts, neighbours: Sequence[Parts], check: Check, k: int) -> bool:
    """A whole view is withheld when it, or its difference from a neighbour, is too few."""
    if exposes(total, check, k):
        return True
    return any(exposes(subtract(wider, total), check, k) for wider in neighbours)


def hidden_rows(
    rows: Mapping[Hashable, Parts],
    check: Check,
    k: int,
    neighbours: Mapping[Hashable, Sequence[Parts]] | None = None,
    size: Quantity | None = None,
    already: Iterable[Hashable] = (),
) -> set:
    """The keys of the rows to hide. `neighbours[key]` lists the row under each neighbouring
    filter; `size` orders the rows for complementary suppression (smallest first);
    `already` are rows hidden for another reason (a column they depend on)."""
    neighbours = neighbours or {}
    size = size or check.quantities[0]
    hidden = {key for key in already if key in rows} | {
        key
        for key, parts in rows.items()
        if exposes(parts, check, k)
        or any(exposes(subtract(wider, parts), check, k) for wider in neighbours.get(key, ()))
    }
    visible = sorted(
        (key for key in rows if key not in hidden),
        key=lambda key: (sum(size(vector) for vector in rows[key].values()), repr(key)),
    )
    while hidden and visible and exposes(add(rows[key] for key in hidden), check, k):
        hidden.add(visible.pop(0))
    return hidden


def total_parts(rows: Mapping[Hashable, Parts]) -> dict:
    return add(rows.values())


def collapse(parts: Parts) -> tuple[int, ...]:
    """The counts of a row summed over its parts (what is shown: 人次 across courses)."""
    vectors = list(parts.values())
    if not vectors:
        return ()
    return tuple(sum(column) for column in zip(*vectors, strict=True))
