"""A counsellor's follow-up: the cadre's own contact details when they shared them, and a
private notes timeline: encrypted at rest, its writing audited, in the cadre's export."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from lms.assessments import crypto
from lms.assessments import records as assessments
from lms.assessments.privacy import export_cadre_data
from lms.models import AuditLog, FollowUp, FollowUpNote
from tests.factories import make_cadre
from tests.lms.assessments.test_counsellor import HIGH_ANSWERS, make_counsellor

pytestmark = pytest.mark.django_db


def assessed(share: bool, contact: str = ""):
    cadre = make_cadre(name="王五")
    assessments.give_consent(
        cadre, share_with_counsellor=share, purpose="课程推荐与随访", contact=contact
    )
    assessments.submit(cadre, "scl90", HIGH_ANSWERS)
    return cadre, FollowUp.objects.get(cadre=cadre)


def note_url(follow_up):
    return reverse("lms_counsellor:follow_up_note", args=[follow_up.pk])


def page(client, cadre):
    return client.get(reverse("lms_counsellor:cadre", args=[cadre.pk])).content.decode()


def test_the_counsellor_sees_how_to_reach_a_sharing_cadre(client, django_user_model):
    cadre, _follow_up = assessed(True, contact="办公室 3-205，电话 6612 3456")
    client.force_login(make_counsellor(django_user_model))
    assert "办公室 3-205，电话 6612 3456" in page(client, cadre)


def test_contact_details_are_kept_only_with_the_permission_to_use_them(django_user_model):
    cadre = make_cadre()
    consent = assessments.give_consent(
        cadre, share_with_counsellor=False, purpose="课程推荐", contact="电话 6612 3456"
    )
    assert consent.contact == ""


def test_a_note_is_encrypted_audited_shown_and_exported(client, django_user_model):
    cadre, follow_up = assessed(True)
    counsellor = make_counsellor(django_user_model)
    client.force_login(counsellor)

    response = client.post(note_url(follow_up), {"text": "已电话联系，约定周五面谈。"})

    assert response.status_code == 302
    note = FollowUpNote.objects.get()
    assert note.author == counsellor and note.text == "已电话联系，约定周五面谈。"
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM lms_followupnote WHERE id = %s", [note.pk])
        stored = cursor.fetchone()[0]
    assert "面谈" not in stored  # ciphertext at rest
    assert AuditLog.objects.filter(
        actor=counsellor, subject=cadre, action="note", target=f"follow-up:{follow_up.pk}"
    ).exists()
    assert "约定周五面谈" in page(client, cadre)
    exported = json.dumps(export_cadre_data(cadre), ensure_ascii=False)
    assert "已电话联系，约定周五面谈。" in exported
    (row,) = export_cadre_data(cadre)["follow_up_notes"]
    assert "author" not in row  # the note, not which counsellor wrote it


def test_no_note_without_the_cadres_sharing_consent(client, django_user_model):
    cadre, follow_up = assessed(True)
    assessments.withdraw_consent(cadre)
    client.force_login(make_counsellor(django_user_model))
    response = client.post(note_url(follow_up), {"text": "不应保存"})
    assert response.status_code in (302, 403)
    assert not FollowUpNote.objects.exists()


def test_an_empty_note_is_refused_and_others_cannot_write(client, django_user_model):
    cadre, follow_up = assessed(True)
    client.force_login(make_counsellor(django_user_model))
    client.post(note_url(follow_up), {"text": "   "})
    assert not FollowUpNote.objects.exists()
    client.force_login(make_cadre().user)
    response = client.post(note_url(follow_up), {"text": "冒充"})
    assert response.status_code in (302, 403)
    assert not FollowUpNote.objects.exists()


def test_the_key_rotation_re_encrypts_notes(client, django_user_model, settings):

    cadre, follow_up = assessed(True)
    note = assessments.add_follow_up_note(make_counsellor(django_user_model), follow_up, "记录")
    old_key = note.key_id
    new = "k2:" + crypto.Fernet.generate_key().decode()
    settings.LMS_ASSESSMENT_KEYS = f"{new},{settings.LMS_ASSESSMENT_KEYS}"
    call_command("rotate_assessment_key", stdout=io.StringIO())
    note.refresh_from_db()
    assert (note.key_id, note.text) == ("k2", "记录") and old_key != "k2"
