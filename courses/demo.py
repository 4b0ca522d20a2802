"""Demo catalogue: the five curricula with courses, lessons, quizzes and sessions.

The content lives in demo/catalogue.json, written in Chinese for this product
from the source documents. Loading is idempotent: pages that exist (by slug)
are left as they are.
"""

import json
from datetime import timedelta
from decimal import Decimal
from html import escape
from pathlib import Path
from uuid import uuid4

from django.db import transaction
from django.utils import timezone

from lms.people.models import AssessmentSignal, PostCategory, Rank

from .models import (
    CatalogueHomePage,
    CoursePage,
    CurriculumPage,
    Instructor,
    LessonPage,
    OfflineSession,
)

CATALOGUE_FILE = Path(__file__).parent / "demo" / "catalogue.json"


def _paragraphs(texts):
    return [
        {"type": "paragraph", "value": f"<p>{escape(text)}</p>", "id": str(uuid4())}
        for text in texts
    ]


def _list_items(values):
    return [{"type": "item", "value": value, "id": str(uuid4())} for value in values]


def lesson_body(lesson: dict) -> str:
    """Raw StreamField JSON for a lesson from its demo description."""
    body = _paragraphs(lesson["paragraphs"])
    if lesson.get("case_study"):
        case = lesson["case_study"]
        body.append(
            {
                "type": "case_study",
                "id": str(uuid4()),
                "value": {
                    "title": case["title"],
                    "background": f"<p>{escape(case['background'])}</p>",
                    "questions": _list_items(case["questions"]),
                },
            }
        )
    if lesson.get("reflection"):
        body.append(
            {"type": "reflection", "id": str(uuid4()), "value": {"prompt": lesson["reflection"]}}
        )
    if lesson.get("quiz"):
        quiz = lesson["quiz"]
        questions = [
            {
                "kind": question["kind"],
                "text": question["text"],
                "choices": _list_items(
                    [{"text": c["text"], "correct": c["correct"]} for c in question["choices"]]
                ),
                "explanation": question.get("explanation", ""),
            }
            for question in quiz["questions"]
        ]
        body.append(
            {
                "type": "quiz",
                "id": str(uuid4()),
                "value": {
                    "title": quiz["title"],
                    "pass_mark": quiz["pass_mark"],
                    "max_attempts": quiz["max_attempts"],
                    "questions": _list_items(questions),
                },
            }
        )
    return json.dumps(body, ensure_ascii=False)


def _publish(page):
    page.save_revision().publish()


def _seed_course(curriculum, spec, instructors, ranks, categories, signals, now):
    course = CoursePage.objects.child_of(curriculum).filter(slug=spec["slug"]).first()
    if course is not None:
        return course, False
    audience = spec.get("audience") or {}
    course = CoursePage(
        title=spec["title"],
        slug=spec["slug"],
        summary=spec["summary"],
        body=json.dumps(_paragraphs(spec.get("overview", [])), ensure_ascii=False),
        credit_hours=Decimal(spec["credit_hours"]),
        delivery_mode=spec["delivery_mode"],
        estimated_minutes=spec["estimated_minutes"],
        audience_min_rank=ranks.get(audience.get("min_rank")),
        audience_gender=audience.get("gender") or "",
        audience_min_age=audience.get("min_age"),
        audience_max_age=audience.get("max_age"),
    )
    course.audience_ranks = [ranks[code] for code in audience.get("ranks", [])]
    course.audience_post_categories = [
        categories[code] for code in audience.get("post_categories", [])
    ]
    course.signals = [signals[key] for key in spec.get("signals", [])]
    course.instructors = [instructors[key] for key in spec.get("instructors", [])]
    course.tags.add(*spec.get("tags", []))
    for session in spec.get("sessions", []):
        day = (now + timedelta(days=session["days_from_now"])).replace(
            hour=session["start_hour"], minute=0, second=0, microsecond=0
        )
        course.sessions.add(
            OfflineSession(
                starts_at=day,
                ends_at=day + timedelta(hours=session["hours"]),
                place=session["place"],
                capacity=session["capacity"],
            )
        )
    curriculum.add_child(instance=course)
    _publish(course)
    for lesson in spec.get("lessons", []):
        page = LessonPage(
            title=lesson["title"],
            slug=lesson["slug"],
            estimated_minutes=lesson["minutes"],
            required=lesson.get("required", True),
            body=lesson_body(lesson),
        )
        course.add_child(instance=page)
        _publish(page)
    return course, True


@transaction.atomic
def seed_catalogue(data: dict | None = None) -> dict:
    """Create the demo catalogue; returns how many courses were created."""
    if data is None:
        data = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    now = timezone.localtime()
    home = CatalogueHomePage.objects.get()
    if home.title != data["home"]["title"] or home.intro != data["home"]["intro"]:
        home.title = data["home"]["title"]
        home.intro = data["home"]["intro"]
        _publish(home)

    instructors = {}
    for spec in data["instructors"]:
        instructor, _ = Instructor.objects.get_or_create(
            name=spec["name"], defaults={"title": spec["title"], "bio": spec["bio"]}
        )
        instructors[spec["key"]] = instructor
    ranks = {rank.code: rank for rank in Rank.objects.all()}
    categories = {category.code: category for category in PostCategory.objects.all()}
    signals = {signal.key: signal for signal in AssessmentSignal.objects.all()}

    created = 0
    for spec in data["curricula"]:
        curriculum = CurriculumPage.objects.child_of(home).filter(slug=spec["slug"]).first()
        if curriculum is None:
            curriculum = CurriculumPage(
                title=spec["title"], slug=spec["slug"], track=spec["track"], intro=spec["intro"]
            )
            home.add_child(instance=curriculum)
            _publish(curriculum)
        for course_spec in spec["courses"]:
            _, was_created = _seed_course(
                curriculum, course_spec, instructors, ranks, categories, signals, now
            )
            created += was_created
    return {"courses_created": created, "instructors": instructors}
