"""Who can read whose assessment data: every role against every URL that names a cadre or
an assessment, or shows the viewer's own assessment data.

Two cadres have stored results with distinctive scores, the canaries: "shared" (consents
to counsellors seeing them) and "private" (does not). Each role asks for its subject's
data: the counsellor-with-sharing row asks for the shared cadre, the counsellor-without-
sharing row for the private one, every other role for the shared cadre (the most open
case, so sharing with counsellors is shown to open nothing to anyone else).

Only the owner (on the cadre's pages) and the counsellor with sharing (on the counsellor
pages) may get 200 with the canary; everyone else gets a login redirect, 403 or 404, or
their own page, and no answer of theirs ever contains a canary. The rows are generated
from URL names, so a URL that is missing fails its rows instead of being skipped, and a
new URL in either namespace fails the coverage test until it has rows here.
"""

from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.urls import NoReverseMatch, get_resolver, reverse

from lms.assessments import records as assessments
from lms.models import Assessment, AssessmentConsent, AuditLog, FollowUpNote, FollowUpStatus
from lms.people.roles import DEPARTMENT_ADMINS, INSTRUCTORS, counsellors_group
from tests.factories import (
    CANARIES,
    PRIVATE_ANSWERS,
    SHARED_ANSWERS,
    make_assessed,
    make_cadre,
    shows_canary,
)

pytestmark = pytest.mark.django_db


# The URLs --------------------------------------------------------------------------------

SELF, NAMED, PUBLIC, COUNSELLOR = "self", "named", "public", "counsellor"


@dataclass(frozen=True)
class Url:
    name: str
    kind: str  # SELF: the viewer's own data; NAMED: a cadre or an assessment in the path
    shows_scores: bool = False  # the authorised reader must see the canary here
    post_only: bool = False

    def path(self, subject) -> str:
        return reverse(self.name, args=url_args(self.name, subject))


def url_args(name: str, subject) -> list:
    return {
        "lms_assessment:take": ["scl90"],
        "lms_assessment:result": [subject.assessment.pk],
        "lms_counsellor:cadre": [subject.cadre.pk],
        "lms_counsellor:follow_up": [subject.follow_up.pk],
        "lms_counsellor:follow_up_note": [subject.follow_up.pk],
    }.get(name, [])


URLS = [
    Url("lms_assessment:index", SELF),
    Url("lms_assessment:consent", SELF),
    Url("lms_assessment:take", SELF),
    Url("lms_assessment:result", NAMED, shows_scores=True),
    Url("lms_assessment:help", PUBLIC),
    Url("lms_assessment:export", SELF, shows_scores=True),
    Url("lms_assessment:delete", SELF),
    Url("lms_counsellor:worklist", COUNSELLOR),
    Url("lms_counsellor:cadre", NAMED, shows_scores=True),
    Url("lms_counsellor:follow_up", NAMED, post_only=True),
    Url("lms_counsellor:follow_up_note", NAMED, post_only=True),
]
URL_BY_NAME = {url.name: url for url in URLS}


# The roles -------------------------------------------------------------------------------

ROLES = [
    "owner",
    "other_cadre",
    "counsellor_with_sharing",
    "counsellor_without_sharing",
    "instructor",
    "department_admin",
    "superuser",
    "anonymous",
]
COUNSELLOR_ROLES = {"counsellor_with_sharing", "counsellor_without_sharing"}


def subject_key(role: str) -> str:
    return "private" if role == "counsellor_without_sharing" else "shared"


def authorised(role: str, url: Url) -> bool:
    """May this role read the subject's scores through this URL?"""
    if url.name.startswith("lms_assessment:"):
        return role == "owner"
    return role == "counsellor_with_sharing" and url.name == "lms_counsellor:cadre"


@dataclass(frozen=True)
class Expect:
    statuses: frozenset
    login: bool = False  # a 302 must go to the login page
    canary: bool = False  # the body must contain the subject's canary


DENIED = Expect(frozenset({403, 404}))
LOGIN = Expect(frozenset({302}), login=True)
OWN_PAGE = Expect(frozenset({200}))


def expected(role: str, url: Url) -> Expect:
    """The answer to a GET of `url` by `role`."""
    if url.kind == PUBLIC:
        return OWN_PAGE  # the crisis help page is for everyone, logged in or not
    if role == "anonymous":
        return LOGIN
    if url.name.startswith("lms_counsellor:"):
        if role not in COUNSELLOR_ROLES:
            return DENIED
        if url.post_only:
            return Expect(frozenset({405}))
        if url.kind == COUNSELLOR:
            return OWN_PAGE  # the worklist: names and due times, never a score
        return Expect(frozenset({200}), canary=True) if authorised(role, url) else DENIED
    # The cadre's pages: only for cadres, and each cadre sees only their own results.
    if role == "owner":
        return Expect(frozenset({200}), canary=url.shows_scores)
    if role == "other_cadre":
        return OWN_PAGE if url.kind == SELF else DENIED
    return DENIED  # counsellors, instructors and administrators have no cadre pages


CELLS = [(role, url.name) for url in URLS for role in ROLES]


# The world -------------------------------------------------------------------------------


def staff(django_user_model, username: str, group: str):
    user = django_user_model.objects.create_user(username, password="pw-staff-1")
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


@pytest.fixture
def world(django_user_model):
    shared = make_assessed(True, SHARED_ANSWERS, "共享测评干部")
    private = make_assessed(False, PRIVATE_ANSWERS, "未共享干部")
    other = make_cadre(name="其他干部")
    assessments.give_consent(other, share_with_counsellor=True, purpose="课程推荐")
    assessments.submit(other, "scl90", dict.fromkeys(range(1, 91), 1))
    counsellor = django_user_model.objects.create_user("counsellor", password="pw-c-1")
    counsellor.groups.add(counsellors_group())
    users = {
        "owner": shared.cadre.user,
        "other_cadre": other.user,
        "counsellor_with_sharing": counsellor,
        "counsellor_without_sharing": counsellor,
        "instructor": staff(django_user_model, "teacher", INSTRUCTORS),
        "department_admin": staff(django_user_model, "deptadmin", DEPARTMENT_ADMINS),
        "superuser": django_user_model.objects.create_superuser("root", password="pw-root-1"),
        "anonymous": None,
    }
    return SimpleNamespace(subjects={"shared": shared, "private": private}, users=users)


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def request_as(client, world, role: str, url: Url, method: str = "get", data=None):
    client.logout()
    if world.users[role] is not None:
        client.force_login(world.users[role])
    path = url.path(world.subjects[subject_key(role)])
    return getattr(client, method)(path, data or {})


def problems_with(world, role: str, url: Url, response) -> list[str]:
    """Everything wrong with one cell's answer; an empty list means the cell holds."""
    want = expected(role, url)
    text = body(response)
    found = []
    if response.status_code not in want.statuses:
        found.append(f"status {response.status_code}, expected one of {sorted(want.statuses)}")
    if want.login and not response.get("Location", "").startswith(reverse("login")):
        found.append(f"redirect to {response.get('Location')!r}, not to the login page")
    key = subject_key(role)
    if want.canary and not shows_canary(text, key):
        found.append("the authorised reader does not see the results")
    if not authorised(role, url) and any(shows_canary(text, k) for k in CANARIES):
        found.append("UNAUTHORISED READ: the body contains a cadre's scores")
    if authorised(role, url) and role != "owner" and response.status_code == 200:
        subject = world.subjects[key].cadre
        user = world.users[role]
        if not AuditLog.objects.filter(actor=user, subject=subject, action="view").exists():
            found.append("a read by someone other than the cadre was not audited")
    return found


# The matrix ------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "url_name"), CELLS, ids=[f"{u}-{r}" for r, u in CELLS])
def test_cell(client, world, role, url_name):
    url = URL_BY_NAME[url_name]
    response = request_as(client, world, role, url)
    assert problems_with(world, role, url, response) == []


def test_zero_of_n_unauthorised_reads_succeed(client, world):
    """The whole matrix in one pass, counted: a missing URL counts as a failure."""
    unauthorised = [(r, n) for r, n in CELLS if not authorised(r, URL_BY_NAME[n])]
    succeeded, failures = [], []
    for role, name in CELLS:
        url = URL_BY_NAME[name]
        try:
            response = request_as(client, world, role, url)
        except NoReverseMatch:
            failures.append(f"{name} as {role}: the URL does not exist yet")
            continue
        text = body(response)
        if (role, name) in unauthorised and (
            any(shows_canary(text, key) for key in CANARIES)
            or (url.kind == NAMED and response.status_code == 200)
        ):
            succeeded.append(f"{name} as {role}")
        failures += [f"{name} as {role}: {p}" for p in problems_with(world, role, url, response)]

    assert len(CELLS) == len(ROLES) * len(URLS) == 88
    assert len(unauthorised) == 80  # all but the owner's 7 and the sharing counsellor's 1
    assert succeeded == [], f"{len(succeeded)} of {len(unauthorised)} unauthorised reads succeeded"
    assert failures == []


def test_every_assessment_and_counsellor_url_has_rows():
    """A new URL in either namespace fails here until the matrix covers it."""
    resolver = get_resolver()
    names = set()
    for namespace in ("lms_assessment", "lms_counsellor"):
        _prefix, sub = resolver.namespace_dict[namespace]
        names |= {
            f"{namespace}:{key}"
            for key in sub.reverse_dict
            if isinstance(key, str) and not key.startswith("_")
        }
    assert names == set(URL_BY_NAME)


# Writes: nobody but the owner (or a counsellor, for a follow-up) changes anything --------

WRITES = [
    "lms_counsellor:follow_up",
    "lms_counsellor:follow_up_note",
    "lms_assessment:delete",
    "lms_assessment:consent",
]
WRITE_CELLS = [(role, name) for name in WRITES for role in ROLES]


def write_allowed(role: str, name: str) -> bool:
    if name == "lms_counsellor:follow_up":
        return role in COUNSELLOR_ROLES  # a follow-up holds no score; any counsellor handles it
    if name == "lms_counsellor:follow_up_note":
        return role == "counsellor_with_sharing"  # notes sit beside the results they concern
    return role == "owner"


@pytest.mark.parametrize(
    ("role", "url_name"), WRITE_CELLS, ids=[f"post-{u}-{r}" for r, u in WRITE_CELLS]
)
def test_write_cell(client, world, role, url_name):
    subject = world.subjects[subject_key(role)]
    data = {
        "lms_counsellor:follow_up": {"status": "closed"},
        "lms_counsellor:follow_up_note": {"text": "随访记录"},
        "lms_assessment:delete": {},
        "lms_assessment:consent": {"action": "withdraw"},
    }[url_name]
    response = request_as(client, world, role, URL_BY_NAME[url_name], "post", data)
    allowed = write_allowed(role, url_name)

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif url_name.startswith("lms_counsellor:follow_up") and not allowed:
        assert response.status_code == 403
    else:
        assert response.status_code in (302, 403), response.status_code
    assert not any(shows_canary(body(response), key) for key in CANARIES)

    if url_name == "lms_counsellor:follow_up":
        subject.follow_up.refresh_from_db()
        assert (subject.follow_up.status == FollowUpStatus.CLOSED) is allowed
    elif url_name == "lms_counsellor:follow_up_note":
        assert FollowUpNote.objects.filter(follow_up=subject.follow_up).exists() is allowed
    elif url_name == "lms_assessment:delete":
        kept = Assessment.objects.filter(cadre=subject.cadre).exists()
        assert kept is not allowed
    else:
        active = AssessmentConsent.objects.active().filter(cadre=subject.cadre).exists()
        assert active is not allowed


# The JSON API ----------------------------------------------------------------------------


def test_the_api_has_no_assessment_endpoint(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = " ".join(schema["paths"]).lower()
    for word in ("assess", "psych", "consent", "follow", "scl", "counsel"):
        assert word not in paths, word
