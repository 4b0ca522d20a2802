"""The signal → track weights become signal → course rules (roles and tracks, each with
its rationale and the phrase the cadre reads): issue 15."""

from django.db import migrations, models


def install_rules(apps, schema_editor):
    # The shipped rules replace the old weights: the old map had no roles, no rationale
    # and no phrase to carry over. The previous values stay in the revisions.
    from lms.assessments.signal_rules import DEFAULT_SIGNAL_RULES

    apps.get_model("lms", "ProfileRules").objects.update(signal_rules=DEFAULT_SIGNAL_RULES)


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0010_follow_up_notes"),
    ]

    operations = [
        migrations.AddField(
            model_name="profilerules",
            name="signal_rules",
            field=models.JSONField(
                default=dict,
                help_text='Per signal: the kinds of course and tracks that help, with weights above 0 and at most 1, why, and the plain phrase the cadre reads. Example: {"anxiety": {"roles": {"self_help": 1.0}, "tracks": {"stress_resilience": 0.8}, "rationale": "…", "phrase": "您最近可能容易紧张、担心"}}',
                verbose_name="signal → course rules",
            ),
        ),
        migrations.RunPython(install_rules, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="profilerules",
            name="signal_tracks",
        ),
    ]
