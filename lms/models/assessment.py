"""Assessments: health information under PIPL Art. 28.

Answers, scores and the derived profile are encrypted at rest (lms/assessments/crypto.py). Only
the cadre, and counsellors the cadre consented to, ever see an individual's results;
every such read is written to the append-only audit log.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import RevisionMixin

from lms.assessments.crypto import EncryptedJSONField
from lms.assessments.forms import ReadableJSON
from lms.people.models import CadreProfile


class Instrument(models.Model):
    """An installed instrument: its definition (public scoring rules) and item texts."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    version = models.PositiveIntegerField(_("version"), default=1)
    definition = models.JSONField(_("definition"))
    texts_licensed = models.BooleanField(
        _("licensed item texts installed"),
        default=False,
        help_text=_("Off while the items show placeholder texts."),
    )
    active = models.BooleanField(_("offered to cadres"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    def __str__(self):
        return self.name


class ConsentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(withdrawn_at__isnull=True)


class AssessmentConsent(models.Model):
    """Separate, explicit consent to process assessment data (never bundled with login)."""

    cadre = models.ForeignKey(
        CadreProfile, on_delete=models.CASCADE, related_name="assessment_consents"
    )
    notice_version = models.CharField(_("notice version"), max_length=20)
    purpose = models.CharField(_("purpose"), max_length=300)
    share_with_counsellor = models.BooleanField(
        _("counsellors may see my results and contact me"), default=False
    )
    # How a counsellor may reach the cadre (phone, office), given with the sharing above;
    # shown to counsellors only while this consent is active and shares.
    contact = models.CharField(_("how a counsellor may reach me"), max_length=200, blank=True)
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at"]
        verbose_name = _("assessment consent")
        verbose_name_plural = _("assessment consents")
        constraints = [
            models.UniqueConstraint(
                fields=["cadre"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_active_consent_per_cadre",
            )
        ]

    def __str__(self):
        return f"{self.cadre_id} v{self.notice_version}"


class Assessment(models.Model):
    cadre = models.ForeignKey(CadreProfile, on_delete=models.CASCADE, related_name="assessments")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    taken_at = models.DateTimeField(_("taken at"), default=timezone.now)
    answers = EncryptedJSONField(_("answers"))
    scores = EncryptedJSONField(_("scores"))
    key_id = models.CharField(max_length=20, editable=False)

    class Meta:
        ordering = ["-taken_at"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self):
        return f"{self.instrument_id} @ {self.taken_at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        from lms.assessments.crypto import primary_key_id

        self.key_id = primary_key_id()
        super().save(*args, **kwargs)


class PsychProfile(models.Model):
    """The derived signals the recommender reads: rung, elevated factors, stress sources."""

    cadre = models.OneToOneField(
        CadreProfile, on_delete=models.CASCADE, related_name="psych_profile"
    )
    data = EncryptedJSONField()
    key_id = models.CharField(max_length=20, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("psychological profile")
        verbose_name_plural = _("psychological profiles")

    def __str__(self):
        return f"profile {self.cadre_id}"

    def save(self, *args, **kwargs):
        from lms.assessments.crypto import primary_key_id

        self.key_id = primary_key_id()
        super().save(*args, **kwargs)


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CONTACTED = "contacted", _("Contacted")
    CLOSED = "closed", _("Closed")


class FollowUp(models.Model):
    """A counsellor's task after a high or crisis result. Holds no score."""

    cadre = models.ForeignKey(CadreProfile, on_delete=models.CASCADE, related_name="follow_ups")
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    urgent = models.BooleanField(_("urgent (within 24 hours)"), default=False)
    counsellor_may_contact = models.BooleanField(default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    due_at = models.DateTimeField(_("due"))
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-urgent", "due_at"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self):
        return f"follow-up {self.pk}"


class FollowUpNote(models.Model):
    """A counsellor's private note on a follow-up: what was said, what was agreed.
    Encrypted like the answers; writing one is audited; the cadre's export includes them."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = EncryptedJSONField(_("note"))
    key_id = models.CharField(max_length=20, editable=False)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("follow-up note")
        verbose_name_plural = _("follow-up notes")

    def __str__(self):
        return f"note {self.pk} on follow-up {self.follow_up_id}"

    def save(self, *args, **kwargs):
        from lms.assessments.crypto import primary_key_id

        self.key_id = primary_key_id()
        super().save(*args, **kwargs)


class AuditAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    EXPORT = "export", _("Exported")
    DELETE = "delete", _("Deleted")
    CREATE = "create", _("Created")
    ALERT = "alert", _("Crisis alert")
    CONSENT = "consent", _("Consent given")
    WITHDRAW = "withdraw", _("Consent withdrawn")
    RULES = "rules", _("Rules changed")
    ROTATE = "rotate", _("Key rotated")
    NOTE = "note", _("Follow-up note written")


class AuditLog(models.Model):
    """Append-only: who did what to whose assessment data, and when. Never a payload.

    The model refuses to save a row twice or delete one; on PostgreSQL the database refuses
    any UPDATE or DELETE too (a trigger, migration 0007). Rows are kept for six years (README,
    "Assessment data").
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    # The ids outlive the accounts they name, so a deleted account's reads stay attributable:
    # no constraint and nothing done on delete. SET_NULL would rewrite the log (the trigger
    # refuses it); PROTECT would keep a departed cadre's profile only for the log's sake.
    # Read actor_id and subject_id: actor and subject raise DoesNotExist once deleted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    subject = models.ForeignKey(
        CadreProfile,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    action = models.CharField(max_length=10, choices=AuditAction.choices)
    target = models.CharField(max_length=60, help_text="object type and id, e.g. assessment:12")

    class Meta:
        ordering = ["-at"]
        verbose_name = _("audit record")
        verbose_name_plural = _("audit log")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("The audit log is append-only.")


class ProfileRules(RevisionMixin, models.Model):
    """Ladder thresholds and the signal → course rules (docs/domain.md §5–6,
    docs/signal-rules.md): proposals kept as data, awaiting clinical sign-off.

    Revisions keep the audit trail of every change; only users with the
    `lms.change_profilerules` permission may edit.
    """

    name = models.CharField(_("name"), max_length=60, default="默认规则")
    thresholds = models.JSONField(_("ladder thresholds"))
    signal_rules = models.JSONField(
        _("signal → course rules"),
        default=dict,
        help_text=_(
            "Per signal: the kinds of course and tracks that help, with weights above 0 and at "
            'most 1, why, and the plain phrase the cadre reads. Example: {"anxiety": {"roles": '
            '{"self_help": 1.0}, "tracks": {"stress_resilience": 0.8}, "rationale": "…", '
            '"phrase": "您最近可能容易紧张、担心"}}'
        ),
    )
    latest_revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("thresholds", widget=ReadableJSON),
        FieldPanel("signal_rules", widget=ReadableJSON),
    ]

    class Meta:
        verbose_name = _("profile rules")
        verbose_name_plural = _("profile rules")

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        from lms.assessments.signal_rules import validate_signal_rules
        from lms.people.models import AssessmentSignal, SignalKind

        signals = dict(AssessmentSignal.objects.values_list("key", "kind"))
        clinical = AssessmentSignal.objects.filter(kind=SignalKind.SCL90_FACTOR).values_list(
            "name", flat=True
        )
        problems = validate_signal_rules(self.signal_rules, set(signals), list(clinical))
        if problems:
            raise ValidationError({"signal_rules": problems})

    @classmethod
    def defaults(cls) -> dict:
        from lms.assessments.scoring import DEFAULT_THRESHOLDS
        from lms.assessments.signal_rules import DEFAULT_SIGNAL_RULES

        return {"thresholds": DEFAULT_THRESHOLDS, "signal_rules": DEFAULT_SIGNAL_RULES}

    @classmethod
    def current(cls) -> "ProfileRules":
        """The rules in force. Reading never writes: before the first rules are installed
        (post_migrate) the shipped defaults are used, unsaved."""
        return cls.objects.order_by("pk").first() or cls(**cls.defaults())

    @classmethod
    def install_defaults(cls) -> None:
        if not cls.objects.exists():
            cls.objects.create(**cls.defaults())


@register_setting(icon="warning")
class SafetyNetSettings(BaseGenericSetting):
    """Who to call: shown first on every high or crisis result."""

    national_hotline = models.CharField(_("national hotline"), max_length=30, default="12356")
    local_hotline = models.CharField(_("local 24-hour line"), max_length=30, blank=True, default="")
    local_hotline_name = models.CharField(
        _("local line name"), max_length=60, blank=True, default="本市心理援助热线"
    )
    counsellor_contact = models.CharField(
        _("party-school counselling room"),
        max_length=200,
        blank=True,
        default="市委党校心理咨询室（工作日 9:00–17:00）",
    )

    panels = [
        FieldPanel("national_hotline"),
        FieldPanel("local_hotline"),
        FieldPanel("local_hotline_name"),
        FieldPanel("counsellor_contact"),
    ]

    class Meta:
        verbose_name = _("safety net contacts")
