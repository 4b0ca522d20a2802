"""Wagtail's own search (the admin's page explorer, Page.objects.search) for Chinese text.

Wagtail's database backend indexes words as its database splits them: SQLite FTS5 and
PostgreSQL both take a run of Chinese characters for one word, so 抗压 never matches
工作抗压训练. This backend is Wagtail's own one for the database in use (FTS5 on SQLite,
tsvector on PostgreSQL) with both sides segmented by search.text.segmented(): the text
of every index entry, and every query string, become CJK bigrams separated by spaces.

    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.wagtail_search"}}

After switching to it, `python manage.py wagtail_update_index` re-indexes existing pages.
"""

import functools
import types

from django.db import connection
from modelsearch.backends import database
from modelsearch.query import And, Boost, Not, Or, Phrase, PlainText

from .text import segmented


def segment_query(query):
    """The query with every string segmented; None when nothing searchable is left."""
    if isinstance(query, str):
        return segmented(query) or None
    if isinstance(query, PlainText):
        text = segmented(query.query_string)
        return PlainText(text, operator=query.operator, boost=query.boost) if text else None
    if isinstance(query, Phrase):
        text = segmented(query.query_string)
        return Phrase(text) if text else None
    if isinstance(query, Boost):
        inner = segment_query(query.subquery)
        return Boost(inner, query.boost) if inner is not None else None
    if isinstance(query, Not):
        inner = segment_query(query.subquery)
        return Not(inner) if inner is not None else None
    if isinstance(query, (And, Or)):
        parts = [p for p in (segment_query(q) for q in query.subqueries) if p is not None]
        if len(parts) > 1:
            return type(query)(parts)
        return parts[0] if parts else None
    return query  # MatchAll, Fuzzy: nothing to segment


class SegmentedQueries:
    """Segments the query of search() and autocomplete() before Wagtail compiles it."""

    def _search(self, query_compiler_class, query, model_or_queryset, **kwargs):
        query = segment_query(query)
        # An empty string is Wagtail's own "no results" (a query of punctuation only).
        return super()._search(
            query_compiler_class, "" if query is None else query, model_or_queryset, **kwargs
        )


class SegmentedValues:
    """An ObjectIndexer mixin: each indexed value is stored segmented."""

    def prepare_value(self, value):
        return segmented(super().prepare_value(value))


def with_indexer(add_items, indexer_class):
    """Wagtail's add_items, building entries with indexer_class.

    The database indexes create their entries with their module's ObjectIndexer and offer
    no hook to swap it; rebinding that one global lets us inherit the rest of add_items
    instead of copying it.
    """
    namespace = {**add_items.__globals__, "ObjectIndexer": indexer_class}
    function = types.FunctionType(
        add_items.__code__,
        namespace,
        add_items.__name__,
        add_items.__defaults__,
        add_items.__closure__,
    )
    function.__kwdefaults__ = add_items.__kwdefaults__
    return function


@functools.cache
def sqlite_backend_class():
    # Imported only on SQLite with FTS5: the module reads a model that exists there alone.
    from modelsearch.backends.database.sqlite import sqlite

    class SegmentedSQLiteIndexer(SegmentedValues, sqlite.ObjectIndexer):
        pass

    class SegmentedSQLiteIndex(sqlite.SQLiteIndex):
        add_items = with_indexer(sqlite.SQLiteIndex.add_items, SegmentedSQLiteIndexer)

    class SegmentedSQLiteSearchBackend(SegmentedQueries, sqlite.SQLiteSearchBackend):
        index_class = SegmentedSQLiteIndex

    return SegmentedSQLiteSearchBackend


@functools.cache
def postgres_backend_class():
    # Imported only on PostgreSQL: the module needs django.contrib.postgres and psycopg.
    from modelsearch.backends.database.postgres import postgres

    class SegmentedPostgresIndexer(SegmentedValues, postgres.ObjectIndexer):
        pass

    class SegmentedPostgresIndex(postgres.PostgresIndex):
        add_items = with_indexer(postgres.PostgresIndex.add_items, SegmentedPostgresIndexer)

    class SegmentedPostgresSearchBackend(SegmentedQueries, postgres.PostgresSearchBackend):
        index_class = SegmentedPostgresIndex

    return SegmentedPostgresSearchBackend


def SearchBackend(params):  # noqa: N802  (Wagtail loads a module's SearchBackend by name)
    """Wagtail's database backend for the current database, segmenting Chinese text."""
    if connection.vendor == "postgresql":
        return postgres_backend_class()(params)
    backend = database.SearchBackend(params)  # Wagtail's own choice for this database
    if connection.vendor == "sqlite" and database.USE_SQLITE_FTS:
        return sqlite_backend_class()(params)
    # SQLite without FTS5 and other databases: Wagtail's fallback matches substrings, which
    # already finds 抗压 inside 工作抗压训练.
    return backend
