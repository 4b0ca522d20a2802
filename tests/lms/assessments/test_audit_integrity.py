"""The audit log is append-only: in the model on every database, and on PostgreSQL in the
database itself (a trigger from migration 0007 refuses UPDATE and DELETE), so neither a bulk
query nor raw SQL can rewrite who read whose assessment data."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction

from lms.assessments import records as assessments
from lms.models import AuditAction, AuditLog, CadreProfile
from tests.factories import make_cadre

pytestmark = pytest.mark.django_db

TABLE = connection.ops.quote_name(AuditLog._meta.db_table)


@pytest.fixture
def cadre(db):
    return make_cadre()


@pytest.fixture
def entry(cadre):
    assessments.give_consent(cadre, share_with_counsellor=False, purpose="测试")
    return AuditLog.objects.get(subject=cadre, action=AuditAction.CONSENT)


def as_stored(entry) -> tuple:
    return AuditLog.objects.filter(pk=entry.pk).values_list(
        "at", "actor_id", "subject_id", "action", "target"
    )[0]


def refused(write) -> None:
    """The database refuses the write; the savepoint lets the test go on afterwards."""
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        write()


def raw(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_model_refuses_to_change_or_delete_a_row(entry):
    entry.target = "consent:0"
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        entry.delete()
    assert as_stored(entry)[4] != "consent:0"


def test_deleting_an_account_leaves_its_audit_rows_as_they_were(cadre, entry):
    """Nothing cascades to the log and nothing is set to NULL: the ids stay, so the record
    of who did what outlives the accounts it names (and the trigger has nothing to refuse)."""
    before = as_stored(entry)
    cadre.user.delete()

    assert not CadreProfile.objects.filter(pk=cadre.pk).exists()
    assert as_stored(entry) == before
    assert before[1:3] == (cadre.user_id, cadre.pk)


@pytest.mark.postgres
def test_the_trigger_is_installed():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
            [AuditLog._meta.db_table],
        )
        assert [row[0] for row in cursor.fetchall()] == ["lms_auditlog_append_only"]


@pytest.mark.postgres
def test_the_database_refuses_updates_and_deletes_through_the_orm(entry):
    before = as_stored(entry)
    rows = AuditLog.objects.filter(pk=entry.pk)

    refused(lambda: rows.update(target="consent:0"))
    refused(lambda: rows.update(subject=None))  # what SET_NULL on an account's deletion did
    refused(lambda: AuditLog.objects.bulk_update([entry], ["target"]))
    refused(rows.delete)
    refused(AuditLog.objects.all().delete)

    assert as_stored(entry) == before


@pytest.mark.postgres
def test_the_database_refuses_updates_and_deletes_in_raw_sql(entry):
    before = as_stored(entry)

    refused(lambda: raw(f"UPDATE {TABLE} SET target = %s WHERE id = %s", ["x:0", entry.pk]))  # noqa: S608
    refused(lambda: raw(f"UPDATE {TABLE} SET actor_id = NULL"))  # noqa: S608
    refused(lambda: raw(f"DELETE FROM {TABLE} WHERE id = %s", [entry.pk]))  # noqa: S608
    refused(lambda: raw(f"DELETE FROM {TABLE}"))  # noqa: S608

    assert as_stored(entry) == before


@pytest.mark.postgres
def test_inserting_still_works(cadre, entry):
    assessments.audit(cadre.user, cadre, AuditAction.VIEW, "assessments:0")
    AuditLog.objects.bulk_create([AuditLog(action=AuditAction.ROTATE, target="rows:0")])
    raw(
        f"INSERT INTO {TABLE} (at, action, target, subject_id) VALUES (now(), %s, %s, %s)",  # noqa: S608
        [AuditAction.EXPORT, f"cadre:{cadre.pk}", cadre.pk],
    )

    assert AuditLog.objects.count() == 4
    assert set(AuditLog.objects.values_list("action", flat=True)) == {
        AuditAction.CONSENT,
        AuditAction.VIEW,
        AuditAction.ROTATE,
        AuditAction.EXPORT,
    }
