"""The ranking model, defined once: eligibility, scores and reasons for recommendations.

Both backends use these definitions: the database backend evaluates them in Python,
the Elasticsearch backend translates the same weights into a function_score query,
and both attach reasons and diversify the top ten with the functions below.
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.utils.translation import get_language
from django.utils.translation import gettext as _

# Weights of the score. Sums of these, plus the document's prior (in [0, 2]), order the
# results. For each raised signal a course is linked to it when it addresses the signal
# (its reviewed signals) or sits in a track the signal's rule names; the link counts as
# much as the rule's weight for the course's kind (role). Any link is worth at least
# W_LINK_FLOOR, more than any prior plus the audience tie-break, so the audience never
# lifts a course above a profile match, and a kind of course alone lifts nothing.
W_LINK_FLOOR = 3.0
W_ADDRESSES = 10.0  # the course addresses the signal, times the role's weight
W_TRACK = 6.0  # the course is in a track the rule names, times track and role weights
UNNAMED_ROLE = 0.2  # a course of a kind the rule does not name, addressing the signal
W_HELP_FIRST = 40.0  # at the high rung, help-seeking guidance comes first
W_AUDIENCE = 0.5  # the course targets the cadre's rank, gender, post or age: a tie-break
TOP = 10
# Search: how much a query term counts in each field (both backends).
FIELD_WEIGHTS = {"title": 10.0, "keywords": 6.0, "summary": 3.0, "body": 1.0}
MAX_PER_TRACK = 4  # diversity across tracks in the top ten

NORMAL, ELEVATED, HIGH, CRISIS = 0, 1, 2, 3
SUPPORTIVE_TRACKS = ("popular_science", "stress_resilience")
# The kinds of course (courses.models.CourseRole), as indexed; a course without one is
# indexed as psycho-education.
SELF_HELP, HELP_SEEKING, PSYCHO_EDUCATION = "self_help", "help_seeking", "psycho_education"
LEADERSHIP, PEER_ACTIVITY = "leadership", "peer_activity"
ROLES = (SELF_HELP, HELP_SEEKING, PSYCHO_EDUCATION, LEADERSHIP, PEER_ACTIVITY)


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
    # ProfileRules.signal_rules: {signal: {"roles", "tracks", "rationale", "phrase"}}.
    signal_rules: dict = field(default_factory=dict, hash=False, compare=False)
    signal_names: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def personalised(self) -> bool:
        """Profile-based ranking applies only with a profile and below the crisis rung."""
        return bool(self.signals) and self.rung is not None and self.rung < CRISIS

    @property
    def high(self) -> bool:
        return self.personalised and self.rung >= HIGH

    @cached_property
    def terms(self) -> list["Term"]:
        """The profile's boosts (profile_terms), worked out once per viewer: the database
        backend scores every course of the catalogue with them."""
        return _profile_terms(self)

    def boostable_roles(self) -> tuple[str, ...]:
        """The kinds of course a profile may lift: never leadership courses; at the high
        rung only help-seeking guidance, gentle self-help and psycho-education."""
        if self.high:
            return (HELP_SEEKING, SELF_HELP, PSYCHO_EDUCATION)
        return (SELF_HELP, HELP_SEEKING, PSYCHO_EDUCATION, PEER_ACTIVITY)


@dataclass
class Recommendation:
    course_id: int
    title: str
    track: str
    url_path: str
    score: float
    reasons: list[str]


def role_of(doc: dict) -> str:
    """The course's kind; documents indexed before roles existed count as psycho-education
    until `manage.py lms_reindex` rebuilds them."""
    return doc.get("role") or PSYCHO_EDUCATION


def eligible(doc: dict, viewer: Viewer) -> bool:
    """Audience, completion and rung decide whether a course may be recommended at all.

    Required assignments are listed in their own section, not among recommendations; at
    the high rung leadership courses are not offered."""
    if doc["id"] in viewer.completed:
        return False
    if any(doc["id"] == course_id for course_id, _due in viewer.required_due):
        return False
    if viewer.high and role_of(doc) == LEADERSHIP:
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


@dataclass(frozen=True)
class Term:
    """A boost for courses of `role` that address `signal` (track None) or, not addressing
    it, sit in `track`; or, with no signal, every course of `role`."""

    role: str
    signal: str | None
    track: str | None
    weight: float

    def applies(self, doc: dict) -> bool:
        if role_of(doc) != self.role:
            return False
        if self.signal is None:
            return True
        if self.track is None:
            return self.signal in doc["signals"]
        return doc["track"] == self.track and self.signal not in doc["signals"]


def profile_terms(viewer: Viewer) -> list[Term]:
    """The profile's boosts, the same for both backends (Elasticsearch sends each as a
    function_score filter). Crisis: none. High: help-seeking guidance first, then gentle
    self-help and psycho-education in the supportive tracks; leadership courses never."""
    return viewer.terms


def _profile_terms(viewer: Viewer) -> list[Term]:
    if not viewer.personalised:
        return []
    terms = []
    for signal in viewer.signals:
        rule = viewer.signal_rules.get(signal) or {}
        roles, tracks = rule.get("roles") or {}, rule.get("tracks") or {}
        if not roles and not tracks:
            continue
        for role in viewer.boostable_roles():
            weight = float(roles.get(role, UNNAMED_ROLE))
            terms.append(Term(role, signal, None, W_LINK_FLOOR + W_ADDRESSES * weight))
            if role not in roles:
                continue  # a track links only the kinds of course the rule names
            for track, track_weight in sorted(tracks.items()):
                if viewer.high and track not in SUPPORTIVE_TRACKS:
                    continue
                terms.append(
                    Term(
                        role,
                        signal,
                        track,
                        W_LINK_FLOOR + W_TRACK * float(track_weight) * weight,
                    )
                )
    if viewer.high:
        terms.append(Term(HELP_SEEKING, None, None, W_HELP_FIRST))
    return [Term(t.role, t.signal, t.track, round(t.weight, 4)) for t in terms]


def score(doc: dict, viewer: Viewer) -> float:
    total = doc["prior"]
    if targets_viewer(doc):
        total += W_AUDIENCE
    for term in profile_terms(viewer):
        if term.applies(doc):
            total += term.weight
    return round(total, 4)


def _helping_signal(doc: dict, viewer: Viewer) -> str | None:
    """The raised signal whose link does most for this course, if any."""
    best, best_weight = None, 0.0
    for term in profile_terms(viewer):
        if term.signal is not None and term.applies(doc) and term.weight > best_weight:
            best, best_weight = term.signal, term.weight
    return best


def offer(role: str) -> str:
    """What a kind of course offers, as the second half of a reason."""
    return {
        SELF_HELP: _("this course teaches a few simple, practical ways to cope"),
        HELP_SEEKING: _("this course explains when and how to talk to a professional"),
        PSYCHO_EDUCATION: _("this course helps you understand what lies behind it"),
        PEER_ACTIVITY: _("this is an activity to join with colleagues"),
    }.get(role, _("this course may help"))


def reasons(doc: dict, viewer: Viewer) -> list[str]:
    """One-line reasons in the viewer's language, most important first; in plain words,
    never a clinical label (the rule's phrase, then what the course offers)."""
    found = []
    signal = _helping_signal(doc, viewer)
    if signal is not None:
        phrase = (viewer.signal_rules.get(signal) or {}).get("phrase", "")
        if phrase and (get_language() or "").startswith("zh"):
            found.append(
                _("%(phrase)s; %(offer)s") % {"phrase": phrase, "offer": offer(role_of(doc))}
            )
        else:
            found.append(offer(role_of(doc)))
    elif viewer.high and role_of(doc) == HELP_SEEKING:
        found.append(offer(HELP_SEEKING))
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
