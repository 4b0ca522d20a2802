from django.db import migrations

from lms.people.reference_data import POST_CATEGORIES, RANKS, SIGNALS


def load_reference_data(apps, schema_editor):
    Rank = apps.get_model("lms", "Rank")
    PostCategory = apps.get_model("lms", "PostCategory")
    AssessmentSignal = apps.get_model("lms", "AssessmentSignal")
    for code, name, ladder, ordinal in RANKS:
        Rank.objects.update_or_create(
            code=code, defaults={"name": name, "ladder": ladder, "ordinal": ordinal}
        )
    for code, name, sort_order in POST_CATEGORIES:
        PostCategory.objects.update_or_create(
            code=code, defaults={"name": name, "sort_order": sort_order}
        )
    for key, name, kind, description, sort_order in SIGNALS:
        AssessmentSignal.objects.update_or_create(
            key=key,
            defaults={
                "name": name,
                "kind": kind,
                "description": description,
                "sort_order": sort_order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("lms", "0001_initial")]

    operations = [migrations.RunPython(load_reference_data, migrations.RunPython.noop)]
