import math
from collections import Counter

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from search.backends import database, get_search_backend
from search.backends.base import SearchQuery
from search.backends.database import DatabaseSearchBackend, document_tokens, searchable
from search.documents import build_documents
from search.ranking import FIELD_WEIGHTS
from search.text import SYNONYM_WEIGHT, plan
from tests.factories import make_course, make_curriculum, make_lesson
from tests.search.contract import BackendContract

pytestmark = pytest.mark.django_db


class TestDatabaseBackend(BackendContract):
    @pytest.fixture
    def backend(self, settings):
        settings.LMS_SEARCH_BACKENDS = {"default": {"BACKEND": "search.backends.database"}}
        return get_search_backend()


# --- ranking in groups of courses, and the tokens kept per process ----------------------

# Few characters, so that courses share words, scores and popularity: the ties and groups
# the backend ranks in bulk. 减压 and 抗压 bring synonyms; latin words and digits too.
TEXT = st.lists(
    st.sampled_from(
        ["压力", "管理", "睡眠", "沟通", "家庭", "减压", "抗压", "心理", "压", "scl", "90", " "]
    ),
    min_size=1,
    max_size=6,
).map("".join)
DOCUMENT = st.fixed_dictionaries(
    {
        "title": TEXT,
        "summary": TEXT,
        "text": TEXT,
        "tags": st.lists(st.sampled_from(["压力管理", "沟通", "睡眠"]), max_size=2, unique=True),
        "track": st.sampled_from(["stress_resilience", "communication"]),
        "delivery_mode": st.sampled_from(["online", "offline"]),
        "prior": st.sampled_from([0.0, 0.5, 1.0]),
    }
)


def document(n: int, fields: dict) -> dict:
    return {
        **fields,
        "id": n + 1,
        "instructors": [],
        "tag_slugs": fields["tags"],
        "track_title": "",
        "credit_hours": 1.0,
        "url_path": f"/c/{n + 1}/",
    }


def ranked_by_rule(documents: list[dict], text: str) -> list[int]:
    """The ranking rule the backend implements, course by course: more of the query's
    words, then the BM25-like score rounded, then popularity, then id."""
    if not text.strip():  # no query: the catalogue, most popular first
        return [doc["id"] for doc in sorted(documents, key=lambda d: (-d["prior"], d["id"]))]
    wanted = plan(text)
    terms = list(wanted.terms)
    held = {doc["id"]: set(document_tokens(doc)) for doc in documents}
    weights = []
    for term in terms:
        frequency = sum(term in tokens for tokens in held.values())
        idf = math.log(1 + (len(documents) - frequency + 0.5) / (frequency + 0.5))
        weights.append(idf * (SYNONYM_WEIGHT if term in wanted.synonyms else 1.0))
    keys = []
    for doc in documents:
        tokens, fields = held[doc["id"]], searchable(doc)
        words = sum(
            any(option and all(t in terms and t in tokens for t in option) for option in options)
            for options in wanted.words
        )
        if not (sum(t in tokens for t in terms) >= wanted.need if wanted.long else words):
            continue
        value = 0.0
        for term, weight in zip(terms, weights, strict=True):
            if term in tokens:
                best = 0.0
                for name in ("title", "keywords", "summary"):
                    if term in fields[name]:
                        count = fields[name].count(term)
                        best = max(best, FIELD_WEIGHTS[name] * (count / (count + 1.2)) * 2.2)
                value += weight * (best or FIELD_WEIGHTS["body"])
        keys.append((-words, -round(value, 1), -doc["prior"], doc["id"]))
    return [key[3] for key in sorted(keys)]


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    fields=st.lists(DOCUMENT, min_size=1, max_size=25),
    text=st.one_of(TEXT, st.lists(TEXT, min_size=2, max_size=5).map("，".join)),
    page_size=st.integers(min_value=1, max_value=7),
)
def test_every_page_follows_the_ranking_rule(fields, text, page_size):
    """Courses scoring alike are ranked as a group; read page by page, the results are the
    rule's order applied to each course, with no course skipped or repeated."""
    documents = [document(n, f) for n, f in enumerate(fields)]
    backend = DatabaseSearchBackend({})
    backend.rebuild(documents)
    expected = ranked_by_rule(documents, text)
    found, page = [], 1
    while True:
        results = backend.search(SearchQuery(text=text, page=page, page_size=page_size))
        found += [hit.course_id for hit in results.hits]
        if not results.hits:
            break
        page += 1
    assert found == expected
    assert results.total == len(expected)
    tracks = Counter(doc["track"] for doc in documents if doc["id"] in set(expected))
    assert results.facets["track"] == dict(tracks)
    online = backend.search(SearchQuery(text=text, delivery_mode="online", page_size=50))
    modes = {doc["id"]: doc["delivery_mode"] for doc in documents}
    assert [hit.course_id for hit in online.hits] == [i for i in expected if modes[i] == "online"]


def test_a_token_looked_up_before_a_change_finds_the_changed_courses(home):
    # The courses holding each token are kept per process between searches: a course
    # published or edited afterwards must still be found, and an edited one no longer.
    backend = DatabaseSearchBackend({})
    track = make_curriculum(home)
    first = make_course(track, title="情绪与健康")
    backend.rebuild(build_documents())

    def found(text):
        return [hit.course_id for hit in backend.search(SearchQuery(text=text)).hits]

    assert found("正念") == []
    second = make_course(track, title="身心调节")
    make_lesson(second, title="正念呼吸练习")
    backend.index_documents(build_documents([second.pk]))
    assert found("正念") == [second.pk]

    first.title = "正念入门"
    first.save_revision().publish()
    backend.index_documents(build_documents([first.pk]))
    assert found("正念") == [first.pk, second.pk]
    assert found("情绪") == []


def test_search_answers_alike_when_few_tokens_can_be_kept(catalogue, monkeypatch):
    # A large catalogue keeps fewer tokens per process (their sets grow with it): with
    # room for two, every query still finds what it finds with room for all.
    backend = DatabaseSearchBackend({})
    backend.rebuild(build_documents())
    queries = ["睡眠", "压力 沟通", "倾听", "领导力", "睡眠", "家庭 压力", "减压"]

    def answers():
        return [
            [hit.course_id for hit in backend.search(SearchQuery(text=text)).hits]
            for text in queries
        ]

    roomy = answers()
    monkeypatch.setattr("search.backends.database.Catalogue.TERMS_KEPT", 2)
    backend.index_documents(build_documents())  # a new version: a catalogue with less room
    assert answers() == roomy
    assert any(roomy)


def test_a_process_reading_only_the_changed_rows_answers_as_a_fresh_one(catalogue, home):
    # After a change, a process re-reads only the rows written since it last read them:
    # through courses edited, added and removed, it answers as a process reading all.
    backend = DatabaseSearchBackend({})
    backend.rebuild(build_documents())
    queries = ["压力", "睡眠", "沟通", "危机", "廉洁", ""]

    def answers():
        return [
            [(hit.course_id, hit.title) for hit in backend.search(SearchQuery(text=t)).hits]
            for t in queries
        ]

    def fresh_answers():
        kept = database._CATALOGUE["current"]
        database._CATALOGUE["current"] = None
        try:
            return answers()
        finally:
            database._CATALOGUE["current"] = kept

    answers()  # read the catalogue
    sleep = catalogue["sleep"]
    sleep.title = "危机中的睡眠与压力"
    sleep.save_revision().publish()
    backend.index_documents(build_documents([sleep.pk]))
    assert answers() == fresh_answers()
    assert any(sleep.pk in [hit[0] for hit in found] for found in answers()[3:4])

    backend.remove([catalogue["listen"].pk])
    added = make_course(make_curriculum(home), title="沟通中的压力")
    backend.index_documents(build_documents([added.pk]))
    assert answers() == fresh_answers()
    assert added.pk in [hit[0] for hit in answers()[2]]
    assert catalogue["listen"].pk not in [hit[0] for hits in answers() for hit in hits]
