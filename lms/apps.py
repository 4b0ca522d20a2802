from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = _("Learning management")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete, post_save

        from lms.assessments.records import install_shipped_defaults
        from lms.learning.credits import delete_evidence
        from lms.learning.recommendations import forget_on_change
        from lms.models.assessment import AssessmentConsent, PsychProfile
        from lms.models.learning import CreditRecord, Enrollment
        from lms.people.models import CadreProfile
        from lms.people.passwords import note_required_change
        from lms.people.separation import install_role_permissions
        from lms.people.sessions import note_renewal

        # Shipped instruments and the first profile rules are installed at migrate time,
        # so that no page has to write while it reads.
        post_migrate.connect(install_shipped_defaults, sender=self, dispatch_uid="lms.defaults")
        # The "grant the counsellor role" permission, a separate duty (lms.people.separation).
        post_migrate.connect(
            install_role_permissions, sender=self, dispatch_uid="lms.role_permissions"
        )
        # A password an administrator set must be replaced at sign-in (lms.people.passwords).
        user_logged_in.connect(note_required_change, dispatch_uid="lms.password_change")
        # Signing in counts as a session renewal (lms.people.sessions).
        user_logged_in.connect(note_renewal, dispatch_uid="lms.session_renewal")
        # A cadre's cached recommendation panel is dropped when what it rests on changes.
        for model in (CadreProfile, Enrollment, AssessmentConsent, PsychProfile):
            for signal in (post_save, post_delete):
                signal.connect(
                    forget_on_change, sender=model, dispatch_uid=f"lms.forget.{model.__name__}"
                )
        # A declaration's evidence file is deleted with it (lms.learning.credits).
        post_delete.connect(delete_evidence, sender=CreditRecord, dispatch_uid="lms.evidence")
