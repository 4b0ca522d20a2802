"""The catalogue's generation: a number that changes whenever the search index changes.

Lists derived from the index (the popular courses, each cadre's recommendation panel)
are cached under the generation they were computed at, so a course published, edited
or withdrawn is reflected at the next request, in every process that shares the cache
(CACHE_URL in production). The database store of record bumps it after each write
commits; it is always written, whichever backends are configured.
"""

import time

from django.core.cache import cache
from django.db import transaction

KEY = "search:catalogue-generation"


def catalogue_generation() -> str:
    """The current generation; one is started when the cache has none."""
    value = cache.get(KEY)
    if value is None:
        value = _new()
        # add(): a concurrent first reader's value wins, never two generations at once.
        if not cache.add(KEY, value, timeout=None):
            value = cache.get(KEY, value)
    return value


def catalogue_changed() -> None:
    """A new generation now, and another once the writing transaction has committed (a
    list computed meanwhile from the data before the commit is not kept past it)."""
    cache.set(KEY, _new(), timeout=None)
    transaction.on_commit(lambda: cache.set(KEY, _new(), timeout=None))


def _new() -> str:
    return f"{time.time_ns():x}"
