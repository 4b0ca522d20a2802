"""Search bench: rebuild time and query latency of both course search backends.

    .venv/bin/python bench/search.py        (or `make bench`)

Sets up its own database the way bench/learning.py does (a temporary SQLite file, or a
throwaway `bench_<name>` database when DATABASE_URL names a PostgreSQL server) and never
touches db.sqlite3. It grows the demo catalogue to 500 courses, seeds the demo with 2,000
cadres (a year of learning, assessments and profiles), then adds lightweight cadres (user
and profile rows only) up to 50,000. An in-memory OpenSearch-compatible server (osmem, as
in the tests) stands in for Elasticsearch.

It measures, per backend, at 500 courses and again after growing the catalogue to 5,000:
the rebuild from the pages; search with a mix of Chinese queries (on the database backend
also with tokens new to the process, and the first search after a course was published,
which re-reads the rows written since); recommend() for a sample of cadres, with the viewer built by
viewer_for() (a panel's first computation, as after a change) and alone; and the
recommendation panel as a page gets it, from the per-cadre cache. It also counts how many
sampled cadres get the same top ten from both backends. BENCH_REQUESTS sets the number of
timed calls per row (default 200); BENCH_SIZES the catalogue sizes (default "500,5000").

Aims (issue 11): database search p95 < 30 ms at 5,000 courses; database recommendation
p95 < 25 ms at 500 courses.
"""

import io
import logging
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

# Importing bench/learning.py sets Django up (test settings, no static-file warnings);
# its throwaway database and catalogue growth are the ones this bench needs too.
from learning import (  # noqa: E402
    count_queries,
    create_database,
    grow_catalogue,
    print_table,
    summarise,
    timed,
)

SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "500,5000").split(",")]
SEEDED_CADRES = 2000  # with learning history, assessments and profiles
CADRES = 50_000
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))
SAMPLE = 200  # cadres whose recommendations are timed and compared
WARM_UP = 5
AFTER_CHANGE = 20  # searches timed right after a course was published
PASSWORD = "bench-password-1"  # noqa: S105  (a throwaway database)
SEARCH_AIM_MS = (5000, 30)  # database search p95 at this many courses
RECOMMEND_AIM_MS = (500, 25)  # database recommendation p95 at this many courses
QUERIES = [
    ("抗压", ""),
    ("压力管理", ""),
    ("睡眠", ""),
    ("沟通", ""),
    ("情绪调节", ""),
    ("女性干部", ""),
    ("心理健康", ""),
    ("廉洁从政", ""),
    ("倾听", "communication"),
    ("工作 压力", ""),
    ("领导力", ""),
    ("焦虑", ""),
    ("正念", ""),
    ("家庭", "women_dual_pressure"),
    ("第2期", ""),
    ("", "stress_resilience"),
    # Everyday words the courses do not use (search/everyday.py widens them).
    ("最近睡不好", ""),
    ("和同事闹矛盾", ""),
]


class Fallbacks(logging.Handler):
    """Counts the Elasticsearch backend's fallbacks, which would time the wrong backend."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record):
        self.count += 1


def seed_people() -> dict[str, float]:
    from lms.demo.population import seed_population

    phases = {}
    mark = time.perf_counter()
    call_command("seed_demo", cadres=SEEDED_CADRES, password=PASSWORD, stdout=io.StringIO())
    phases[f"seed_demo --cadres {SEEDED_CADRES}"] = time.perf_counter() - mark
    mark = time.perf_counter()
    seed_population(CADRES, PASSWORD)
    phases[f"lightweight cadres up to {CADRES:,}"] = time.perf_counter() - mark
    return phases


def sample_cadres():
    """SAMPLE cadres: half from the seeded 2,000 (history, profiles), half from the rest."""
    from lms.models import CadreProfile

    rng = random.Random(2026)  # noqa: S311  (a bench sample, not security)
    numbers = rng.sample(range(1, SEEDED_CADRES + 1), SAMPLE // 2)
    numbers += rng.sample(range(SEEDED_CADRES + 1, CADRES + 1), SAMPLE - SAMPLE // 2)
    ids = [f"S{n:06d}" for n in numbers]
    by_id = CadreProfile.objects.select_related("rank", "post_category").in_bulk(
        ids, field_name="employee_id"
    )
    return [by_id[i] for i in ids]


def rebuild_row(name, backend, documents):
    started = time.perf_counter()
    backend.rebuild(documents)
    seconds = time.perf_counter() - started
    return {
        "name": f"{name}: rebuild {len(documents)} courses",
        "n": 1,
        "mean": seconds * 1000,
        "p50": seconds * 1000,
        "p95": seconds * 1000,
        "max": seconds * 1000,
        "queries": "",
        "note": "",
    }


def cycle(items):
    while True:
        yield from items


def bench_backend(name, backend, cadres, viewers, documents):
    from lms.learning.recommendations import viewer_for
    from search.backends.base import SearchQuery

    rows = []
    queries = cycle([SearchQuery(text=text, track=track) for text, track in QUERIES])

    def search():
        backend.search(next(queries))

    timed(search, WARM_UP)
    rows.append(summarise(f"{name}: search", timed(search, REQUESTS), count_queries(search)))

    if name == "database":
        # The row above is a process that has served these queries before: it keeps the
        # courses holding each token until the index changes. These two are the searches
        # before that: tokens new to the process, and the first search after a change.
        from search.backends import database as database_backend

        def search_new_tokens():
            # As if never looked up (the catalogue the last search read; reading the
            # current one here would add a query to the row).
            database_backend._CATALOGUE["current"]._terms.clear()
            backend.search(next(queries))

        rows.append(
            summarise(
                f"{name}: search, tokens new to the process",
                timed(search_new_tokens, REQUESTS),
                count_queries(search_new_tokens),
            )
        )

        # A course published: its row re-indexed (not timed), then the next search, which
        # re-reads the rows written since this process last read the catalogue.
        published = cycle(documents)
        after_change = []
        for _ in range(AFTER_CHANGE):
            backend.index_documents([next(published)])
            after_change.append(timed(lambda: backend.search(next(queries)), 1)[0])
        backend.index_documents([next(published)])
        after_change_queries = count_queries(lambda: backend.search(next(queries)))
        rows.append(
            summarise(
                f"{name}: search, first after a course was published",
                after_change,
                after_change_queries,
            )
        )

    people = cycle(cadres)

    def page_recommendation():
        backend.recommend(viewer_for(next(people)))

    timed(page_recommendation, WARM_UP)
    rows.append(
        summarise(
            f"{name}: recommend(viewer_for(cadre))",
            timed(page_recommendation, REQUESTS),
            count_queries(page_recommendation),
        )
    )

    if name == "database":  # the same for both backends: time it once
        people_only = cycle(cadres)

        def viewer_only():
            viewer_for(next(people_only))

        rows.append(
            summarise(
                "viewer_for(cadre) alone", timed(viewer_only, REQUESTS), count_queries(viewer_only)
            )
        )

    if name == "database":
        from lms.learning.recommendations import recommendation_panel

        users = [cadre.user for cadre in cadres]
        for user in users:  # each cadre's panel computed once, as their first page view
            recommendation_panel(user)
        panel_users = cycle(users)

        def cached_panel():
            recommendation_panel(next(panel_users))

        rows.append(
            summarise(
                "recommendation_panel(user), cached",
                timed(cached_panel, REQUESTS),
                count_queries(cached_panel),
            )
        )

    prepared = cycle(viewers)

    def recommend_only():
        backend.recommend(next(prepared))

    rows.append(
        summarise(
            f"{name}: recommend() alone",
            timed(recommend_only, REQUESTS),
            count_queries(recommend_only),
        )
    )
    return rows


def measure_size(database, elasticsearch_params, cadres):
    """Rebuild both backends from the pages, then time them; returns (rows, parity)."""
    from lms.learning.recommendations import viewer_for
    from search.backends.elasticsearch import ElasticsearchBackend
    from search.documents import build_documents

    mark = time.perf_counter()
    documents = build_documents()
    build_ms = (time.perf_counter() - mark) * 1000
    # A generous timeout to build; queries then run with the production default (2 s).
    elasticsearch = ElasticsearchBackend({**elasticsearch_params, "TIMEOUT": 60})
    rows = [
        {
            "name": f"build_documents() ({len(documents)} courses)",
            "n": 1,
            "mean": build_ms,
            "p50": build_ms,
            "p95": build_ms,
            "max": build_ms,
            "queries": count_queries(build_documents),
            "note": "",
        },
        rebuild_row("database", database, documents),
        rebuild_row("elasticsearch", elasticsearch, documents),
    ]
    elasticsearch = ElasticsearchBackend({**elasticsearch_params, "TIMEOUT": 2})
    viewers = [viewer_for(cadre) for cadre in cadres]
    agree = sum(
        [r.course_id for r in database.recommend(v)]
        == [r.course_id for r in elasticsearch.recommend(v)]
        for v in viewers
    )
    rows += bench_backend("database", database, cadres, viewers, documents)
    rows += bench_backend("elasticsearch", elasticsearch, cadres, viewers, documents)
    text_kb = sum(len(d["text"]) for d in documents) / len(documents) / 1024
    return rows, agree, len(viewers), text_kb


def verdict(rows, name, aim_ms) -> str:
    p95 = next(r["p95"] for r in rows if r["name"] == name)
    return f"{'met' if p95 < aim_ms else 'NOT met'} ({p95:.1f} ms)"


def main():
    from osmem_server import OsmemServer

    from courses.models import CoursePage
    from lms.models import CadreProfile, Enrollment, PsychProfile
    from search.backends.database import DatabaseSearchBackend

    setup_test_environment()
    started = time.perf_counter()
    old_name, where = create_database()
    phases = {"migrate": time.perf_counter() - started}
    server = None
    try:
        mark = time.perf_counter()
        grow_catalogue(SIZES[0])
        phases[f"catalogue of {SIZES[0]} courses"] = time.perf_counter() - mark
        phases.update(seed_people())

        mark = time.perf_counter()
        server = OsmemServer.start()
        phases["osmem server start"] = time.perf_counter() - mark
        es_params = {"URLS": [server.url], "INDEX": "bench-courses", "PLAIN_JSON": True}
        database = DatabaseSearchBackend({})
        fallbacks = Fallbacks()
        logging.getLogger("search.backends.elasticsearch").addHandler(fallbacks)
        cadres = sample_cadres()

        print(f"心育 search bench · {where} · {settings.SETTINGS_MODULE}")
        print(
            f"people: {CadreProfile.objects.count():,} cadres, "
            f"{Enrollment.objects.count():,} enrollments, {PsychProfile.objects.count():,} "
            f"profiles; sample of {len(cadres)} cadres"
        )
        verdicts = []
        for size in SIZES:
            if size != SIZES[0]:
                mark = time.perf_counter()
                grow_catalogue(size)
                phases[f"catalogue grown to {size} courses"] = time.perf_counter() - mark
            rows, agree, sampled, text_kb = measure_size(database, es_params, cadres)
            print()
            print(
                f"== {CoursePage.objects.live().count()} live courses (indexed text "
                f"{text_kb:.1f} KB per course on average)"
            )
            print_table(rows)
            print(f"parity: same top ten from both backends for {agree} of {sampled} cadres")
            if size == SEARCH_AIM_MS[0]:
                verdicts.append(
                    f"database search p95 < {SEARCH_AIM_MS[1]} ms at {size} courses: "
                    + verdict(rows, "database: search", SEARCH_AIM_MS[1])
                )
            if size == RECOMMEND_AIM_MS[0]:
                verdicts.append(
                    f"database recommendation p95 < {RECOMMEND_AIM_MS[1]} ms at {size} "
                    "courses: "
                    + verdict(rows, "database: recommend(viewer_for(cadre))", RECOMMEND_AIM_MS[1])
                )
        print()
        print("setup: " + ", ".join(f"{name} {s:.1f} s" for name, s in phases.items()))
        for line in verdicts:
            print("aim: " + line)
        if fallbacks.count:
            print(f"warning: Elasticsearch fell back to the database {fallbacks.count} times")
        print(f"\ntotal {time.perf_counter() - started:.0f} s")
    finally:
        if server is not None:
            server.close()
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)


if __name__ == "__main__":
    main()
