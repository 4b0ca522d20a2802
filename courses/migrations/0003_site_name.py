"""Name the default site 心育: the Wagtail admin's dashboard, title bar and emails show the
site's name, and an unnamed site shows its host name ("localhost") instead."""

from django.db import migrations

SITE_NAME = "心育"


def name_site(apps, schema_editor):
    Site = apps.get_model("wagtailcore", "Site")
    Site.objects.filter(is_default_site=True, site_name="").update(site_name=SITE_NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0002_create_catalogue_home"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [migrations.RunPython(name_site, migrations.RunPython.noop)]
