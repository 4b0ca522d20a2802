from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = _("Learning management")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from lms.assessments.records import install_shipped_defaults
        from lms.people.separation import install_role_permissions

        # Shipped instruments and the first profile rules are installed at migrate time,
        # so that no page has to write while it reads.
        post_migrate.connect(install_shipped_defaults, sender=self, dispatch_uid="lms.defaults")
        # The "grant the counsellor role" permission, a separate duty (lms.people.separation).
        post_migrate.connect(
            install_role_permissions, sender=self, dispatch_uid="lms.role_permissions"
        )
