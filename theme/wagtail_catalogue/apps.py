from django.apps import AppConfig


class WagtailCatalogueConfig(AppConfig):
    name = "theme.wagtail_catalogue"
    label = "wagtail_catalogue"
    verbose_name = "Wagtail translations"
