"""The cadre's data rights on the web: export everything, delete assessment data."""

import json

import pytest
from django.urls import reverse

from lms.assessments import records as assessments
from lms.learning.enrollment import enrol
from lms.models import Assessment, AuditLog, Enrollment, FollowUp, PsychProfile
from tests.factories import make_cadre, make_course

pytestmark = pytest.mark.django_db

EXPORT = "/my/data/export/"
DELETE = "/my/data/delete-assessments/"


def scl(**overrides) -> dict[int, int]:
    answers = dict.fromkeys(range(1, 91), 1)
    answers.update({int(key[1:]): value for key, value in overrides.items()})
    return answers


def cadre_with_data(curriculum, **answers):
    cadre = make_cadre()
    enrol(cadre, make_course(curriculum))
    assessments.give_consent(cadre, share_with_counsellor=False, purpose="测试")
    assessments.submit(cadre, "scl90", scl(**answers))
    return cadre


@pytest.fixture
def mine(curriculum):
    return cadre_with_data(curriculum, i6=3)


@pytest.fixture
def theirs(curriculum):
    return cadre_with_data(curriculum, i15=2)


@pytest.fixture
def cadre_client(client, mine):
    client.force_login(mine.user)
    return client


def test_the_url_names_are_fixed():
    assert reverse("lms_assessment:export") == EXPORT
    assert reverse("lms_assessment:delete") == DELETE


def test_my_learning_links_to_my_data(cadre_client):
    html = cadre_client.get("/my/").content.decode()

    assert EXPORT in html and DELETE in html and reverse("lms_assessment:index") in html


# Export ---------------------------------------------------------------------------------------


def test_export_is_a_json_download_of_my_own_data_only(cadre_client, mine, theirs):
    response = cadre_client.get(EXPORT)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)

    assert data["cadre_id"] == mine.pk
    assert data["profile"]["name"] == mine.name
    assert data["account"]["username"] == mine.user.username
    [assessment] = data["assessments"]
    mine_done = Assessment.objects.get(cadre=mine)
    assert assessment["id"] == mine_done.pk
    assert assessment["answers"]["6"] == 3  # decrypted
    assert (
        assessment["scores"]["factors"]["interpersonal"]
        == mine_done.scores["factors"]["interpersonal"]
    )
    assert assessment["instrument_label"] == "症状自评量表（SCL-90）"
    assert [row["id"] for row in data["enrollments"]] == list(
        Enrollment.objects.filter(cadre=mine).values_list("pk", flat=True)
    )
    assert data["psych_profile"]["data"]["rung"] == 0
    assert [row["cadre"] for row in data["assessment_consents"]] == [mine.pk]

    text = response.content.decode()
    theirs_done = Assessment.objects.get(cadre=theirs)
    assert theirs.name not in text and theirs.user.username not in text
    assert theirs_done.pk not in {row["id"] for row in data["assessments"]}
    assert not set(Enrollment.objects.filter(cadre=theirs).values_list("pk", flat=True)) & {
        row["id"] for row in data["enrollments"]
    }
    assert FollowUp.objects.get(cadre=theirs).pk not in {row["id"] for row in data["follow_ups"]}


def test_export_is_audited(cadre_client, mine):
    cadre_client.get(EXPORT)

    record = AuditLog.objects.get(action="export")
    assert record.actor == mine.user
    assert record.subject == mine
    assert record.target == f"cadre:{mine.pk}"


def test_only_cadres_can_export(client, django_user_model):
    assert client.get(EXPORT).status_code == 302  # to the login page
    client.force_login(django_user_model.objects.create_user("teacher"))
    assert client.get(EXPORT).status_code == 403
    assert not AuditLog.objects.filter(action="export").exists()


def test_export_is_read_only(cadre_client):
    assert cadre_client.post(EXPORT).status_code == 405


# Deletion ---------------------------------------------------------------------------------------


def test_the_confirm_page_deletes_nothing(cadre_client, mine):
    response = cadre_client.get(DELETE)

    assert response.status_code == 200
    assert 'method="post"' in response.content.decode()
    assert Assessment.objects.filter(cadre=mine).count() == 1


def test_deleting_twice_removes_only_my_assessment_data(cadre_client, mine, theirs):
    enrollments_before = Enrollment.objects.count()
    theirs_profile = PsychProfile.objects.get(cadre=theirs).data

    first = cadre_client.post(DELETE)

    assert first.status_code == 302 and first["Location"] == reverse("lms_assessment:index")
    assert not Assessment.objects.filter(cadre=mine).exists()
    assert not PsychProfile.objects.filter(cadre=mine).exists()
    assert Enrollment.objects.count() == enrollments_before  # learning data untouched
    assert Assessment.objects.filter(cadre=theirs).count() == 1
    assert PsychProfile.objects.get(cadre=theirs).data == theirs_profile
    assert AuditLog.objects.filter(subject=mine, action="delete").count() == 1
    log_size = AuditLog.objects.count()

    second = cadre_client.post(DELETE)

    assert second.status_code == 302
    assert AuditLog.objects.count() == log_size  # a no-op writes nothing
    assert Assessment.objects.filter(cadre=theirs).count() == 1
    assert Enrollment.objects.count() == enrollments_before


def test_deleting_keeps_consent_and_my_results_page_is_empty(cadre_client, mine):
    cadre_client.post(DELETE)

    assert assessments.active_consent(mine) is not None
    html = cadre_client.get(reverse("lms_assessment:index")).content.decode()
    assert "/assessment/results/" not in html


def test_only_cadres_can_delete(client, django_user_model, mine):
    client.force_login(django_user_model.objects.create_user("teacher"))
    assert client.post(DELETE).status_code == 403
    assert Assessment.objects.filter(cadre=mine).exists()
