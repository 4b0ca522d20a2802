"""The embedded default: course search in the relational database (SQLite or PostgreSQL).

Three parts:
- the inverted index (`Lookup`): each course's tokens (search.text: bigrams, words and
  every CJK character, so one-character queries work), answering "which courses hold
  each of these tokens" through an index: a GIN-indexed tsvector on PostgreSQL, an FTS5
  table on SQLite (migration 0003), `LIKE` over the text columns elsewhere;
- the catalogue (`Catalogue`): every indexed document without its lesson text, with its
  head fields (title, keywords, summary) folded, kept per process and re-read only when
  the index changes (a single-row query tells); with it, the courses holding each token
  the index was asked about, and the score each token gives each course;
- ranking: BM25-like, per token its rarity times its best field weight, with a saturating
  bonus for repeats in the head fields; a token found only in the body (lesson text,
  instructors) counts once at the body's weight. Courses matching more of the query's
  words come first; popularity only breaks near-ties. Sets of courses are bit sets in
  popularity order, so courses that score alike are ranked as one group and a page reads
  only its own courses: a search matching most of 5,000 courses costs about what one
  matching ten does.
A search costs one query once its tokens have been looked up since the index last
changed, two otherwise, whatever the size of the catalogue.
"""

import math
import threading
import uuid
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

from django.db import connection, transaction
from django.db.models import Count, F, JSONField, Q
from django.db.models.expressions import RawSQL

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

    # A longer query (a pasted text) is looked up in chunks of this many terms.
    CHUNK = 62

    @staticmethod
    def postings(terms: list[str]) -> dict[str, list[int]]:
        """{term: the ids of the courses holding it} for each term; one query per 62 terms.
        Terms are tokens from search.text ([a-z0-9]+ or CJK), so quoting them is safe."""
        found: dict[str, list[int]] = {term: [] for term in terms}
        for offset in range(0, len(terms), Lookup.CHUNK):
            chunk = terms[offset : offset + Lookup.CHUNK]
            for index, course_ids in Lookup._lists(chunk):
                found[chunk[index]].extend(course_ids)
        return found

    @staticmethod
    def _lists(terms: list[str]) -> list[tuple[int, list[int]]]:
        """(index of a term, the ids of courses holding it) for the terms held anywhere."""
        vendor = connection.vendor
        if vendor not in ("postgresql", "sqlite"):
            return Lookup.scan(terms)
        with connection.cursor() as cursor:
            if vendor == "postgresql":
                # One row per term, its courses as an array: thousands of ids for a common
                # token cross the wire as one value.
                cursor.execute(
                    "SELECT term - 1, array_agg(course_id) FROM course_search_holding(%s) "
                    "GROUP BY term",
                    [list(terms)],
                )
                return cursor.fetchall()
            # One FTS5 lookup per term.
            parts = " UNION ALL ".join(
                "SELECT %s, rowid FROM course_search_fts WHERE course_search_fts MATCH %s"
                for _ in terms
            )
            params = [value for i, t in enumerate(terms) for value in (i, f'"{t}"')]
            cursor.execute(parts, params)  # noqa: S608  # nosec B608 (placeholders only)
            return by_term(cursor.fetchall())

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
        return by_term(
            (i, row["course_id"]) for row in rows for i in range(len(terms)) if row[f"t{i}"]
        )


def by_term(pairs) -> list[tuple[int, list[int]]]:
    """(term index, course id) pairs as (term index, course ids)."""
    found: dict[int, list[int]] = {}
    for index, course_id in pairs:
        found.setdefault(index, []).append(course_id)
    return list(found.items())


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
    track: str = ""
    delivery_mode: str = ""
    prior: float = 0.0


@dataclass(frozen=True)
class TermSets:
    """One token's courses, as sets of catalogue positions (see Catalogue), and the score
    it gives each: its best head field's, or the body's for the courses holding it only
    there."""

    held: int  # the inverted index's answer
    frequency: int
    classes: tuple[tuple[float, int], ...]  # (score, courses holding it with that score)


class Catalogue:
    """Every indexed course, read once per version of the index.

    Courses sit in popularity order (prior, then id), the order that breaks ties in
    ranking; a set of courses is a Python int with bit n set for the course at position n.
    Filters, facet counts and the ranking's groups are then a few operations on such ints,
    whatever the number of courses matched. Each token's courses are looked up once per
    version and kept: the last looked up, as many as fit in TERMS_MEMORY (a token's sets
    take about three bits per course: at 5,000 courses all 4,096 fit, at 50,000 about 900).
    """

    TERMS_KEPT = 4096
    TERMS_MEMORY = 16 * 1024 * 1024  # bytes

    def __init__(self, version, entries: dict[int, Entry], revisions: dict[int, str]):
        self.version = version
        self.entries = entries
        self.revisions = revisions  # course id → the index version that wrote its row
        self.ids = sorted(entries, key=lambda i: (-entries[i].prior, i))
        self.position = {course_id: n for n, course_id in enumerate(self.ids)}
        self.everyone = (1 << len(self.ids)) - 1
        self.values = {
            facet: self._group(lambda entry, facet=facet: [getattr(entry, facet)])
            for facet in FACETS
        }
        self.tags = self._group(lambda entry: entry.tags)
        # Per head field, its distinct texts (folded) in one string, and the courses with
        # each: a term's occurrences are found by scanning that string, not by testing every
        # course (a term is letters, digits or CJK, so never spans the line breaks).
        self.heads = []
        for i, name in enumerate(HEAD):
            holders: dict[str, list[int]] = {}
            for n, course_id in enumerate(self.ids):
                holders.setdefault(entries[course_id].head[i], []).append(n)
            starts = list(accumulate((len(text) + 1 for text in holders), initial=0))
            self.heads.append(
                (FIELD_WEIGHTS[name], "\n".join(holders), starts[:-1], list(holders.values()))
            )
        self._terms: dict[str, TermSets] = {}
        self._terms_kept = min(
            self.TERMS_KEPT, max(64, self.TERMS_MEMORY * 8 // (3 * max(1, len(self.ids))))
        )
        self._lock = threading.Lock()

    def _group(self, values_of) -> dict[str, int]:
        positions: dict[str, list[int]] = {}
        for course_id in self.ids:
            for value in values_of(self.entries[course_id]):
                positions.setdefault(value, []).append(self.position[course_id])
        return {value: self.bits_at(found) for value, found in positions.items()}

    def bits_at(self, positions) -> int:
        marks = bytearray((len(self.ids) + 7) // 8)
        for n in positions:
            marks[n >> 3] |= 1 << (n & 7)
        return int.from_bytes(marks, "little")

    def ids_in(self, bits: int, skip: int, take: int) -> list[int]:
        """`take` courses of a set in popularity order, after its first `skip`."""
        found = []
        marks = bin(bits)[:1:-1]  # bit n is character n
        n = marks.find("1")
        while n != -1 and len(found) < take:
            if skip:
                skip -= 1
            else:
                found.append(self.ids[n])
            n = marks.find("1", n + 1)
        return found

    def term_sets(self, terms: list[str]) -> list[TermSets]:
        """Each token's TermSets; the ones not kept yet cost one query together."""
        kept = self._terms
        found = [kept.get(term) for term in terms]
        missing = [term for term, sets in zip(terms, found, strict=True) if sets is None]
        if missing:
            looked_up = {
                term: self._sets(term, course_ids)
                for term, course_ids in Lookup.postings(missing).items()
            }
            with self._lock:
                kept.update(looked_up)
                while len(kept) > self._terms_kept:  # the longest kept go first
                    kept.pop(next(iter(kept)))
            found = [sets or looked_up[term] for term, sets in zip(terms, found, strict=True)]
        return found

    def _sets(self, term: str, course_ids: list[int]) -> TermSets:
        position = self.position
        held = self.bits_at(position[i] for i in course_ids if i in position)
        # The courses holding it in a head field, by the score it gives them there: the
        # field's weight, with a saturating bonus for repeats.
        scored: dict[float, list[int]] = {}
        for weight, text, starts, holders in self.heads:
            counts: dict[int, int] = {}
            at = text.find(term)
            while at != -1:  # non-overlapping, as str.count
                k = bisect_right(starts, at) - 1
                counts[k] = counts.get(k, 0) + 1
                at = text.find(term, at + len(term))
            for k, count in counts.items():
                scored.setdefault(weight * (count / (count + 1.2)) * 2.2, []).extend(holders[k])
        # Each course in the class of its best score; the others count at the body's.
        classes, placed = [], 0
        for points in sorted(scored, reverse=True):
            found = self.bits_at(scored[points]) & held & ~placed
            if found:
                classes.append((points, found))
                placed |= found
        if body := held & ~placed:
            classes.append((BODY, body))
        return TermSets(held, held.bit_count(), tuple(classes))


_CATALOGUE: dict = {"current": None}


def current_catalogue() -> Catalogue:
    """The catalogue as indexed, checked by one single-row query (the IndexVersion token).
    When the index has changed, only the rows written since this process last read them
    are read again (each row keeps the version that wrote it): a course published re-reads
    one row, not the catalogue. A write committed meanwhile shows as a newer version at
    the next search, which reads its rows then."""
    key = IndexVersion.objects.filter(pk=1).values_list("token", flat=True).first()
    kept = _CATALOGUE["current"]
    if kept is not None and key is not None and kept.version == key:
        return kept
    revisions = dict(IndexedCourse.objects.values_list("course_id", "revision"))
    seen = kept.revisions if kept is not None else {}
    same = {i for i, revision in revisions.items() if revision and seen.get(i) == revision}
    rows = IndexedCourse.objects.annotate(listed=without_text())
    if len(same) * 2 < len(revisions):  # most rows are new to this process: read them all
        entries, written = {}, {}
    else:
        entries = {i: kept.entries[i] for i in same}
        written = {i: seen[i] for i in same}
        rows = rows.filter(course_id__in=[i for i in revisions if i not in same])
    for course_id, revision, doc, *head in rows.values_list(
        "course_id", "revision", "listed", *HEAD
    ):
        doc.pop("text", None)
        entries[course_id] = Entry(
            doc,
            tuple(head),
            frozenset(doc.get("tag_slugs", ())),
            doc["track"],
            doc["delivery_mode"],
            doc["prior"],
        )
        written[course_id] = revision
    kept = _CATALOGUE["current"] = Catalogue(key, entries, written)
    return kept


def without_text():
    """The stored document without its lesson text, left out by the database where it can:
    the text is most of each document's size, and the catalogue never reads it (at 5,000
    courses, fetching the rows took 0.67 s with it and 0.25 s without, on PostgreSQL)."""
    removed = {
        "postgresql": "course_search_indexedcourse.document - 'text'",
        "sqlite": "json_remove(course_search_indexedcourse.document, '$.text')",
    }.get(connection.vendor)
    if removed is None:
        return F("document")
    return RawSQL(removed, [], output_field=JSONField())  # noqa: S611  # nosec B611 (constant)


def catalogue() -> dict[int, Entry]:
    """Every indexed course by id (see current_catalogue)."""
    return current_catalogue().entries


def index_changed(version: str | None = None) -> None:
    """A new version of the index (inside the writing transaction)."""
    IndexVersion.objects.update_or_create(pk=1, defaults={"token": version or uuid.uuid4().hex})


def ranking_documents() -> list[dict]:
    """The documents recommendations rank (every page with a recommendation panel ranks
    the whole catalogue: decoding each course's JSON on every request cost a fifth of
    those pages' time)."""
    return [entry.document for entry in catalogue().values()]


# --- ranking ------------------------------------------------------------------------------

BODY = FIELD_WEIGHTS["body"]


class Ranking:
    """A query's terms as bits, its words as masks, and each term's weight.

    BM25-like: per term held, its rarity times its best field's weight, with a saturating
    bonus for repeats in the head fields; the body counts a term once. Terms only a
    synonym brought count at SYNONYM_WEIGHT. Courses matching more of the query's words
    come first, then relevance (rounded, so that popularity only breaks near-ties)."""

    def __init__(self, query: Plan, sets: list[TermSets], size: int):
        self.query = query
        self.sets = sets
        bit = {term: 1 << i for i, term in enumerate(query.terms)}
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
        n = size or 1
        self.weights = []  # per term: idf × synonym factor
        for term, found in zip(query.terms, sets, strict=True):
            idf = math.log(1 + (n - found.frequency + 0.5) / (found.frequency + 0.5))
            self.weights.append(idf * (SYNONYM_WEIGHT if term in query.synonyms else 1.0))

    def words_matched(self, mask: int) -> int:
        """How many of the query's words a course holding these terms matches (through any
        alternative); remembered per set of terms."""
        found = self._words.get(mask)
        if found is None:
            found = self._words[mask] = sum(
                any(mask & option == option for option in options) for options in self.words
            )
        return found

    def matches(self, mask: int) -> bool:
        if self.query.long:  # a pasted text: enough of its tokens
            return mask.bit_count() >= self.query.need
        return self.words_matched(mask) > 0

    def groups(self) -> list[tuple[tuple[int, float], int]]:
        """The matching courses in groups that rank alike, best group first: (its sort key,
        its courses). Courses start together and are split by each term in turn, by
        whether they hold it and the score it gives them; a group's score is the sum, in
        term order, of its terms' (as a course's own would be)."""
        anyone = 0
        for found in self.sets:
            anyone |= found.held
        groups = [(anyone, 0, 0.0)]  # (courses, terms held, score)
        for i, (found, weight) in enumerate(zip(self.sets, self.weights, strict=True)):
            split = []
            for courses, mask, value in groups:
                if not courses & found.held:
                    split.append((courses, mask, value))
                    continue
                rest = courses & ~found.held
                if rest:
                    split.append((rest, mask, value))
                for points, holding in found.classes:
                    inside = courses & holding
                    if inside:
                        split.append((inside, mask | 1 << i, value + weight * points))
            groups = split
        ranked: dict[tuple[int, float], int] = {}
        for courses, mask, value in groups:
            if self.matches(mask):
                key = (-self.words_matched(mask) if self.words else 0, -round(value, 1))
                ranked[key] = ranked.get(key, 0) | courses
        return sorted(ranked.items())


class DatabaseSearchBackend(BaseSearchBackend):
    name = "database"
    # Every database backend reads and writes the one IndexedCourse table.
    store = "database:IndexedCourse"

    def index_documents(self, documents):
        version = uuid.uuid4().hex
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
                        "revision": version,
                    },
                )
            Lookup.write({doc["id"]: document_tokens(doc) for doc in documents})
            index_changed(version)
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
        found = current_catalogue()
        wanted = plan(query.text)
        terms = list(wanted.terms)
        if query.text and wanted.empty:
            groups = []  # only punctuation or symbols: nothing to look for
        elif terms:
            sets = found.term_sets(terms)
            groups = Ranking(wanted, sets, len(found.ids)).groups()
        else:
            groups = [((0, 0.0), found.everyone)]
        chosen = found.tags.get(query.tag, 0) if query.tag else found.everyone
        matched = 0
        for _key, courses in groups:
            matched |= courses
        matched &= chosen
        facets = {
            facet: {
                value: count
                for value, courses in found.values[facet].items()
                if (count := (matched & courses).bit_count())
            }
            for facet in FACETS
        }
        if query.track:
            chosen &= found.values["track"].get(query.track, 0)
        if query.delivery_mode:
            chosen &= found.values["delivery_mode"].get(query.delivery_mode, 0)

        # The page's courses: whole groups skipped, then the page read from one or more.
        skip, take, page, total = (query.page - 1) * query.page_size, query.page_size, [], 0
        for _key, courses in groups:
            courses &= chosen
            size = courses.bit_count()
            total += size
            if skip >= size:
                skip -= size
            elif len(page) < take:
                page += found.ids_in(courses, skip, take - len(page))
                skip = 0
        entries = found.entries
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
            for course_id in page
        ]
        return SearchResults(
            total=total,
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
