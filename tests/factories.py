"""Small builders for pages and people, used across the test suite."""

import itertools
from decimal import Decimal

from django.contrib.auth import get_user_model

from courses.models import CoursePage, CurriculumPage, LessonPage, Track
from lms.models import CadreProfile, Department, PostCategory, Rank

_seq = itertools.count(1)


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
