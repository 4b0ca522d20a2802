"""Scale bench: the whole site at a province's size, served by gunicorn, driven from outside.

    make bench          (the full size: 50,000 cadres; about half an hour here)
    make bench-small    (2,000 cadres, a few minutes; CI runs it)
    .venv/bin/python bench/scale.py [--small]

Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/xinyu, where a
throwaway database bench_<name> is created and dropped) and Redis on 127.0.0.1:6379 (the
cache and the Celery broker of the served site, databases 12 and 13, emptied first).

1. Seeds, with the demo's seeders and bulk inserts: the demo (accounts, catalogue, a few
   hundred cadres with history), the catalogue grown to COURSES courses and LESSONS lessons,
   the population grown to CADRES cadres over the three-level department tree, their
   assessments (consent, stress sources, SCL-90, encrypted), ENROLLMENTS enrollments and
   PROGRESS lesson-progress rows; then the 学习分析 summaries and both search indexes.
2. Serves it: `gunicorn config.wsgi` with production settings (DEBUG off, the Redis cache,
   WhiteNoise's manifest), workers and threads as docs/deploy.md advises, then again
   with Elasticsearch (osmem-server, in memory) for the search rows.
3. Drives it from bench/load.py, a separate process on loopback, at concurrency 1 and 8:
   each row is repeated REPETITIONS times; a figure is the median of the repetitions with
   their range in brackets. Rows write what users write (enrolments, progress, quiz
   attempts), each request its own.
4. Counts the SQL queries of one request per row, in this process with Django's test
   client on the same database; reads the peak resident memory (VmHWM) of the gunicorn
   workers and of a Celery worker.
5. Roster import (a re-import of everyone with changed posts) and campaign assignment to
   everyone by a real Celery worker: rows per second, REPETITIONS times.

Figures are printed, not asserted. The load process shares the machine's cores with the
server, as any single-machine measurement does.
"""

import io
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

SMALL = "--small" in sys.argv[1:]
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/xinyu")
if not os.environ["DATABASE_URL"].startswith("postgres"):
    raise SystemExit("bench/scale.py measures the production set-up: DATABASE_URL=postgres://…")


@dataclass(frozen=True)
class Size:
    cadres: int
    courses: int
    lessons: int
    enrollments: int
    progress: int
    demo_cadres: int  # seed_demo's cadres, with a year of learning history
    requests: tuple[int, int]  # per repetition, at concurrency 1 and 8
    repetitions: int = 3
    token_cadres: int = 1000


SIZES = {
    "full": Size(50_000, 500, 5_000, 200_000, 1_000_000, 1_000, (40, 160)),
    "small": Size(2_000, 50, 500, 8_000, 40_000, 200, (12, 48), token_cadres=300),
}
SIZE = SIZES["small" if SMALL else "full"]
os.environ["BENCH_CADRES"] = str(SIZE.cadres)  # bench/targeting.py's campaign size

sys.path.insert(0, str(Path(__file__).resolve().parent))

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402
from learning import count_queries, create_database, grow_catalogue  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "bench-password-1"  # noqa: S105  (a throwaway database)
REDIS = "redis://127.0.0.1:6379"
BATCH = 20_000
CONCURRENCY = (1, 8)
QUERIES = ["压力", "工作 压力", "沟通技巧", "睡眠", "女性干部", "心理健康", "危机公关"]
QUERIES += ["从政道德", "情绪", "团队建设", "抑郁", "家庭 工作"]
# As docs/deploy.md advises: about two workers per core, two threads each.
GUNICORN = ["--workers", "4", "--threads", "2", "--timeout", "120"]
LOAD_CADRES = 8  # signed-in cadres, one per thread


def phase(phases, name):
    """A context manager that records how long a setup phase took."""

    class Phase:
        def __enter__(self):
            self.started = time.perf_counter()
            print(f"… {name}", flush=True)

        def __exit__(self, *exc):
            phases[name] = time.perf_counter() - self.started

    return Phase()


# ---------------------------------------------------------------------------- seeding


def top_up_lessons(total: int) -> int:
    """Copies of demo lessons (quizzes included) under the courses with the fewest, up to
    `total` live lessons; saved live without revisions, as grow_catalogue's courses are."""
    from courses.models import CoursePage, LessonPage

    models = list(LessonPage.objects.live().order_by("path")[:40])
    count, added = LessonPage.objects.live().count(), 0
    courses = list(CoursePage.objects.live().order_by("path").only("pk", "path", "depth"))
    round_ = 0
    while count < total:
        round_ += 1
        for index, course in enumerate(courses):
            if count >= total:
                break
            model = models[(index + round_) % len(models)]
            course.add_child(
                instance=LessonPage(
                    title=f"{model.title}（补充{round_}）",
                    slug=f"extra-{round_}-{model.slug}"[:50],
                    estimated_minutes=model.estimated_minutes,
                    required=False,
                    body=model.body.raw_data,
                    live=True,
                )
            )
            count += 1
            added += 1
    return added


def learning_rows(enrollments: int, progress: int) -> None:
    """Enrolments of random population cadres in random courses, each with progress in the
    course's first lessons, up to the two totals; in bulk."""
    from courses.models import CoursePage, LessonPage
    from lms.models import CadreProfile, Enrollment, EnrollmentStatus, LessonProgress

    rng = random.Random(2026)  # noqa: S311  (bench data)
    lessons: dict[str, list[int]] = {}
    for lesson in LessonPage.objects.live().only("pk", "path", "depth"):
        lessons.setdefault(lesson.path[: -lesson.steplen], []).append(lesson.pk)
    courses = [
        (course.pk, lessons[course.path])
        for course in CoursePage.objects.live().only("pk", "path")
        if course.path in lessons
    ]
    cadres = list(CadreProfile.objects.values_list("pk", flat=True))
    taken = set(Enrollment.objects.values_list("cadre_id", "course_id"))
    now = timezone.now()
    have = Enrollment.objects.count()
    progress_left = progress - LessonProgress.objects.count()
    per_enrolment = max(1, progress_left // max(1, enrollments - have))
    while have < enrollments:
        rows = []
        while len(rows) < min(BATCH, enrollments - have):
            cadre, (course, _lessons) = rng.choice(cadres), rng.choice(courses)
            if (cadre, course) in taken:
                continue
            taken.add((cadre, course))
            done = rng.random() < 0.5
            enrolled_at = now - timedelta(days=rng.uniform(1, 700))
            rows.append(
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
        Enrollment.objects.bulk_create(rows)
        have += len(rows)
        by_course = dict(courses)
        visits = []
        for row in rows:
            if progress_left <= 0:
                break
            share = by_course[row.course_id][: per_enrolment + rng.randint(-1, 1)]
            for lesson in share[:progress_left]:
                visits.append(
                    LessonProgress(
                        enrollment_id=row.pk,
                        lesson_id=lesson,
                        opened_at=row.enrolled_at,
                        completed_at=row.completed_at or (now if rng.random() < 0.4 else None),
                    )
                )
            progress_left -= len(share[:progress_left])
        LessonProgress.objects.bulk_create(visits, batch_size=BATCH)


def seed(phases) -> dict:
    from courses.models import CoursePage, LessonPage
    from lms.demo.assessments import seed_assessments
    from lms.demo.population import seed_population
    from lms.models import Assessment, CadreProfile, Enrollment, LessonProgress

    with phase(phases, f"seed_demo --cadres {SIZE.demo_cadres}"):
        call_command("seed_demo", cadres=SIZE.demo_cadres, password=PASSWORD, stdout=io.StringIO())
    with phase(phases, f"catalogue to {SIZE.courses} courses, {SIZE.lessons} lessons"):
        grow_catalogue(SIZE.courses)
        top_up_lessons(SIZE.lessons)
    with phase(phases, f"population to {SIZE.cadres:,} cadres"):
        seed_population(SIZE.cadres, PASSWORD)
    with phase(phases, "assessments"):
        seed_assessments()
    with phase(phases, "enrollments and lesson progress"):
        learning_rows(SIZE.enrollments, SIZE.progress)
    with phase(phases, "学习分析 summaries"):
        call_command("build_analytics", stdout=io.StringIO())
    with phase(phases, "database search index"):
        call_command("lms_reindex", stdout=io.StringIO())
    return {
        "cadres": CadreProfile.objects.count(),
        "courses": CoursePage.objects.live().count(),
        "lessons": LessonPage.objects.live().count(),
        "enrollments": Enrollment.objects.count(),
        "lesson progress": LessonProgress.objects.count(),
        "assessments": Assessment.objects.count(),
    }


# ---------------------------------------------------------------------- what is asked


def production_password(users) -> None:
    """The served site hashes as production does (PBKDF2); this process seeded with MD5."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hasher = PBKDF2PasswordHasher()
    for user in users:
        user.password = hasher.encode(PASSWORD, hasher.salt())
        user.save(update_fields=["password"])


def load_cadres():
    """LOAD_CADRES population cadres with the most enrolments: one per thread."""
    from django.db.models import Count

    from lms.models import CadreProfile

    return list(
        CadreProfile.objects.filter(employee_id__startswith="S")
        .annotate(n=Count("enrollments"))
        .order_by("-n", "employee_id")
        .select_related("user")[:LOAD_CADRES]
    )


def token_cadres(count: int):
    """Cadres who call the API with bearer tokens, each enrolled in two courses with a quiz
    they have not tried (bulk, as the learning rows are)."""
    from courses.models import CoursePage
    from lms.models import ApiToken, CadreProfile, Enrollment, EnrollmentStatus

    rng = random.Random(7)  # noqa: S311  (bench data)
    cadres = list(
        CadreProfile.objects.filter(employee_id__startswith="S")
        .order_by("-employee_id")
        .select_related("user")[:count]
    )
    quizzed = [c.pk for c in CoursePage.objects.live() if any(quizzes_of(c))]
    taken = set(Enrollment.objects.filter(cadre__in=cadres).values_list("cadre_id", "course_id"))
    rows = []
    for cadre in cadres:
        fresh = [c for c in rng.sample(quizzed, min(6, len(quizzed))) if (cadre.pk, c) not in taken]
        rows += [
            Enrollment(cadre=cadre, course_id=course, status=EnrollmentStatus.ACTIVE)
            for course in fresh[:2]
        ]
    Enrollment.objects.bulk_create(rows)
    return [(cadre, ApiToken.issue(cadre.user, "bench")[1]) for cadre in cadres]


def quizzes_of(course):
    """(lesson, quiz id, number of questions) of the course's lessons."""
    from courses.models import LessonPage

    for lesson in LessonPage.objects.child_of(course).live():
        for quiz_id, quiz in lesson.quizzes().items():
            yield lesson, quiz_id, len(quiz["questions"])


def plan_rows(size: Size, cadres, tokens) -> tuple[list[dict], dict]:
    """The rows (name, account, expected statuses, one request list per thread and run),
    and one extra request per row for counting queries."""
    from courses.models import CoursePage, CurriculumPage, LessonPage
    from lms.models import Enrollment, EnrollmentStatus

    rng = random.Random(2027)  # noqa: S311  (bench data)
    runs = [
        (threads, size.requests[CONCURRENCY.index(threads)])
        for _ in range(size.repetitions)
        for threads in CONCURRENCY
    ]
    total = sum(n for _, n in runs) + 1
    courses = list(CoursePage.objects.live().order_by("?").specific())
    curricula = list(CurriculumPage.objects.live())
    own_lessons = {}
    for cadre in cadres:
        enrolled = Enrollment.objects.filter(cadre=cadre).values_list("course_id", flat=True)
        own_lessons[cadre.pk] = [
            lesson.url
            for course in CoursePage.objects.filter(pk__in=enrolled)
            for lesson in LessonPage.objects.child_of(course).live()
        ]
    instructor_course = (
        CoursePage.objects.filter(instructors__user__username="instructor").order_by("-pk").first()
    )
    # Every course a token cadre has an enrolment in (enrol targets avoid them all), and
    # those still open to progress and quizzes (a withdrawn one answers 403).
    enrolled_by, learning_in = {}, {}
    for cadre_id, course_id, status in Enrollment.objects.filter(
        cadre__in=[c for c, _ in tokens]
    ).values_list("cadre_id", "course_id", "status"):
        enrolled_by.setdefault(cadre_id, set()).add(course_id)
        if status != EnrollmentStatus.WITHDRAWN:
            learning_in.setdefault(cadre_id, set()).add(course_id)
    course_ids = [c.pk for c in courses]

    def unique(make):
        """`total` requests from `make(i)`, each used once."""
        return [make(i) for i in range(total)]

    enrol = unique(
        lambda i: (
            "POST",
            f"/api/v1/courses/{next_free(tokens[i % len(tokens)], course_ids, enrolled_by)}/enrol",
            {},
            tokens[i % len(tokens)][1],
        )
    )
    lesson_targets = []
    quiz_targets = []
    for cadre, token in tokens:
        for course in CoursePage.objects.filter(pk__in=learning_in.get(cadre.pk, ())):
            for lesson, quiz_id, questions in quizzes_of(course):
                lesson_targets.append(
                    ("POST", f"/api/v1/lessons/{lesson.pk}/progress", {"position": "t=42"}, token)
                )
                quiz_targets.append(
                    (
                        "POST",
                        f"/api/v1/lessons/{lesson.pk}/quizzes/{quiz_id}/attempts",
                        {"answers": [[0]] * questions},
                        token,
                    )
                )
    rng.shuffle(quiz_targets)
    rows = [
        ("目录首页 catalogue", "cadre", [200], lambda i, t: ("GET", "/", None, None)),
        (
            "课程体系 curriculum",
            "cadre",
            [200],
            lambda i, t: ("GET", curricula[i % len(curricula)].url, None, None),
        ),
        (
            "课程页 course page",
            "cadre",
            [200],
            lambda i, t: ("GET", courses[i % len(courses)].url, None, None),
        ),
        (
            "课时页 lesson page",
            "cadre",
            [200],
            lambda i, t: ("GET", cycle_pick(own_lessons[cadres[t].pk], i), None, None),
        ),
        ("我的学习 /my/", "cadre", [200], lambda i, t: ("GET", "/my/", None, None)),
        (
            "搜索 search (database)",
            "cadre",
            [200],
            lambda i, t: ("GET", "/search/?" + urlencode_q(QUERIES[i % len(QUERIES)]), None, None),
        ),
        (
            "推荐 recommendations (database)",
            None,
            [200],
            lambda i, t: ("GET", "/api/v1/recommendations", None, tokens[i % len(tokens)][1]),
        ),
        ("选课 enrol", None, [201], lambda i, t: enrol[i]),
        ("学习进度 progress", None, [200], lambda i, t: lesson_targets[i % len(lesson_targets)]),
        ("测验 quiz attempt", None, [201], lambda i, t: quiz_targets[i]),
        (
            "教师课程报告 course report",
            "instructor",
            [200],
            lambda i, t: ("GET", f"/admin/courses/{instructor_course.pk}/report/", None, None),
        ),
        (
            "学习分析 analytics",
            "admin",
            [200],
            lambda i, t: ("GET", "/admin/analytics/", None, None),
        ),
    ]
    if len(quiz_targets) < total:
        raise SystemExit(f"only {len(quiz_targets)} untried quizzes for {total} attempts")
    return [build_row(name, role, expect, make, runs) for name, role, expect, make in rows], {
        "instructor_course": instructor_course
    }


def build_row(name, role, expect, make, runs):
    counter = iter(range(10**9))
    probe = make(next(counter), 0)
    return {
        "name": name,
        "as": role,
        "expect": expect,
        "probe": probe,
        "runs": [
            {
                "shares": [
                    [make(i, thread) for i in (next(counter) for _ in range(n // threads))]
                    for thread in range(threads)
                ]
            }
            for threads, n in runs
        ],
    }


def next_free(token, course_ids, enrolled_by):
    cadre = token[0]
    mine = enrolled_by.setdefault(cadre.pk, set())
    for course in course_ids:
        if course not in mine:
            mine.add(course)
            return course
    raise SystemExit(f"{cadre} is enrolled everywhere")


def cycle_pick(items, i):
    return items[i % len(items)]


def urlencode_q(text):
    from urllib.parse import urlencode

    return urlencode({"q": text})


def count_row_queries(row, users, tokens_by_key) -> int:
    """Queries of the row's probe request, through Django's test client."""
    from django.core.cache import cache

    method, path, body, token = row["probe"]
    client = Client()
    headers = {}
    if row["as"]:
        client.force_login(users[row["as"]])
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    cache.clear()
    status = {}

    def call():
        if method == "GET":
            response = client.get(path, **headers)
        else:
            response = client.post(path, json.dumps(body), "application/json", **headers)
        status["code"] = response.status_code
        status["body"] = response.content[:300].decode(errors="replace")

    queries = count_queries(call)
    if status["code"] not in row["expect"]:
        raise SystemExit(
            f"{row['name']}: {method} {path} answered {status['code']}: {status['body']}"
        )
    return queries


# --------------------------------------------------------------------------- serving


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(port: int, media: Path, elasticsearch: str = "") -> dict:
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": f"{url}/{db['NAME']}",
        "DATABASE_CONN_MAX_AGE": "60",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "LMS_ASSESSMENT_KEYS": settings.LMS_ASSESSMENT_KEYS,
        "ALLOWED_HOSTS": "127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{port}",
        # Plain HTTP on loopback: no TLS proxy in front of the bench.
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "CACHE_URL": f"{REDIS}/12",
        "CELERY_BROKER_URL": f"{REDIS}/13",
        "MEDIA_ROOT": str(media / "media"),
        "PRIVATE_MEDIA_ROOT": str(media / "private"),
        "LOG_FORMAT": "json",
    }
    if elasticsearch:
        env |= {
            "ELASTICSEARCH_URL": elasticsearch,
            "ELASTICSEARCH_INDEX": "bench-courses",
            "ELASTICSEARCH_PLAIN_JSON": "true",
        }
    return env


class Gunicorn:
    def __init__(self, env: dict, port: int, log: Path):
        self.port = port
        self.log = log.open("ab")
        self.process = subprocess.Popen(  # noqa: S603  (our own command line)
            [str(BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}", *GUNICORN],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=self.log,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):  # noqa: S310
                    break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"gunicorn did not start; see {log}") from None
                time.sleep(0.3)

    def workers(self) -> list[int]:
        """The master's children, from /proc."""
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:  # the process ended while we looked
                continue
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return pids

    def memory(self) -> dict:
        return {
            "master": peak_rss_mib(self.process.pid),
            "workers": [peak_rss_mib(pid) for pid in self.workers()],
        }

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)
        self.log.close()


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def drive(port: int, rows: list[dict], accounts: dict) -> list[dict]:
    plan = {
        "base": f"http://127.0.0.1:{port}",
        "accounts": accounts,
        "rows": [{k: row[k] for k in ("name", "as", "expect", "runs")} for row in rows],
    }
    done = subprocess.run(  # noqa: S603  (our own command line)
        [sys.executable, str(ROOT / "bench" / "load.py")],
        input=json.dumps(plan).encode(),
        capture_output=True,
        check=False,
    )
    sys.stderr.write(done.stderr.decode())
    if done.returncode:
        raise SystemExit("the load process failed")
    return json.loads(done.stdout)


# --------------------------------------------------------------------------- reading


def percentile(samples, q):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def spread(values, unit="", digits=1):
    middle = statistics.median(values)
    return f"{middle:.{digits}f}{unit} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def table(results: list[dict], queries: dict) -> list[str]:
    lines = [
        f"| row | queries | {' | '.join(f'p50 ×{c} | p95 ×{c} | req/s ×{c}' for c in CONCURRENCY)} "
        "| errors |",
        "|---|---:|" + "---:|" * (3 * len(CONCURRENCY)) + "---:|",
    ]
    names = list(dict.fromkeys(r["name"] for r in results))
    for name in names:
        cells = [name, str(queries.get(name, "–"))]
        errors = 0
        for threads in CONCURRENCY:
            runs = [r for r in results if r["name"] == name and r["threads"] == threads]
            errors += sum(r["error_count"] for r in runs)
            cells += [
                spread([percentile(r["latencies"], 50) for r in runs], " ms"),
                spread([percentile(r["latencies"], 95) for r in runs], " ms"),
                spread([len(r["latencies"]) / r["wall"] for r in runs], "", 0),
            ]
        cells.append(str(errors))
        lines.append("| " + " | ".join(cells) + " |")
    for r in results:
        for error in r["errors"]:
            lines.append(f"  error in {r['name']} ×{r['threads']}: {error}")
    return lines


# ----------------------------------------------------------------- background work


def roster_throughput() -> list[float]:
    """Rows per second of re-importing everyone with changed posts (read, check, commit)."""
    import targeting

    rates = []
    for repetition in range(SIZE.repetitions):
        # Drawn with another seed: the same people, most in another post or department.
        data = targeting.roster_csv(SIZE.cadres, seed=3000 + repetition)
        started = time.perf_counter()
        targeting.import_roster(data)
        rates.append(SIZE.cadres / (time.perf_counter() - started))
    return rates


def assignment_throughput(env: dict) -> tuple[list[float], float]:
    """Rows per second of assigning a course to everyone by one real Celery worker, started
    with the served site's settings; and the worker's peak resident memory."""
    import targeting

    from config.celery import app
    from lms.models import CadreProfile, Campaign
    from lms.targeting.tasks import assign_campaign

    queue = f"bench-{uuid.uuid4().hex[:8]}"
    broker = env["CELERY_BROKER_URL"]
    worker = subprocess.Popen(  # noqa: S603  (our own command line)
        [
            str(BIN / "celery"),
            *("-A", "config", "worker", "--pool=solo", "-Q", queue, "--loglevel=WARNING"),
            *("--without-gossip", "--without-mingle", "--without-heartbeat"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    total = CadreProfile.objects.count()
    rates = []
    try:
        time.sleep(3)  # the worker connects before the clock starts
        app.conf.update(task_always_eager=False, broker_url=broker)
        for repetition in range(SIZE.repetitions):
            campaign, course = targeting.new_campaign(f"基准：规模 {repetition + 1}")
            started = time.perf_counter()
            with app.connection_for_write(broker) as conn:
                assign_campaign.apply_async(args=[campaign.pk], queue=queue, connection=conn)
            while Campaign.objects.get(pk=campaign.pk).assigned_at is None:
                if worker.poll() is not None or time.perf_counter() - started > 900:
                    raise SystemExit("the Celery worker stopped or took over 15 minutes")
                time.sleep(0.1)
            rates.append(total / (time.perf_counter() - started))
            targeting.clear_assignments(course)
        return rates, peak_rss_mib(worker.pid)
    finally:
        worker.terminate()
        worker.wait(timeout=30)


# ------------------------------------------------------------------------------ main


def main():
    import redis
    from osmem_server import OsmemServer

    from lms.models import ApiToken  # noqa: F401  (the models load before seeding)
    from search.backends.elasticsearch import ElasticsearchBackend
    from search.documents import build_documents

    setup_test_environment()
    started = time.perf_counter()
    client = redis.Redis.from_url(f"{REDIS}/12", socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        raise SystemExit(f"bench/scale.py needs Redis at {REDIS}") from None
    for number in (12, 13):
        redis.Redis.from_url(f"{REDIS}/{number}").flushdb()

    phases: dict[str, float] = {}
    with phase(phases, "create and migrate the database"):
        old_name, where = create_database()
    media = Path(tempfile.mkdtemp(prefix="xinyu-scale-"))
    servers, osmem = [], None
    try:
        counts = seed(phases)
        from django.contrib.auth import get_user_model

        User = get_user_model()
        cadres = load_cadres()
        staff = {name: User.objects.get(username=name) for name in ("instructor", "admin")}
        production_password([c.user for c in cadres] + list(staff.values()))
        with phase(phases, "API tokens"):
            tokens = token_cadres(SIZE.token_cadres)
        # Planner statistics for the bulk-loaded tables, as autovacuum would gather them in
        # production within a minute (the loopback server here runs without autovacuum).
        with phase(phases, "ANALYZE"), connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        rows, _ = plan_rows(SIZE, cadres, tokens)
        users = {"cadre": cadres[0].user, **staff}
        queries = {row["name"]: count_row_queries(row, users, dict(tokens)) for row in rows}
        accounts = {
            "cadre": [[c.user.username, PASSWORD] for c in cadres],
            "instructor": [["instructor", PASSWORD]],
            "admin": [["admin", PASSWORD]],
        }

        with phase(phases, "collectstatic"):
            env = server_env(0, media)
            subprocess.run(  # noqa: S603  (our own command line)
                [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
                cwd=ROOT,
                env=env,
                check=True,
            )
        log = media / "gunicorn.log"
        port = free_port()
        env = server_env(port, media)
        server = Gunicorn(env, port, log)
        servers.append(server)
        print(f"… load on gunicorn at 127.0.0.1:{port}", flush=True)
        results = drive(port, rows, accounts)
        memory = server.memory()
        server.stop()

        # Printed now: a failure further on must not lose the figures.
        print(*table(results, queries), sep="\n", flush=True)

        # The same site with Elasticsearch answering search and recommendations.
        redis.Redis.from_url(f"{REDIS}/12").flushdb()  # no recommendations cached by the first

        with phase(phases, "Elasticsearch (osmem) index"):
            osmem = OsmemServer.start()
            ElasticsearchBackend(
                {"URLS": [osmem.url], "INDEX": "bench-courses", "PLAIN_JSON": True, "TIMEOUT": 60}
            ).rebuild(build_documents())
        port = free_port()
        server = Gunicorn(server_env(port, media, osmem.url), port, log)
        servers.append(server)
        es_rows = []
        for row in rows:
            if "(database)" in row["name"]:
                es_row = dict(row, name=row["name"].replace("(database)", "(Elasticsearch)"))
                es_rows.append(es_row)
        results += drive(port, es_rows, accounts)
        es_memory = server.memory()
        server.stop()

        print("… roster import and campaign assignment", flush=True)
        roster_rates = roster_throughput()
        assignment_rates, worker_peak = assignment_throughput(env)

        print()
        print(
            f"心育 scale bench ({'small' if SMALL else 'full'}) · {where} · gunicorn "
            f"{' '.join(GUNICORN)} · production settings · {os.cpu_count()} cores"
        )
        print("data: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
        print(
            f"each figure: median of {SIZE.repetitions} repetitions (range); "
            f"{SIZE.requests[0]} requests per repetition at concurrency 1, "
            f"{SIZE.requests[1]} at concurrency 8; queries: one request through the test client"
        )
        print()
        for line in table(results, queries):
            print(line)
        print()
        print(
            f"roster import (re-import of {SIZE.cadres:,} cadres with changes): "
            f"{spread(roster_rates, ' rows/s', 0)}"
        )
        print(
            f"campaign assignment by one Celery worker ({SIZE.cadres:,} cadres): "
            f"{spread(assignment_rates, ' rows/s', 0)}"
        )
        print(
            f"peak memory (VmHWM): gunicorn master {memory['master']:.0f} MiB, workers "
            f"{', '.join(f'{m:.0f}' for m in memory['workers'])}"
            f" MiB (database search); with Elasticsearch, workers "
            f"{', '.join(f'{m:.0f}' for m in es_memory['workers'])} MiB; Celery worker "
            f"{worker_peak:.0f} MiB"
        )
        print("setup: " + ", ".join(f"{name} {s:.0f} s" for name, s in phases.items()))
        print(f"total {time.perf_counter() - started:.0f} s")
    finally:
        for server in servers:
            if server.process.poll() is None:
                server.stop()
        if osmem is not None:
            osmem.close()
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)


if __name__ == "__main__":
    main()
