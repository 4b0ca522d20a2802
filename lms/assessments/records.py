"""Taking assessments, the derived profile, the crisis safety net and data rights.

Health data (PIPL Art. 28): nothing here runs without the cadre's active consent,
every read of an individual's result by someone else is audited, and withdrawing
consent stops all use of the profile at once.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from lms.assessments.instruments import plain_factor_names, shipped_definition, shipped_definitions
from lms.assessments.scoring import CRISIS, HIGH, AnswerError, ladder_rung, score
from lms.conf import lms_settings
from lms.errors import ConsentRequired, IncompleteAssessment, InstrumentNotFound
from lms.learning.recommendations import forget_recommendations
from lms.models.assessment import (
    Assessment,
    AssessmentConsent,
    AuditAction,
    AuditLog,
    FollowUp,
    FollowUpNote,
    FollowUpStatus,
    Instrument,
    ProfileRules,
    PsychProfile,
)
from lms.people.models import CadreProfile
from lms.people.roles import is_counsellor

NOTICE_VERSION = "2026-11"


def audit(actor, subject: CadreProfile | None, action: str, target: str) -> None:
    AuditLog.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        subject=subject,
        action=action,
        target=target,
    )


# --- consent ----------------------------------------------------------------------------


def active_consent(cadre: CadreProfile) -> AssessmentConsent | None:
    return AssessmentConsent.objects.active().filter(cadre=cadre).first()


@transaction.atomic
def give_consent(
    cadre: CadreProfile, *, share_with_counsellor: bool, purpose: str, contact: str = ""
):
    AssessmentConsent.objects.active().filter(cadre=cadre).update(withdrawn_at=timezone.now())
    consent = AssessmentConsent.objects.create(
        cadre=cadre,
        notice_version=NOTICE_VERSION,
        purpose=purpose,
        share_with_counsellor=share_with_counsellor,
        # How to reach the cadre is kept only with the permission to do so.
        contact=(contact or "").strip()[:200] if share_with_counsellor else "",
    )
    audit(cadre.user, cadre, AuditAction.CONSENT, f"consent:{consent.pk}")
    return consent


@transaction.atomic
def withdraw_consent(cadre: CadreProfile) -> None:
    """Stops all profile use at once: the derived profile is deleted immediately."""
    AssessmentConsent.objects.active().filter(cadre=cadre).update(withdrawn_at=timezone.now())
    PsychProfile.objects.filter(cadre=cadre).delete()
    forget_recommendations([cadre.pk])  # the cached panel's reasons came from the profile
    audit(cadre.user, cadre, AuditAction.WITHDRAW, f"cadre:{cadre.pk}")


# --- instruments --------------------------------------------------------------------------


def sync_instruments() -> None:
    """Install shipped definitions that are missing; never overwrite licensed texts."""
    for key, definition in shipped_definitions().items():
        Instrument.objects.get_or_create(
            key=key,
            defaults={
                "name": definition["name"],
                "version": definition.get("version", 1),
                "definition": definition,
                # Our own survey ships real wording; licensed instruments need their texts.
                "texts_licensed": bool(definition.get("own_texts")),
            },
        )


def install_shipped_defaults(**_kwargs) -> None:
    """After every migrate (post_migrate, wired in LmsConfig.ready): the shipped
    instruments and the first profile rules, so that pages only ever read them."""
    sync_instruments()
    ProfileRules.install_defaults()


def offered_instruments():
    return Instrument.objects.filter(active=True)


def instrument(key: str) -> Instrument:
    found = Instrument.objects.filter(key=key, active=True).first()
    if found is None:
        raise InstrumentNotFound()
    return found


# --- taking an assessment ------------------------------------------------------------------


def submit(cadre: CadreProfile, instrument_key: str, answers: dict) -> Assessment:
    """Score and store an assessment; update the profile; open a follow-up if needed."""
    consent = active_consent(cadre)
    if consent is None:
        raise ConsentRequired()
    found = instrument(instrument_key)
    try:
        scores = score(found.definition, answers)
    except AnswerError as error:
        details = [f"missing:{n}" for n in error.missing]
        details += [f"invalid:{n}" for n in error.invalid]
        details += [f"unknown:{key}" for key in error.unknown]
        raise IncompleteAssessment(details=details) from error
    rules = ProfileRules.current()
    rung = ladder_rung({found.key: scores}, rules.thresholds)
    scores["rung"], scores["reasons"] = rung.level, rung.reasons
    with transaction.atomic():
        assessment = Assessment.objects.create(
            cadre=cadre,
            instrument=found,
            answers={str(k): v for k, v in answers.items()},
            scores=scores,
        )
        audit(cadre.user, cadre, AuditAction.CREATE, f"assessment:{assessment.pk}")
        rebuild_profile(cadre, rules)
        # The new result's own rung decides: an earlier crisis must not re-alert on a
        # later, harmless survey (the profile keeps the highest rung for recommendations).
        if rung.level >= HIGH:
            open_follow_up(cadre, assessment, rung.level, consent)
    return assessment


def open_follow_up(cadre, assessment, rung: int, consent: AssessmentConsent) -> FollowUp:
    crisis = rung >= CRISIS
    follow_up = FollowUp.objects.create(
        cadre=cadre,
        assessment=assessment,
        urgent=crisis,
        counsellor_may_contact=consent.share_with_counsellor,
        due_at=timezone.now() + (timedelta(hours=24) if crisis else timedelta(days=7)),
    )
    if crisis:
        audit(None, cadre, AuditAction.ALERT, f"follow_up:{follow_up.pk}")
        from lms.assessments.tasks import alert_counsellors

        # Ids only, after commit: the worker reads fresh rows and never sees a score.
        transaction.on_commit(lambda: alert_counsellors.delay(follow_up.pk))
    return follow_up


def latest_results(cadre: CadreProfile) -> dict[str, dict]:
    """The newest scores per instrument (decrypted in memory only)."""
    results: dict[str, dict] = {}
    for assessment in Assessment.objects.filter(cadre=cadre).select_related("instrument"):
        results.setdefault(assessment.instrument.key, assessment.scores)
    return results


def rebuild_profile(cadre: CadreProfile, rules: ProfileRules | None = None) -> dict:
    """Derive the signals the recommender reads from the latest results."""
    rules = rules or ProfileRules.current()
    results = latest_results(cadre)
    rung = ladder_rung(results, rules.thresholds)
    elevated_at = rules.thresholds["scl90"]["elevated"]["factor_at_least"]
    scl = results.get("scl90", {})
    sources = results.get("stress_sources", {}).get("present", [])
    data = {
        "rung": rung.level,
        "reasons": rung.reasons,
        "factors": sorted(k for k, v in scl.get("factors", {}).items() if v >= elevated_at),
        "sources": sources,
        "family_pressure": "stress_family" in sources,
        "updated": timezone.localdate().isoformat(),
    }
    PsychProfile.objects.update_or_create(cadre=cadre, defaults={"data": data})
    return data


def profile_for_recommendations(cadre: CadreProfile) -> dict | None:
    """The profile, only while consent is active; None means: do not personalise."""
    if active_consent(cadre) is None:
        return None
    profile = PsychProfile.objects.filter(cadre=cadre).first()
    return profile.data if profile else None


def viewer_profile(cadre: CadreProfile) -> dict | None:
    """What recommendations may use of the profile (the `lms_viewer_profile` hook): the
    raised signals, the ladder rung and the signal → course rules; None without consent.
    `signal_names` gives the SCL-90 factors the plain names a cadre reads in the reasons."""
    profile = profile_for_recommendations(cadre)
    if not profile:
        return None
    return {
        "signals": tuple(dict.fromkeys([*profile.get("factors", []), *profile.get("sources", [])])),
        "rung": profile.get("rung"),
        "signal_rules": ProfileRules.current().signal_rules,
        "signal_names": plain_factor_names(shipped_definition("scl90")),
    }


def crisis_follow_up(cadre: CadreProfile, results=None) -> FollowUp | None:
    """The open urgent follow-up while the cadre's newest result of an instrument is on the
    crisis rung: it puts the help first on 我的学习 and the self-assessment page.

    "Open" is anything not closed (a counsellor may have called and not closed it yet). A
    newer, calmer result of the same instrument ends it, as a closed follow-up does.
    `results` are the cadre's assessments, newest first, when the caller has them already;
    without them a cadre with no open urgent follow-up costs one query.
    """
    open_urgent = FollowUp.objects.filter(cadre=cadre, urgent=True).exclude(
        status=FollowUpStatus.CLOSED
    )
    if results is None:
        if not open_urgent.exists():
            return None
        results = Assessment.objects.filter(cadre=cadre).defer("answers")
    newest: dict[int, Assessment] = {}
    for assessment in results:
        newest.setdefault(assessment.instrument_id, assessment)
    crisis = [done.pk for done in newest.values() if done.scores.get("rung", 0) >= CRISIS]
    if not crisis:
        return None
    return open_urgent.filter(assessment_id__in=crisis).order_by("-created_at").first()


# --- reading, exporting and deleting ------------------------------------------------------


def can_read(viewer, cadre: CadreProfile) -> bool:
    """The cadre; or a counsellor while the cadre consents to sharing. Nobody else."""
    if viewer.is_authenticated and cadre.user_id == viewer.pk:
        return True
    if is_counsellor(viewer):
        consent = active_consent(cadre)
        return bool(consent and consent.share_with_counsellor)
    return False


def read_assessments(viewer, cadre: CadreProfile) -> list[Assessment]:
    if not can_read(viewer, cadre):
        raise PermissionDenied
    assessments = list(Assessment.objects.filter(cadre=cadre).select_related("instrument"))
    if viewer.pk != cadre.user_id:
        audit(viewer, cadre, AuditAction.VIEW, f"assessments:{len(assessments)}")
    return assessments


def counsellor_contact(viewer, cadre: CadreProfile) -> str:
    """How the cadre asked to be reached, for a counsellor who may read their results
    (active consent that shares); "" for everyone else."""
    if viewer.pk == cadre.user_id or not can_read(viewer, cadre):
        return ""
    consent = active_consent(cadre)
    return consent.contact if consent and consent.share_with_counsellor else ""


def add_follow_up_note(counsellor, follow_up: FollowUp, text: str) -> FollowUpNote:
    """A counsellor's note on a follow-up of a cadre whose results they may read: stored
    encrypted, its writing audited (never its text)."""
    text = (text or "").strip()
    if not text:
        raise ValueError("empty note")
    if not can_read(counsellor, follow_up.cadre) or counsellor.pk == follow_up.cadre.user_id:
        raise PermissionDenied
    note = FollowUpNote.objects.create(follow_up=follow_up, author=counsellor, text=text[:4000])
    audit(counsellor, follow_up.cadre, AuditAction.NOTE, f"follow-up:{follow_up.pk}")
    return note


def read_assessment(viewer, assessment_id: int) -> Assessment:
    assessment = (
        Assessment.objects.select_related("instrument", "cadre").filter(pk=assessment_id).first()
    )
    if assessment is None or not can_read(viewer, assessment.cadre):
        # The same answer for "missing" and "not yours": existence is not disclosed.
        raise PermissionDenied
    if viewer.pk != assessment.cadre.user_id:
        audit(viewer, assessment.cadre, AuditAction.VIEW, f"assessment:{assessment.pk}")
    return assessment


@transaction.atomic
def delete_assessment_data(cadre: CadreProfile, actor) -> int:
    """Delete the cadre's assessments and profile. Running it again changes nothing."""
    deleted, _ = Assessment.objects.filter(cadre=cadre).delete()
    PsychProfile.objects.filter(cadre=cadre).delete()
    forget_recommendations([cadre.pk])
    if deleted:
        audit(actor, cadre, AuditAction.DELETE, f"assessments:{deleted}")
    return deleted


def retention_cutoff():
    return timezone.now() - timedelta(days=lms_settings.LMS_ASSESSMENT_RETENTION_DAYS)


def purge_expired() -> int:
    """Delete assessments older than the retention period and rebuild affected profiles."""
    expired = Assessment.objects.filter(taken_at__lt=retention_cutoff())
    cadre_ids = set(expired.values_list("cadre_id", flat=True))
    count, _ = expired.delete()
    for cadre in CadreProfile.objects.filter(pk__in=cadre_ids):
        if Assessment.objects.filter(cadre=cadre).exists():
            rebuild_profile(cadre)
        else:
            PsychProfile.objects.filter(cadre=cadre).delete()
        audit(None, cadre, AuditAction.DELETE, "assessments:retention")
    return count


def open_follow_ups_for(counsellor):
    if not is_counsellor(counsellor):
        raise PermissionDenied
    return (
        FollowUp.objects.filter(status__in=[FollowUpStatus.OPEN, FollowUpStatus.CONTACTED])
        .select_related("cadre", "cadre__department")
        .order_by("-urgent", "due_at")
    )
