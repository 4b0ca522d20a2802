import pytest
from django.db import connection

# Real Celery workers on a Redis broker (redis_client, queue, worker).
pytest_plugins = ["tests.workers"]


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests run in the PostgreSQL pass (make test runs both)."""
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="runs in the PostgreSQL pass of `make test`")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


# The database contents serialized when the test database was created, by alias: what
# serialized_rollback puts back after a transactional test (see tests/e2e/conftest.py).
SERIALIZED_CONTENTS: dict[str, str] = {}


@pytest.fixture(scope="session", autouse=True)
def _remember_serialized_contents(django_db_setup):
    from django.db import connections

    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents:
            SERIALIZED_CONTENTS[alias] = contents


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache, as with an empty database: the cache outlives
    tests in one process, and budgets such as the certificate lookups count in it."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def home(db):
    from courses.models import CatalogueHomePage

    return CatalogueHomePage.objects.get()


@pytest.fixture
def curriculum(home):
    from tests.factories import make_curriculum

    return make_curriculum(home)
