"""The judged query set (judgements.py) over the demo catalogue, on both backends:
recall@10 and nDCG@10, averaged over the queries, against the aims of issue 11.

The judgements were written by reading the courses, not from what the engines return; a
query kind that falls short is listed in the failure message with its worst queries.
"""

import math
import os
from collections import defaultdict

import pytest

from courses.demo import seed_catalogue
from courses.models import CoursePage
from search.backends.base import SearchQuery
from search.backends.database import DatabaseSearchBackend
from search.backends.elasticsearch import ElasticsearchBackend
from search.documents import build_documents
from tests.factories import rolled_back

from .heldout_blind import HELDOUT_BLIND
from .judgements import JUDGEMENTS

pytestmark = pytest.mark.django_db
RECALL_AIM, NDCG_AIM = 0.95, 0.85
# Top-10 overlap between the backends: measured 0.96 on average, 0.7 at the least.
PARITY_MEAN, PARITY_LEAST = 0.9, 0.6
K = 10


def ndcg(ranked: list[str], relevant: dict[str, int], k: int = K) -> float:
    gains = [relevant.get(slug, 0) for slug in ranked[:k]]
    dcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sorted(relevant.values(), reverse=True)[:k]
    best = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / best if best else 1.0


def recall(ranked: list[str], relevant: dict[str, int], k: int = K) -> float:
    wanted = {slug for slug, grade in relevant.items() if grade > 0}
    # With more relevant courses than k, a full top k is perfect recall.
    return len(wanted & set(ranked[:k])) / min(len(wanted), k) if wanted else 1.0


def rankings(backend, judgements=JUDGEMENTS) -> dict[str, list[str]]:
    """Each judged query's top ten, as course slugs."""
    slugs = dict(CoursePage.objects.values_list("pk", "slug"))
    return {
        judged["query"]: [
            slugs[hit.course_id]
            for hit in backend.search(SearchQuery(text=judged["query"], page_size=K)).hits
        ]
        for judged in judgements
    }


def measure(backend, ranked_by_query=None, judgements=JUDGEMENTS) -> tuple[float, float, dict]:
    ranked_by_query = ranked_by_query or rankings(backend, judgements)
    per_query = []
    for judged in judgements:
        ranked = ranked_by_query[judged["query"]]
        per_query.append(
            (
                judged["kind"],
                judged["query"],
                recall(ranked, judged["relevant"]),
                ndcg(ranked, judged["relevant"]),
            )
        )
    by_kind = defaultdict(list)
    for kind, query, r, n in per_query:
        by_kind[kind].append((query, r, n))
    mean_recall = sum(r for _k, _q, r, _n in per_query) / len(per_query)
    mean_ndcg = sum(n for _k, _q, _r, n in per_query) / len(per_query)
    return mean_recall, mean_ndcg, by_kind


def overlap(first: list[str], second: list[str]) -> float:
    """How much of two top tens is the same courses (1.0 when both are empty)."""
    size = max(len(first), len(second))
    return len(set(first) & set(second)) / size if size else 1.0


def report(by_kind) -> str:
    lines = []
    for kind, rows in sorted(by_kind.items()):
        worst = sorted(rows, key=lambda row: row[2])[:3]
        lines.append(
            f"{kind}: recall {sum(r for _q, r, _n in rows) / len(rows):.2f}, "
            f"nDCG {sum(n for _q, _r, n in rows) / len(rows):.2f}; worst "
            + ", ".join(f"{q} ({r:.2f}/{n:.2f})" for q, r, n in worst)
        )
    return "\n".join(lines)


@pytest.fixture(scope="module")
def catalogue(django_db_setup, django_db_blocker):
    with rolled_back(django_db_blocker):
        seed_catalogue()
        yield build_documents()


def test_every_judged_course_exists(catalogue):
    from .heldout import HELDOUT
    from .heldout_everyday import HELDOUT_EVERYDAY

    slugs = set(CoursePage.objects.values_list("slug", flat=True))
    for name, judged_set in (
        ("judgements", JUDGEMENTS),
        ("heldout", HELDOUT),
        ("heldout_everyday", HELDOUT_EVERYDAY),
        ("heldout_blind", HELDOUT_BLIND),
    ):
        for number, judged in enumerate(judged_set):
            assert set(judged["relevant"]) <= slugs, f"{name}, query number {number}"


# Both sets are ranked while the module's catalogue is indexed: the judged set, and the
# blind set (heldout_blind.py), whose queries no failure message names.
RANKED = JUDGEMENTS + HELDOUT_BLIND


@pytest.fixture(scope="module")
def database_rankings(catalogue):
    backend = DatabaseSearchBackend({})
    backend.rebuild(catalogue)
    return rankings(backend, RANKED)


@pytest.fixture(scope="module")
def database_metrics(database_rankings):
    return measure(None, database_rankings)


@pytest.fixture(scope="module")
def elasticsearch_metrics(elasticsearch_rankings):
    return measure(None, elasticsearch_rankings)


@pytest.fixture(scope="module")
def elasticsearch_rankings(catalogue, search_server):
    backend = ElasticsearchBackend(
        {
            "URLS": [search_server.url],
            "INDEX": f"relevance-{os.getpid()}",
            "PLAIN_JSON": True,
            "TIMEOUT": 15,
        }
    )
    backend.rebuild(catalogue)
    try:
        return rankings(backend, RANKED)
    finally:
        for index in backend._current_indices():
            backend.client.indices.delete(index=index)


def summary(metrics) -> str:
    mean_recall, mean_ndcg, by_kind = metrics
    return f"recall@10 {mean_recall:.3f}, nDCG@10 {mean_ndcg:.3f}\n" + report(by_kind)


# Floors: what the backends reach today (recall@10, nDCG@10), above the aims, so a
# change that loses relevance fails here before it would fail the aims.
@pytest.mark.parametrize(
    ("metrics", "floor"),
    [("database_metrics", (0.95, 0.95)), ("elasticsearch_metrics", (0.96, 0.96))],
)
def test_relevance_does_not_fall_below_what_the_backends_reach(request, metrics, floor):
    measured = request.getfixturevalue(metrics)
    assert measured[0] >= floor[0] and measured[1] >= floor[1], summary(measured)


@pytest.mark.parametrize("metrics", ["database_metrics", "elasticsearch_metrics"])
def test_both_backends_find_what_the_judges_expect(request, metrics):
    measured = request.getfixturevalue(metrics)
    assert measured[0] >= RECALL_AIM and measured[1] >= NDCG_AIM, summary(measured)


def test_both_backends_rank_alike(database_rankings, elasticsearch_rankings):
    """Top-ten parity on the judged set: a cadre finds much the same courses whichever
    backend answers (each ranks with its own BM25 over the same tokens and field weights,
    so the orders differ in places; the sets may not drift apart)."""
    per_query = {
        judged["query"]: overlap(
            database_rankings[judged["query"]], elasticsearch_rankings[judged["query"]]
        )
        for judged in JUDGEMENTS
    }
    mean = sum(per_query.values()) / len(per_query)
    worst = sorted(per_query.items(), key=lambda item: item[1])[:5]
    detail = ", ".join(f"{query} {value:.2f}" for query, value in worst)
    assert mean >= PARITY_MEAN, f"mean top-10 overlap {mean:.2f}; worst: {detail}"
    assert worst[0][1] >= PARITY_LEAST, f"mean top-10 overlap {mean:.2f}; worst: {detail}"


def means(by_kind) -> str:
    """Per kind of query, mean recall and nDCG, naming no query (for the blind set)."""
    return ", ".join(
        f"{kind}: recall {sum(r for _q, r, _n in found) / len(found):.2f}, "
        f"nDCG {sum(n for _q, _r, n in found) / len(found):.2f}"
        for kind, found in sorted(by_kind.items())
    )


@pytest.mark.parametrize("ranked", ["database_rankings", "elasticsearch_rankings"])
def test_a_cadres_own_words_find_about_half_of_what_they_mean(request, ranked):
    """The blind set (heldout_blind.py): everyday wording the courses do not use, written
    by a reader who saw neither the engine nor its word lists. Whoever edits those lists
    must not read its queries, so a failure names none. Measured recall@10 0.49 and
    nDCG@10 0.44 on both backends (0.21 and 0.18 without the everyday lexicon); the floor
    keeps the lexicon's gain from being lost unnoticed."""
    ranked_by_query = request.getfixturevalue(ranked)
    mean_recall, mean_ndcg, by_kind = measure(None, ranked_by_query, judgements=HELDOUT_BLIND)
    assert mean_recall >= 0.45 and mean_ndcg >= 0.40, (
        f"recall@10 {mean_recall:.3f}, nDCG@10 {mean_ndcg:.3f}; {means(by_kind)}"
    )
