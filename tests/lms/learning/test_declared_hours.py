"""Declared study hours: a cadre declares study done elsewhere with evidence; the
department administrator approves (the hours count) or rejects with a reason the cadre
reads. Bad input is refused whole, in Chinese, with nothing saved."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lms.learning.credits import year_summary
from lms.models import CreditRecord, CreditStatus
from lms.people.accounts import make_department_admin
from tests.factories import make_cadre, make_department

pytestmark = pytest.mark.django_db
DECLARE = "/my/credits/declare/"
QUEUE = "/admin/declarations/"
PDF = b"%PDF-1.4\n% evidence\n"


def evidence(name="证明.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def world(django_user_model):
    unit, other_unit = make_department(code="unit", name="市检察院"), make_department()
    cadre = make_cadre(name="王五", department=unit)
    admin = django_user_model.objects.create_user("unit-admin", password="x-Pass-1")
    make_department_admin(admin, unit)
    outsider = django_user_model.objects.create_user("other-admin", password="x-Pass-1")
    make_department_admin(outsider, other_unit)
    return {"cadre": cadre, "admin": admin, "outsider": outsider}


def declare(client, **overrides):
    data = {
        "title": "市委党校专题讲座：压力管理",
        "earned_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
        "hours": "3",
        "note": "",
        "evidence": evidence(),
    }
    data.update(overrides)
    return client.post(DECLARE, data)


def test_a_declaration_waits_then_counts_once_approved(client, world):
    client.force_login(world["cadre"].user)
    response = declare(client)
    assert response.status_code == 302
    record = CreditRecord.objects.get(cadre=world["cadre"])
    assert record.status == CreditStatus.PENDING and record.evidence
    assert year_summary(world["cadre"]).pending == Decimal("3")
    # The evidence is kept out of the public media, and given to its owner only.
    assert "private" in record.evidence.path
    own = client.get(f"/my/credits/declarations/{record.pk}/evidence/")
    assert own.status_code == 200 and b"".join(own.streaming_content) == PDF
    assert own["Cache-Control"] == "private, no-store"

    client.force_login(world["admin"])
    queue = client.get(QUEUE)
    assert "王五" in queue.content.decode()
    client.post(f"{QUEUE}{record.pk}/decision/", {"decision": "approve"})
    record.refresh_from_db()
    assert (record.status, record.decided_by) == (CreditStatus.APPROVED, world["admin"])
    assert year_summary(world["cadre"]).total == Decimal("3")


def test_a_rejection_needs_a_reason_which_the_cadre_reads(client, world):
    client.force_login(world["cadre"].user)
    declare(client)
    record = CreditRecord.objects.get()
    client.force_login(world["admin"])
    client.post(f"{QUEUE}{record.pk}/decision/", {"decision": "reject"})
    record.refresh_from_db()
    assert record.status == CreditStatus.PENDING  # no reason: nothing decided
    client.post(f"{QUEUE}{record.pk}/decision/", {"decision": "reject", "reason": "缺少签到证明"})
    record.refresh_from_db()
    assert record.status == CreditStatus.REJECTED
    client.force_login(world["cadre"].user)
    assert "缺少签到证明" in client.get(DECLARE).content.decode()
    # Decided once: a second decision changes nothing.
    client.force_login(world["admin"])
    client.post(f"{QUEUE}{record.pk}/decision/", {"decision": "approve"})
    record.refresh_from_db()
    assert record.status == CreditStatus.REJECTED


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"earned_on": (timezone.localdate() + timedelta(days=1)).isoformat()}, "日期在未来"),
        ({"hours": "9"}, "最多可申报 8 学时"),
        ({"hours": "0"}, "学时必须大于零"),
        ({"evidence": evidence("证明.exe", b"MZ\x90\x00")}, "PDF、JPEG 或 PNG"),
        ({"evidence": evidence("伪装.pdf", b"not a pdf")}, "PDF、JPEG 或 PNG"),
        ({"evidence": evidence("大文件.pdf", PDF + b"0" * (5 * 1024 * 1024))}, "大于 5 MB"),
    ],
)
def test_bad_declarations_are_refused_with_nothing_saved(client, world, overrides, message):
    client.force_login(world["cadre"].user)
    response = declare(client, **overrides)
    assert response.status_code == 400
    body = response.content.decode()
    assert "未保存任何内容" in body and message in body
    assert not CreditRecord.objects.exists()


def test_the_daily_cap_counts_what_was_declared_before(client, world):
    client.force_login(world["cadre"].user)
    assert declare(client, hours="5").status_code == 302
    response = declare(client, hours="4")
    assert response.status_code == 400
    assert "已申报 5" in response.content.decode()


def test_other_administrators_and_cadres_cannot_reach_a_declaration(client, world):
    other = make_cadre(name="赵六")
    client.force_login(world["cadre"].user)
    declare(client)
    record = CreditRecord.objects.get()
    client.force_login(world["outsider"])
    assert "王五" not in client.get(QUEUE).content.decode()
    assert client.post(f"{QUEUE}{record.pk}/decision/", {"decision": "approve"}).status_code == 404
    assert client.get(f"{QUEUE}{record.pk}/evidence/").status_code == 404
    client.force_login(other.user)
    assert client.get(f"/my/credits/declarations/{record.pk}/evidence/").status_code == 404
    record.refresh_from_db()
    assert record.status == CreditStatus.PENDING


def test_the_evidence_file_goes_with_the_cadres_data(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world["cadre"].user)
    declare(client)
    path = Path(CreditRecord.objects.get().evidence.path)
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        world["cadre"].user.delete()  # the cadre's account and everything that hangs on it
    assert not CreditRecord.objects.exists()
    assert not path.exists()


def test_the_evidence_is_deleted_only_once_the_deletion_commits(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world["cadre"].user)
    declare(client)
    record = CreditRecord.objects.get()
    path = Path(record.evidence.path)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        record.delete()
    assert path.exists() and len(callbacks) == 1  # waits for the commit, never runs early
