"""Request-time reads never write: instruments and the first profile rules are installed
at migrate time (post_migrate), so the assessment pages only read them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lms.assessments import records as assessments
from lms.assessments.instruments import shipped_definitions
from lms.models import Instrument, ProfileRules
from tests.factories import make_cadre

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


def writes_during(callable_):
    with CaptureQueriesContext(connection) as queries:
        response = callable_()
    return response, [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]


def test_migrate_installs_every_shipped_instrument_and_the_first_rules():
    assert set(Instrument.objects.values_list("key", flat=True)) == set(shipped_definitions())
    assert ProfileRules.objects.count() == 1


@pytest.mark.parametrize("path", ["/assessment/", "/assessment/scl90/", "/assessment/help/"])
def test_assessment_pages_only_read(client, path):
    cadre = make_cadre()
    assessments.give_consent(cadre, share_with_counsellor=False, purpose="测试")
    client.force_login(cadre.user)
    client.get(path)  # the first request may touch the session; measure the second
    response, writes = writes_during(lambda: client.get(path))
    assert response.status_code == 200
    assert writes == []


def test_the_assessment_index_reads_the_instruments_once(client):
    cadre = make_cadre()
    client.force_login(cadre.user)
    client.get("/assessment/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/assessment/").status_code == 200
    assert sum('FROM "lms_instrument"' in q["sql"] for q in queries) == 1


def test_current_rules_are_read_without_writing_even_before_they_are_installed():
    ProfileRules.objects.all().delete()
    rules, writes = writes_during(ProfileRules.current)
    assert writes == []
    assert rules.pk is None and rules.thresholds == ProfileRules.defaults()["thresholds"]


def test_shipped_definitions_are_parsed_once_per_process(monkeypatch):
    from lms.assessments import instruments

    shipped_definitions()
    monkeypatch.setattr(instruments, "read_json", lambda path: pytest.fail("read again"))
    first = shipped_definitions()
    first["scl90"]["name"] = "changed by a caller"
    assert shipped_definitions()["scl90"]["name"] != "changed by a caller"
