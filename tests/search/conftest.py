import itertools
import os

import pytest

_names = itertools.count(1)


def start_search_server():
    """Start a server speaking the Elasticsearch REST API on loopback.

    Under CI a server that will not start is a failure, never a skip.
    """
    from osmem_server import OsmemServer

    try:
        return OsmemServer.start()
    except Exception as exc:  # pragma: no cover - depends on the machine
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"no search server could be started: {exc}")


@pytest.fixture(scope="session")
def search_server():
    """One server for the whole session."""
    server = start_search_server()
    yield server
    server.close()


@pytest.fixture
def es_params(search_server):
    """Backend settings with an alias of its own, so tests never share an index."""
    return {
        "BACKEND": "search.backends.elasticsearch",
        "URLS": [search_server.url],
        "INDEX": f"test-courses-{os.getpid()}-{next(_names)}",
        "PLAIN_JSON": True,
        "TIMEOUT": 15,
    }
