# The audit log becomes append-only in the database, not only in the model: on PostgreSQL a
# trigger refuses every UPDATE and DELETE of lms_auditlog. Its links to accounts lose their
# constraint and their SET_NULL first, so that deleting an account never touches the log.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION lms_auditlog_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'lms_auditlog is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Audit records are archived by a database administrator (README, "Assessment data").';
END;
$$;
DROP TRIGGER IF EXISTS lms_auditlog_append_only ON lms_auditlog;
CREATE TRIGGER lms_auditlog_append_only
    BEFORE UPDATE OR DELETE ON lms_auditlog
    FOR EACH ROW EXECUTE FUNCTION lms_auditlog_append_only();
"""

DROP_APPEND_ONLY = """
DROP TRIGGER IF EXISTS lms_auditlog_append_only ON lms_auditlog;
DROP FUNCTION IF EXISTS lms_auditlog_append_only();
"""


def on_postgresql(sql):
    # SQLite has no such trigger language; there the model's own guard is the only one.
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('lms', '0006_targeting'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditlog',
            name='actor',
            field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='auditlog',
            name='subject',
            field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='lms.cadreprofile'),
        ),
        migrations.RunPython(on_postgresql(APPEND_ONLY), on_postgresql(DROP_APPEND_ONLY)),
    ]
