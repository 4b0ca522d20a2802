"""A small site with every kind of page, and the people who see them."""

from types import SimpleNamespace

import pytest

from lms.assessments import records as assessments
from lms.learning.enrollment import enrol
from lms.learning.progress import complete_lesson, record_visit
from lms.models import Certificate
from lms.people.roles import counsellors_group
from tests.factories import QUIZ, SHARED_ANSWERS, make_assessed, make_course, make_lesson

VIDEO = {"title": "讲座录像", "file": None, "url": "https://video.example.org/a.mp4", "caption": ""}


@pytest.fixture
def site(curriculum, django_user_model):
    course = make_course(curriculum, title="工作抗压训练", tags=["压力管理"])
    lesson = make_lesson(
        course,
        title="认识压力",
        body=[("paragraph", "<p>压力是正常的。</p>"), ("video", VIDEO), ("quiz", QUIZ)],
    )
    make_lesson(course)
    finished = make_course(curriculum, title="沟通与倾听")
    finished_lesson = make_lesson(finished)

    # A cadre who shares results with counsellors, has a high SCL-90 result (so a
    # follow-up is open), other results, a course under way and a certificate.
    subject = make_assessed(True, SHARED_ANSWERS, "张晓梅")
    cadre = subject.cadre
    gad7 = assessments.submit(cadre, "gad7", dict.fromkeys(range(1, 8), 1))
    sources = assessments.submit(cadre, "stress_sources", {1: 5, 2: 2, 3: 1, 4: 1, 5: 1, 6: 4})
    enrollment, _ = enrol(cadre, course)
    record_visit(enrollment, lesson)
    done, _ = enrol(cadre, finished)
    complete_lesson(done, finished_lesson)

    counsellor = django_user_model.objects.create_user("counsellor", password="pw-c-123")
    counsellor.groups.add(counsellors_group())
    return SimpleNamespace(
        home=curriculum.get_parent().specific,
        curriculum=curriculum,
        course=course,
        lesson=lesson,
        cadre=cadre,
        assessment=subject.assessment,
        gad7=gad7,
        sources=sources,
        follow_up=subject.follow_up,
        certificate=Certificate.objects.get(enrollment=done),
        counsellor=counsellor,
        superuser=django_user_model.objects.create_superuser("root", password="pw-root-123"),
    )
