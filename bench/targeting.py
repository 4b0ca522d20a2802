"""Targeting bench: importing a 50,000-row roster, counting an audience, assigning a course
to 50,000 cadres.

    .venv/bin/python bench/targeting.py        (or `make bench`)

A throwaway database like bench/learning.py (SQLite, or PostgreSQL when DATABASE_URL names
it). Prints, for BENCH_CADRES cadres (default 50,000):
- roster import: time and peak Python memory (tracemalloc) of read → check → commit for a
  GB18030 CSV as WPS exports it, and of a second import of the same file (all unchanged);
- audience count: p50/p95 of counting "women, 县处级副职 and above, 综合管理类, in one
  district" and of the whole population, over BENCH_REQUESTS runs;
- assignment: a campaign to everyone, in-process batches (any database), and, on
  PostgreSQL with Redis on 127.0.0.1:6379, by one real `celery -A config worker` process
  (its peak resident memory from /proc).
Aims (issue 9): import under 60 s, assignment under 60 s, audience count under 200 ms.
"""

import csv
import io
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402
from learning import create_database  # noqa: E402  (sets up Django)

CADRES = int(os.environ.get("BENCH_CADRES", "50000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "50"))
ROOT = Path(__file__).resolve().parent.parent
HEADER = ["工号", "姓名", "性别", "出生年份", "部门", "职级", "岗位类别", "任现职时间", "职务"]


def roster_csv(count: int, *, seed: int = 2026) -> bytes:
    """The demo population of `count` cadres (drawn with `seed`) as WPS exports a roster."""
    from lms.demo.population import generate_population
    from lms.people.models import PostCategory

    categories = dict(PostCategory.objects.values_list("code", "name"))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for person in generate_population(count, seed=seed):
        writer.writerow(
            [
                person["employee_id"],
                person["name"],
                "女" if person["gender"] == "female" else "男",
                person["birth_year"],
                person["department"].name,
                person["rank"].name,
                categories[person["post_category_code"]],
                person["in_post_since"].isoformat(),
                person.get("post_title", ""),
            ]
        )
    return out.getvalue().encode("gb18030")


def measure(call):
    tracemalloc.start()
    started = time.perf_counter()
    result = call()
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, seconds, peak / 2**20


def import_roster(data: bytes):
    from lms.targeting import roster

    checked = roster.check_roster(roster.read_roster(data, "roster.csv"), scope=None)
    if checked["problems"]:
        raise SystemExit(f"the generated roster has problems: {checked['problems'][:3]}")
    return roster.commit_roster(checked, scope=None)


def percentile(samples, q):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def bench_audience():
    from lms.people.models import Department, PostCategory, Rank
    from lms.targeting.audiences import Criteria, cadres_in

    today = timezone.localdate()
    district = Department.objects.get(code="district_a")
    narrow = Criteria(
        gender="female",
        min_ordinal=Rank.objects.get(code="county_deputy").ordinal,
        post_category_ids=(PostCategory.objects.get(code="comprehensive").pk,),
        department_paths=(district.path,),
    )
    rows = []
    for name, criteria in (("narrow audience", narrow), ("everyone", Criteria())):
        samples, count = [], 0
        for _ in range(REQUESTS):
            started = time.perf_counter()
            count = cadres_in(criteria, today).count()
            samples.append((time.perf_counter() - started) * 1000)
        rows.append((name, count, statistics.median(samples), percentile(samples, 0.95)))
    return rows


def new_campaign(name):
    from courses.models import CoursePage
    from lms.models import Audience, Campaign, CampaignStatus

    audience, _ = Audience.objects.get_or_create(name="全体干部（基准）")
    course = CoursePage.objects.live().order_by("pk").first()
    campaign = Campaign.objects.create(
        name=name, audience=audience, due_date=timezone.localdate() + timedelta(days=30)
    )
    campaign.courses.add(course)
    total = CADRES
    Campaign.objects.filter(pk=campaign.pk).update(
        status=CampaignStatus.RUNNING, launched_at=timezone.now(), total=total
    )
    return campaign, course


def clear_assignments(course):
    from lms.models import CampaignAssignment, Enrollment

    CampaignAssignment.objects.all().delete()
    Enrollment.objects.filter(course=course).delete()


def bench_assignment_in_process():
    from lms.targeting.campaigns import assign_next_batch

    campaign, course = new_campaign("基准：进程内")
    started = time.perf_counter()
    while assign_next_batch(campaign.pk):
        pass
    seconds = time.perf_counter() - started
    clear_assignments(course)
    return seconds


def redis_up() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url("redis://127.0.0.1:6379/15").ping())
    except Exception:  # any connection error: no Redis to bench with
        return False


def bench_assignment_with_worker():
    """One real worker on PostgreSQL + Redis; returns (seconds, peak RSS MiB) or a reason."""
    if connection.vendor != "postgresql":
        return "needs PostgreSQL (DATABASE_URL)"
    if not redis_up():
        return "needs Redis on 127.0.0.1:6379"
    from config.celery import app
    from lms.models import Campaign
    from lms.targeting.tasks import assign_campaign

    broker = "redis://127.0.0.1:6379/15"
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DATABASE_URL": f"{url}/{db['NAME']}",
    }
    worker = subprocess.Popen(  # noqa: S603  (our own command line)
        [
            str(Path(sys.executable).with_name("celery")),
            *("-A", "config", "worker", "--pool=solo", "-Q", queue, "--loglevel=WARNING"),
            *("--without-gossip", "--without-mingle", "--without-heartbeat"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(3)  # the worker connects before the clock starts
        campaign, course = new_campaign("基准：worker")
        app.conf.update(task_always_eager=False, broker_url=broker)
        started = time.perf_counter()
        with app.connection_for_write(broker) as conn:
            assign_campaign.apply_async(args=[campaign.pk], queue=queue, connection=conn)
        while Campaign.objects.get(pk=campaign.pk).assigned_at is None:
            if worker.poll() is not None or time.perf_counter() - started > 600:
                return "the worker stopped or took over 10 minutes"
            time.sleep(0.1)
        seconds = time.perf_counter() - started
        peak = peak_rss_mib(worker.pid)
        clear_assignments(course)
        return seconds, peak
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main():
    setup_test_environment()
    _old, where = create_database()
    from courses.demo import seed_catalogue
    from lms.demo.population import seed_departments

    seed_departments()
    seed_catalogue()
    print(f"Targeting bench: {CADRES:,} cadres, {where}")
    data = roster_csv(CADRES)
    print(f"roster file: {len(data) / 2**20:.1f} MiB GB18030 CSV")
    report, seconds, peak = measure(lambda: import_roster(data))
    print(
        f"import roster (new):       {seconds:7.1f} s, peak {peak:6.0f} MiB  "
        f"created {report['created']:,}"
    )
    report, seconds, peak = measure(lambda: import_roster(data))
    print(
        f"import roster (unchanged): {seconds:7.1f} s, peak {peak:6.0f} MiB  "
        f"unchanged {report['unchanged']:,}"
    )
    for name, count, p50, p95 in bench_audience():
        print(f"audience count, {name} ({count:,}): p50 {p50:6.1f} ms, p95 {p95:6.1f} ms")
    seconds = bench_assignment_in_process()
    print(f"assign 1 course to {CADRES:,}, in-process batches: {seconds:6.1f} s")
    result = bench_assignment_with_worker()
    if isinstance(result, str):
        print(f"assign with a real worker: skipped ({result})")
    else:
        seconds, peak = result
        print(
            f"assign 1 course to {CADRES:,}, one Celery worker (Redis): {seconds:6.1f} s, "
            f"worker peak RSS {peak:.0f} MiB"
        )
    connection.creation.destroy_test_db(_old, verbosity=0)


if __name__ == "__main__":
    main()
