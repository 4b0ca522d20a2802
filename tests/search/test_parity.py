"""Both backends recommend the same ten courses, in the same order, to the same cadres.

The demo catalogue and a population with a year of learning and assessments are seeded
once for the module; the ranking model is one definition, so any difference is a bug in
how a backend evaluates it.
"""

import io
import itertools
import os
from dataclasses import replace

import pytest
from django.core.management import call_command
from django.db import transaction

from lms.learning.recommendations import viewer_for
from lms.models import CadreProfile
from search.backends.database import DatabaseSearchBackend
from search.backends.elasticsearch import ElasticsearchBackend
from search.documents import build_documents
from search.ranking import CRISIS, HIGH

pytestmark = pytest.mark.django_db
POPULATION = 150
CADRES = 20


class NoFallback:
    """Parity through a silent fallback to the database would prove nothing."""

    def __getattr__(self, name):
        raise AssertionError(f"the Elasticsearch backend fell back to the database ({name})")


@pytest.fixture(scope="module")
def backends(django_db_setup, django_db_blocker, search_server):
    """Seed once, rebuild both backends; everything is rolled back at the end."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        elasticsearch = None
        try:
            call_command("seed_demo", cadres=POPULATION, password="pw-demo-1", stdout=io.StringIO())
            documents = build_documents()
            database = DatabaseSearchBackend({})
            database.rebuild(documents)
            elasticsearch = ElasticsearchBackend(
                {
                    "URLS": [search_server.url],
                    "INDEX": f"parity-courses-{os.getpid()}",
                    "PLAIN_JSON": True,
                    "TIMEOUT": 15,
                }
            )
            elasticsearch.rebuild(documents)
            elasticsearch.fallback = NoFallback()
            yield database, elasticsearch
        finally:
            if elasticsearch is not None:
                for index in elasticsearch._current_indices():
                    elasticsearch.client.indices.delete(index=index)
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def chosen_cadres() -> list[CadreProfile]:
    """Cadres with profiles (a crisis one first, if any), then one per rank and gender."""
    cadres = list(
        CadreProfile.objects.select_related("rank", "post_category").order_by("employee_id")
    )
    viewers = {cadre.pk: viewer_for(cadre) for cadre in cadres}
    profiled = [c for c in cadres if viewers[c.pk].signals]
    crisis = [c for c in profiled if viewers[c.pk].rung == CRISIS]
    chosen = {c.pk: c for c in crisis[:1]}
    by_rung = itertools.groupby(
        sorted(profiled, key=lambda c: viewers[c.pk].rung), lambda c: viewers[c.pk].rung
    )
    for _rung, group in by_rung:  # every rung of the ladder that occurs
        for cadre in list(group)[:3]:
            chosen.setdefault(cadre.pk, cadre)
    seen = set()
    for cadre in cadres:
        if len(chosen) >= CADRES:
            break
        key = (cadre.rank_id, cadre.gender)
        if key not in seen:
            seen.add(key)
            chosen.setdefault(cadre.pk, cadre)
    return list(chosen.values())


def test_the_sample_is_varied(backends):
    cadres = chosen_cadres()
    viewers = [viewer_for(c) for c in cadres]
    assert len(cadres) == CADRES
    assert sum(v.personalised for v in viewers) >= 3
    assert len({c.gender for c in cadres}) == 2 and len({c.rank_id for c in cadres}) >= 6
    assert any(v.completed for v in viewers) and any(v.required_due for v in viewers)


def sample_viewers():
    """The chosen cadres' viewers, plus one profile at the high and the crisis rung (the
    demo population may have no crisis; the ladder must agree there too)."""
    viewers = [(cadre.employee_id, viewer_for(cadre)) for cadre in chosen_cadres()]
    name, profiled = next((n, v) for n, v in viewers if v.signals)
    viewers += [(f"{name} at rung {rung}", replace(profiled, rung=rung)) for rung in (HIGH, CRISIS)]
    return viewers


def test_both_backends_recommend_the_same_top_ten(backends):
    database, elasticsearch = backends
    compared = 0
    for cadre, viewer in sample_viewers():
        expected = database.recommend(viewer)
        actual = elasticsearch.recommend(viewer)
        assert len(expected) == 10, cadre
        assert [r.course_id for r in actual] == [r.course_id for r in expected], cadre
        assert [(r.score, r.reasons) for r in actual] == [(r.score, r.reasons) for r in expected]
        compared += 1
    assert compared == CADRES + 2
