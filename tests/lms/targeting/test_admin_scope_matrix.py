"""Who reaches which of the administrators' screens, and whose rows they see there: every
role against every URL of 干部名册, 目标人群, 培训任务, 学习记录 and the credit-hour ledger.

Two sibling departments under one root: X (with a child X1), administered by admin A, and
Y, administered by admin B. Each side has a cadre, an audience (and a spare one nobody
targets), a draft, a running and a paused campaign, a roster import, an enrolment and a
credit record. Every URL that names an object is asked for X's object and for Y's.

What the admin gives (and the cells assert):
- anonymous, a cadre, a counsellor (no `wagtailadmin.access_admin`): 302 to the admin login;
- an instructor (admin access, none of these permissions): Wagtail turns PermissionDenied
  into a 302 to the admin dashboard, and views that look the object up in `setup()` (before
  the permission check) answer 404 because the instructor's scope is empty;
- a department administrator: 200 on their own side's objects where their role holds the
  permission (DEPARTMENT_ADMIN_PERMISSIONS), a 302 to the dashboard where it does not, and
  404 on the other side's objects; no page of theirs names the other side;
- the system administrator: 200 everywhere.
No page anybody opens shows the assessment data of the X1 cadre, who has a consented SCL-90
result. The rows are generated from URL names, and a URL added to any of these namespaces
fails the coverage test until it has rows here.
"""

import json
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone

from lms.assessments import records as assessments
from lms.assessments.instruments import shipped_definitions
from lms.models import CreditRecord, Enrollment, PsychProfile
from lms.models.targeting import Audience, Campaign, CampaignStatus, ImportStatus, RosterImport
from lms.people.accounts import (
    DEPARTMENT_ADMIN_PERMISSIONS,
    instructors_group,
    make_department_admin,
)
from lms.people.models import CadreProfile
from lms.people.roles import counsellors_group
from lms.targeting import roster
from lms.targeting.audiences import audience_cadres
from tests.factories import (
    SHARED_ANSWERS,
    make_cadre,
    make_course,
    make_curriculum,
    make_department,
    rolled_back,
    shows_canary,
)

pytestmark = pytest.mark.django_db

SNIPPET = "wagtailsnippets_lms_creditrecord"
CHOOSER = "wagtailsnippetchoosers_lms_creditrecord"
NAMESPACES = ("roster", "audiences", "campaigns", "learning_records", SNIPPET, CHOOSER)

# The bug this matrix found (the cells it breaks are strict xfails, see known_bug()).
BUG_CHOOSER = (
    "the credit ledger's snippet chooser (wagtailsnippetchoosers_lms_creditrecord) is "
    "neither scoped nor permission-checked: any admin user, instructors included, lists "
    "and resolves every cadre's credit records"
)


# The URLs --------------------------------------------------------------------------------

# Permissions as the generic views ask for them: any one of the codenames will do.
VIEW, ADD, CHANGE, DELETE = ("view", "add", "change", "delete"), ("add",), ("change",), ("delete",)
HISTORY = ("add", "change", "delete")


@dataclass(frozen=True)
class Url:
    name: str
    model: str  # the model whose permissions the view checks
    perms: tuple[str, ...]  # any one of these actions
    target: str | None = None  # the object of a side the URL names; None: no object
    method: str = "get"  # "post" for the POST-only campaign actions
    by_id_query: bool = False  # chosen_multiple names its objects in ?id=

    @property
    def key(self) -> str:
        return self.name.split(":")[1]

    def held_by_department_admins(self) -> bool:
        app, model = self.model.split(".")
        held = DEPARTMENT_ADMIN_PERMISSIONS.get(app, [])
        return any(f"{action}_{model}" in held for action in self.perms)

    def path(self, side) -> str:
        if self.target is None:
            return reverse(self.name)
        pk = getattr(side, self.target).pk
        if self.by_id_query:
            return f"{reverse(self.name)}?id={pk}"
        return reverse(self.name, args=[pk])


def model_urls(ns: str, model: str, target: str, *, extra=(), delete_target=None) -> list:
    return [
        Url(f"{ns}:index", model, VIEW),
        Url(f"{ns}:index_results", model, VIEW),
        Url(f"{ns}:add", model, ADD),
        Url(f"{ns}:edit", model, CHANGE, target),
        Url(f"{ns}:delete", model, DELETE, delete_target or target),
        Url(f"{ns}:inspect", model, VIEW, target),
        Url(f"{ns}:history", model, HISTORY, target),
        Url(f"{ns}:history_results", model, HISTORY, target),
        Url(f"{ns}:usage", model, CHANGE, target),
        *extra,
    ]


URLS = [
    *model_urls(
        "roster",
        "lms.cadreprofile",
        "cadre",
        extra=[
            Url("roster:import", "lms.rosterimport", ADD),
            Url("roster:import_preview", "lms.rosterimport", ADD, "roster_import"),
            Url("roster:import_problems", "lms.rosterimport", ADD, "roster_import"),
        ],
    ),
    *model_urls("audiences", "lms.audience", "audience", delete_target="spare_audience"),
    *model_urls(
        "campaigns",
        "lms.campaign",
        "draft",
        extra=[
            Url("campaigns:launch", "lms.campaign", CHANGE, "draft"),
            Url("campaigns:pause", "lms.campaign", CHANGE, "running", method="post"),
            Url("campaigns:resume", "lms.campaign", CHANGE, "paused", method="post"),
            Url("campaigns:cancel", "lms.campaign", CHANGE, "draft", method="post"),
            Url("campaigns:progress", "lms.campaign", VIEW, "draft"),
        ],
    ),
    *model_urls("learning_records", "lms.enrollment", "enrollment"),
    Url(f"{SNIPPET}:list", "lms.creditrecord", VIEW),
    Url(f"{SNIPPET}:list_results", "lms.creditrecord", VIEW),
    Url(f"{SNIPPET}:add", "lms.creditrecord", ADD),
    Url(f"{SNIPPET}:copy", "lms.creditrecord", ADD, "credit"),
    Url(f"{SNIPPET}:edit", "lms.creditrecord", CHANGE, "credit"),
    Url(f"{SNIPPET}:delete", "lms.creditrecord", DELETE, "credit"),
    Url(f"{SNIPPET}:inspect", "lms.creditrecord", VIEW, "credit"),
    Url(f"{SNIPPET}:history", "lms.creditrecord", HISTORY, "credit"),
    Url(f"{SNIPPET}:history_results", "lms.creditrecord", HISTORY, "credit"),
    Url(f"{SNIPPET}:usage", "lms.creditrecord", CHANGE, "credit"),
    Url(f"{CHOOSER}:choose", "lms.creditrecord", VIEW),
    Url(f"{CHOOSER}:choose_results", "lms.creditrecord", VIEW),
    Url(f"{CHOOSER}:chosen", "lms.creditrecord", VIEW, "credit"),
    Url(f"{CHOOSER}:chosen_multiple", "lms.creditrecord", VIEW, "credit", by_id_query=True),
    Url(f"{CHOOSER}:create", "lms.creditrecord", ADD),
]
URL_BY_NAME = {url.name: url for url in URLS}


# The roles -------------------------------------------------------------------------------

ROLES = ["anonymous", "cadre", "instructor", "counsellor", "admin_a", "admin_b", "superuser"]
OWN_SIDE = {"admin_a": "x", "admin_b": "y"}
OTHER = {"x": "y", "y": "x"}
# What names each side on a page: a department administrator never sees the other's.
MARKERS = {
    "x": ["甲部门", "甲一科", "X1-0001", "甲学时记录"],
    "y": ["乙部门", "Y-0001", "乙学时记录"],
}


def sides(url: Url) -> list[str]:
    return ["x", "y"] if url.target else ["-"]


@dataclass(frozen=True)
class Expect:
    statuses: frozenset
    login: bool = False  # a 302 must go to the admin login
    dashboard: bool = False  # a 302 must go to the admin dashboard (Wagtail's "denied")
    done: str | None = None  # a 302 must go here (a POST action that succeeded)


LOGIN = Expect(frozenset({302}), login=True)
DENIED = Expect(frozenset({302, 404}), dashboard=True)
NO_PERMISSION = Expect(frozenset({302}), dashboard=True)
NOT_FOUND = Expect(frozenset({404}))


def allowed(url: Url) -> Expect:
    if url.method == "post":
        return Expect(frozenset({302}), done=reverse("campaigns:index"))
    return Expect(frozenset({200}))


def expected(role: str, url: Url, side: str) -> Expect:
    if role in ("anonymous", "cadre", "counsellor"):
        return LOGIN
    if role == "instructor":
        return DENIED
    if role == "superuser":
        return allowed(url)
    held = url.held_by_department_admins()
    if side in ("-", OWN_SIDE[role]):
        return allowed(url) if held else NO_PERMISSION
    if not held:
        return DENIED
    if url.by_id_query:  # a scoped lookup by ?id= may answer 404 or an empty result
        return Expect(frozenset({200, 404}))
    return NOT_FOUND


def known_bug(role: str, url: Url, side: str) -> str | None:
    """None now: the chooser bug (BUG_CHOOSER) is fixed; kept for the next one found."""
    return None


def cell_param(role: str, url: Url, side: str):
    bug = known_bug(role, url, side)
    marks = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
    return pytest.param(role, url.name, side, marks=marks, id=f"{url.name}-{side}-{role}")


CELLS = [cell_param(role, url, side) for url in URLS for side in sides(url) for role in ROLES]


# The world: built once for the module, rolled back at its end ---------------------------


def build_world() -> SimpleNamespace:
    from courses.models import CatalogueHomePage

    User = get_user_model()
    home = CatalogueHomePage.objects.get()
    course = make_course(make_curriculum(home), title="压力管理课")
    root = make_department(code="scope_root", name="市直机关")
    departments = {
        "x": make_department(code="scope_x", name="甲部门", parent=root),
        "y": make_department(code="scope_y", name="乙部门", parent=root),
    }
    x1 = make_department(code="scope_x1", name="甲一科", parent=departments["x"])
    for department in (root, *departments.values(), x1):
        department.refresh_from_db()  # siblings are kept in name order: paths moved
    cadres = {
        "x": make_cadre(name="甲一科干部", department=x1, employee_id="X1-0001"),
        "y": make_cadre(name="乙部门干部", department=departments["y"], employee_id="Y-0001"),
    }
    assessments.give_consent(cadres["x"], share_with_counsellor=True, purpose="课程推荐")
    assessments.submit(cadres["x"], "scl90", SHARED_ANSWERS)

    due = timezone.localdate() + timedelta(days=30)
    world = SimpleNamespace(course=course, root=root, x1=x1, departments=departments)
    for key, tag in (("x", "甲"), ("y", "乙")):
        department, cadre = departments[key], cadres[key]

        def campaign(name, audience, department=department, **fields):
            made = Campaign.objects.create(
                name=name, owner_department=department, audience=audience, due_date=due, **fields
            )
            made.courses.set([course])
            return made

        audience = Audience.objects.create(name=f"{tag}部门目标人群", owner_department=department)
        upload = (
            "工号,姓名,性别,出生年份,部门,职级,岗位类别\r\n"
            f"{key.upper()}-NEW1,{tag}部门新干部,女,1988,{department.code},clerk_1,comprehensive\r\n"
        ).encode()
        checked = roster.check_roster(roster.read_roster(upload, "名册.csv"), scope=department)
        now = timezone.now()
        setattr(
            world,
            key,
            SimpleNamespace(
                department=department,
                cadre=cadre,
                audience=audience,
                spare_audience=Audience.objects.create(
                    name=f"{tag}部门备用人群", owner_department=department
                ),
                draft=campaign(f"{tag}部门草稿任务", audience),
                running=campaign(
                    f"{tag}部门进行中任务",
                    audience,
                    status=CampaignStatus.RUNNING,
                    launched_at=now,
                    assigned_at=now,
                ),
                paused=campaign(
                    f"{tag}部门暂停任务", audience, status=CampaignStatus.PAUSED, launched_at=now
                ),
                roster_import=RosterImport.objects.create(
                    file_name=f"{tag}部门名册.csv",
                    owner_department=department,
                    rows=checked["rows"],
                    problems=checked["problems"],
                ),
                enrollment=Enrollment.objects.create(cadre=cadre, course=course),
                credit=CreditRecord.objects.create(
                    cadre=cadre,
                    title=f"{tag}学时记录",
                    hours=Decimal("2.0"),
                    earned_on=timezone.localdate(),
                    source="online",
                ),
            ),
        )
    admin_a = User.objects.create_user("scope_admin_a", password="pw-admin-1")
    make_department_admin(admin_a, departments["x"])
    admin_b = User.objects.create_user("scope_admin_b", password="pw-admin-1")
    make_department_admin(admin_b, departments["y"])
    instructor = User.objects.create_user("scope_teacher", password="pw-staff-1")
    instructor.groups.add(instructors_group(home))
    counsellor = User.objects.create_user("scope_counsellor", password="pw-staff-1")
    counsellor.groups.add(counsellors_group())
    world.users = {
        "anonymous": None,
        "cadre": make_cadre(name="甲部门普通干部", department=departments["x"]).user,
        "instructor": instructor,
        "counsellor": counsellor,
        "admin_a": admin_a,
        "admin_b": admin_b,
        "superuser": User.objects.create_superuser("scope_root", password="pw-root-1"),
    }
    world.forbidden_words = assessment_words(cadres["x"])
    return world


def assessment_words(cadre) -> list[str]:
    """The words that would show the X1 cadre's assessment: its factors' names, and what
    result pages call results and positive items."""
    profile = PsychProfile.objects.get(cadre=cadre)
    assert profile.data["factors"], "the canary cadre must have raised factors"
    names = {f["key"]: f["name"] for f in shipped_definitions()["scl90"]["factors"]}
    return ["测评结果", "阳性", *(names[key] for key in profile.data["factors"])]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once inside a transaction rolled back at the end; each test's own writes are
    rolled back by its own savepoint."""
    with rolled_back(django_db_blocker):
        yield build_world()


@pytest.fixture
def client():
    # A 500 is an answer the matrix reports, not an exception that hides the other cells.
    return Client(raise_request_exception=False)


# Asking and judging ----------------------------------------------------------------------


def side_of(world, side: str):
    return getattr(world, side) if side in ("x", "y") else None


def request_as(client, world, role: str, url: Url, side: str, method=None, data=None):
    client.logout()
    if world.users[role] is not None:
        client.force_login(world.users[role])
    return getattr(client, method or url.method)(url.path(side_of(world, side)), data or {})


def body(response) -> str:
    if response.streaming:
        text = b"".join(response.streaming_content).decode(errors="replace")
    else:
        text = response.content.decode(errors="replace")
    if response.get("Content-Type", "").startswith("application/json"):
        # Chooser answers are JSON with \u escapes: compare the text a browser would show.
        text = json.dumps(json.loads(text), ensure_ascii=False)
    return text


def assessment_problems(world, text: str) -> list[str]:
    found = [f"shows {word!r}" for word in world.forbidden_words if word in text]
    if shows_canary(text, "shared"):
        found.append("shows the X1 cadre's SCL-90 scores")
    return found


def problems_with(world, role: str, url: Url, side: str, response) -> list[str]:
    """Everything wrong with one cell's answer; an empty list means the cell holds."""
    want = expected(role, url, side)
    found = []
    status, location = response.status_code, response.get("Location", "")
    if status not in want.statuses:
        found.append(f"status {status}, expected one of {sorted(want.statuses)}")
    if status == 302:
        if want.login and not location.startswith(reverse("wagtailadmin_login")):
            found.append(f"redirect to {location!r}, not to the admin login")
        if want.dashboard and location != reverse("wagtailadmin_home"):
            found.append(f"redirect to {location!r}, not to the admin dashboard")
        if want.done and location != want.done:
            found.append(f"redirect to {location!r}, not to {want.done!r}")
    text = body(response)
    if role in OWN_SIDE:
        other = OTHER[OWN_SIDE[role]]
        found += [f"names the other side: {m!r}" for m in MARKERS[other] if m in text]
    found += assessment_problems(world, text)
    return found


# The matrix ------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "url_name", "side"), CELLS)
def test_cell(client, world, role, url_name, side):
    url = URL_BY_NAME[url_name]
    response = request_as(client, world, role, url, side)
    problems = problems_with(world, role, url, side, response)
    assert problems == [], f"{url.method.upper()} {url_name} ({side}) as {role}: {problems}"


def test_the_matrix_size():
    object_urls = [url for url in URLS if url.target]
    assert len(URLS) == 59
    assert len(object_urls) == 40
    assert len(CELLS) == len(ROLES) * (len(URLS) + len(object_urls)) == 693


def test_every_url_of_these_viewsets_has_rows():
    """A new URL in any of these namespaces fails here until the matrix covers it."""
    resolver = get_resolver()
    names = set()
    for namespace in NAMESPACES:
        _prefix, sub = resolver.namespace_dict[namespace]
        names |= {
            f"{namespace}:{key}"
            for key in sub.reverse_dict
            if isinstance(key, str) and not key.startswith("_")
        }
    assert names == set(URL_BY_NAME)


# Writes: a POST outside one's scope (or role) changes nothing ----------------------------


def cadre_form(cadre, **changes) -> dict:
    return {
        "employee_id": cadre.employee_id,
        "name": cadre.name,
        "gender": cadre.gender,
        "birth_year": cadre.birth_year,
        "department": cadre.department_id,
        "rank": cadre.rank_id,
        "post_title": cadre.post_title,
        "post_category": cadre.post_category_id,
        "in_post_since": "",
        **changes,
    }


def campaign_form(world, campaign, **changes) -> dict:
    return {
        "name": campaign.name,
        "description": "",
        "courses": [world.course.pk],
        "audience": campaign.audience_id,
        "required": "on",
        "due_date": campaign.due_date.isoformat(),
        "remind_days_before": 7,
        "remind_overdue": "on",
        "remind_not_started_after_days": 14,
        **changes,
    }


def credit_form(credit, **changes) -> dict:
    return {
        "cadre": credit.cadre_id,
        "course": "",
        "title": credit.title,
        "hours": str(credit.hours),
        "earned_on": credit.earned_on.isoformat(),
        "source": credit.source,
        "status": credit.status,
        "note": "",
        "decided_by": "",
        **changes,
    }


# The POST data, for the object a URL names, of every write these screens offer.
WRITES = {
    "roster:edit": lambda w, o: cadre_form(o, name="改过的姓名"),
    "roster:delete": lambda w, o: {},
    "roster:import_preview": lambda w, o: {"action": "commit"},
    "audiences:edit": lambda w, o: {"name": "改过的人群", "description": ""},
    "audiences:delete": lambda w, o: {},
    "campaigns:edit": lambda w, o: campaign_form(w, o, name="改过的任务"),
    "campaigns:delete": lambda w, o: {},
    "campaigns:launch": lambda w, o: {},
    "campaigns:pause": lambda w, o: {},
    "campaigns:resume": lambda w, o: {},
    "campaigns:cancel": lambda w, o: {},
    "learning_records:edit": lambda w, o: {"due_date": "2031-01-31"},
    "learning_records:delete": lambda w, o: {},
    f"{SNIPPET}:edit": lambda w, o: credit_form(o, title="改过的学时记录"),
    f"{SNIPPET}:delete": lambda w, o: {},
}
WRITE_CELLS = [(role, name) for name in WRITES for role in ROLES]


def snapshot(obj) -> dict | None:
    row = type(obj).objects.filter(pk=obj.pk).values().first()
    return {**row, "cadres": CadreProfile.objects.count()} if row else None


def post(client, world, role: str, url: Url, side: str):
    data = WRITES[url.name](world, getattr(side_of(world, side), url.target))
    return request_as(client, world, role, url, side, method="post", data=data)


@pytest.mark.parametrize(
    ("role", "url_name"), WRITE_CELLS, ids=[f"post-{n}-{r}" for r, n in WRITE_CELLS]
)
def test_write_cell(client, world, role, url_name):
    """Each role POSTs to the object it must not touch (for a department administrator the
    other side's, for everyone else Y's); the superuser's POST is the control that the
    same data does change the row."""
    url = URL_BY_NAME[url_name]
    side = OTHER[OWN_SIDE[role]] if role in OWN_SIDE else "y"
    obj = getattr(side_of(world, side), url.target)
    before = snapshot(obj)

    response = post(client, world, role, url, side)

    where = f"POST {url_name} ({side}) as {role}"
    if role == "superuser":
        assert response.status_code == 302, f"{where}: {response.status_code}"
        assert snapshot(obj) != before, f"{where}: the control POST changed nothing"
        return
    want = expected(role, url, side)
    assert response.status_code in want.statuses, f"{where}: {response.status_code}"
    assert snapshot(obj) == before, f"{where}: the row changed"


@pytest.mark.parametrize("url_name", WRITES)
def test_a_department_administrator_writes_their_own_side_as_their_role_allows(
    client, world, url_name
):
    """The 404s above are scope, not a broken form: the same POST on A's own object does
    what A's role allows, and nothing where the role lacks the permission."""
    url = URL_BY_NAME[url_name]
    obj = getattr(world.x, url.target)
    before = snapshot(obj)
    response = post(client, world, "admin_a", url, "x")
    where = f"POST {url_name} (x) as admin_a"
    if url.held_by_department_admins():
        assert response.status_code == 302, f"{where}: {response.status_code}"
        assert response["Location"] != reverse("wagtailadmin_home"), where
        assert snapshot(obj) != before, f"{where}: nothing changed"
    else:
        assert response.status_code == 302, f"{where}: {response.status_code}"
        assert response["Location"] == reverse("wagtailadmin_home"), where
        assert snapshot(obj) == before, f"{where}: the row changed without the permission"


def test_a_committed_import_of_the_other_side_writes_no_cadre(client, world):
    client.force_login(world.users["admin_a"])
    path = reverse("roster:import_preview", args=[world.y.roster_import.pk])
    for action in ("commit", "valid_only", "discard"):
        assert client.post(path, {"action": action}).status_code == 404, action
    world.y.roster_import.refresh_from_db()
    assert world.y.roster_import.status == ImportStatus.PREVIEWED
    assert not CadreProfile.objects.filter(employee_id="Y-NEW1").exists()


# Listings, search and forms --------------------------------------------------------------

LISTINGS = {  # each listing and the rows it has of each side
    "roster:index": {"x": ["甲一科干部", "X1-0001"], "y": ["乙部门干部", "Y-0001"]},
    "roster:import": {"x": ["甲部门名册.csv"], "y": ["乙部门名册.csv"]},
    "audiences:index": {
        "x": ["甲部门目标人群", "甲部门备用人群"],
        "y": ["乙部门目标人群", "乙部门备用人群"],
    },
    "campaigns:index": {
        "x": ["甲部门草稿任务", "甲部门进行中任务", "甲部门暂停任务"],
        "y": ["乙部门草稿任务", "乙部门进行中任务", "乙部门暂停任务"],
    },
    "learning_records:index": {"x": ["甲一科干部"], "y": ["乙部门干部"]},
    f"{SNIPPET}:list": {"x": ["甲学时记录"], "y": ["乙学时记录"]},
}


@pytest.mark.parametrize("role", ["admin_a", "admin_b", "superuser"])
@pytest.mark.parametrize("url_name", LISTINGS)
def test_listings_show_their_own_rows_and_none_of_the_others(client, world, url_name, role):
    client.force_login(world.users[role])
    response = client.get(reverse(url_name))
    assert response.status_code == 200, f"{url_name} as {role}"
    page = body(response)
    own = ["x", "y"] if role == "superuser" else [OWN_SIDE[role]]
    for side in ("x", "y"):
        rows = LISTINGS[url_name][side]
        if side in own:
            missing = [row for row in rows if row not in page]
            assert missing == [], f"{url_name} as {role}: its own rows {missing} are missing"
        else:
            leaked = [row for row in rows if row in page]
            assert leaked == [], f"{url_name} as {role}: the other side's rows {leaked}"


@pytest.mark.parametrize(
    "url_name",
    ["roster:index", "roster:index_results", "learning_records:index", f"{SNIPPET}:list"],
)
@pytest.mark.parametrize(
    ("query", "own_hit"), [("干部", True), ("Y-0001", False), ("乙部门干部", False)]
)
def test_search_inside_a_listing_stays_in_scope(client, world, url_name, query, own_hit):
    client.force_login(world.users["admin_a"])
    response = client.get(reverse(url_name), {"q": query})
    where = f"{url_name}?q={query} as admin_a"
    assert response.status_code == 200, where
    rows = list(response.context["object_list"])
    cadres = {getattr(row, "cadre", row) for row in rows}
    assert (world.x.cadre in cadres) is own_hit, f"{where}: the own cadre's rows"
    assert world.y.cadre not in cadres, f"{where}: the other side's rows {rows}"
    page = body(response).replace(query, "")  # the search box echoes the query
    leaked = [m for m in MARKERS["y"] if m in page]
    assert leaked == [], f"{where}: {leaked}"


def test_the_superusers_search_finds_both_sides(client, world):
    client.force_login(world.users["superuser"])
    page = body(client.get(reverse("roster:index"), {"q": "干部"}))
    assert "甲一科干部" in page and "乙部门干部" in page


@pytest.mark.parametrize(
    ("url_name", "field", "target"),
    [
        ("roster:edit", "department", "cadre"),
        ("roster:add", "department", None),
        ("audiences:add", "departments", None),
        ("audiences:edit", "departments", "audience"),
    ],
)
def test_department_choices_are_the_administrators_subtree(client, world, url_name, field, target):
    client.force_login(world.users["admin_a"])
    path = reverse(url_name, args=[getattr(world.x, target).pk] if target else [])
    response = client.get(path)
    assert response.status_code == 200, url_name
    choices = set(response.context["form"].fields[field].queryset)
    assert choices == {world.departments["x"], world.x1}, url_name
    page = body(response)
    assert "甲一科" in page and "乙部门" not in page and "市直机关" not in page, url_name


def test_the_campaign_forms_audiences_are_the_administrators(client, world):
    client.force_login(world.users["admin_a"])
    response = client.get(reverse("campaigns:add"))
    choices = set(response.context["form"].fields["audience"].queryset)
    assert choices == {world.x.audience, world.x.spare_audience}


def test_an_audience_admin_a_saves_belongs_to_x_and_covers_only_x(client, world):
    client.force_login(world.users["admin_a"])
    response = client.post(reverse("audiences:add"), {"name": "甲部门全体", "description": ""})
    assert response.status_code == 302, body(response)[:2000]
    audience = Audience.objects.get(name="甲部门全体")
    assert audience.owner_department == world.departments["x"]
    assert audience.created_by == world.users["admin_a"]
    assert not audience.departments.exists()  # nothing ticked: the whole of A's scope
    covered = set(audience_cadres(audience, timezone.localdate()))
    assert world.x.cadre in covered
    assert world.y.cadre not in covered
    assert all(c.department.path.startswith(world.departments["x"].path) for c in covered)


def test_an_audience_cannot_tick_a_department_outside_the_scope(client, world):
    client.force_login(world.users["admin_a"])
    data = {"name": "越界人群", "description": "", "departments": [world.departments["y"].pk]}
    response = client.post(reverse("audiences:add"), data)
    assert response.status_code == 200  # the form again, with the error
    assert "departments" in response.context["form"].errors
    assert not Audience.objects.filter(name="越界人群").exists()


def test_a_roster_edit_cannot_move_a_cadre_out_of_the_scope(client, world):
    client.force_login(world.users["admin_a"])
    cadre = world.x.cadre
    data = cadre_form(cadre, department=world.departments["y"].pk)
    response = client.post(reverse("roster:edit", args=[cadre.pk]), data)
    assert response.status_code == 200
    assert "department" in response.context["form"].errors
    cadre.refresh_from_db()
    assert cadre.department == world.x1


# No assessment data on any of these pages ------------------------------------------------


def test_the_canary_is_there_to_be_found(world):
    """The X1 cadre's result holds the scores and factors the pages are searched for."""
    scores = assessments.latest_results(world.x.cadre)["scl90"]
    assert shows_canary(f"{scores['total']} {scores['gsi']}", "shared")
    assert len(world.forbidden_words) > 2


@pytest.mark.parametrize("role", ["admin_a", "superuser"])
def test_no_page_they_can_open_shows_assessment_data(client, world, role):
    """Every page of the matrix this role can open (the launch page and the audience edit
    page list cadres by name), searches for the cadre, and an audience preview."""
    opened, failures = [], []
    pages = [(url, side, {}) for url in URLS if url.method == "get" for side in sides(url)]
    pages += [
        (URL_BY_NAME["roster:index"], "-", {"q": world.x.cadre.name}),
        (URL_BY_NAME["learning_records:index"], "-", {"q": world.x.cadre.name}),
        (URL_BY_NAME[f"{SNIPPET}:list"], "-", {"q": world.x.cadre.name}),
    ]
    client.force_login(world.users[role])
    for url, side, query in pages:
        response = client.get(url.path(side_of(world, side)), query)
        if response.status_code != 200:
            continue
        opened.append(url.name)
        failures += [
            f"{url.name} ({side}) as {role}: {p}"
            for p in assessment_problems(world, body(response))
        ]
    preview = client.post(reverse("audiences:add"), {"name": "预览", "preview": "1"})
    assert preview.status_code == 200 and "甲一科干部" in body(preview)
    failures += [
        f"audience preview as {role}: {p}" for p in assessment_problems(world, body(preview))
    ]
    assert len(opened) >= 30, opened
    assert failures == []
