"""Nothing personal reaches a log, however far the loggers are turned up.

The probe: with the `django` loggers at DEBUG, Django's template engine logs each variable
a template cannot resolve together with the exception, whose text is the whole template
context: a cadre's name beside SCL-90 totals, factor scores, rungs and profile reasons.
Two guards: config/logging.py drops such records (on the django.template logger and on
every handler), and our templates reference no missing variable on the pages cadres,
counsellors and administrators visit. The canary renders every personal page with every
logger at DEBUG and looks for planted values in whatever was logged.

Missing variables are found through the log rather than a raising `string_if_invalid`,
which would apply to Wagtail's own templates too, and they reference missing variables
routinely.
"""

import logging
import re
import sys
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from config.logging import DropTemplateContext
from lms.assessments import records as assessments
from lms.learning.enrollment import enrol
from lms.learning.feedback import leave_feedback
from lms.learning.progress import complete_lesson
from lms.models import Audience, Campaign, Certificate, RosterImport
from lms.people.accounts import make_department_admin
from lms.people.roles import counsellors_group
from lms.targeting import roster
from tests.factories import make_cadre, make_course, make_department, make_lesson

pytestmark = pytest.mark.django_db

LOGGERS = ("", "django", "django.template", "django.request", "lms", "search", "wagtail", "courses")
OUR_TEMPLATES = str(settings.BASE_DIR / "theme" / "templates")
MISSING = "Exception while resolving variable"

# The planted values. SCL-90 answers: every item 1, the six hostility items at 4 and 29
# items of three other factors at 2: total 137, GSI 1.52, the high rung for one reason
# alone, the hostility factor (no safety item, paranoid and psychoticism untouched).
NAME = "欧阳澜汐"
HOSTILITY = [11, 24, 63, 67, 74, 81]
AT_TWO = [1, 4, 12, 27, 40, 42, 48, 49, 52, 53, 56, 58, 3, 9, 10, 28, 38, 45, 46, 51, 55, 65]
AT_TWO += [6, 21, 34, 36, 37, 41, 61]
ANSWERS = {n: 4 if n in HOSTILITY else 2 if n in AT_TWO else 1 for n in range(1, 91)}
TOTAL, GSI, REASON = 137, 1.52, "factor:hostility"
# Every item 3, items 1–23 at 4: a crisis, so the result page shows help first.
CRISIS_ANSWERS = {n: 4 if n <= 23 else 3 for n in range(1, 91)}
# `asctime` is the handler's formatted timestamp: its milliseconds ("…07:04:21,137") are
# noise that a planted number can match by chance.
STANDARD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", (), None)))
STANDARD_ATTRIBUTES |= {"message", "asctime"}


class Capture(logging.Handler):
    """Every record, with the template node being rendered when it was logged."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[tuple[logging.LogRecord, str | None]] = []

    def emit(self, record):
        self.records.append((record, rendering_origin()))


def rendering_origin() -> str | None:
    """The file and line of the innermost template node being rendered. Django's record
    names only the top-level template, which would hide a parent's or an include's variable."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "render_annotated":
            node = frame.f_locals.get("self")
            origin = getattr(node, "origin", None)
            if origin is not None:
                token = getattr(node, "token", None)
                return f"{origin.name}:{token.lineno if token else '?'}"
        frame = frame.f_back
    return None


@contextmanager
def everything_logged(*, template_filters: bool = True):
    """Every logger at DEBUG and a capturing handler on the root logger; without
    `template_filters`, the django.template logger's own filters are lifted too."""
    capture = Capture()
    loggers = [logging.getLogger(name) for name in LOGGERS]
    levels = [logger.level for logger in loggers]
    template_logger = logging.getLogger("django.template")
    lifted = [] if template_filters else list(template_logger.filters)
    for log_filter in lifted:
        template_logger.removeFilter(log_filter)
    logging.getLogger().addHandler(capture)
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    try:
        yield capture.records
    finally:
        logging.getLogger().removeHandler(capture)
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
        for log_filter in lifted:
            template_logger.addFilter(log_filter)


def everything_in(record: logging.LogRecord) -> str:
    """The message, its args, extra attributes such as `context`, and the text of every
    exception in the chain (not the traceback, whose line numbers are noise here)."""
    parts = [record.getMessage(), repr(record.args)]
    parts += [repr(value) for key, value in vars(record).items() if key not in STANDARD_ATTRIBUTES]
    error = record.exc_info[1] if record.exc_info else None
    while error is not None:
        parts += [type(error).__name__, str(error), repr(getattr(error, "params", ""))]
        error = error.__cause__ or error.__context__
    return "\n".join(parts)


def number_pattern(value: str) -> re.Pattern:
    # Not part of a longer number, nor of an id, a timestamp or a random base64 token
    # (the SQL log holds session keys and signed cookies: "…x-137_y…").
    return re.compile(rf"(?<![0-9A-Za-z_.+/=-]){re.escape(value)}(?![0-9A-Za-z_+/=-]|\.\d)")


def missing_in_our_templates(records) -> list[str]:
    return sorted(
        {
            f"{origin.removeprefix(OUR_TEMPLATES + '/')}: {record.args[0]}"
            for record, origin in records
            if record.name == "django.template"
            and record.msg.startswith(MISSING)
            and origin
            and origin.startswith(OUR_TEMPLATES)
        }
    )


def assert_none_missing(records) -> None:
    missing = missing_in_our_templates(records)
    assert not missing, "missing variables in our templates:\n" + "\n".join(missing)


def visit(client, urls) -> None:
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)


@pytest.fixture
def world(curriculum, django_user_model):
    """A cadre with a planted name and result, enrolled, one course completed with a
    certificate and a rating; a cadre in crisis; a counsellor both share with; a
    department administrator with a roster import, an audience and a campaign."""
    department = make_department(code="hygiene", name="卫生检查处")
    cadre = make_cadre(name=NAME, department=department)
    assessments.give_consent(cadre, share_with_counsellor=True, purpose="课程推荐与随访")
    result = assessments.submit(cadre, "scl90", ANSWERS)
    scores = result.scores
    assert (scores["total"], scores["gsi"], scores["reasons"]) == (TOTAL, GSI, [REASON])
    sources = assessments.submit(cadre, "stress_sources", dict.fromkeys(range(1, 7), 3))

    in_crisis = make_cadre(name="危机干部", department=department)
    assessments.give_consent(in_crisis, share_with_counsellor=True, purpose="课程推荐与随访")
    crisis = assessments.submit(in_crisis, "scl90", CRISIS_ANSWERS)

    learning = make_course(curriculum)
    learning_lesson = make_lesson(learning)
    make_lesson(learning)
    enrol(cadre, learning)
    done = make_course(curriculum)
    done_lesson = make_lesson(done)
    enrollment, _created = enrol(cadre, done)
    complete_lesson(enrollment, done_lesson)
    leave_feedback(enrollment, 4, "很实用")
    other = make_course(curriculum)

    counsellor = django_user_model.objects.create_user("hygiene-counsellor", password="pw-c-1")
    counsellor.groups.add(counsellors_group())
    admin = django_user_model.objects.create_user("hygiene-admin", password="pw-a-1")
    make_department_admin(admin, department)
    audience = Audience.objects.create(name="卫生检查处全体", owner_department=department)
    campaign = Campaign.objects.create(
        name="压力管理必修",
        owner_department=department,
        audience=audience,
        due_date=timezone.localdate() + timedelta(days=30),
    )
    campaign.courses.set([learning])
    upload = (
        "工号,姓名,性别,出生年份,部门,职级,岗位类别\r\n"
        "HY-0001,新干部,女,1988,hygiene,clerk_1,comprehensive\r\n"
    ).encode()
    checked = roster.check_roster(roster.read_roster(upload, "名册.csv"), scope=department)
    roster_import = RosterImport.objects.create(
        file_name="名册.csv",
        owner_department=department,
        rows=checked["rows"],
        problems=checked["problems"],
    )
    return {
        "cadre": cadre,
        "result": result,
        "sources": sources,
        "in_crisis": in_crisis,
        "crisis": crisis,
        "learning": learning,
        "learning_lesson": learning_lesson,
        "done": done,
        "certificate": Certificate.objects.get(enrollment=enrollment),
        "other": other,
        "curriculum": curriculum,
        "counsellor": counsellor,
        "admin": admin,
        "audience": audience,
        "campaign": campaign,
        "roster_import": roster_import,
    }


def cadre_pages(world) -> list[str]:
    return [
        "/my/",
        "/assessment/",
        f"/assessment/results/{world['result'].pk}/",
        f"/assessment/results/{world['sources'].pk}/",
        f"/my/certificates/{world['certificate'].code}/",
        "/my/data/export/",
        world["learning"].url,
        world["learning_lesson"].url,
        world["done"].url,
    ]


def counsellor_pages(world) -> list[str]:
    return ["/counsellor/", f"/counsellor/cadres/{world['cadre'].pk}/"]


# The filter ------------------------------------------------------------------------------


def template_record(**fields) -> logging.LogRecord:
    record = logging.LogRecord(
        "django.template", logging.DEBUG, "base.py", 1, MISSING + " '%s'", ("page",), None
    )
    vars(record).update(fields)
    return record


def test_records_carrying_a_template_context_are_dropped_whatever_their_level():
    drop = DropTemplateContext()
    try:
        raise KeyError(NAME)
    except KeyError:
        exc_info = sys.exc_info()
    assert not drop.filter(template_record(exc_info=exc_info))
    assert not drop.filter(template_record(levelno=logging.ERROR, context={"name": NAME}))
    assert drop.filter(template_record())  # the message alone names no one
    other = logging.LogRecord("lms", logging.ERROR, "x.py", 1, "boom", (), exc_info)
    assert drop.filter(other)


def test_the_filter_is_on_the_template_logger_and_every_configured_handler():
    def dropping(filters) -> bool:
        return any(isinstance(log_filter, DropTemplateContext) for log_filter in filters)

    assert dropping(logging.getLogger("django.template").filters)
    for name, handler in settings.LOGGING["handlers"].items():
        assert "no_template_context" in handler.get("filters", []), name
    configured = [h for h in logging.getLogger().handlers if h.name in settings.LOGGING["handlers"]]
    assert configured and all(dropping(handler.filters) for handler in configured)


# Our templates name no missing variable ----------------------------------------------------


def test_the_pages_a_cadre_visits_reference_no_missing_variable(client, world):
    client.force_login(world["cadre"].user)
    with everything_logged(template_filters=False) as records:
        visit(
            client,
            [
                *cadre_pages(world),
                "/",
                world["curriculum"].url,
                world["other"].url,
                "/assessment/consent/",
                "/assessment/scl90/",
                "/assessment/help/",
                "/my/data/delete-assessments/",
                "/certificates/",
                f"/certificates/{world['certificate'].code}/",
                "/search/?q=压力",
            ],
        )
        client.force_login(world["in_crisis"].user)
        visit(client, ["/my/", "/assessment/", f"/assessment/results/{world['crisis'].pk}/"])
        client.logout()
        visit(client, ["/", world["learning"].url, "/accounts/login/", "/assessment/help/"])
    assert_none_missing(records)


def test_the_pages_a_counsellor_visits_reference_no_missing_variable(client, world):
    client.force_login(world["counsellor"])
    with everything_logged(template_filters=False) as records:
        visit(client, [*counsellor_pages(world), "/my/", world["learning"].url])
    assert_none_missing(records)


def test_the_pages_an_administrator_visits_reference_no_missing_variable(client, world):
    client.force_login(world["admin"])
    campaign, audience = world["campaign"].pk, world["audience"].pk
    with everything_logged(template_filters=False) as records:
        visit(
            client,
            [
                "/admin/",
                reverse("roster:index"),
                reverse("roster:import"),
                reverse("roster:import_preview", args=[world["roster_import"].pk]),
                reverse("audiences:index"),
                reverse("audiences:add"),
                reverse("audiences:edit", args=[audience]),
                reverse("campaigns:index"),
                reverse("campaigns:launch", args=[campaign]),
                reverse("campaigns:progress", args=[campaign]),
                reverse("learning_records:index"),
                reverse("lms_analytics:dashboard"),
                reverse("lms_analytics:dashboard") + "?year=x&department=999999",
                "/my/",
            ],
        )
        client.force_login(get_user_model().objects.create_superuser("hygiene-root", password="x"))
        visit(client, ["/admin/", reverse("lms_analytics:dashboard")])
    assert_none_missing(records)


# The canary ------------------------------------------------------------------------------


def test_no_planted_value_reaches_a_log_record(client, world):
    planted = {
        "name": re.compile(re.escape(NAME)),
        "total": number_pattern(str(TOTAL)),
        "gsi": number_pattern(f"{GSI:.2f}"),
        "reason": re.compile(re.escape(REASON)),
    }
    # CaptureQueriesContext turns on the SQL log, as DEBUG = True does in development.
    with everything_logged() as records, CaptureQueriesContext(connection):
        assert logging.getLogger("django.template").isEnabledFor(logging.DEBUG)
        client.force_login(world["cadre"].user)
        visit(client, cadre_pages(world))
        client.force_login(world["counsellor"])
        visit(client, counsellor_pages(world))
    assert any(record.name == "django.db.backends" for record, _origin in records)
    leaks = [
        f"{what} in {record.name}: …{text[found.start() - 60 : found.end() + 60]}…"
        for record, _origin in records
        for text in [everything_in(record)]
        for what, pattern in planted.items()
        for found in [pattern.search(text)]
        if found
    ]
    assert not leaks, "\n".join(leaks)
