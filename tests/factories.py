"""Small builders for pages and people, and the test data several modules share."""

import itertools
import re
from contextlib import contextmanager
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.db import transaction

from courses.models import CoursePage, CurriculumPage, LessonPage, Track
from lms.assessments import records as assessments
from lms.models import CadreProfile, Department, FollowUp, PostCategory, Rank

_seq = itertools.count(1)

# A three-question quiz (single, multiple, true/false) with a 60% pass mark and two
# attempts: right answers [[1], [0, 2], [0]].
QUIZ = {
    "title": "小测验",
    "pass_mark": 60,
    "max_attempts": 2,
    "questions": [
        {
            "kind": "single",
            "text": "Q1",
            "choices": [{"text": "a", "correct": False}, {"text": "b", "correct": True}],
            "explanation": "b",
        },
        {
            "kind": "multiple",
            "text": "Q2",
            "choices": [
                {"text": "a", "correct": True},
                {"text": "b", "correct": False},
                {"text": "c", "correct": True},
            ],
            "explanation": "",
        },
        {
            "kind": "true_false",
            "text": "Q3",
            "choices": [{"text": "正确", "correct": True}, {"text": "错误", "correct": False}],
            "explanation": "",
        },
    ],
}


def make_curriculum(home, *, track=Track.STRESS_RESILIENCE, title=None, slug=None):
    n = next(_seq)
    page = CurriculumPage(
        title=title or f"工作抗压训练 {n}", slug=slug or f"track-{n}", track=track, intro="简介"
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def make_course(curriculum, *, title=None, tags=(), live=True, **fields):
    n = next(_seq)
    fields.setdefault("summary", "课程简介")
    fields.setdefault("credit_hours", Decimal("2.0"))
    page = CoursePage(title=title or f"课程 {n}", slug=fields.pop("slug", f"course-{n}"), **fields)
    if tags:
        page.tags.add(*tags)
    curriculum.add_child(instance=page)
    revision = page.save_revision()
    if live:
        revision.publish()
    else:
        page.live = False
        page.save(update_fields=["live"])
    return page


def make_lesson(course, *, title=None, body=None, **fields):
    n = next(_seq)
    page = LessonPage(
        title=title or f"第{n}课",
        slug=fields.pop("slug", f"lesson-{n}"),
        body=body or [("paragraph", "<p>正文</p>")],
        **fields,
    )
    course.add_child(instance=page)
    page.save_revision().publish()
    return page


def make_department(code=None, name=None, parent=None):
    n = next(_seq)
    code = code or f"dept_{n}"
    if parent is None:
        return Department.add_root(code=code, name=name or f"部门{n}")
    return parent.add_child(code=code, name=name or f"部门{n}")


def make_cadre(*, rank="clerk_1", gender="female", department=None, username=None, **fields):
    n = next(_seq)
    user = get_user_model().objects.create_user(
        username=username or f"cadre{n}", password="pw-cadre-123"
    )
    return CadreProfile.objects.create(
        user=user,
        employee_id=fields.pop("employee_id", f"T{n:06d}"),
        name=fields.pop("name", f"干部{n}"),
        gender=gender,
        birth_year=fields.pop("birth_year", 1985),
        department=department or make_department(),
        rank=Rank.objects.get(code=rank),
        post_category=PostCategory.objects.get(code=fields.pop("post_category", "comprehensive")),
        **fields,
    )


# Assessment results with recognisable scores -------------------------------------------


def high_answers(fours: int) -> dict[int, int]:
    """SCL-90 answers at the high rung, no safety item: every item 3, item 15 at 1, item 59
    at 2, and `fours` other items at 4, so the total is 267 + fours."""
    raised = [n for n in range(1, 91) if n not in (15, 59)][:fours]
    answers = dict.fromkeys(range(1, 91), 3)
    answers.update({15: 1, 59: 2})
    answers.update(dict.fromkeys(raised, 4))
    return answers


# High rather than crisis: a crisis result page shows help instead of any score.
SHARED_ANSWERS, SHARED_CANARIES = high_answers(26), ("293", "3.26")  # total, GSI
PRIVATE_ANSWERS, PRIVATE_CANARIES = high_answers(17), ("284", "3.16")


def canary_pattern(value: str) -> re.Pattern:
    # Not part of a longer number, id, token or URL path ("2293", "a293b", "12:00:00.293",
    # "/cadres/293/", "-293_"): a database id that happens to equal a score is no leak.
    return re.compile(rf"(?<![0-9A-Za-z./_-]){re.escape(value)}(?![0-9A-Za-z_-])")


# The scores of a cadre who shares results with counsellors and of one who does not: a
# page that contains one shows that cadre's results.
CANARIES = {
    "shared": [canary_pattern(value) for value in SHARED_CANARIES],
    "private": [canary_pattern(value) for value in PRIVATE_CANARIES],
}


def shows_canary(text: str, key: str) -> bool:
    return any(pattern.search(text) for pattern in CANARIES[key])


def make_assessed(share: bool, answers: dict, name: str) -> SimpleNamespace:
    """A consenting cadre with one SCL-90 result at the high rung, and its follow-up."""
    cadre = make_cadre(name=name)
    assessments.give_consent(cadre, share_with_counsellor=share, purpose="课程推荐与随访")
    done = assessments.submit(cadre, "scl90", answers)
    follow_up = FollowUp.objects.get(cadre=cadre)  # a high result opens one
    return SimpleNamespace(cadre=cadre, assessment=done, follow_up=follow_up)


@contextmanager
def rolled_back(django_db_blocker):
    """For module-scoped fixtures: data built once inside a transaction that is rolled
    back at the end; each test's own writes are rolled back by its own savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        try:
            yield
        finally:
            transaction.set_rollback(True)
