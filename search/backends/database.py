"""The embedded default: course search in the relational database (SQLite or PostgreSQL)."""

import math

from django.db import transaction
from django.db.models import Case, Count, Max, Q, Value, When

from ..generation import catalogue_changed
from ..models import IndexedCourse
from ..ranking import FIELD_WEIGHTS, Viewer, eligible, finish, score
from ..text import Plan, fold, highlight, plan
from .base import FACETS, BaseSearchBackend, Hit, SearchQuery, SearchResults

FIELDS = tuple(FIELD_WEIGHTS)  # title, keywords, summary, body


def searchable(doc: dict) -> dict:
    """A document's text, folded, one column per field weight."""
    return {
        "title": fold(doc["title"]),
        "keywords": fold(" ".join([*doc["tags"], doc.get("track_title", "")])),
        "summary": fold(doc["summary"]),
        "body": fold(" ".join([doc["text"], *doc.get("instructors", [])])),
    }


# The documents recommendations rank, parsed once per process and index version: every
# page with a recommendation panel ranks the whole catalogue, and decoding each course's
# JSON (lesson text included) on every request cost a fifth of those pages' time.
_RANKING: dict = {"version": None, "documents": []}


def ranking_documents() -> list[dict]:
    """The index's documents without their lesson text, re-read only when the index has
    changed (its row count or latest update): one small aggregate query otherwise."""
    version = IndexedCourse.objects.aggregate(rows=Count("course_id"), at=Max("updated_at"))
    key = (version["rows"], version["at"])
    if _RANKING["version"] != key:
        documents = []
        for doc in IndexedCourse.objects.values_list("document", flat=True):
            doc.pop("text", None)
            documents.append(doc)
        _RANKING.update(version=key, documents=documents)
    return _RANKING["documents"]


def contains(term: str) -> Q:
    found = Q()
    for name in FIELDS:
        found |= Q(**{f"{name}__contains": term})
    return found


def words_matched(fields: dict[str, str], query: Plan) -> int:
    """How many of the query's words a course matches (through any alternative)."""
    texts = list(fields.values())
    return sum(
        any(all(any(t in text for text in texts) for t in option) for option in options)
        for options in query.words
    )


def plan_q(query: Plan) -> Q:
    """The plan as a filter: any word, through any of its alternatives."""
    found = Q(pk__in=[])
    for options in query.words:
        for option in options:
            every = Q()
            for term in option:
                every &= contains(term)
            found |= every
    return found


def relevance(row, terms, idf: dict[str, float]) -> float:
    """BM25-like: per term, its rarity times the best-weighted field it occurs in, with a
    saturating bonus for repeats in the body (lesson text)."""
    total = 0.0
    for term in terms:
        best = 0.0
        for name, weight in FIELD_WEIGHTS.items():
            text = getattr(row, name)
            count = text.count(term)
            if count:
                best = max(best, weight * (count / (count + 1.2)) * 2.2)
        total += idf.get(term, 0.0) * best
    return total


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
        catalogue_changed()

    def remove(self, course_ids):
        IndexedCourse.objects.filter(course_id__in=list(course_ids)).delete()
        catalogue_changed()

    @transaction.atomic
    def rebuild(self, documents):
        IndexedCourse.objects.all().delete()
        self.index_documents(documents)
        return {"indexed": len(documents)}

    def indexed_ids(self):
        return set(IndexedCourse.objects.values_list("course_id", flat=True))

    def _matching(self, query: SearchQuery):
        rows = IndexedCourse.objects.all()
        wanted = plan(query.text)
        if query.text and wanted.empty:
            return rows.none(), wanted  # only punctuation or symbols: nothing to look for
        if wanted.long:
            # A pasted text: the courses sharing enough of its tokens.
            hits = sum(
                (Case(When(contains(t), then=Value(1)), default=Value(0)) for t in wanted.terms),
                Value(0),
            )
            rows = rows.alias(hits=hits).filter(hits__gte=wanted.need)
        elif wanted.words:
            rows = rows.filter(plan_q(wanted))
        if query.tag:
            rows = rows.filter(tag_slugs__contains=f"|{query.tag}|")
        return rows, wanted

    def _rarity(self, terms: list[str]) -> dict[str, float]:
        """Each term's inverse document frequency over the whole index, in one query."""
        if not terms:
            return {}
        counts = IndexedCourse.objects.aggregate(
            documents=Count("course_id"),
            **{f"t{i}": Count("course_id", filter=contains(t)) for i, t in enumerate(terms)},
        )
        n = counts["documents"] or 1
        return {
            t: math.log(1 + (n - counts[f"t{i}"] + 0.5) / (counts[f"t{i}"] + 0.5))
            for i, t in enumerate(terms)
        }

    def search(self, query: SearchQuery) -> SearchResults:
        rows, wanted = self._matching(query)
        terms = list(wanted.terms)
        facets = {
            facet: {
                row[facet]: row["n"]
                for row in rows.values(facet).annotate(n=Count("course_id")).order_by()
            }
            for facet in FACETS
        }
        if query.track:
            rows = rows.filter(track=query.track)
        if query.delivery_mode:
            rows = rows.filter(delivery_mode=query.delivery_mode)
        candidates = list(rows)
        idf = self._rarity(terms)

        def order(row):
            # More of the query's words first, then relevance (rounded, so that
            # popularity only breaks near-ties).
            fields = {name: getattr(row, name) for name in FIELDS}
            words = words_matched(fields, wanted) if wanted.words else 0
            value = round(relevance(row, terms, idf), 1) if terms else 0.0
            return (-words, -value, -row.document["prior"], row.course_id)

        candidates.sort(key=order)
        start = (query.page - 1) * query.page_size
        page = candidates[start : start + query.page_size]
        hits = [
            Hit.from_document(
                row.document,
                {
                    "title": highlight(row.document["title"], terms),
                    "summary": highlight(row.document["summary"], terms),
                }
                if terms
                else {},
            )
            for row in page
        ]
        return SearchResults(
            total=len(candidates),
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
