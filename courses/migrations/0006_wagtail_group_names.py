"""Chinese names for Wagtail's default groups, which every administrator sees on the
groups and users screens. Editors may edit and Moderators may also publish every page
of the site, so they are named for that reach (全站), apart from the per-curriculum
instructor groups and the 教研室 reviewers. Only names still at Wagtail's defaults change.

Wagtail's own data migrations look these groups up by their English names, so this runs
after every one of them that does (core 0005, admin 0001, documents and images 0002).
"""

from django.db import migrations

GROUPS = {"Editors": "全站编辑", "Moderators": "全站审核员"}


def rename(apps, names):
    Group = apps.get_model("auth", "Group")
    for old, new in names.items():
        if not Group.objects.filter(name=new).exists():
            Group.objects.filter(name=old).update(name=new)


def name_in_chinese(apps, schema_editor):
    rename(apps, GROUPS)


def name_in_english(apps, schema_editor):
    rename(apps, {new: old for old, new in GROUPS.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0005_quiz_two_options"),
        ("wagtailcore", "0005_add_page_lock_permission_to_moderators"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtaildocs", "0002_initial_data"),
        ("wagtailimages", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(name_in_chinese, name_in_english)]
