"""Elasticsearch 8 backend, written with elasticsearch.dsl.

Versioned indices sit behind an alias, so a rebuild fills a new index and swaps the alias
in one step with no downtime. Queries time out quickly; when the cluster is unreachable,
search and recommendations fall back to the database backend (which is always kept in
sync) and a warning is logged, so a cadre's page never breaks.
"""

import contextlib
import logging
from datetime import UTC, datetime

from elasticsearch import ApiError, Elasticsearch, TransportError, dsl, helpers

from ..ranking import (
    FIELD_WEIGHTS,
    LEADERSHIP,
    Viewer,
    eligible,
    finish,
    profile_terms,
    score,
)
from ..text import SYNONYM_WEIGHT, highlight, is_cjk, plan
from . import fallback_backend
from .base import FACETS, BaseSearchBackend, Hit, SearchQuery, SearchResults

logger = logging.getLogger(__name__)
UNAVAILABLE = (TransportError, ApiError, ConnectionError, TimeoutError)
REBUILD_TIMEOUT = 120  # seconds for a rebuild's bulk writes; queries keep TIMEOUT
CANDIDATES = 30  # per track: the ten that diversity may need, and a margin for float ties


class ElasticsearchBackend(BaseSearchBackend):
    name = "elasticsearch"

    def __init__(self, params):
        super().__init__(params)
        self.alias = params.get("INDEX", "xinyu-courses")
        self.analyzer = params.get("ANALYZER", "cjk")
        self.timeout = float(params.get("TIMEOUT", 2))
        options = {"request_timeout": self.timeout, "max_retries": 0, "retry_on_timeout": False}
        if params.get("PLAIN_JSON"):
            from ..es_transport import PlainJsonNode

            options["node_class"] = PlainJsonNode
        options.update(params.get("OPTIONS", {}))
        self.urls = list(params.get("URLS", ["http://127.0.0.1:9200"]))
        self.client = Elasticsearch(self.urls, **options)
        # Where search and recommendations go while the cluster is down (LMS_SEARCH_FALLBACK).
        self.fallback = fallback_backend()

    @property
    def store(self) -> str:
        return f"elasticsearch:{','.join(sorted(self.urls))}/{self.alias}"

    # --- index ------------------------------------------------------------------------

    def mapping(self) -> dsl.Mapping:
        text = {"analyzer": self.analyzer}
        mapping = dsl.Mapping()
        mapping.field("id", "integer")
        mapping.field("title", dsl.Text(**text, fields={"raw": dsl.Keyword()}))
        mapping.field("summary", dsl.Text(**text))
        # The text as search.text folds it (NFKC, simplified, lower case), one field per weight:
        # the analyzer then cuts the same bigrams the database backend matches.
        for name in FIELD_WEIGHTS:
            mapping.field(f"s_{name}", dsl.Text(**text))
        # Every Chinese character of each field once: the cjk analyzer indexes bigrams, so
        # a one-character query (压) is looked up here, weighted by field as words are.
        for name in FIELD_WEIGHTS:
            mapping.field(f"c_{name}", "keyword")
        for name in (
            "track",
            "track_title",
            "delivery_mode",
            "tags",
            "tag_slugs",
            "audience_gender",
            "audience_post_categories",
            "signals",
            "role",
            "url_path",
            "audience_rank_names",
            "audience_min_rank_name",
        ):
            mapping.field(name, "keyword")
        for name in (
            "audience_rank_ids",
            "audience_min_ordinal",
            "audience_min_age",
            "audience_max_age",
            "estimated_minutes",
        ):
            mapping.field(name, "integer")
        mapping.field("credit_hours", "float")
        mapping.field("prior", "float")
        mapping.field("targeted", "boolean")
        mapping.field("text", dsl.Text(**text, index=False))
        return mapping

    def _source(self, doc: dict) -> dict:
        from ..ranking import targets_viewer
        from .database import searchable

        fields = searchable(doc)
        return {
            **doc,
            **{f"s_{name}": value for name, value in fields.items()},
            **{
                f"c_{name}": sorted({ch for ch in value if is_cjk(ch)})
                for name, value in fields.items()
            },
            "targeted": targets_viewer(doc),
        }

    def _create_index(self) -> str:
        name = f"{self.alias}-{datetime.now(UTC):%Y%m%d%H%M%S%f}"
        index = dsl.Index(name, using=self.client)
        index.settings(number_of_shards=1, number_of_replicas=0)
        index.mapping(self.mapping())
        index.create()
        return name

    def _current_indices(self) -> list[str]:
        if not self.client.indices.exists_alias(name=self.alias):
            return []
        return list(self.client.indices.get_alias(name=self.alias).body)

    def _ensure_index(self) -> None:
        if not self._current_indices():
            name = self._create_index()
            self.client.indices.put_alias(index=name, name=self.alias)

    def index_documents(self, documents):
        self._ensure_index()
        actions = [
            {"_index": self.alias, "_id": doc["id"], "_source": self._source(doc)}
            for doc in documents
        ]
        if actions:
            helpers.bulk(self.client, actions, refresh=True)

    def remove(self, course_ids):
        if not self._current_indices():
            return
        for course_id in course_ids:
            self.client.options(ignore_status=404).delete(
                index=self.alias, id=course_id, refresh=True
            )

    def rebuild(self, documents):
        """Fill a new versioned index, then move the alias to it atomically."""
        # A rebuild runs from a command, not a page: its bulk writes get time to finish.
        client = self.client.options(request_timeout=max(self.timeout, REBUILD_TIMEOUT))
        old = self._current_indices()
        name = self._create_index()
        try:
            actions = [
                {"_index": name, "_id": d["id"], "_source": self._source(d)} for d in documents
            ]
            if actions:
                helpers.bulk(client, actions, refresh=True)
            swap = [{"add": {"index": name, "alias": self.alias}}]
            swap += [{"remove": {"index": index, "alias": self.alias}} for index in old]
            client.indices.update_aliases(actions=swap)
        except Exception:
            # Leave no half-filled index behind; the alias still serves the old one.
            with contextlib.suppress(*UNAVAILABLE):
                client.indices.delete(index=name, ignore_unavailable=True)
            raise
        for index in old:
            client.indices.delete(index=index, ignore_unavailable=True)
        return {"indexed": len(documents), "index": name, "replaced": old}

    def indexed_ids(self):
        if not self._current_indices():
            return set()
        search = dsl.Search(using=self.client, index=self.alias).source(False)
        return {int(hit.meta.id) for hit in search.params(size=10_000).scan()}

    # --- queries ----------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResults:
        try:
            return self._search(query)
        except UNAVAILABLE as exc:
            # Say why in the log; the cadre still gets results from the database.
            logger.warning("Elasticsearch search failed, using the database backend: %s", exc)
            return self.fallback.search(query)

    def _search(self, query: SearchQuery) -> SearchResults:
        search = dsl.Search(using=self.client, index=self.alias).source(
            excludes=["text", "s_*", "c_*"]
        )
        wanted = plan(query.text)
        terms = list(wanted.terms)
        if query.text and wanted.empty:
            search = search.query("match_none")  # only punctuation or symbols
        fields = [f"s_{name}^{weight:g}" for name, weight in FIELD_WEIGHTS.items()]

        def has(term):
            found = dsl.Q("multi_match", query=term, fields=fields, operator="and")
            if len(term) == 1 and is_cjk(term):
                # The best field holding the character, as the database backend ranks it.
                return found | dsl.Q(
                    "dis_max",
                    queries=[
                        dsl.Q("term", **{f"c_{name}": {"value": term, "boost": weight}})
                        for name, weight in FIELD_WEIGHTS.items()
                    ],
                )
            return found

        if wanted.long:
            search = search.query(
                "bool",
                should=[
                    dsl.Q("bool", must=[has(t)], boost=SYNONYM_WEIGHT)
                    if t in wanted.synonyms
                    else has(t)
                    for t in terms
                ],
                minimum_should_match=wanted.need,
            )
        elif wanted.words:
            # Any word, through any of its alternatives (all of that alternative's tokens);
            # the more words a course matches, the higher it scores.
            words = [
                dsl.Q(
                    "bool",
                    should=[
                        # The word itself, then its synonyms at a lower weight.
                        dsl.Q(
                            "bool",
                            must=[has(t) for t in option],
                            boost=1.0 if index == 0 else SYNONYM_WEIGHT,
                        )
                        for index, option in enumerate(options)
                    ],
                    minimum_should_match=1,
                )
                for options in wanted.words
            ]
            search = search.query("bool", should=words, minimum_should_match=1)
        if query.tag:
            search = search.filter("term", tag_slugs=query.tag)
        for facet in FACETS:
            search.aggs.bucket(facet, "terms", field=facet, size=50)
        post = []
        if query.track:
            post.append(dsl.Q("term", track=query.track))
        if query.delivery_mode:
            post.append(dsl.Q("term", delivery_mode=query.delivery_mode))
        if post:
            search = search.post_filter("bool", filter=post)
        start = (query.page - 1) * query.page_size
        search = search.sort("_score", {"prior": "desc"}, {"id": "asc"})[
            start : start + query.page_size
        ]
        response = search.execute()
        hits = []
        for hit in response:
            source = hit.to_dict()
            # Highlighted here, as the database backend does: the same folding, so 壓力
            # marks 压力 in the text on both.
            marked = (
                {name: highlight(source[name], terms) for name in ("title", "summary")}
                if terms
                else {}
            )
            hits.append(Hit.from_document(source, marked))
        facets = {
            facet: {b.key: b.doc_count for b in getattr(response.aggregations, facet).buckets}
            for facet in FACETS
        }
        return SearchResults(
            total=response.hits.total.value,
            hits=hits,
            facets=facets,
            page=query.page,
            page_size=query.page_size,
            backend=self.name,
        )

    def recommend(self, viewer: Viewer, top: int = 10):
        try:
            return self._recommend(viewer, top)
        except UNAVAILABLE as exc:
            logger.warning("Elasticsearch recommend failed, using the database backend: %s", exc)
            return self.fallback.recommend(viewer, top)

    def eligibility_filters(self, viewer: Viewer) -> list:
        Q = dsl.Q
        missing = lambda name: ~Q("exists", field=name)  # noqa: E731
        rank = [missing("audience_rank_ids") & missing("audience_min_ordinal")]
        if viewer.rank_id is not None:
            rank.append(Q("term", audience_rank_ids=viewer.rank_id))
        if viewer.rank_ordinal is not None:
            rank.append(Q("range", audience_min_ordinal={"lte": viewer.rank_ordinal}))
        filters = [
            Q("bool", should=rank, minimum_should_match=1),
            Q("terms", audience_gender=["", viewer.gender]),
            Q(
                "bool",
                should=[
                    missing("audience_post_categories"),
                    Q("term", audience_post_categories=viewer.post_category),
                ],
                minimum_should_match=1,
            ),
        ]
        if viewer.age is not None:
            filters.append(
                Q(
                    "bool",
                    should=[
                        missing("audience_min_age"),
                        Q("range", audience_min_age={"lte": viewer.age}),
                    ],
                    minimum_should_match=1,
                )
            )
            filters.append(
                Q(
                    "bool",
                    should=[
                        missing("audience_max_age"),
                        Q("range", audience_max_age={"gte": viewer.age}),
                    ],
                    minimum_should_match=1,
                )
            )
        excluded = viewer.completed | {course_id for course_id, _due in viewer.required_due}
        if excluded:
            filters.append(~Q("ids", values=[str(i) for i in sorted(excluded)]))
        if viewer.high:
            filters.append(~Q("term", role=LEADERSHIP))
        return filters

    def _recommend(self, viewer: Viewer, top: int):
        """The ranking model as a function_score query; the viewer is sent, never stored."""
        from ..ranking import W_AUDIENCE

        Q = dsl.Q
        functions = [{"field_value_factor": {"field": "prior", "missing": 0}}]
        functions.append({"filter": {"term": {"targeted": True}}, "weight": W_AUDIENCE})
        for term in profile_terms(viewer):
            condition = Q("term", role=term.role)
            if term.signal is not None and term.track is None:
                condition &= Q("term", signals=term.signal)
            elif term.signal is not None:
                condition &= Q("term", track=term.track) & ~Q("term", signals=term.signal)
            functions.append({"filter": condition.to_dict(), "weight": term.weight})
        query = Q(
            "function_score",
            query=Q("bool", filter=self.eligibility_filters(viewer)),
            functions=functions,
            score_mode="sum",
            boost_mode="replace",
        )
        search = dsl.Search(using=self.client, index=self.alias).query(query).extra(size=0)
        # Diversity allows only MAX_PER_TRACK of a track in the top ten, so the best
        # candidates of every track are needed, not just the best overall.
        search.aggs.bucket("tracks", "terms", field="track", size=50).metric(
            "best",
            "top_hits",
            size=CANDIDATES,
            sort=[{"_score": "desc"}, {"id": "asc"}],
            _source={"excludes": ["text", "s_*", "c_*"]},
        )
        buckets = search.execute().to_dict()["aggregations"]["tracks"]["buckets"]
        docs = [hit["_source"] for bucket in buckets for hit in bucket["best"]["hits"]["hits"]]
        # The final order, reasons and diversity use the shared definitions on the
        # candidates Elasticsearch found, so both backends agree to the last digit.
        ranked = [(doc, score(doc, viewer)) for doc in docs if eligible(doc, viewer)]
        return finish(ranked, viewer, top)

    def health(self):
        try:
            indices = self._current_indices()
            count = self.client.count(index=self.alias)["count"] if indices else 0
            return {"backend": self.name, "ok": bool(indices), "index": indices, "documents": count}
        except UNAVAILABLE as exc:
            return {"backend": self.name, "ok": False, "error": str(exc)}


SearchBackend = ElasticsearchBackend
