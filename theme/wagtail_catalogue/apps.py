from django.apps import AppConfig
from django.utils.text import capfirst


class WagtailCatalogueConfig(AppConfig):
    name = "theme.wagtail_catalogue"
    label = "wagtail_catalogue"
    verbose_name = "Wagtail translations"

    def ready(self):
        label_site_columns()


def label_site_columns():
    """Wagtail's sites listing labels three columns from their field names ("Port",
    "Site name", "Root page"), which no catalogue translates: label them with the fields'
    verbose names, which Wagtail's catalogue does translate."""
    from wagtail.models import Site
    from wagtail.sites.views import IndexView

    for column in IndexView.columns:
        if column.name in ("port", "site_name", "root_page"):
            column.label = capfirst(Site._meta.get_field(column.name).verbose_name)
