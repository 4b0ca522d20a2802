"""Recommendations for a cadre: the viewer search ranks with, and the panels pages show.

What a viewer may know of a cadre is gathered here in a fixed number of queries: rank,
gender, post, age, completed courses and required assignments. The assessment profile
is not a learning concept: it reaches the viewer through the `lms_viewer_profile` hook,
which lms.assessments answers (lms/wagtail_hooks.py) only while the cadre's consent is
active. Without an answer, recommendations rest on audience, assignments and popularity.
The viewer is passed to a search backend as query parameters and never indexed.

A cadre's panel is computed once and cached for LMS_RECOMMENDATION_CACHE_SECONDS under
the catalogue's generation (a course published or withdrawn shows at the next request).
Whatever changes what a viewer holds forgets the cadre's panel: enrolments, completion
and withdrawal (signals, and the campaigns' bulk writes), consent given or withdrawn,
a new or deleted profile, a roster import changing rank, post or department.
"""

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language
from wagtail import hooks

from lms.conf import lms_settings
from lms.models.learning import Enrollment, EnrollmentStatus
from lms.people.models import AssessmentSignal, CadreProfile
from lms.people.roles import cadre_of
from search import recommendations as search_recommendations
from search.generation import catalogue_generation
from search.ranking import Viewer
from search.recommendations import TOP, RecommendationPanel, RecommendedCourse

VIEWER_PROFILE_HOOK = "lms_viewer_profile"


def viewer_profile(cadre: CadreProfile) -> dict | None:
    """{"signals", "rung", "signal_rules", "signal_names"} from whoever may share them, or
    None."""
    for provide in hooks.get_hooks(VIEWER_PROFILE_HOOK):
        profile = provide(cadre)
        if profile is not None:
            return profile
    return None


def viewer_for(cadre: CadreProfile, *, personalised: bool = True) -> Viewer:
    today = timezone.localdate()
    enrollments = Enrollment.objects.filter(cadre=cadre).values_list(
        "course_id", "status", "required", "due_date"
    )
    completed, enrolled, required_due = set(), set(), []
    for course_id, status, required, due_date in enrollments:
        if status == EnrollmentStatus.COMPLETED:
            completed.add(course_id)
        elif status == EnrollmentStatus.ACTIVE:
            enrolled.add(course_id)
            if required:
                required_due.append((course_id, due_date.isoformat() if due_date else ""))
    profile = (viewer_profile(cadre) if personalised else None) or {}
    return Viewer(
        rank_id=cadre.rank_id,
        rank_ordinal=cadre.rank.ordinal,
        rank_name=cadre.rank.name,
        gender=cadre.gender,
        post_category=cadre.post_category.code,
        age=cadre.age_in(today.year),
        completed=frozenset(completed),
        enrolled=frozenset(enrolled),
        required_due=tuple(sorted(required_due)),
        signals=tuple(profile.get("signals", ())),
        rung=profile.get("rung"),
        signal_rules=profile.get("signal_rules", {}),
        # The profile's names win: a cadre reads 身体不适感, not the clinical 躯体化.
        signal_names={
            **dict(AssessmentSignal.objects.values_list("key", "name")),
            **profile.get("signal_names", {}),
        },
    )


def recommendations_for(user, *, top: int = TOP) -> list[RecommendedCourse]:
    """Courses for this user, best first, each with its reasons (anyone not a cadre gets
    the anonymous, popularity-ranked list)."""
    cadre = cadre_of(user)
    if cadre is None:
        return search_recommendations.recommendations_for(None, top=top)
    return search_recommendations.recommendations_for(viewer_for(cadre), top=top)


def _panel_key(cadre_id: int, language: str) -> str:
    return f"lms:recommendation-panel:{cadre_id}:{language}"


def recommendation_panel(user) -> RecommendationPanel | None:
    """For cadres only (None for everyone else): their list and a popular list beside it,
    from the cache while neither the cadre nor the catalogue has changed."""
    cadre = cadre_of(user)
    if cadre is None:
        return None
    key = _panel_key(cadre.pk, get_language())
    generation = catalogue_generation()
    cached = cache.get(key)
    if cached is not None and cached[0] == generation:
        return cached[1]
    panel = search_recommendations.recommendation_panel(viewer_for(cadre))
    cache.set(key, (generation, panel), lms_settings.LMS_RECOMMENDATION_CACHE_SECONDS)
    return panel


def forget_recommendations(cadre_ids) -> None:
    """Drop these cadres' cached panels (in every language)."""
    cache.delete_many(
        [_panel_key(cadre_id, code) for cadre_id in cadre_ids for code, _name in settings.LANGUAGES]
    )


def forget_on_change(sender, instance, **kwargs) -> None:
    """Receiver (wired in LmsConfig.ready): a cadre profile, or a row holding a `cadre_id`."""
    forget_recommendations([instance.pk if sender is CadreProfile else instance.cadre_id])
