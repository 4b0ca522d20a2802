"""Demo catalogue: the five curricula with courses, lessons, quizzes and sessions.

The content lives in demo/catalogue.json, written in Chinese for this product
from the source documents. Loading is idempotent: pages that exist (by slug)
are left as they are.
"""

import json
from datetime import timedelta
from decimal import Decimal
from html import escape
from io import BytesIO
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
        if not course.role and spec.get("role"):
            # A catalogue seeded before courses had a kind of help gets the demo's; an
            # instructor's own choice is never overwritten.
            CoursePage.objects.filter(pk=course.pk).update(role=spec["role"])
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
        role=spec.get("role", ""),
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


# Demo media ---------------------------------------------------------------------------------

MEDIA_DIR = Path(__file__).parent / "demo" / "media"
# One calm colour per curriculum, in the catalogue's order, for the illustrations.
_PALETTE = [(120, 170, 196), (134, 176, 150), (196, 160, 112), (150, 140, 190), (200, 140, 150)]


def _illustration(colour: tuple[int, int, int]) -> bytes:
    """A quiet abstract illustration (ripples on a light ground), drawn with Pillow."""
    from PIL import Image, ImageDraw

    width, height = 960, 400
    light = tuple(255 - (255 - c) // 5 for c in colour)
    image = Image.new("RGB", (width, height), light)
    draw = ImageDraw.Draw(image)
    for step in range(6, 0, -1):
        radius = 40 * step
        shade = tuple(255 - (255 - c) * (7 - step) // 7 for c in colour)
        draw.ellipse(
            [width * 0.7 - radius, height / 2 - radius, width * 0.7 + radius, height / 2 + radius],
            fill=shade,
        )
    out = BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _handout(course: CoursePage, lessons: list[str]) -> bytes:
    """A one-page PDF handout: the course, its lessons and where to find help."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font = "STSong-Light"  # an Adobe CJK font every PDF reader has; nothing to embed
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    out = BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    page.setTitle(f"{course.title} · 课程讲义")
    width, height = A4
    y = height - 72
    page.setFont(font, 18)
    page.drawString(60, y, course.title[:34])
    y -= 36
    page.setFont(font, 11)
    for line in _wrap(course.summary, 44):
        page.drawString(60, y, line)
        y -= 18
    y -= 12
    page.setFont(font, 13)
    page.drawString(60, y, "本课内容")
    page.setFont(font, 11)
    for number, title in enumerate(lessons, start=1):
        y -= 20
        page.drawString(72, y, f"{number}. {title[:40]}")
    y -= 40
    page.drawString(60, y, "需要帮助时：单位心理联络员、心理咨询师，或拨打 12356 心理援助热线。")
    page.showPage()
    page.save()
    return out.getvalue()


def _wrap(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def seed_media() -> int:
    """An illustration, a PDF handout and a short video in the overview of each
    curriculum's first course, so that the demo shows every block of the catalogue.
    Idempotent: a course whose overview has an image already is left alone. Returns how
    many courses were given media."""
    from django.core.files.base import ContentFile
    from django.core.files.images import ImageFile
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    Image, Document = get_image_model(), get_document_model()
    video_bytes = (MEDIA_DIR / "breathing.webm").read_bytes()
    video = Document.objects.filter(title="腹式呼吸练习（示范视频）").first()
    given = 0
    home = CatalogueHomePage.objects.get()
    curricula = CurriculumPage.objects.child_of(home).order_by("path")
    for index, curriculum in enumerate(curricula):
        course = CoursePage.objects.child_of(curriculum).order_by("path").first()
        if course is None or any(block.block_type == "image" for block in course.body):
            continue
        if video is None:
            video = Document(title="腹式呼吸练习（示范视频）")
            video.file.save("breathing.webm", ContentFile(video_bytes), save=False)
            video.save()
        image = Image(
            title=f"{curriculum.title} · 插图",
            file=ImageFile(
                BytesIO(_illustration(_PALETTE[index % len(_PALETTE)])),
                name=f"illustration-{curriculum.slug}.png",
            ),
        )
        image.save()
        lessons = list(
            LessonPage.objects.child_of(course).order_by("path").values_list("title", flat=True)
        )
        handout = Document(title=f"《{course.title}》课程讲义")
        handout.file.save(f"handout-{course.slug}.pdf", ContentFile(_handout(course, lessons)))
        body = list(course.body.raw_data)
        body[:0] = [
            {
                "type": "image",
                "id": str(uuid4()),
                "value": {"image": image.pk, "alt_text": "", "decorative": True},
            }
        ]
        body += [
            {
                "type": "video",
                "id": str(uuid4()),
                "value": {
                    "title": "跟着圆圈做腹式呼吸",
                    "file": video.pk,
                    "url": "",
                    "caption": "吸气四秒、呼气四秒，练习两三分钟",
                },
            },
            {"type": "document", "id": str(uuid4()), "value": handout.pk},
        ]
        course.body = json.dumps(body, ensure_ascii=False)
        _publish(course)
        given += 1
    return given
