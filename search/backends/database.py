"""The embedded default: course search in the relational database (SQLite or PostgreSQL)."""

import html

from django.db import transaction
from django.db.models import Count, Q

from ..models import IndexedCourse
from ..ranking import Viewer, eligible, finish, score
from ..text import tokens
from .base import FACETS, BaseSearchBackend, Hit, SearchQuery, SearchResults


def highlight(text: str, terms: list[str]) -> str:
    """Escape the text and wrap every occurrence of a term in <em>."""
    lowered = text.lower()
    marks = [False] * len(text)
    for term in terms:
        start = lowered.find(term)
        while start != -1:
            for i in range(start, start + len(term)):
                marks[i] = True
            start = lowered.find(term, start + 1)
    out, inside = [], False
    for ch, marked in zip(text, marks, strict=True):
        if marked and not inside:
            out.append("<em>")
        elif not marked and inside:
            out.append("</em>")
        inside = marked
        out.append(html.escape(ch))
    if inside:
        out.append("</em>")
    return "".join(out)


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
                        "title": doc["title"].lower(),
                        "body": " ".join(
                            [doc["summary"], " ".join(doc["tags"]), doc["text"]]
                        ).lower(),
                        "track": doc["track"],
                        "delivery_mode": doc["delivery_mode"],
                        "tag_slugs": "".join(f"|{slug}|" for slug in doc["tag_slugs"]),
                    },
                )

    def remove(self, course_ids):
        IndexedCourse.objects.filter(course_id__in=list(course_ids)).delete()

    @transaction.atomic
    def rebuild(self, documents):
        IndexedCourse.objects.all().delete()
        self.index_documents(documents)
        return {"indexed": len(documents)}

    def indexed_ids(self):
        return set(IndexedCourse.objects.values_list("course_id", flat=True))

    def _matching(self, query: SearchQuery):
        rows = IndexedCourse.objects.all()
        terms = tokens(query.text)
        # Every token must occur, in the title or the body (the "and" operator).
        for term in terms:
            rows = rows.filter(Q(title__contains=term) | Q(body__contains=term))
        if query.tag:
            rows = rows.filter(tag_slugs__contains=f"|{query.tag}|")
        return rows, terms

    def search(self, query: SearchQuery) -> SearchResults:
        rows, terms = self._matching(query)
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

        def relevance(row):
            in_title = sum(1 for t in terms if t in row.title)
            return (-in_title, -row.document["prior"], row.course_id)

        candidates.sort(key=relevance)
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
        for doc in IndexedCourse.objects.values_list("document", flat=True):
            if eligible(doc, viewer):
                ranked.append((doc, score(doc, viewer)))
        return finish(ranked, viewer, top)

    def health(self):
        return {"backend": self.name, "ok": True, "documents": IndexedCourse.objects.count()}


SearchBackend = DatabaseSearchBackend
