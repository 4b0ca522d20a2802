"""Analytics bench: rebuilding the 学习分析 summaries and serving the dashboard from them.

    .venv/bin/python bench/analytics.py        (or `make bench`)

A throwaway database like bench/learning.py (SQLite, or PostgreSQL when DATABASE_URL names
it), holding BENCH_CADRES cadres (default 50,000) from the demo population, their demo
assessments (consent, stress sources, SCL-90, encrypted), and enrolments in a catalogue of
100 courses with lesson progress until there are BENCH_PROGRESS lesson-progress rows
(default 1,000,000). Written with bulk inserts: the demo's own learning history would take
far longer at this size and is not what is measured here.

Prints:
- summary refresh: `manage.py build_analytics` in process (learning summaries, then with
  the assessment aggregates, whose results are decrypted one by one);
- dashboard: p50/p95 of GET /admin/analytics/ computed from the summaries (cache emptied
  before each request), and served again for the same build (computed views are cached per
  build), for the system administrator, a department administrator and a filtered view,
  over BENCH_REQUESTS runs;
- cold: the first request on a site with no summaries yet (it builds them while it waits);
- payload: the figures' JSON embedded in the page, and the whole page.
Aims (issue 10): dashboard from summaries under 300 ms, figure payload under 500 KB,
summary refresh under 60 s.
"""

import os
import random
import re
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402
from learning import create_database, grow_catalogue  # noqa: E402  (sets up Django)

CADRES = int(os.environ.get("BENCH_CADRES", "50000"))
PROGRESS = int(os.environ.get("BENCH_PROGRESS", "1000000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "30"))
COURSES = 100
BATCH = 20_000
FIGURE = re.compile(r'<script id="chart-[\w-]+-data" type="application/json">(.*?)</script>', re.S)


def populate() -> dict:
    """Cadres and assessments from the demo, then enrolments and lesson progress in bulk."""
    from courses.models import CoursePage, LessonPage
    from lms.demo.assessments import seed_assessments
    from lms.demo.population import seed_departments, seed_population
    from lms.models.learning import Enrollment, EnrollmentStatus, LessonProgress
    from lms.people.models import CadreProfile

    timings = {}
    mark = time.perf_counter()
    seed_departments()
    grow_catalogue(COURSES)
    seed_population(CADRES, "bench-password-1")
    timings["cadres"] = time.perf_counter() - mark
    mark = time.perf_counter()
    seed_assessments()
    timings["assessments"] = time.perf_counter() - mark

    mark = time.perf_counter()
    rng = random.Random(2026)  # noqa: S311  (bench data)
    lessons: dict[int, list[int]] = {}
    for lesson in LessonPage.objects.live().only("pk", "path", "depth"):
        lessons.setdefault(lesson.path[: -lesson.steplen], []).append(lesson.pk)
    courses = [
        (course.pk, lessons.get(course.path, []))
        for course in CoursePage.objects.live().only("pk", "path")
    ]
    courses = [(pk, ids) for pk, ids in courses if ids]
    cadres = list(CadreProfile.objects.values_list("pk", flat=True))
    now = timezone.now()
    progress_rows, taken = 0, set()
    while progress_rows < PROGRESS:
        enrolments = []
        for cadre in cadres:
            course, course_lessons = rng.choice(courses)
            if (cadre, course) in taken:
                continue
            taken.add((cadre, course))
            done = rng.random() < 0.55
            enrolled_at = now - timedelta(days=rng.uniform(0, 700))
            enrolments.append(
                Enrollment(
                    cadre_id=cadre,
                    course_id=course,
                    status=EnrollmentStatus.COMPLETED if done else EnrollmentStatus.ACTIVE,
                    enrolled_at=enrolled_at,
                    completed_at=enrolled_at + timedelta(days=rng.uniform(1, 60)) if done else None,
                    required=rng.random() < 0.2,
                    due_date=(enrolled_at + timedelta(days=90)).date(),
                )
            )
        for start in range(0, len(enrolments), BATCH):
            Enrollment.objects.bulk_create(enrolments[start : start + BATCH])
        # bulk_create sets the primary keys (RETURNING, on SQLite and PostgreSQL).
        created = [(e.pk, e.course_id, e.status) for e in enrolments]
        by_course = dict(courses)
        batch = []
        for pk, course, status in created:
            for lesson in by_course[course]:
                if progress_rows >= PROGRESS:
                    break
                completed = status == EnrollmentStatus.COMPLETED or rng.random() < 0.4
                batch.append(
                    LessonProgress(
                        enrollment_id=pk,
                        lesson_id=lesson,
                        opened_at=now,
                        completed_at=now if completed else None,
                    )
                )
                progress_rows += 1
                if len(batch) >= BATCH:
                    LessonProgress.objects.bulk_create(batch)
                    batch = []
            if progress_rows >= PROGRESS:
                break
        LessonProgress.objects.bulk_create(batch)
    timings["learning"] = time.perf_counter() - mark
    return timings


def percentile(samples, q):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def timed_gets(client, url, times, *, fresh: bool):
    """`fresh`: empty the cache first, so the view is computed from the summaries; else the
    view computed once per build is served again."""
    from django.core.cache import cache

    samples, response = [], None
    for _ in range(times):
        if fresh:
            cache.clear()
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return samples, response


def main():
    from django.contrib.auth import get_user_model
    from django.test import Client

    from lms.analytics import summaries
    from lms.models.analytics import AnalyticsBuild
    from lms.models.assessment import Assessment
    from lms.models.learning import Enrollment, LessonProgress
    from lms.people.accounts import make_department_admin
    from lms.people.models import Department

    setup_test_environment()
    old_name, where = create_database()
    try:
        timings = populate()
        print(f"心育 analytics bench · {where}")
        print(
            f"data: {CADRES:,} cadres, {Enrollment.objects.count():,} enrolments, "
            f"{LessonProgress.objects.count():,} lesson-progress rows, "
            f"{Assessment.objects.count():,} assessments; setup "
            + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in timings.items())
        )
        User = get_user_model()
        root = User.objects.create_superuser("bench-root", password=None)
        district = Department.objects.get(code="district_a")
        deptadmin = User.objects.create_user("bench-dept", password=None)
        make_department_admin(deptadmin, district)
        client = Client()
        client.force_login(root)

        # Cold: no summaries yet, a site this size is built in the background unless the
        # cold-build limit is raised; measure the in-page build explicitly.
        from django.test import override_settings

        with override_settings(LMS_ANALYTICS_COLD_BUILD_MAX=10**9):
            started = time.perf_counter()
            response = client.get("/admin/analytics/")
            cold = time.perf_counter() - started
        assert response.status_code == 200

        started = time.perf_counter()
        summaries.rebuild(assessments=False)
        learning_only = time.perf_counter() - started
        started = time.perf_counter()
        build = summaries.rebuild()
        full = time.perf_counter() - started
        print(
            f"summary refresh: learning summaries {learning_only:5.1f} s; "
            f"with assessment aggregates {full:5.1f} s ({build.rows:,} summary rows)"
        )
        print(f"cold dashboard (builds the summaries while the page waits): {cold:5.1f} s")

        views = [
            ("system administrator, no filters", root, "/admin/analytics/"),
            ("department administrator (东城区)", deptadmin, "/admin/analytics/"),
            (
                "filtered: women, county level, this year",
                root,
                f"/admin/analytics/?gender=female&rank_level=county&year={timezone.localdate().year}",
            ),
        ]
        for name, user, url in views:
            client.force_login(user)
            client.get(url)  # warm the templates and the database's buffers
            samples, response = timed_gets(client, url, REQUESTS, fresh=True)
            repeat, _response = timed_gets(client, url, REQUESTS, fresh=False)
            page = response.content.decode()
            figures = FIGURE.findall(page)
            payload = sum(len(figure.encode()) for figure in figures)
            print(
                f"dashboard, {name}: from summaries p50 {statistics.median(samples):5.0f} ms, "
                f"p95 {percentile(samples, 95):5.0f} ms; again (same build) "
                f"p50 {statistics.median(repeat):4.0f} ms, p95 {percentile(repeat, 95):4.0f} ms; "
                f"{len(figures)} figures, figure JSON {payload / 1024:4.0f} KB, "
                f"page {len(page.encode()) / 1024:4.0f} KB"
            )
        print(f"builds recorded: {AnalyticsBuild.objects.count()}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)


if __name__ == "__main__":
    main()
