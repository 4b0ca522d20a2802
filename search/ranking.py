"""The ranking model, defined once: eligibility, scores and reasons for recommendations.

Both backends use these definitions: the database backend evaluates them in Python,
the Elasticsearch backend translates the same weights into a function_score query,
and both attach reasons and diversify the top ten with the functions below.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# Weights of the score. Sums of these, plus the document's prior, order the results.
W_REQUIRED = 100.0  # a required assignment that is due
W_SIGNAL_TRACK = 10.0  # per unit of signal → track weight (ProfileRules.signal_tracks)
W_SIGNAL_MATCH = 10.0  # the course addresses the signal directly
W_AUDIENCE = 5.0  # the course targets the cadre's rank, gender, post or age specifically
TOP = 10
# Search: how much a query term counts in each field (both backends).
FIELD_WEIGHTS = {"title": 10.0, "keywords": 6.0, "summary": 3.0, "body": 1.0}
MAX_PER_TRACK = 4  # diversity across tracks in the top ten

NORMAL, ELEVATED, HIGH, CRISIS = 0, 1, 2, 3
SUPPORTIVE_TRACKS = ("popular_science", "stress_resilience")


@dataclass(frozen=True)
class Viewer:
    """What recommendations may know of a cadre. Sent as query parameters, never indexed."""

    rank_id: int | None = None
    rank_ordinal: int | None = None
    rank_name: str = ""
    gender: str = ""
    post_category: str = ""
    age: int | None = None
    completed: frozenset[int] = frozenset()
    enrolled: frozenset[int] = frozenset()  # active enrolments: on the cadre's list already
    required_due: tuple[tuple[int, str], ...] = ()  # (course id, due date as text)
    # From the assessment profile, only with consent: signals and the ladder rung.
    signals: tuple[str, ...] = ()
    rung: int | None = None
    signal_tracks: dict = field(default_factory=dict, hash=False, compare=False)
    signal_names: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def personalised(self) -> bool:
        """Profile-based ranking applies only with a profile and below the crisis rung."""
        return bool(self.signals) and self.rung is not None and self.rung < CRISIS


@dataclass
class Recommendation:
    course_id: int
    title: str
    track: str
    url_path: str
    score: float
    reasons: list[str]


def eligible(doc: dict, viewer: Viewer) -> bool:
    if doc["id"] in viewer.completed:
        return False
    ranks, min_ordinal = doc["audience_rank_ids"], doc["audience_min_ordinal"]
    if ranks or min_ordinal is not None:
        by_list = viewer.rank_id in ranks
        by_ordinal = (
            min_ordinal is not None
            and viewer.rank_ordinal is not None
            and viewer.rank_ordinal >= min_ordinal
        )
        if not (by_list or by_ordinal):
            return False
    if doc["audience_gender"] and doc["audience_gender"] != viewer.gender:
        return False
    if (
        doc["audience_post_categories"]
        and viewer.post_category not in doc["audience_post_categories"]
    ):
        return False
    if viewer.age is not None:
        if doc["audience_min_age"] is not None and viewer.age < doc["audience_min_age"]:
            return False
        if doc["audience_max_age"] is not None and viewer.age > doc["audience_max_age"]:
            return False
    return True


def targets_viewer(doc: dict) -> bool:
    return bool(
        doc["audience_rank_ids"]
        or doc["audience_min_ordinal"] is not None
        or doc["audience_gender"]
        or doc["audience_post_categories"]
        or doc["audience_min_age"] is not None
        or doc["audience_max_age"] is not None
    )


def profile_terms(viewer: Viewer) -> list[tuple[str, str, float]]:
    """(kind, value, weight) boosts from the profile: ("track", t, w) and ("signal", s, w).

    Crisis: none. High: only supportive tracks, no direct signal matches.
    """
    if not viewer.personalised:
        return []
    terms: dict[tuple[str, str], float] = {}
    for signal in viewer.signals:
        for track, weight in (viewer.signal_tracks.get(signal) or {}).items():
            if viewer.rung >= HIGH and track not in SUPPORTIVE_TRACKS:
                continue
            key = ("track", track)
            terms[key] = terms.get(key, 0.0) + W_SIGNAL_TRACK * float(weight)
        if viewer.rung < HIGH:
            terms[("signal", signal)] = W_SIGNAL_MATCH
    return [(kind, value, round(weight, 4)) for (kind, value), weight in sorted(terms.items())]


def score(doc: dict, viewer: Viewer) -> float:
    total = doc["prior"]
    required = {course_id for course_id, _due in viewer.required_due}
    if doc["id"] in required:
        total += W_REQUIRED
    if targets_viewer(doc):
        total += W_AUDIENCE
    for kind, value, weight in profile_terms(viewer):
        if (kind == "track" and doc["track"] == value) or (
            kind == "signal" and value in doc["signals"]
        ):
            total += weight
    return round(total, 4)


def reasons(doc: dict, viewer: Viewer) -> list[str]:
    """One-line reasons in the viewer's language, most important first."""
    found = []
    due = dict(viewer.required_due)
    if doc["id"] in due:
        found.append(_("This course is required for you, due %(date)s") % {"date": due[doc["id"]]})
    if viewer.personalised:
        matched = [
            s
            for s in viewer.signals
            if s in doc["signals"]
            or (
                doc["track"] in (viewer.signal_tracks.get(s) or {})
                and (viewer.rung < HIGH or doc["track"] in SUPPORTIVE_TRACKS)
            )
        ]
        for signal in matched[:2]:
            name = viewer.signal_names.get(signal, signal)
            if signal.startswith("stress_"):
                found.append(_("because you reported %(source)s") % {"source": name})
            else:
                found.append(
                    _("because “%(area)s” stood out in your self-assessment") % {"area": name}
                )
    if targets_viewer(doc):
        if doc["audience_min_rank_name"] and viewer.rank_ordinal is not None:
            found.append(
                _("this course is for %(rank)s and above") % {"rank": doc["audience_min_rank_name"]}
            )
        elif doc["audience_gender"] == "female":
            found.append(_("this course is for women cadres"))
        else:
            found.append(_("this course is aimed at cadres like you"))
    if not found:
        found.append(
            _("popular with other cadres") if doc["prior"] >= 1 else _("open to all cadres")
        )
    return found


def diversify(ranked: list[tuple[dict, float]], top: int = TOP) -> list[tuple[dict, float]]:
    """Keep the order, but at most MAX_PER_TRACK of one track in the top ten."""
    chosen, overflow, per_track = [], [], {}
    for doc, value in ranked:
        if len(chosen) >= top:
            break
        if per_track.get(doc["track"], 0) >= MAX_PER_TRACK:
            overflow.append((doc, value))
            continue
        per_track[doc["track"]] = per_track.get(doc["track"], 0) + 1
        chosen.append((doc, value))
    return (chosen + overflow)[:top]


def order_key(item: tuple[dict, float]):
    doc, value = item
    return (-value, doc["id"])


def finish(
    ranked: list[tuple[dict, float]], viewer: Viewer, top: int = TOP
) -> list[Recommendation]:
    ranked = sorted(ranked, key=order_key)
    return [
        Recommendation(
            course_id=doc["id"],
            title=doc["title"],
            track=doc["track"],
            url_path=doc["url_path"],
            score=value,
            reasons=reasons(doc, viewer),
        )
        for doc, value in diversify(ranked, top)
    ]
