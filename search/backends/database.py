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
import uuid
from collections import Counter
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, Q

from ..generation import catalogue_changed
from ..models import IndexedCourse, IndexVersion
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

    # Bits of a Python int per course: term i held ⇔ bit i set. 62 fit the databases'
    # signed 64-bit integers; a longer query (a pasted text) is looked up in chunks.
    CHUNK = 62

    @staticmethod
    def holding(terms: list[str]) -> dict[int, int]:
        """{course id: bitmask of the terms it holds} for every course holding at least one;
        one query per 62 terms. Terms are tokens from search.text ([a-z0-9]+ or CJK), so
        quoting them is safe."""
        found: dict[int, int] = {}
        for offset in range(0, len(terms), Lookup.CHUNK):
            chunk = terms[offset : offset + Lookup.CHUNK]
            for course_id, mask in Lookup._masks(chunk):
                found[course_id] = found.get(course_id, 0) | (mask << offset)
        return found

    @staticmethod
    def _masks(terms: list[str]):
        vendor = connection.vendor
        if vendor not in ("postgresql", "sqlite"):
            return Lookup.scan(terms)
        with connection.cursor() as cursor:
            if vendor == "postgresql":
                cursor.execute(
                    "SELECT course_id, bit_or(1::bigint << (term - 1)) "
                    "FROM course_search_holding(%s) GROUP BY course_id",
                    [list(terms)],
                )
            else:
                # One FTS5 lookup per term; a course holds each term once, so SUM is OR.
                parts = " UNION ALL ".join(
                    "SELECT rowid AS course_id, %s AS bit FROM course_search_fts "
                    "WHERE course_search_fts MATCH %s"
                    for _ in terms
                )
                params = [value for i, t in enumerate(terms) for value in (1 << i, f'"{t}"')]
                cursor.execute(
                    f"SELECT course_id, SUM(bit) FROM ({parts}) GROUP BY course_id",  # noqa: S608  # nosec B608 (placeholders only)
                    params,
                )
            return cursor.fetchall()

    @staticmethod
    def scan(terms: list[str]) -> list[tuple[int, int]]:
        """Without an inverted index: LIKE over every row's text (other databases)."""
        annotations = {f"t{i}": Count("course_id", filter=contains(t)) for i, t in enumerate(terms)}
        rows = (
            IndexedCourse.objects.filter(any_of(terms))
            .values("course_id")
            .annotate(**annotations)
            .order_by()
        )
        return [
            (row["course_id"], sum(1 << i for i in range(len(terms)) if row[f"t{i}"]))
            for row in rows
        ]


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
    # From the document, as attributes: read for every match of every search.
    track: str = ""
    delivery_mode: str = ""
    prior: float = 0.0


_CATALOGUE: dict = {"version": None, "entries": {}, "columns": {}}


def catalogue() -> dict[int, Entry]:
    """Every indexed course by id, re-read only when the index has changed (its
    IndexVersion counter): one single-row query otherwise."""
    key = IndexVersion.objects.filter(pk=1).values_list("token", flat=True).first()
    if _CATALOGUE["version"] != key or key is None:
        entries = {}
        rows = IndexedCourse.objects.values_list("course_id", "document", *HEAD)
        for course_id, doc, *head in rows:
            doc.pop("text", None)
            entries[course_id] = Entry(
                doc,
                tuple(head),
                frozenset(doc.get("tag_slugs", ())),
                doc["track"],
                doc["delivery_mode"],
                doc["prior"],
            )
        # Per attribute, {course id: value}: read for every match of every search.
        columns = {
            name: {course_id: getattr(entry, name) for course_id, entry in entries.items()}
            for name in (*FACETS, "prior")
        }
        _CATALOGUE.update(version=key, entries=entries, columns=columns)
    return _CATALOGUE["entries"]


def catalogue_column(name: str) -> dict:
    """{course id: the entry's `name`} for the catalogue `catalogue()` last read."""
    return _CATALOGUE["columns"][name]


def index_changed() -> None:
    """A new version of the index (inside the writing transaction)."""
    IndexVersion.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})


def ranking_documents() -> list[dict]:
    """The documents recommendations rank (every page with a recommendation panel ranks
    the whole catalogue: decoding each course's JSON on every request cost a fifth of
    those pages' time)."""
    return [entry.document for entry in catalogue().values()]


# --- ranking ------------------------------------------------------------------------------


class Ranking:
    """A query's terms as bits, its words as masks, and each term's weight per course."""

    def __init__(self, query: Plan, held: dict[int, int], entries: dict[int, Entry]):
        self.terms = list(query.terms)
        bit = {term: 1 << i for i, term in enumerate(self.terms)}
        # A word matches when all the terms of one of its alternatives are held; an
        # alternative with a term not looked up can never match.
        self.words = [
            [
                sum(bit[t] for t in option)
                for option in options
                if option and all(t in bit for t in option)
            ]
            for options in query.words
        ]
        self._words: dict[int, int] = {}
        n = len(entries) or 1
        self.weights = []  # per term: (bit, idf × synonym factor, head scores by course)
        for i, term in enumerate(self.terms):
            frequency = sum(1 for mask in held.values() if mask >> i & 1)
            idf = math.log(1 + (n - frequency + 0.5) / (frequency + 0.5))
            factor = SYNONYM_WEIGHT if term in query.synonyms else 1.0
            self.weights.append((1 << i, idf * factor, head_scores(term)))

    def words_matched(self, mask: int) -> int:
        """How many of the query's words a course matches (through any alternative);
        remembered per set of terms held."""
        found = self._words.get(mask)
        if found is None:
            found = self._words[mask] = sum(
                any(mask & option == option for option in options) for options in self.words
            )
        return found

    def relevance(self, course_id: int, mask: int) -> float:
        """BM25-like: per term held, its rarity times its best field's weight, with a
        saturating bonus for repeats in the head fields; the body counts a term once.
        Terms only a synonym brought count at SYNONYM_WEIGHT."""
        return sum(
            weight * scores.get(course_id, BODY)
            for term_bit, weight, scores in self.weights
            if mask & term_bit
        )

    def order(self, matches: dict[int, int], priors: dict[int, float]) -> list[int]:
        """Course ids, best first: more of the query's words, then relevance (rounded, so
        that popularity only breaks near-ties). Courses holding the same terms, none in a
        head field, score alike: each such set is scored once (thousands of courses share
        a handful of sets). The loop is written out: it runs for every match."""
        weights = self.weights
        in_head = set().union(*(scores.keys() for _bit, _weight, scores in weights))
        words_matched = self.words_matched if self.words else (lambda _mask: 0)
        by_mask: dict[int, tuple[int, float]] = {}
        keys = []
        for course_id, mask in matches.items():
            if course_id in in_head:
                value = 0.0
                for term_bit, weight, scores in weights:
                    if mask & term_bit:
                        value += weight * scores.get(course_id, BODY)
                found = (-words_matched(mask), -round(value, 1))
            else:
                found = by_mask.get(mask)
                if found is None:
                    found = by_mask[mask] = (
                        -words_matched(mask),
                        -round(self.relevance(-1, mask), 1),
                    )
            keys.append((found[0], found[1], -priors[course_id], course_id))
        keys.sort()
        return [key[3] for key in keys]


BODY = FIELD_WEIGHTS["body"]
_HEAD_SCORES: dict = {"version": None, "terms": {}}


def head_scores(term: str) -> dict[int, float]:
    """{course id: the term's best score in the title, keywords or summary}, for the
    courses holding it there; computed once per term and catalogue version."""
    # Keyed by the catalogue read itself: a new read is a new dict.
    if _HEAD_SCORES["version"] is not _CATALOGUE["entries"]:
        _HEAD_SCORES.update(version=_CATALOGUE["entries"], terms={})
    cached = _HEAD_SCORES["terms"].get(term)
    if cached is None:
        cached = {}
        for course_id, entry in _CATALOGUE["entries"].items():
            best = 0.0
            for name, text in zip(HEAD, entry.head, strict=True):
                if term in text:
                    count = text.count(term)
                    best = max(best, FIELD_WEIGHTS[name] * (count / (count + 1.2)) * 2.2)
            if best:
                cached[course_id] = best
        _HEAD_SCORES["terms"][term] = cached
    return cached


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
            index_changed()
        catalogue_changed()

    def remove(self, course_ids):
        course_ids = list(course_ids)
        with transaction.atomic():
            IndexedCourse.objects.filter(course_id__in=course_ids).delete()
            Lookup.remove(course_ids)
            index_changed()
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
        held: dict[int, int] = {}
        if query.text and wanted.empty:
            matches = {}  # only punctuation or symbols: nothing to look for
        elif terms:
            held = {i: mask for i, mask in Lookup.holding(terms).items() if i in entries}
            ranking = Ranking(wanted, held, entries)
            if wanted.long:
                # A pasted text: the courses sharing enough of its tokens.
                matches = {i: m for i, m in held.items() if m.bit_count() >= wanted.need}
            else:
                matches = {i: m for i, m in held.items() if ranking.words_matched(m)}
        else:
            matches = dict.fromkeys(entries, 0)
        if query.tag:
            matches = {i: m for i, m in matches.items() if query.tag in entries[i].tags}
        facets = {
            facet: dict(Counter(map(catalogue_column(facet).__getitem__, matches)))
            for facet in FACETS
        }
        if query.track:
            matches = {i: m for i, m in matches.items() if entries[i].track == query.track}
        if query.delivery_mode:
            mode = query.delivery_mode
            matches = {i: m for i, m in matches.items() if entries[i].delivery_mode == mode}

        if terms:
            ranked = ranking.order(matches, catalogue_column("prior"))
        else:
            priors = catalogue_column("prior")
            ranked = sorted(matches, key=lambda i: (-priors[i], i))
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
