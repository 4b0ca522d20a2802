"""The privacy registry: what personal data we hold about a cadre and what happens to it.

Every model of the lms and courses apps that points at a CadreProfile or a user account,
directly or through other models of these apps, is declared here: how a cadre's rows are
found, whether they are exported, and whether a deletion request removes them or why they
are kept. tests/lms/test_privacy_registry.py fails when a model is left out (the idea of
Moodle's privacy provider coverage test), so a new table of personal data cannot slip past
the cadre's export.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.assessments.scoring import current_scores
from lms.conf import lms_settings
from lms.people.models import CadreProfile

EXPORT_FORMAT = "xinyu-personal-data/1"

# What a deletion request does with a model's rows.
DELETE = "delete"  # removed by lms.assessments.records.delete_assessment_data
RETAIN = "retain"  # kept, for the reason given


@dataclass(frozen=True)
class Declaration:
    model: str  # "app_label.ModelName"
    section: str = ""  # key in the export; empty when the model holds no cadre's data
    cadre: str = ""  # lookup from the model to the cadre's CadreProfile ...
    user: str = ""  # ... or to the cadre's user account
    on_request: str = RETAIN
    reason: str = ""  # why the rows are kept (RETAIN)
    single: bool = False  # at most one row per cadre: exported as an object, not a list
    labels: tuple[str, ...] = ()  # foreign keys exported with a readable label beside the id
    related: tuple[str, ...] = ()  # extra select_related the labels need
    exclude: tuple[str, ...] = ()  # never exported (secrets, internal key ids)
    tidy: Callable[[dict], dict] | None = None  # an exported row in today's shape

    @property
    def exported(self) -> bool:
        return bool(self.section)

    def model_class(self):
        return apps.get_model(self.model)

    def rows(self, cadre: CadreProfile):
        """The cadre's rows of this model."""
        manager = self.model_class()._base_manager
        if self.cadre:
            return manager.filter(**{self.cadre: cadre.pk})
        if self.user:
            return manager.filter(**{self.user: cadre.user_id})
        return manager.none()


_TRAINING_FILE = _(
    "Part of the cadre's training file (credit hours, required courses, completions) that the "
    "organisation department keeps under the cadre-training regulations; it holds no "
    "assessment data."
)

REGISTRY: tuple[Declaration, ...] = (
    Declaration(
        settings.AUTH_USER_MODEL,
        section="account",
        cadre="cadre_profile",
        single=True,
        exclude=("password",),
        reason=_(
            "The login account belongs to the school's identity system and is closed by an "
            "administrator when the cadre leaves."
        ),
    ),
    Declaration(
        "lms.CadreProfile",
        section="profile",
        cadre="pk",
        single=True,
        labels=("department", "rank", "post_category"),
        reason=_(
            "The personnel record imported from the organisation department's roster; "
            "corrections are made there."
        ),
    ),
    Declaration(
        "lms.Enrollment",
        section="enrollments",
        cadre="cadre",
        labels=("course", "last_lesson"),
        reason=_TRAINING_FILE,
    ),
    Declaration(
        "lms.LessonProgress",
        section="lesson_progress",
        cadre="enrollment__cadre",
        labels=("lesson",),
        reason=_TRAINING_FILE,
    ),
    Declaration(
        "lms.QuizAttempt",
        section="quiz_attempts",
        cadre="enrollment__cadre",
        labels=("lesson",),
        reason=_TRAINING_FILE,
    ),
    Declaration(
        "lms.CreditRecord",
        section="credit_records",
        cadre="cadre",
        labels=("course",),
        reason=_(
            "The credit-hour ledger is the official record of training hours: rows are never "
            "edited or removed."
        ),
    ),
    Declaration(
        "lms.Certificate",
        section="certificates",
        cadre="enrollment__cadre",
        reason=_("A certificate must stay verifiable by its code."),
    ),
    Declaration(
        "lms.CourseFeedback",
        section="course_feedback",
        cadre="enrollment__cadre",
        reason=_(
            "A course rating; instructors only ever see averages. It holds no assessment data."
        ),
    ),
    Declaration(
        "lms.SessionSignup",
        section="session_signups",
        cadre="cadre",
        labels=("session",),
        related=("session__page",),
        reason=_("Attendance at offline sessions is the basis of offline credit hours."),
    ),
    Declaration(
        "lms.AssessmentConsent",
        section="assessment_consents",
        cadre="cadre",
        reason=_(
            "Proof of what was consented to, and when it was withdrawn (PIPL Art. 14 and 28). "
            "It holds no answers or scores."
        ),
    ),
    Declaration(
        "lms.Assessment",
        section="assessments",
        cadre="cadre",
        on_request=DELETE,
        labels=("instrument",),
        exclude=("key_id",),
        tidy=lambda row: {**row, "scores": current_scores(row["scores"])},
    ),
    Declaration(
        "lms.PsychProfile",
        section="psych_profile",
        cadre="cadre",
        single=True,
        on_request=DELETE,
        exclude=("key_id",),
    ),
    Declaration(
        "lms.FollowUp",
        section="follow_ups",
        cadre="cadre",
        reason=_(
            "A counsellor's duty-of-care record after a high or crisis result. It holds no "
            "score, and its link to the assessment is cleared when the assessment is deleted."
        ),
    ),
    Declaration(
        "lms.FollowUpNote",
        section="follow_up_notes",
        cadre="follow_up__cadre",
        exclude=("key_id", "author"),
        reason=_(
            "Kept with the follow-up it belongs to, as a counsellor's duty-of-care record; "
            "the cadre receives every note in their export (PIPL Art. 45)."
        ),
    ),
    Declaration(
        "lms.AuditLog",
        section="access_log",
        cadre="subject",
        reason=_(
            "The append-only record of who viewed, exported or deleted assessment data "
            "(PIPL Art. 51). It holds no answers or scores."
        ),
    ),
    Declaration(
        "lms.ApiToken",
        section="api_tokens",
        user="user",
        exclude=("key_hash",),
        reason=_(
            "An access credential managed by administrators; only its hash is stored, and "
            "the hash is never exported."
        ),
    ),
    Declaration(
        "lms.CampaignAssignment",
        section="campaign_assignments",
        cadre="cadre",
        labels=("campaign", "course"),
        reason=_TRAINING_FILE,
    ),
    Declaration(
        "lms.Reminder",
        section="reminders",
        cadre="assignment__cadre",
        reason=_("A record that a reminder about a required course was sent, so it is sent once."),
    ),
    Declaration(
        "lms.AdministratorScope",
        reason=_("An administrator's scope of power; it holds no cadre's data."),
    ),
    Declaration(
        "lms.Audience",
        reason=_("A saved definition of a group of cadres; it names no cadre."),
    ),
    Declaration(
        "lms.Campaign",
        reason=_("A training campaign as an administrator defined it; it names no cadre."),
    ),
    Declaration(
        "lms.LearningFact",
        reason=_(
            "A count of enrolments by course and group of cadres for learning analytics, "
            "rebuilt from the learning records; it names no cadre."
        ),
    ),
    Declaration(
        "lms.AnalyticsExport",
        reason=_("That an administrator downloaded an analytics table; it names no cadre."),
    ),
    Declaration(
        "lms.OverdueDigest",
        reason=_("That an administrator's daily digest was sent; it names no cadre."),
    ),
    Declaration(
        "lms.RosterImport",
        reason=_(
            "The organisation department's roster as uploaded, kept as the record of the "
            "import; the cadre's data in it is the personnel record, corrected there."
        ),
    ),
    Declaration(
        "courses.Instructor",
        reason=_("An instructor's public profile, edited by the school; it holds no cadre's data."),
    ),
)


def declarations() -> dict[str, Declaration]:
    """By model label ("lms.Assessment")."""
    return {apps.get_model(d.model)._meta.label: d for d in REGISTRY}


def _plain(value):
    """JSON-ready: dates as ISO text, decimals as text (no rounding), containers walked."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name  # the file's name in storage; the file itself is not embedded
    return DjangoJSONEncoder().default(value)


def _row(declaration: Declaration, obj) -> dict:
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in declaration.exclude:
            continue
        if field.is_relation:
            data[field.name] = getattr(obj, field.attname)
            if field.name in declaration.labels:
                related = getattr(obj, field.name)
                data[f"{field.name}_label"] = None if related is None else str(related)
        else:
            # Encrypted answers and scores come back decrypted from value_from_object.
            data[field.name] = _plain(field.value_from_object(obj))
    return declaration.tidy(data) if declaration.tidy else data


def export_section(declaration: Declaration, cadre: CadreProfile):
    rows = declaration.rows(cadre).order_by("pk")
    if declaration.labels or declaration.related:
        rows = rows.select_related(*declaration.labels, *declaration.related)
    exported = [_row(declaration, obj) for obj in rows]
    if declaration.single:
        return exported[0] if exported else None
    return exported


def export_cadre_data(cadre: CadreProfile) -> dict:
    """Everything we hold about the cadre, by section, JSON-ready (health data decrypted)."""
    data = {
        "format": EXPORT_FORMAT,
        "exported_at": _plain(timezone.now()),
        "cadre_id": cadre.pk,
    }
    retention = {}
    for declaration in REGISTRY:
        if not declaration.exported:
            continue
        data[declaration.section] = export_section(declaration, cadre)
        retention[declaration.section] = {
            "on_request": declaration.on_request,
            "reason": str(declaration.reason),
        }
    data["retention_days_for_assessments"] = lms_settings.LMS_ASSESSMENT_RETENTION_DAYS
    data["on_deletion_request"] = retention
    return data
