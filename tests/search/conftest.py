import itertools
import os
from dataclasses import dataclass

import pytest

from courses.models import DeliveryMode, Track
from lms.models import AssessmentSignal, Rank
from search.backends import get_search_backend
from search.documents import build_documents
from tests.factories import make_course, make_curriculum, make_lesson

_names = itertools.count(1)


def start_search_server():
    """Start a server speaking the Elasticsearch REST API on loopback.

    Under CI a server that will not start is a failure, never a skip.
    """
    from osmem_server import OsmemServer

    try:
        return OsmemServer.start()
    except Exception as exc:  # pragma: no cover - depends on the machine
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"no search server could be started: {exc}")


@pytest.fixture(scope="session")
def search_server():
    """One server for the whole session."""
    server = start_search_server()
    yield server
    server.close()


@pytest.fixture
def es_params(search_server):
    """Backend settings with an alias of its own, so tests never share an index."""
    return {
        "BACKEND": "search.backends.elasticsearch",
        "URLS": [search_server.url],
        "INDEX": f"test-courses-{os.getpid()}-{next(_names)}",
        "PLAIN_JSON": True,
        "TIMEOUT": 15,
    }


# The search tests' catalogue ------------------------------------------------------------
#
# One definition of every course the search tests use. A test module picks the courses
# its assertions count on (totals, facets, titles) with make_catalogue(); the catalogue
# fixture is the backend contract's six.

CURRICULA = {
    "stress": (Track.STRESS_RESILIENCE, "工作抗压训练与职业压力调适"),
    "women": (Track.WOMEN_DUAL_PRESSURE, "女性干部双重压力"),
    "talk": (Track.COMMUNICATION, "沟通与领导力"),
    "ethics": (Track.POLITICAL_ETHICS, "从政道德心理"),
}


@dataclass(frozen=True)
class CatalogueCourse:
    curriculum: str  # a key of CURRICULA
    title: str
    summary: str
    tags: tuple[str, ...] = ()
    delivery_mode: str = DeliveryMode.ONLINE
    audience_gender: str = ""
    audience_min_rank: str = ""  # a Rank code
    signals: tuple[str, ...] = ()  # AssessmentSignal keys the course addresses
    role: str = ""  # a CourseRole: what kind of help the course is
    lesson: str = ""  # the text of its one lesson, if it has one


# Built in this order, whichever are chosen.
COURSES = {
    "resilience": CatalogueCourse(
        "stress",
        "工作抗压训练：从紧张到从容",
        "认识压力来源，学会三种放松方法。",
        tags=("压力管理", "放松"),
        role="self_help",
    ),
    "sleep": CatalogueCourse(
        "stress",
        "睡眠与恢复",
        "改善睡眠的日常习惯。Sleep hygiene basics.",
        tags=("睡眠",),
        delivery_mode=DeliveryMode.OFFLINE,
    ),
    "dual": CatalogueCourse(
        "women",
        "女性干部的双重压力与自我关爱",
        "平衡工作与家庭，照顾好自己。",
        tags=("家庭", "情绪调节"),
        audience_gender="female",
        signals=("stress_family",),
        role="self_help",
    ),
    "listen": CatalogueCourse(
        "talk",
        "倾听的艺术",
        "改善人际沟通，减少误解。",
        tags=("沟通",),
        signals=("interpersonal",),
        lesson="积极倾听需要耐心与同理心。",
        role="self_help",
    ),
    "crisis_pr": CatalogueCourse(
        "talk",
        "危机公关与舆情应对",
        "面向县处级以上领导干部的危机沟通课程。",
        tags=("危机公关",),
        audience_min_rank="county_deputy",
        role="leadership",
    ),
    "integrity": CatalogueCourse(
        "ethics",
        "廉洁从政的心理支撑",
        "面对道德压力时保持定力。",
        tags=("从政道德",),
        role="psycho_education",
    ),
    # Markup to be shown escaped. Two spellings, because the search API tests and the
    # search page tests each assert their own.
    "markup": CatalogueCourse("stress", "<script>x</script>压力", "压力"),
    "markup_summary": CatalogueCourse(
        "stress", "<script>alert(1)</script>压力自测", "<b>粗体</b>压力说明"
    ),
}
CONTRACT_COURSES = ("resilience", "sleep", "dual", "listen", "crisis_pr", "integrity")


def build_catalogue(home, names, *, index=False) -> dict:
    """The named COURSES (and only the curricula they are in), published; with index=True
    also indexed into the default search backend."""
    unknown = set(names) - set(COURSES)
    assert not unknown, f"no such catalogue course: {sorted(unknown)}"
    chosen = {name: spec for name, spec in COURSES.items() if name in names}
    curricula = {
        key: make_curriculum(home, track=track, slug=key, title=title)
        for key, (track, title) in CURRICULA.items()
        if any(spec.curriculum == key for spec in chosen.values())
    }
    courses = {}
    for name, spec in chosen.items():
        fields = {
            "delivery_mode": spec.delivery_mode,
            "audience_gender": spec.audience_gender,
            "role": spec.role,
        }
        if spec.audience_min_rank:
            fields["audience_min_rank"] = Rank.objects.get(code=spec.audience_min_rank)
        courses[name] = make_course(
            curricula[spec.curriculum],
            title=spec.title,
            summary=spec.summary,
            tags=list(spec.tags),
            **fields,
        )
    for name, spec in chosen.items():
        if spec.lesson:
            make_lesson(courses[name], body=[("paragraph", f"<p>{spec.lesson}</p>")])
        if spec.signals:
            courses[name].signals.add(*AssessmentSignal.objects.filter(key__in=spec.signals))
            courses[name].save_revision().publish()
    if index:
        get_search_backend().rebuild(build_documents())
    return courses


@pytest.fixture
def make_catalogue(home):
    """make_catalogue("resilience", "sleep", ..., index=True): build_catalogue() for a test."""

    def make(*names, index=False):
        return build_catalogue(home, names, index=index)

    return make


@pytest.fixture
def catalogue(make_catalogue):
    """The backend contract's catalogue: six courses in four tracks, not indexed (each test
    indexes it into the backend it is about)."""
    return make_catalogue(*CONTRACT_COURSES)
