"""Recommendations as pages and the API show them: the course, its link and why.

The caller builds a cadre's viewer (audience, assignments and, only while they consent,
the assessment profile: lms.learning.recommendations) and search.ranking decides what of
it may be used; no viewer means the anonymous one. The non-personalised list is the same
for everyone, so a cadre always has a choice that does not rest on their personal
characteristics (PIPL Art. 24). Each list costs a fixed number of queries, whatever its length.
"""

import math
from dataclasses import dataclass, field

from django.core.cache import cache
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from wagtail.models import Site

from .backends import get_search_backend
from .forms import track_label
from .generation import catalogue_generation
from .ranking import Recommendation, Viewer
from .viewers import anonymous_viewer

TOP = 6
POPULAR = 4


@dataclass(frozen=True)
class RecommendedCourse:
    course_id: int
    title: str
    track: str
    track_title: str
    url: str
    reasons: tuple[str, ...]

    @property
    def reason(self) -> str:
        """The most important reason, the one a list has room for."""
        return self.reasons[0] if self.reasons else ""


@dataclass
class RecommendationPanel:
    """The "recommended for you" block of /my/ and the catalogue."""

    personal: list[RecommendedCourse] = field(default_factory=list)
    popular: list[RecommendedCourse] = field(default_factory=list)
    # At the high rung the counselling contact heads the block, before any course.
    help_first: bool = False


def page_url_resolver():
    """A function from a page's url_path to its URL, as Page.get_url() would give it.

    The index stores url_path, not page objects; Wagtail's site root paths (cached by
    Wagtail) turn it into a URL without loading a page per course.
    """
    roots = Site.get_site_root_paths()
    several_sites = len({root.site_id for root in roots}) > 1

    def url(url_path: str) -> str:
        for root in roots:
            if url_path.startswith(root.root_path):
                try:
                    path = reverse("wagtail_serve", args=(url_path[len(root.root_path) :],))
                except NoReverseMatch:
                    return ""
                return root.root_url + path if several_sites else path
        return ""

    return url


def _shown(found: list[Recommendation]) -> list[RecommendedCourse]:
    url = page_url_resolver()
    return [
        RecommendedCourse(
            course_id=item.course_id,
            title=item.title,
            track=item.track,
            track_title=track_label(item.track) if item.track else "",
            url=url(item.url_path),
            reasons=tuple(item.reasons),
        )
        for item in found
    ]


def recommendations_for(viewer: Viewer | None, *, top: int = TOP) -> list[RecommendedCourse]:
    """Courses for this viewer, best first, each with the reasons it is recommended."""
    return _shown(get_search_backend().recommend(viewer or anonymous_viewer(), top))


# The popular list is the same for everyone: computed once per catalogue generation and
# language (its reasons are translated), at this length, and cut per caller.
POPULAR_POOL = TOP + POPULAR
POPULAR_SECONDS = 10 * 60


def _popular_pool(length: int) -> list[RecommendedCourse]:
    key = f"search:popular:{catalogue_generation()}:{get_language()}:{length}"
    pool = cache.get(key)
    if pool is None:
        pool = _shown(get_search_backend().recommend(anonymous_viewer(), length))
        cache.set(key, pool, POPULAR_SECONDS)
    return pool


def popular_courses(*, top: int = POPULAR, exclude=()) -> list[RecommendedCourse]:
    """Not personalised: courses open to every cadre, most popular first."""
    exclude = set(exclude)
    # Pools grow in steps, so that cadres excluding a few more courses share one.
    pool = _popular_pool(POPULAR_POOL * math.ceil((top + len(exclude)) / POPULAR_POOL))
    return [item for item in pool if item.course_id not in exclude][:top]


def recommendation_panel(viewer: Viewer) -> RecommendationPanel:
    """A cadre's list and a popular list beside it, neither repeating a course the cadre
    is already taking (those are listed above the panel, required ones first)."""
    taking = set(viewer.enrolled)
    found = recommendations_for(viewer, top=TOP + len(taking))
    personal = [item for item in found if item.course_id not in taking][:TOP]
    popular = popular_courses(exclude=taking | {item.course_id for item in personal})
    return RecommendationPanel(personal=personal, popular=popular, help_first=viewer.high)
