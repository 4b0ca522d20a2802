"""Chinese names for what Wagtail's own migrations create in English and every admin
screen shows: the default site (an unnamed site shows its host name, "localhost"), the
root of the page tree ("Root") and the default workflow and its task ("Moderators
approval"). Only names still at Wagtail's defaults are changed. Wagtail's default groups
(Editors, Moderators) are named in 0006, after the Wagtail migrations that look them up.
"""

from django.db import migrations

SITE_NAME = "心育"
ROOT_TITLE = "全部站点"
WORKFLOW = {"Moderators approval": "审核发布"}


def name_in_chinese(apps, schema_editor):
    Site = apps.get_model("wagtailcore", "Site")
    Site.objects.filter(is_default_site=True, site_name="").update(site_name=SITE_NAME)
    apps.get_model("wagtailcore", "Page").objects.filter(depth=1, title="Root").update(
        title=ROOT_TITLE, draft_title=ROOT_TITLE
    )
    for model in ("Workflow", "Task"):
        for english, chinese in WORKFLOW.items():
            apps.get_model("wagtailcore", model).objects.filter(name=english).update(
                name=chinese
            )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0002_create_catalogue_home"),
        ("wagtailcore", "0048_add_default_workflows"),
    ]

    operations = [migrations.RunPython(name_in_chinese, migrations.RunPython.noop)]
