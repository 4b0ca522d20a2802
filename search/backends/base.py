"""The backend protocol: what every course search backend does, and its value types."""

from dataclasses import dataclass, field

from ..ranking import Recommendation, Viewer
from ..text import normalise_query

FACETS = ("track", "delivery_mode")
PAGE_SIZE = 10


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    track: str = ""
    delivery_mode: str = ""
    tag: str = ""
    page: int = 1
    page_size: int = PAGE_SIZE

    def __post_init__(self):
        object.__setattr__(self, "text", normalise_query(self.text))
        object.__setattr__(self, "page", max(1, int(self.page)))
        object.__setattr__(self, "page_size", max(1, min(50, int(self.page_size))))


@dataclass
class Hit:
    course_id: int
    title: str
    summary: str
    track: str
    track_title: str
    delivery_mode: str
    credit_hours: float
    url_path: str
    highlight: dict = field(default_factory=dict)  # field → HTML with <em> around matches

    @classmethod
    def from_document(cls, doc: dict, highlight: dict | None = None) -> "Hit":
        return cls(
            course_id=doc["id"],
            title=doc["title"],
            summary=doc["summary"],
            track=doc["track"],
            track_title=doc["track_title"],
            delivery_mode=doc["delivery_mode"],
            credit_hours=doc["credit_hours"],
            url_path=doc["url_path"],
            highlight=highlight or {},
        )


@dataclass
class SearchResults:
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    page: int
    page_size: int
    backend: str = ""


class BaseSearchBackend:
    name = "base"

    def __init__(self, params: dict):
        self.params = params

    @property
    def store(self) -> str:
        """Where this backend keeps its documents. Two aliases with the same store are
        one index: sync writes it once, and the fallback store is recognised by it."""
        raise NotImplementedError

    # Indexing: documents come from search.documents.build_documents.
    def index_documents(self, documents: list[dict]) -> None:
        raise NotImplementedError

    def remove(self, course_ids) -> None:
        raise NotImplementedError

    def rebuild(self, documents: list[dict]) -> dict:
        raise NotImplementedError

    def indexed_ids(self) -> set[int]:
        raise NotImplementedError

    def search(self, query: SearchQuery) -> SearchResults:
        raise NotImplementedError

    def recommend(self, viewer: Viewer, top: int = 10) -> list[Recommendation]:
        raise NotImplementedError

    def health(self) -> dict:
        raise NotImplementedError
