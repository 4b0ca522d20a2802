"""What 学习分析 can be cut by, and the filters read from a bookmarkable URL.

A malformed or out-of-scope value in the URL is dropped with a notice; it never reaches
a query and never raises.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _

from courses.models import Track

# Rank levels on the one ordinal scale of lms.people.reference_data.
RANK_LEVELS = [
    ("bureau", _("Bureau level and above"), 150, 999),
    ("county", _("County level"), 130, 149),
    ("township", _("Township level"), 110, 129),
    ("clerk", _("Clerk level"), 0, 109),
]
RANK_LEVEL_LABELS = {key: label for key, label, _low, _high in RANK_LEVELS}
AGE_BANDS = [
    ("under_35", _("Under 35"), 0, 34),
    ("35_44", _("35–44"), 35, 44),
    ("45_54", _("45–54"), 45, 54),
    ("55_plus", _("55 and over"), 55, 200),
]
AGE_BAND_LABELS = {key: label for key, label, _low, _high in AGE_BANDS}


def rank_level_of(ordinal: int) -> str:
    for key, _label, low, high in RANK_LEVELS:
        if low <= ordinal <= high:
            return key
    return RANK_LEVELS[-1][0]


def age_band_of(age: int) -> str:
    for key, _label, low, high in AGE_BANDS:
        if low <= age <= high:
            return key
    return AGE_BANDS[-1][0]


def rank_level_expression(field_name: str = "rank__ordinal"):
    """The rank level as a SQL expression (its index in RANK_LEVELS), for GROUP BY."""
    return Case(
        *[
            When(Q(**{f"{field_name}__gte": low, f"{field_name}__lte": high}), then=Value(index))
            for index, (_key, _label, low, high) in enumerate(RANK_LEVELS)
        ],
        default=Value(len(RANK_LEVELS) - 1),
        output_field=IntegerField(),
    )


TRACKS = dict(Track.choices)

# The filters, in the order the form shows them.
FILTER_NAMES = (
    "year",
    "track",
    "course",
    "department",
    "rank_level",
    "gender",
    "post_category",
    "campaign",
)


TEXT_FILTERS = ("track", "rank_level", "gender")


@dataclass
class Filters:
    """The filters a view was asked for, already checked against what the user may see.
    `department` and `course` hold model instances; the others plain values."""

    year: int | None = None
    track: str = ""
    course: object = None
    department: object = None
    rank_level: str = ""
    gender: str = ""
    post_category: object = None
    campaign: object = None
    notices: list = field(default_factory=list)

    def active(self) -> list[str]:
        return [name for name in FILTER_NAMES if getattr(self, name) not in (None, "")]

    def without(self, name: str) -> "Filters":
        return self.widened(name, "" if name in TEXT_FILTERS else None)

    def widened(self, name: str, value) -> "Filters":
        values = {n: getattr(self, n) for n in FILTER_NAMES}
        values[name] = value
        return Filters(**values)

    def query_string(self) -> str:
        pairs = []
        for name in FILTER_NAMES:
            value = getattr(self, name)
            if value in (None, ""):
                continue
            pairs.append((name, getattr(value, "pk", value)))
        return urlencode(pairs)
