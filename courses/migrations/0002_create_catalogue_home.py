from django.db import migrations

HOME_TITLE = "心育 · 干部心理健康课程"


def create_catalogue_home(apps, schema_editor):
    """Replace Wagtail's default welcome page with the catalogue home at the site root."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Locale = apps.get_model("wagtailcore", "Locale")
    CatalogueHomePage = apps.get_model("courses", "CatalogueHomePage")

    if CatalogueHomePage.objects.exists():
        return
    default_page = Page.objects.filter(depth=2, content_type__model="page").first()
    locale = default_page.locale if default_page else Locale.objects.order_by("pk").first()
    if default_page is not None:
        default_page.delete()
    content_type, _ = ContentType.objects.get_or_create(model="cataloguehomepage", app_label="courses")
    home = CatalogueHomePage.objects.create(
        title=HOME_TITLE,
        draft_title=HOME_TITLE,
        slug="home",
        content_type=content_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/home/",
        intro="",
        live=True,
        locale=locale,
    )
    root = Page.objects.get(depth=1)
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", root_page_id=home.id, is_default_site=True)
    else:
        site.root_page_id = home.id
        site.save(update_fields=["root_page"])


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_catalogue_home, migrations.RunPython.noop)]
