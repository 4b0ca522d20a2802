"""Upgrading a site: courses indexed before the inverted index existed are found after
`migrate`, without a reindex (migration course_search 0003 fills it from the documents)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from search.backends.base import SearchQuery
from search.backends.database import DatabaseSearchBackend, catalogue

BEFORE = [("course_search", "0002_weighted_fields")]


def migrate(targets=None):
    """Migrate course_search to targets (default: its latest migration)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes("course_search")
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_courses_indexed_before_the_upgrade_are_found_after_it():
    old_apps = migrate(BEFORE)
    document = {
        "id": 4242,
        "title": "睡眠与压力管理",
        "summary": "改善睡眠的办法",
        "text": "正念呼吸练习",
        "tags": ["睡眠"],
        "track": "stress_resilience",
        "track_title": "工作抗压训练",
        "delivery_mode": "online",
        "credit_hours": 1.0,
        "url_path": "/home/sleep/",
        "prior": 0.0,
    }
    old_apps.get_model("course_search", "IndexedCourse").objects.create(
        course_id=4242,
        document=document,
        title="睡眠与压力管理",
        body="正念呼吸练习",
        track="stress_resilience",
        delivery_mode="online",
    )
    try:
        migrate()
        catalogue()  # read afresh
        backend = DatabaseSearchBackend({})
        for text in ("正念", "压力", "呼"):
            results = backend.search(SearchQuery(text=text))
            assert [hit.course_id for hit in results.hits] == [4242], text
    finally:
        migrate()
