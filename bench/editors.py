"""Editors bench: the Wagtail admin's course, lesson and curriculum editors, and the
instructor's course report for a course with about 2,000 learners.

    .venv/bin/python bench/editors.py        (or `make bench`)

Seeds the demo (catalogue, 2,000 cadres with a year of learning) in a throwaway database,
then enrols every cadre in one course, with progress and quiz attempts for most of them.
Prints p50/p95 and the query count of each page, fetched by an administrator with Django's
test client (no network), and the issue's aims: the course editor in at most 40 queries and
within 1.3× the lesson editor's p50; the course report under 300 ms p95 with a query count
that does not grow with its learners. BENCH_REQUESTS sets the timed requests per row.

The pages are fetched in turn (course editor, lesson editor, curriculum editor, report,
then again), so a ratio between two rows compares the same moments of a shared machine
rather than two stretches of it. Django's test instrumentation of template rendering
(setup_test_environment, which copies every template's context for the test client) is
not installed: a server does not pay it, and it weighs on a page in proportion to its
number of templates, the editors' fields.
"""

import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from learning import count_queries, create_database, print_table, summarise  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "40"))
PASSWORD = "bench-password-1"  # noqa: S105  (a throwaway database)
LEARNERS = 2000


def fill_course(course):
    """Every cadre enrolled in the course, most part-way, a third with a quiz attempt."""
    from courses.models import LessonPage
    from lms.learning.enrollment import enrol
    from lms.learning.progress import record_visit
    from lms.models import CadreProfile, QuizAttempt

    lessons = list(LessonPage.objects.child_of(course).live())
    quiz_lessons = [(lesson, next(iter(lesson.quizzes()), None)) for lesson in lessons]
    quiz_lesson, quiz_id = next(((page, q) for page, q in quiz_lessons if q), (None, None))
    for n, cadre in enumerate(CadreProfile.objects.order_by("pk")[:LEARNERS]):
        enrollment, _created = enrol(cadre, course)
        if lessons and n % 4:
            record_visit(enrollment, lessons[n % len(lessons)])
        if (
            quiz_id
            and n % 3 == 0
            and not QuizAttempt.objects.filter(enrollment=enrollment).exists()
        ):
            QuizAttempt.objects.create(
                enrollment=enrollment,
                lesson=quiz_lesson,
                quiz_id=quiz_id,
                number=1,
                answers=[[0]] * len(quiz_lesson.quizzes()[quiz_id]["questions"]),
                score=50,
                passed=False,
            )


def page_rows(client, pages):
    """One row per (name, url): each page fetched REQUESTS times, the pages in turn."""

    def fetcher(url):
        def fetch():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return fetch

    fetches = [fetcher(url) for _name, url in pages]
    for fetch in fetches:
        for _ in range(3):  # warm caches, as an editor's second page view would be
            fetch()
    samples = [[] for _ in pages]
    for _ in range(REQUESTS):
        for fetch, times in zip(fetches, samples, strict=True):
            started = time.perf_counter()
            fetch()
            times.append((time.perf_counter() - started) * 1000)
    return [
        summarise(name, times, count_queries(fetch))
        for (name, _url), fetch, times in zip(pages, fetches, samples, strict=True)
    ]


def main():
    from courses.models import CoursePage, CurriculumPage, LessonPage
    from lms.models import Enrollment

    started = time.perf_counter()
    old_name, where = create_database()
    try:
        call_command("seed_demo", cadres=LEARNERS, password=PASSWORD, stdout=io.StringIO())
        course = CoursePage.objects.live().order_by("pk").first()
        fill_course(course)
        lesson = LessonPage.objects.child_of(course).first()
        curriculum = CurriculumPage.objects.order_by("pk").first()
        client = Client()
        client.login(username="admin", password=PASSWORD)
        learners = Enrollment.objects.filter(course=course).count()
        rows = page_rows(
            client,
            [
                ("course editor", f"/admin/pages/{course.pk}/edit/"),
                ("lesson editor", f"/admin/pages/{lesson.pk}/edit/"),
                ("curriculum editor", f"/admin/pages/{curriculum.pk}/edit/"),
                (f"course report ({learners:,} learners)", f"/admin/courses/{course.pk}/report/"),
            ],
        )
        print(f"心育 editors bench · {where}")
        print(f"course: {course.title} ({learners:,} learners)")
        print()
        print_table(rows)
        by_name = {row["name"].split(" (")[0]: row for row in rows}
        editor, lesson_row = by_name["course editor"], by_name["lesson editor"]
        ratio = editor["p50"] / lesson_row["p50"]
        report = by_name["course report"]
        print()
        print(
            f"aim: course editor ≤ 40 queries: {'met' if editor['queries'] <= 40 else 'NOT met'} "
            f"({editor['queries']})"
        )
        print(
            f"aim: course editor p50 ≤ 1.3× the lesson editor's: "
            f"{'met' if ratio <= 1.3 else 'NOT met'} ({ratio:.2f}×)"
        )
        print(
            f"aim: course report p95 < 300 ms: {'met' if report['p95'] < 300 else 'NOT met'} "
            f"({report['p95']:.1f} ms, {report['queries']} queries)"
        )
        print(f"\ntotal {time.perf_counter() - started:.0f} s")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)


if __name__ == "__main__":
    main()
