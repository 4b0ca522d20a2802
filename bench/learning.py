"""Learning bench: latency of a cadre's pages and of enrolment through the API.

    .venv/bin/python bench/learning.py        (or `make bench`)

Sets up its own database and never touches db.sqlite3: a temporary SQLite file, or, when
DATABASE_URL names a PostgreSQL server, a throwaway database `bench_<name>` on that server
(created and dropped here, like the test runner's `test_<name>`). It migrates, seeds the
demo (2,000 cadres with a year of learning history) on a catalogue grown to 100 courses,
then measures in-process with django.test.Client:

- GET /my/ for a cadre with 15 enrollments;
- POST /api/v1/courses/{id}/enrol, new enrolments (201) and repeats (200), with a bearer
  token as the host platform sends it.

When an endpoint is missing (404/405) it measures the service behind it instead and says
so. Settings are config.settings.test (DEBUG off, as in production, without needing a
SECRET_KEY). BENCH_REQUESTS sets the number of timed requests per row (default 200).
"""

import io
import json
import os
import statistics
import sys
import tempfile
import time
import warnings
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
# WhiteNoise warns that static files were never collected; the bench serves none.
warnings.filterwarnings("ignore", message="No directory at")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

COURSES = 100
CADRES = 2000
DASHBOARD_ENROLLMENTS = 15
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))
WARM_UP = 5
PASSWORD = "bench-password-1"  # noqa: S105  (a throwaway database)


def create_database() -> tuple[str, str]:
    """Point the default connection at a fresh database; returns (old name, description)."""
    db = settings.DATABASES["default"]
    test = db.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        handle, path = tempfile.mkstemp(prefix="xinyu-bench-", suffix=".sqlite3")
        os.close(handle)
        test["NAME"] = path
        where = f"SQLite, temporary file {path}"
    else:
        test["NAME"] = f"bench_{db['NAME']}"
        where = f"{connection.vendor}, throwaway database {test['NAME']}"
    old_name = db["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return old_name, where


def grow_catalogue(total: int) -> int:
    """Seed the demo catalogue, then add copies of its courses ("（第2期）" …) up to `total`.

    The copies are saved live without revisions: publishing through revisions, as the demo
    catalogue does, would take most of the bench's time budget for pages nobody edits.
    """
    from courses.demo import CATALOGUE_FILE, lesson_body, seed_catalogue
    from courses.models import CoursePage, CurriculumPage, LessonPage
    from lms.models import PostCategory, Rank

    seed_catalogue()
    data = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    ranks = {rank.code: rank for rank in Rank.objects.all()}
    categories = {category.code: category for category in PostCategory.objects.all()}
    curricula = [
        (CurriculumPage.objects.get(slug=spec["slug"]), spec["courses"])
        for spec in data["curricula"]
    ]
    count, created, edition = CoursePage.objects.live().count(), 0, 2
    while count < total:
        for curriculum, specs in curricula:
            for spec in specs:
                slug = f"{spec['slug']}-{edition}"
                if count >= total or CoursePage.objects.filter(slug=slug).exists():
                    continue
                audience = spec.get("audience") or {}
                course = CoursePage(
                    title=f"{spec['title']}（第{edition}期）",
                    slug=slug,
                    summary=spec["summary"],
                    credit_hours=Decimal(spec["credit_hours"]),
                    delivery_mode=spec["delivery_mode"],
                    estimated_minutes=spec["estimated_minutes"],
                    audience_min_rank=ranks.get(audience.get("min_rank")),
                    audience_gender=audience.get("gender") or "",
                    audience_min_age=audience.get("min_age"),
                    audience_max_age=audience.get("max_age"),
                    live=True,
                )
                course.audience_post_categories = [
                    categories[code] for code in audience.get("post_categories", [])
                ]
                curriculum.add_child(instance=course)
                for lesson in spec.get("lessons", []):
                    course.add_child(
                        instance=LessonPage(
                            title=lesson["title"],
                            slug=lesson["slug"],
                            estimated_minutes=lesson["minutes"],
                            required=lesson.get("required", True),
                            body=lesson_body(lesson),
                            live=True,
                        )
                    )
                count += 1
                created += 1
        edition += 1
    return created


def dashboard_cadre():
    """A population cadre with exactly DASHBOARD_ENROLLMENTS enrollments (topped up)."""
    from courses.models import CoursePage
    from lms.learning.enrollment import enrol
    from lms.models import CadreProfile

    cadre = (
        CadreProfile.objects.filter(employee_id__startswith="S")
        .annotate(n=Count("enrollments"))
        .order_by("-n", "employee_id")
        .select_related("user")
        .first()
    )
    enrolled = set(cadre.enrollments.values_list("course_id", flat=True))
    for course in CoursePage.objects.live().exclude(pk__in=enrolled).order_by("path"):
        if len(enrolled) >= DASHBOARD_ENROLLMENTS:
            break
        enrol(cadre, course)
        enrolled.add(course.pk)
    return cadre


def summarise(name, samples_ms, queries, note=""):
    samples_ms = sorted(samples_ms)
    p95 = statistics.quantiles(samples_ms, n=100, method="inclusive")[94]
    return {
        "name": name,
        "n": len(samples_ms),
        "mean": statistics.fmean(samples_ms),
        "p50": statistics.median(samples_ms),
        "p95": p95,
        "max": samples_ms[-1],
        "queries": queries,
        "note": note,
    }


def count_queries(call) -> int:
    """Queries one call makes (the test client resets connection.queries per request)."""
    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        call()
    return count


def timed(call, times):
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def bench_dashboard(cadre):
    from lms.learning.credits import year_summary
    from lms.models import Enrollment

    client = Client()
    client.force_login(cadre.user)
    response = client.get("/my/")
    if response.status_code in (404, 405):
        # /my/ is not there yet: time what it has to show (enrollments, progress, hours).
        def dashboard():
            list(Enrollment.objects.for_cadre(cadre).with_course().with_progress())
            year_summary(cadre)

        timed(dashboard, WARM_UP)
        queries = count_queries(dashboard)
        return summarise(
            "dashboard services (no /my/)",
            timed(dashboard, REQUESTS),
            queries,
            f"GET /my/ answered {response.status_code}: timed the services directly",
        )
    assert response.status_code == 200, f"GET /my/ answered {response.status_code}"

    def get():
        assert client.get("/my/").status_code == 200

    timed(get, WARM_UP)
    queries = count_queries(get)
    return summarise(
        f"GET /my/ ({DASHBOARD_ENROLLMENTS} enrollments)", timed(get, REQUESTS), queries
    )


def enrol_pairs(count):
    """(cadre, course) pairs not yet enrolled: a few cadres across the whole catalogue."""
    from courses.models import CoursePage
    from lms.models import CadreProfile, Enrollment

    courses = list(CoursePage.objects.live().public().order_by("path"))
    taken = set(Enrollment.objects.values_list("cadre_id", "course_id"))
    pairs = []
    cadres = CadreProfile.objects.filter(employee_id__startswith="S").select_related("user")
    for cadre in cadres.order_by("-employee_id").iterator():
        for course in courses:
            if (cadre.pk, course.pk) not in taken:
                pairs.append((cadre, course))
                if len(pairs) == count:
                    return pairs
    return pairs


def bench_enrol():
    from lms.learning.enrollment import enrol
    from lms.models import ApiToken

    pairs = enrol_pairs(REQUESTS + WARM_UP + 2)
    tokens = {}

    def auth(cadre):
        if cadre.pk not in tokens:
            tokens[cadre.pk] = ApiToken.issue(cadre.user, "bench")[1]
        return {"HTTP_AUTHORIZATION": f"Bearer {tokens[cadre.pk]}"}

    client = Client()
    probe_cadre, probe_course = pairs.pop()
    probe = client.post(f"/api/v1/courses/{probe_course.pk}/enrol", **auth(probe_cadre))
    if probe.status_code in (404, 405):
        note = f"the API answered {probe.status_code}: timed lms.enrollment.enrol directly"
        it = iter(pairs)

        def service():
            enrol(*next(it))

        timed(service, WARM_UP)
        queries = count_queries(service)
        new = summarise("enrol() service, new", timed(service, REQUESTS), queries, note)

        def service_again():
            enrol(*pairs[0])  # enrolled during the warm-up

        again = summarise(
            "enrol() service, again",
            timed(service_again, REQUESTS),
            count_queries(service_again),
            note,
        )
        return [new, again]
    assert probe.status_code == 201, f"POST enrol answered {probe.status_code}: {probe.content}"
    for cadre, _course in pairs:
        auth(cadre)  # issue the tokens before timing
    it = iter(pairs)

    def post_new():
        cadre, course = next(it)
        response = client.post(f"/api/v1/courses/{course.pk}/enrol", **auth(cadre))
        assert response.status_code == 201, response.content

    def post_again():
        response = client.post(f"/api/v1/courses/{probe_course.pk}/enrol", **auth(probe_cadre))
        assert response.status_code == 200, response.content

    timed(post_new, WARM_UP)
    queries = count_queries(post_new)
    new = summarise(
        "POST /api/v1/courses/{id}/enrol, new (201)", timed(post_new, REQUESTS), queries
    )
    timed(post_again, WARM_UP)
    queries = count_queries(post_again)
    again = summarise(
        "POST /api/v1/courses/{id}/enrol, again (200)", timed(post_again, REQUESTS), queries
    )
    return [new, again]


def print_table(rows):
    headers = ("operation", "n", "mean ms", "p50 ms", "p95 ms", "max ms", "queries")
    table = [
        (
            r["name"],
            str(r["n"]),
            f"{r['mean']:.1f}",
            f"{r['p50']:.1f}",
            f"{r['p95']:.1f}",
            f"{r['max']:.1f}",
            str(r["queries"]),
        )
        for r in rows
    ]
    widths = [max(len(h), *(len(row[i]) for row in table)) for i, h in enumerate(headers)]

    def line(cells):
        first = cells[0].ljust(widths[0])
        rest = (cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True))
        return "  ".join([first, *rest])

    print(line(headers))
    print("  ".join("-" * width for width in widths))
    for row in table:
        print(line(row))
    for r in rows:
        if r["note"]:
            print(f"note: {r['name']}: {r['note']}")


def main():
    from courses.models import CoursePage
    from lms.models import Enrollment, EnrollmentStatus

    setup_test_environment()
    started = time.perf_counter()
    old_name, where = create_database()
    phases = {"migrate": time.perf_counter() - started}
    try:
        mark = time.perf_counter()
        extra = grow_catalogue(COURSES)
        phases[f"catalogue of {COURSES} courses"] = time.perf_counter() - mark
        mark = time.perf_counter()
        call_command("seed_demo", cadres=CADRES, password=PASSWORD, stdout=io.StringIO())
        phases[f"seed_demo --cadres {CADRES}"] = time.perf_counter() - mark

        cadre = dashboard_cadre()
        mine = cadre.enrollments.values_list("status", flat=True)
        print(f"心育 learning bench · {where} · {settings.SETTINGS_MODULE}")
        print(
            "setup: "
            + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in phases.items())
            + f" ({extra} courses created)"
        )
        print(
            f"data: {CoursePage.objects.live().count()} courses, "
            f"{Enrollment.objects.count()} enrollments "
            f"({Enrollment.objects.filter(status=EnrollmentStatus.COMPLETED).count()} completed); "
            f"/my/ cadre {cadre.employee_id}: {len(mine)} enrollments, "
            f"{sum(s == EnrollmentStatus.COMPLETED for s in mine)} completed"
        )
        print()
        rows = [bench_dashboard(cadre), *bench_enrol()]
        print_table(rows)
        print(f"\ntotal {time.perf_counter() - started:.0f} s")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)


if __name__ == "__main__":
    main()
