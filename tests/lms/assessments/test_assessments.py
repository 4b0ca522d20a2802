"""Assessments: consent, scoring into the profile, the crisis net, encryption, data rights."""

import json
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection

from lms.assessments import records as assessments
from lms.errors import ConsentRequired, IncompleteAssessment
from lms.models import (
    Assessment,
    AuditLog,
    FollowUp,
    Instrument,
    PsychProfile,
)
from lms.people.roles import counsellors_group
from tests.factories import make_cadre

pytestmark = pytest.mark.django_db
TEST_KEY = "test1:dGVzdC1vbmx5LWtleS1mb3ItYXNzZXNzbWVudHMhIT0="


def scl(**overrides):
    answers = dict.fromkeys(range(1, 91), 1)
    answers.update({int(k[1:]): v for k, v in overrides.items()})
    return answers


def consenting_cadre(share=False, **fields):
    cadre = make_cadre(**fields)
    assessments.give_consent(cadre, share_with_counsellor=share, purpose="课程推荐")
    return cadre


def test_no_assessment_without_active_consent():
    cadre = make_cadre()
    with pytest.raises(ConsentRequired):
        assessments.submit(cadre, "scl90", scl())
    assessments.give_consent(cadre, share_with_counsellor=False, purpose="课程推荐")
    assessments.withdraw_consent(cadre)
    with pytest.raises(ConsentRequired):
        assessments.submit(cadre, "scl90", scl())
    assert Assessment.objects.count() == 0


def test_incomplete_answers_save_nothing_and_name_the_items():
    cadre = consenting_cadre()
    answers = scl(i3=7)
    del answers[88]
    with pytest.raises(IncompleteAssessment) as excinfo:
        assessments.submit(cadre, "scl90", answers)
    assert excinfo.value.details == ["missing:88", "invalid:3"]
    assert Assessment.objects.count() == 0 and PsychProfile.objects.count() == 0


def test_scores_feed_the_profile():
    cadre = consenting_cadre()
    interpersonal = [6, 21, 34, 36, 37, 41, 61, 69, 73]
    assessments.submit(cadre, "scl90", scl(**{f"i{n}": 2 for n in interpersonal}))
    assessments.submit(cadre, "stress_sources", {1: 5, 2: 2, 3: 4, 4: 1, 5: 1, 6: 4})
    profile = assessments.profile_for_recommendations(cadre)
    assert profile["rung"] == 1
    assert profile["factors"] == ["interpersonal"]
    assert profile["sources"] == ["stress_family", "stress_interpersonal", "stress_work"]
    assert profile["family_pressure"] is True


def test_crisis_opens_an_urgent_follow_up_alerts_counsellors_and_is_audited(
    django_user_model, django_capture_on_commit_callbacks
):
    counsellor = django_user_model.objects.create_user("c1", email="c1@school.invalid")
    counsellor.groups.add(counsellors_group())
    cadre = consenting_cadre(share=True)

    with django_capture_on_commit_callbacks(execute=True):
        assessments.submit(cadre, "scl90", scl(i15=2))

    follow_up = FollowUp.objects.get(cadre=cadre)
    assert follow_up.urgent and follow_up.counsellor_may_contact
    assert (follow_up.due_at - follow_up.created_at).total_seconds() <= 24 * 3600 + 5
    assert AuditLog.objects.filter(subject=cadre, action="alert").exists()
    assert len(mail.outbox) == 1
    assert "24" in mail.outbox[0].subject
    assert "第15题" not in mail.outbox[0].body and "15" not in mail.outbox[0].body
    assert assessments.profile_for_recommendations(cadre)["rung"] == 3


def test_high_result_opens_a_non_urgent_follow_up():
    cadre = consenting_cadre()
    assessments.submit(cadre, "scl90", scl(**{f"i{n}": 3 for n in [8, 18, 43, 68, 76, 83]}))
    follow_up = FollowUp.objects.get(cadre=cadre)
    assert not follow_up.urgent and not follow_up.counsellor_may_contact


def test_withdrawing_consent_stops_profile_use_at_once():
    cadre = consenting_cadre()
    assessments.submit(cadre, "scl90", scl())
    assert assessments.profile_for_recommendations(cadre) is not None
    assessments.withdraw_consent(cadre)
    assert assessments.profile_for_recommendations(cadre) is None
    assert not PsychProfile.objects.filter(cadre=cadre).exists()


def test_reads_by_role(django_user_model):
    cadre = consenting_cadre(share=False)
    other_cadre = make_cadre()
    counsellor = django_user_model.objects.create_user("c2")
    counsellor.groups.add(counsellors_group())
    admin = django_user_model.objects.create_superuser("root", password="pw-root-123")
    instructor = django_user_model.objects.create_user("t1")
    done = assessments.submit(cadre, "scl90", scl())

    assert assessments.read_assessment(cadre.user, done.pk) == done
    for viewer in (other_cadre.user, counsellor, admin, instructor):
        with pytest.raises(PermissionDenied):
            assessments.read_assessment(viewer, done.pk)

    assessments.give_consent(cadre, share_with_counsellor=True, purpose="课程推荐与随访")
    assert assessments.read_assessment(counsellor, done.pk) == done
    view = AuditLog.objects.filter(actor=counsellor, subject=cadre, action="view").get()
    assert view.target == f"assessment:{done.pk}"


def test_audit_log_is_append_only():
    entry = AuditLog.objects.create(action="view", target="assessment:1")
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        entry.delete()


CANARIES = ["positive_mean", "family_pressure", '"reasons"', "safety:scl90"]


def dump_every_table() -> str:
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def test_no_plaintext_score_or_answer_in_any_table():
    cadre = consenting_cadre()
    assessments.submit(cadre, "scl90", scl(i15=2, i59=3))
    assessments.submit(cadre, "stress_sources", {1: 5, 2: 2, 3: 4, 4: 1, 5: 1, 6: 4})

    dump = dump_every_table()

    assert Assessment.objects.count() == 2  # the data is there, readable through the ORM
    assert assessments.latest_results(cadre)["scl90"]["positive_mean"] > 0
    for canary in CANARIES:
        assert canary not in dump, canary


def test_key_rotation_re_encrypts_under_the_new_key(settings):
    cadre = consenting_cadre()
    taken = assessments.submit(cadre, "scl90", scl(i4=3))
    new_key = Fernet.generate_key().decode()
    settings.LMS_ASSESSMENT_KEYS = f"new1:{new_key},{TEST_KEY}"

    out = StringIO()
    call_command("rotate_assessment_key", stdout=out)

    assert "Re-encrypted 2 rows" in out.getvalue()  # the assessment and the profile
    settings.LMS_ASSESSMENT_KEYS = f"new1:{new_key}"  # the old key is gone now
    fresh = Assessment.objects.get(pk=taken.pk)
    assert fresh.key_id == "new1"
    assert fresh.answers["4"] == 3
    assert PsychProfile.objects.get(cadre=cadre).key_id == "new1"


def test_load_instrument_installs_licensed_texts_and_refuses_bad_files(tmp_path):
    texts = {"key": "gad7", "items": [{"number": n, "text": f"授权题目{n}"} for n in range(1, 8)]}
    good = tmp_path / "gad7.json"
    good.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    call_command("load_instrument", str(good), stdout=StringIO())
    gad = Instrument.objects.get(key="gad7")
    assert gad.texts_licensed and gad.definition["items"][2]["text"] == "授权题目3"

    texts["items"][4]["text"] = ""
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match=r"items\[4\]\.text"):
        call_command("load_instrument", str(bad))
    broken = tmp_path / "broken.json"
    broken.write_text('{"key": "gad7", "items": [', encoding="utf-8")
    with pytest.raises(CommandError, match="line 1"):
        call_command("load_instrument", str(broken))
    assert Instrument.objects.get(key="gad7").definition["items"][4]["text"] == "授权题目5"


def test_deletion_is_idempotent_and_leaves_others_alone():
    cadre, other = consenting_cadre(), consenting_cadre()
    assessments.submit(cadre, "scl90", scl())
    assessments.submit(other, "scl90", scl())

    assert assessments.delete_assessment_data(cadre, cadre.user) == 1
    assert assessments.delete_assessment_data(cadre, cadre.user) == 0

    assert not Assessment.objects.filter(cadre=cadre).exists()
    assert Assessment.objects.filter(cadre=other).count() == 1
    assert PsychProfile.objects.filter(cadre=other).exists()
    assert AuditLog.objects.filter(subject=cadre, action="delete").count() == 1


def test_retention_purges_old_assessments(settings):
    from datetime import timedelta

    from django.utils import timezone

    from lms.assessments.tasks import purge_expired_assessments

    settings.LMS_ASSESSMENT_RETENTION_DAYS = 30
    cadre = consenting_cadre()
    old = assessments.submit(cadre, "scl90", scl(i15=2))
    Assessment.objects.filter(pk=old.pk).update(taken_at=timezone.now() - timedelta(days=31))
    assessments.submit(cadre, "stress_sources", {1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1})

    assert purge_expired_assessments() == 1
    assert purge_expired_assessments() == 0
    assert assessments.profile_for_recommendations(cadre)["rung"] == 0


def test_a_harmless_survey_after_a_crisis_does_not_alert_again():
    cadre = consenting_cadre(share=True)
    assessments.submit(cadre, "scl90", scl(i15=2))
    assessments.submit(cadre, "stress_sources", {1: 2, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1})
    assert FollowUp.objects.filter(cadre=cadre).count() == 1
    assert assessments.profile_for_recommendations(cadre)["rung"] == 3  # still crisis


def test_our_own_survey_counts_as_real_wording():
    assessments.sync_instruments()
    assert Instrument.objects.get(key="stress_sources").texts_licensed
    assert not Instrument.objects.get(key="scl90").texts_licensed
