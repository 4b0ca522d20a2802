"""The embedded default: course search in the relational database (SQLite or PostgreSQL).

Three parts:
- the inverted index (`Lookup`): each course's tokens (search.text: bigrams, words and
  every CJK character, so one-character queries work), answering "which courses hold
  each of these tokens" through an index: a GIN-indexed tsvector on PostgreSQL, an FTS5
  table on SQLite (migration 0003), `LIKE` over the text columns elsewhere;
- the catalogue (`catalogue()`): every indexed document without its lesson text, with
  its head fields (title, keywords, summary) folded, kept per process and re-read only
  when the index changes (one small aggregate query tells);
- ranking in Python over the courses the index found: BM25-like, per token its rarity
  (from the lookup itself) times its best field weight, with a saturating bonus for
  repeats in the head fields; a token found only in the body (lesson text, instructors)
  counts once at the body's weight. Courses matching more of the query's words come first;
  popularity only breaks near-ties.
A search costs two queries, whatever the size of the catalogue.
"""

import math
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, Max, Q

from ..generation import catalogue_changed
from ..models import IndexedCourse
from ..ranking import FIELD_WEIGHTS, Viewer, eligible, finish, score
from ..text import SYNONYM_WEIGHT, Plan, fold, highlight, index_tokens, plan
from .base import FACETS, BaseSearchBackend, Hit, SearchQuery, SearchResults

FIELDS = tuple(FIELD_WEIGHTS)  # title, keywords, summary, body
HEAD = FIELDS[:3]  # ranked by their text; the body by the index's answer


def searchable(doc: dict) -> dict:
    """A document's text, folded, one column per field weight."""
    return {
        "title": fold(doc["title"]),
        "keywords": fold(" ".join([*doc["tags"], doc.get("track_title", "")])),
        "summary": fold(doc["summary"]),
        "body": fold(" ".join([doc["text"], *doc.get("instructors", [])])),
    }


def document_tokens(doc: dict) -> list[str]:
    """What the inverted index holds for a document: the tokens of all its fields."""
    return index_tokens(" ".join(searchable(doc).values()))


# --- the inverted index ------------------------------------------------------------------


class Lookup:
    """Which courses hold each token, per database vendor."""

    @staticmethod
    def write(course_tokens: dict[int, list[str]]) -> None:
        vendor = connection.vendor
        with connection.cursor() as cursor:
            if vendor == "postgresql":
                cursor.executemany(
                    "UPDATE course_search_indexedcourse SET tokens = array_to_tsvector(%s) "
                    "WHERE course_id = %s",
                    [(sorted(tokens), course_id) for course_id, tokens in course_tokens.items()],
                )
            elif vendor == "sqlite":
                ids = [(course_id,) for course_id in course_tokens]
                cursor.executemany("DELETE FROM course_search_fts WHERE rowid = %s", ids)
                cursor.executemany(
                    "INSERT INTO course_search_fts (rowid, tokens) VALUES (%s, %s)",
                    [(course_id, " ".join(t)) for course_id, t in course_tokens.items()],
                )

    @staticmethod
    def remove(course_ids=None) -> None:
        """Only SQLite keeps tokens apart from the rows (PostgreSQL's go with them)."""
        if connection.vendor != "sqlite":
            return
        with connection.cursor() as cursor:
            if course_ids is None:
                cursor.execute("DELETE FROM course_search_fts")
            else:
                cursor.executemany(
                    "DELETE FROM course_search_fts WHERE rowid = %s", [(i,) for i in course_ids]
                )

    @staticmethod
    def holding(terms: list[str]) -> dict[int, set[str]]:
        """{course id: the terms it holds} for every course holding at least one; one query.
        Terms are tokens from search.text ([a-z0-9]+ or CJK), so quoting them is safe."""
        if not terms:
            return {}
        vendor = connection.vendor
        with connection.cursor() as cursor:
            if vendor == "postgresql":
                cursor.execute(
                    "SELECT course_id, array_agg(term) FROM course_search_holding(%s) "
                    "GROUP BY course_id",
                    [list(terms)],
                )
                rows = [(course_id, [terms[i - 1] for i in found]) for course_id, found in cursor]
            elif vendor == "sqlite":
                parts = " UNION ALL ".join(
                    "SELECT rowid AS course_id, %s AS term FROM course_search_fts "
                    "WHERE course_search_fts MATCH %s"
                    for _ in terms
                )
                params = [value for i, t in enumerate(terms) for value in (i, f'"{t}"')]
                cursor.execute(
                    f"SELECT course_id, group_concat(term) FROM ({parts}) GROUP BY course_id",  # noqa: S608  (placeholders only)
                    params,
                )
                rows = [
                    (course_id, [terms[int(i)] for i in found.split(",")])
                    for course_id, found in cursor
                ]
            else:
                return Lookup.scan(terms)
        return {course_id: set(found) for course_id, found in rows}

    @staticmethod
    def scan(terms: list[str]) -> dict[int, set[str]]:
        """Without an inverted index: LIKE over every row's text (other databases)."""
        annotations = {f"t{i}": Count("course_id", filter=contains(t)) for i, t in enumerate(terms)}
        rows = (
            IndexedCourse.objects.filter(any_of(terms))
            .values("course_id")
            .annotate(**annotations)
            .order_by()
        )
        return {row["course_id"]: {t for i, t in enumerate(terms) if row[f"t{i}"]} for row in rows}


def contains(term: str) -> Q:
    found = Q()
    for name in FIELDS:
        found |= Q(**{f"{name}__contains": term})
    return found


def any_of(terms) -> Q:
    found = Q(pk__in=[])
    for term in terms:
        found |= contains(term)
    return found


# --- the catalogue, kept per process ------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    document: dict  # without its lesson text
    head: tuple[str, str, str]  # title, keywords, summary, folded
    tags: frozenset[str]


_CATALOGUE: dict = {"version": None, "entries": {}}


def catalogue() -> dict[int, Entry]:
    """Every indexed course by id, re-read only when the index has changed (its row
    count or latest update): one small aggregate query otherwise."""
    version = IndexedCourse.objects.aggregate(rows=Count("course_id"), at=Max("updated_at"))
    key = (version["rows"], version["at"])
    if _CATALOGUE["version"] != key:
        entries = {}
        rows = IndexedCourse.objects.values_list("course_id", "document", *HEAD)
        for course_id, doc, *head in rows:
            doc.pop("text", None)
            entries[course_id] = Entry(doc, tuple(head), frozenset(doc.get("tag_slugs", ())))
        _CATALOGUE.update(version=key, entries=entries)
    return _CATALOGUE["entries"]


def ranking_documents() -> list[dict]:
    """The documents recommendations rank (every page with a recommendation panel ranks
    the whole catalogue: decoding each course's JSON on every request cost a fifth of
    those pages' time)."""
    return [entry.document for entry in catalogue().values()]


# --- ranking ------------------------------------------------------------------------------


def words_matched(held: set[str], query: Plan) -> int:
    """How many of the query's words a course matches (through any alternative)."""
    return sum(any(all(t in held for t in option) for option in options) for options in query.words)


def relevance(
    head: tuple[str, ...], held: set[str], idf: dict[str, float], synonyms=frozenset()
) -> float:
    """BM25-like: per term, its rarity times the best-weighted field it occurs in, with a
    saturating bonus for repeats in the head fields; the body counts a term once. Terms
    only a synonym brought count at SYNONYM_WEIGHT."""
    total = 0.0
    for term in held:
        best = 0.0
        for name, text in zip(HEAD, head, strict=True):
            count = text.count(term)
            if count:
                best = max(best, FIELD_WEIGHTS[name] * (count / (count + 1.2)) * 2.2)
        if not best:
            best = FIELD_WEIGHTS["body"]
        total += idf.get(term, 0.0) * best * (SYNONYM_WEIGHT if term in synonyms else 1.0)
    return total


def rarity(held: dict[int, set[str]], terms, documents: int) -> dict[str, float]:
    """Each term's inverse document frequency, from the lookup's own answer."""
    frequency = dict.fromkeys(terms, 0)
    for found in held.values():
        for term in found:
            frequency[term] += 1
    n = documents or 1
    return {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in frequency.items()}


class DatabaseSearchBackend(BaseSearchBackend):
    name = "database"
    # Every database backend reads and writes the one IndexedCourse table.
    store = "database:IndexedCourse"

    def index_documents(self, documents):
        with transaction.atomic():
            for doc in documents:
                IndexedCourse.objects.update_or_create(
                    course_id=doc["id"],
                    defaults={
                        "document": doc,
                        **searchable(doc),
                        "track": doc["track"],
                        "delivery_mode": doc["delivery_mode"],
                        "tag_slugs": "".join(f"|{slug}|" for slug in doc["tag_slugs"]),
                    },
                )
            Lookup.write({doc["id"]: document_tokens(doc) for doc in documents})
        catalogue_changed()

    def remove(self, course_ids):
        course_ids = list(course_ids)
        with transaction.atomic():
            IndexedCourse.objects.filter(course_id__in=course_ids).delete()
            Lookup.remove(course_ids)
        catalogue_changed()

    @transaction.atomic
    def rebuild(self, documents):
        IndexedCourse.objects.all().delete()
        Lookup.remove()
        self.index_documents(documents)
        return {"indexed": len(documents)}

    def indexed_ids(self):
        return set(IndexedCourse.objects.values_list("course_id", flat=True))

    def search(self, query: SearchQuery) -> SearchResults:
        entries = catalogue()
        wanted = plan(query.text)
        terms = list(wanted.terms)
        held: dict[int, set[str]] = {}
        if query.text and wanted.empty:
            matches = {}  # only punctuation or symbols: nothing to look for
        elif terms:
            held = {i: found for i, found in Lookup.holding(terms).items() if i in entries}
            if wanted.long:
                # A pasted text: the courses sharing enough of its tokens.
                matches = {i: found for i, found in held.items() if len(found) >= wanted.need}
            else:
                matches = {i: found for i, found in held.items() if words_matched(found, wanted)}
        else:
            matches = dict.fromkeys(entries, frozenset())
        if query.tag:
            matches = {i: found for i, found in matches.items() if query.tag in entries[i].tags}
        facets = {facet: {} for facet in FACETS}
        for course_id in matches:
            doc = entries[course_id].document
            for facet in FACETS:
                facets[facet][doc[facet]] = facets[facet].get(doc[facet], 0) + 1
        if query.track or query.delivery_mode:
            matches = {
                i: found
                for i, found in matches.items()
                if (not query.track or entries[i].document["track"] == query.track)
                and (
                    not query.delivery_mode
                    or entries[i].document["delivery_mode"] == query.delivery_mode
                )
            }
        idf = rarity(held, terms, len(entries)) if terms else {}

        def order(course_id):
            # More of the query's words first, then relevance (rounded, so that
            # popularity only breaks near-ties).
            entry, found = entries[course_id], matches[course_id]
            words = words_matched(found, wanted) if wanted.words else 0
            value = round(relevance(entry.head, found, idf, wanted.synonyms), 1) if terms else 0.0
            return (-words, -value, -entry.document["prior"], course_id)

        ranked = sorted(matches, key=order)
        start = (query.page - 1) * query.page_size
        hits = [
            Hit.from_document(
                entries[course_id].document,
                {
                    "title": highlight(entries[course_id].document["title"], terms),
                    "summary": highlight(entries[course_id].document["summary"], terms),
                }
                if terms
                else {},
            )
            for course_id in ranked[start : start + query.page_size]
        ]
        return SearchResults(
            total=len(ranked),
            hits=hits,
            facets=facets,
            page=query.page,
            page_size=query.page_size,
            backend=self.name,
        )

    def recommend(self, viewer: Viewer, top: int = 10):
        ranked = []
        for doc in ranking_documents():
            if eligible(doc, viewer):
                ranked.append((doc, score(doc, viewer)))
        return finish(ranked, viewer, top)

    def health(self):
        return {"backend": self.name, "ok": True, "documents": IndexedCourse.objects.count()}


SearchBackend = DatabaseSearchBackend
