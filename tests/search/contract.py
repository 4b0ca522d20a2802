"""The contract every course search backend passes: written once, run per backend.

The `catalogue` fixture it runs on (six courses in four tracks) is in tests/search/conftest.py.
"""

import pytest

from lms.models import AssessmentSignal, Rank
from search.backends.base import SearchQuery
from search.documents import build_documents
from search.ranking import CRISIS, ELEVATED, HIGH, Viewer


def rank(code):
    return Rank.objects.get(code=code)


def viewer(**fields):
    from lms.assessments.signal_rules import DEFAULT_SIGNAL_RULES

    clerk = rank("clerk_1")
    defaults = {
        "rank_id": clerk.pk,
        "rank_ordinal": clerk.ordinal,
        "gender": "male",
        "post_category": "comprehensive",
        "age": 35,
        "signal_rules": DEFAULT_SIGNAL_RULES,
        "signal_names": {s.key: s.name for s in AssessmentSignal.objects.all()},
    }
    defaults.update(fields)
    return Viewer(**defaults)


class BackendContract:
    """Subclasses provide a `backend` fixture returning a backend built from settings."""

    @pytest.fixture
    def indexed(self, backend, catalogue):
        backend.rebuild(build_documents())
        return catalogue

    def titles(self, results):
        return {hit.title for hit in results.hits}

    def test_chinese_substrings_are_found(self, backend, indexed):
        assert "工作抗压训练：从紧张到从容" in self.titles(backend.search(SearchQuery(text="抗压")))
        assert self.titles(backend.search(SearchQuery(text="双重压力"))) == {
            "女性干部的双重压力与自我关爱"
        }

    def test_lesson_text_and_tags_are_searchable(self, backend, indexed):
        assert self.titles(backend.search(SearchQuery(text="同理心"))) == {"倾听的艺术"}
        assert "睡眠与恢复" in self.titles(backend.search(SearchQuery(text="睡眠")))

    def test_matches_are_highlighted(self, backend, indexed):
        hit = backend.search(SearchQuery(text="抗压")).hits[0]
        assert "<em>抗压</em>" in hit.highlight["title"]

    def test_mixed_and_latin_queries(self, backend, indexed):
        assert self.titles(backend.search(SearchQuery(text="sleep 睡眠"))) == {"睡眠与恢复"}
        assert self.titles(backend.search(SearchQuery(text="SLEEP"))) == {"睡眠与恢复"}

    @pytest.mark.parametrize(
        "text", ["", "   ", "！！！", "*:*", 'title:"x" AND (', "a" * 5000, "\x00压力"]
    )
    def test_odd_queries_never_fail(self, backend, indexed, text):
        results = backend.search(SearchQuery(text=text))
        assert results.total >= 0

    def test_empty_query_lists_everything_with_facets(self, backend, indexed):
        results = backend.search(SearchQuery())
        assert results.total == 6
        assert results.facets["track"] == {
            "stress_resilience": 2,
            "women_dual_pressure": 1,
            "communication": 2,
            "political_ethics": 1,
        }
        assert results.facets["delivery_mode"] == {"online": 5, "offline": 1}

    def test_filters_narrow_hits_but_facets_count_the_query(self, backend, indexed):
        results = backend.search(SearchQuery(text="压力", track="women_dual_pressure"))
        assert self.titles(results) == {"女性干部的双重压力与自我关爱"}
        # Both stress-track courses match 压力: one by its tags, one by its track's title
        # (工作抗压训练与职业压力调适), which is searchable.
        assert results.facets["track"]["stress_resilience"] == 2
        offline = backend.search(SearchQuery(delivery_mode="offline"))
        assert self.titles(offline) == {"睡眠与恢复"}
        tagged = backend.search(SearchQuery(tag="沟通"))
        assert self.titles(tagged) == {"倾听的艺术"}

    def test_pagination(self, backend, indexed):
        first = backend.search(SearchQuery(page=1, page_size=4))
        second = backend.search(SearchQuery(page=2, page_size=4))
        assert (len(first.hits), len(second.hits), first.total) == (4, 2, 6)
        assert not {h.course_id for h in first.hits} & {h.course_id for h in second.hits}

    def test_removed_courses_disappear(self, backend, indexed):
        backend.remove([indexed["sleep"].pk])
        assert "睡眠与恢复" not in self.titles(backend.search(SearchQuery(text="睡眠")))
        assert indexed["sleep"].pk not in backend.indexed_ids()

    # --- recommendations ---------------------------------------------------------

    def ids(self, recommendations):
        return [r.course_id for r in recommendations]

    def test_eligibility_by_audience(self, backend, indexed):
        clerk_man = self.ids(backend.recommend(viewer()))
        assert indexed["dual"].pk not in clerk_man  # women only
        assert indexed["crisis_pr"].pk not in clerk_man  # county deputy and above
        county = rank("researcher_4")  # ordinal 130: same band as 县处级副职
        woman_county = self.ids(
            backend.recommend(
                viewer(gender="female", rank_id=county.pk, rank_ordinal=county.ordinal)
            )
        )
        assert {indexed["dual"].pk, indexed["crisis_pr"].pk} <= set(woman_county)

    def test_completed_courses_are_not_recommended(self, backend, indexed):
        done = frozenset({indexed["listen"].pk})
        assert indexed["listen"].pk not in self.ids(backend.recommend(viewer(completed=done)))

    def test_required_assignments_are_not_repeated_among_recommendations(self, backend, indexed):
        # They have their own section on 我的学习, with the due date.
        due = ((indexed["integrity"].pk, "2026-12-31"),)
        assert indexed["integrity"].pk in self.ids(backend.recommend(viewer()))
        assert indexed["integrity"].pk not in self.ids(backend.recommend(viewer(required_due=due)))

    def test_profile_signals_raise_matching_courses_with_plain_reasons(self, backend, indexed):
        plain = self.ids(backend.recommend(viewer()))
        personal = backend.recommend(viewer(signals=("interpersonal",), rung=ELEVATED))
        assert personal[0].course_id == indexed["listen"].pk
        assert plain[0] != indexed["listen"].pk
        # The rule's plain phrase and what the course offers; never the clinical label.
        assert (
            personal[0].reasons[0]
            == "您最近在与人相处时可能容易感到不自在，这门课教几种简单实用的调节方法"
        )
        assert not any("人际关系敏感" in r for rec in personal for r in rec.reasons)

    def test_crisis_suppresses_profile_based_ranking(self, backend, indexed):
        plain = backend.recommend(viewer())
        crisis = backend.recommend(viewer(signals=("interpersonal",), rung=CRISIS))
        assert self.ids(crisis) == self.ids(plain)
        assert not any("不自在" in r for rec in crisis for r in rec.reasons)

    def test_audience_only_breaks_ties_and_leadership_is_never_lifted(self, backend, indexed):
        county = rank("county_deputy")
        leader = {"rank_id": county.pk, "rank_ordinal": county.ordinal}
        # With nothing raised, the course aimed at their rank leads on the tie-break ...
        assert self.ids(backend.recommend(viewer(**leader)))[0] == indexed["crisis_pr"].pk
        # ... but a profile match outranks it, even when the leadership course addresses
        # the very signal: leadership courses get no profile boost.
        crisis_pr = indexed["crisis_pr"]
        crisis_pr.signals.add(AssessmentSignal.objects.get(key="stress_work"))
        crisis_pr.save_revision().publish()
        backend.rebuild(build_documents())
        raised = self.ids(
            backend.recommend(viewer(signals=("stress_work",), rung=ELEVATED, **leader))
        )
        assert raised.index(indexed["resilience"].pk) < raised.index(crisis_pr.pk)
        assert raised.index(indexed["sleep"].pk) < raised.index(crisis_pr.pk)

    def test_high_rung_puts_help_seeking_first_and_never_leadership(
        self, backend, indexed, curriculum
    ):
        from tests.factories import make_course

        helping = make_course(curriculum, title="何时与如何寻求专业帮助", role="help_seeking")
        backend.rebuild(build_documents())
        county = rank("county_deputy")
        high = backend.recommend(
            viewer(
                signals=("depression", "anxiety"),
                rung=HIGH,
                rank_id=county.pk,
                rank_ordinal=county.ordinal,
            )
        )
        assert high[0].course_id == helping.pk
        assert high[0].reasons[0].endswith("这门课介绍什么时候、怎样找专业人员聊一聊")
        assert indexed["crisis_pr"].pk not in self.ids(high)  # leadership: not at this rung
        # Then gentle self-help, before psycho-education.
        after = self.ids(high)[1:]
        assert after.index(indexed["resilience"].pk) < after.index(indexed["integrity"].pk)

    def test_every_recommendation_has_a_reason(self, backend, indexed):
        for rec in backend.recommend(viewer(signals=("stress_work",), rung=0)):
            assert rec.reasons and all(isinstance(r, str) and r for r in rec.reasons)

    def test_health_reports_documents(self, backend, indexed):
        health = backend.health()
        assert health["ok"] and health["documents"] == 6
