"""With Elasticsearch configured: an outage degrades to the database, rebuilds swap an
alias with no gap, and reconcile repairs what the sync tasks missed."""

import io
import logging
import time
from unittest import mock

import pytest
from django.core.management import call_command

from courses.models import CoursePage
from search import sync, tasks
from search.backends import get_search_backend
from search.backends.base import SearchQuery
from search.models import IndexedCourse
from tests.factories import make_course
from tests.search.conftest import start_search_server
from tests.search.contract import viewer

pytestmark = pytest.mark.django_db

DATABASE = {"BACKEND": "search.backends.database"}
# A query against a dead cluster must come back from the database this fast.
FALLBACK_WITHIN_SECONDS = 2.0


def titles(results):
    return {hit.title for hit in results.hits}


@pytest.fixture
def own_server():
    """A server this test may stop; the session's server stays up for the others."""
    server = start_search_server()
    yield server
    server.close()


@pytest.fixture
def configured(settings, es_params):
    settings.LMS_SEARCH_BACKENDS = {"default": es_params, "database": DATABASE}
    return get_search_backend()


def test_an_outage_falls_back_to_the_database_quickly(settings, own_server, catalogue, caplog):
    params = {
        "BACKEND": "search.backends.elasticsearch",
        "URLS": [own_server.url],
        "INDEX": "outage-courses",
        "PLAIN_JSON": True,
        "TIMEOUT": 15,
    }
    settings.LMS_SEARCH_BACKENDS = {"default": params, "database": DATABASE}
    sync.rebuild()
    # Queries with a short timeout, as a cadre's page would make them.
    settings.LMS_SEARCH_BACKENDS = {"default": {**params, "TIMEOUT": 0.5}, "database": DATABASE}
    backend = get_search_backend()
    before = backend.search(SearchQuery(text="从容"))
    assert before.backend == "elasticsearch"
    recommended = [r.course_id for r in backend.recommend(viewer())]
    assert backend.health()["ok"]

    own_server.close()

    with caplog.at_level(logging.WARNING, logger="search"):
        started = time.perf_counter()
        after = backend.search(SearchQuery(text="从容"))
        searched = time.perf_counter() - started
        started = time.perf_counter()
        fallback = [r.course_id for r in backend.recommend(viewer())]
        recommending = time.perf_counter() - started
    assert after.backend == "database"
    assert titles(after) == titles(before)
    assert fallback == recommended
    assert searched < FALLBACK_WITHIN_SECONDS and recommending < FALLBACK_WITHIN_SECONDS
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("search failed, using the database backend" in w for w in warnings)
    assert any("recommend failed, using the database backend" in w for w in warnings)
    health = backend.health()
    assert health["ok"] is False and health["error"]


def test_rebuild_swaps_the_alias_to_exactly_one_new_index(configured, catalogue):
    backend = configured
    first = backend.rebuild(sync.build_documents())["index"]
    seen_during = []
    create_index = backend._create_index

    def create_and_search():
        name = create_index()
        # The new index exists but is empty; the alias still serves the old one in full.
        seen_during.append(titles(backend.search(SearchQuery(text="从容"))))
        return name

    backend._create_index = create_and_search
    stats = backend.rebuild(sync.build_documents())
    assert seen_during == [{"工作抗压训练：从紧张到从容"}]
    assert stats["replaced"] == [first] and stats["index"] != first
    assert backend._current_indices() == [stats["index"]]
    assert not backend.client.indices.exists(index=first)
    assert titles(backend.search(SearchQuery(text="从容"))) == {"工作抗压训练：从紧张到从容"}


def test_a_failed_rebuild_leaves_the_alias_and_no_stray_index(configured, catalogue):
    from elasticsearch import ConnectionTimeout

    backend = configured
    first = backend.rebuild(sync.build_documents())["index"]
    with (
        mock.patch(
            "search.backends.elasticsearch.helpers.bulk", side_effect=ConnectionTimeout("slow")
        ),
        pytest.raises(ConnectionTimeout),
    ):
        backend.rebuild(sync.build_documents())
    assert backend._current_indices() == [first]
    assert list(backend.client.indices.get(index=f"{backend.alias}-*").body) == [first]
    assert titles(backend.search(SearchQuery(text="从容"))) == {"工作抗压训练：从紧张到从容"}


def test_lms_reindex_rebuilds_every_backend_and_reports(configured, catalogue):
    IndexedCourse.objects.all().delete()
    out = io.StringIO()
    call_command("lms_reindex", stdout=out)
    text = out.getvalue()
    assert "Built 6 course documents" in text
    assert "default (elasticsearch): 6 courses indexed into" in text
    assert "database (database): 6 courses indexed" in text
    assert IndexedCourse.objects.count() == 6
    first = configured._current_indices()

    out = io.StringIO()
    call_command("lms_reindex", "--backend", "default", stdout=out)
    assert f"replaced {first[0]}" in out.getvalue()
    assert "database (database)" not in out.getvalue()
    assert len(configured._current_indices()) == 1


def test_lms_reindex_refuses_an_unknown_alias(configured):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no backend called 'nope'"):
        call_command("lms_reindex", "--backend", "nope", stdout=io.StringIO())


def test_reconcile_repairs_missed_updates(configured, catalogue, curriculum):
    backend = configured
    sync.rebuild()
    sleep = catalogue["sleep"]
    # Changes whose tasks never ran (the test's transaction never commits):
    CoursePage.objects.get(pk=sleep.pk).unpublish()
    new = make_course(curriculum, title="正念减压入门")
    CoursePage.objects.filter(pk=catalogue["listen"].pk).update(title="倾听的艺术（修订版）")
    assert sleep.pk in backend.indexed_ids() and new.pk not in backend.indexed_ids()

    report = tasks.reconcile()

    assert report["default"] == {"added": 1, "updated": 1, "removed": 1}
    assert report["database"] == {"added": 1, "updated": 1, "removed": 1}
    for each in (backend, get_search_backend("database")):
        assert sleep.pk not in each.indexed_ids() and new.pk in each.indexed_ids()
        assert titles(each.search(SearchQuery(text="正念"))) == {"正念减压入门"}
        assert "倾听的艺术（修订版）" in titles(each.search(SearchQuery(text="修订")))
    assert tasks.reconcile()["default"] == {"added": 0, "updated": 0, "removed": 0}


def test_reconcile_still_repairs_the_database_while_elasticsearch_is_down(
    settings, catalogue, caplog
):
    settings.LMS_SEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.backends.elasticsearch",
            "URLS": ["http://127.0.0.1:1"],
            "INDEX": "dead-courses",
            "TIMEOUT": 0.5,
        },
        "database": DATABASE,
    }
    with caplog.at_level(logging.WARNING, logger="search"):
        report = sync.reconcile()
    assert "error" in report["default"]
    assert report["database"]["added"] == 6
    assert IndexedCourse.objects.count() == 6
    assert any("could not be reconciled" in r.getMessage() for r in caplog.records)
