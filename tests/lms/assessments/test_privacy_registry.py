"""The privacy registry covers every model holding personal data, and the export honours it.

Like Moodle's privacy provider coverage test: a new model of the lms or courses apps that
points at a cadre or a user account, directly or through other models of these apps, fails
here until lms/assessments/privacy.py says whether it is exported and what a deletion request does.
"""

from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import timezone

from courses.models import OfflineSession
from lms.assessments import privacy
from lms.assessments import records as assessments
from lms.learning.enrollment import enrol
from lms.learning.feedback import leave_feedback
from lms.learning.progress import complete_lesson
from lms.learning.signups import sign_up
from lms.models import (
    ApiToken,
    Audience,
    CadreProfile,
    Campaign,
    CampaignAssignment,
    FollowUp,
    FollowUpNote,
    QuizAttempt,
    Reminder,
)
from lms.models.targeting import AssignmentOutcome, ReminderKind
from tests.factories import make_cadre, make_course, make_lesson

APPS = ("lms", "courses")


def holds_personal_data() -> set[str]:
    """Labels of lms/courses models with a foreign-key path to a cadre or a user account.

    Only fields the apps declare themselves are followed: the owner and lock fields a page
    inherits from wagtailcore.Page name the editors and are Wagtail's to handle."""
    targets = {CadreProfile, get_user_model()}
    models = [m for m in apps.get_models() if m._meta.app_label in APPS]
    found: set = set()
    changed = True
    while changed:
        changed = False
        for model in models:
            if model in found:
                continue
            for field in model._meta.get_fields():
                if not (field.concrete and (field.many_to_one or field.one_to_one)):
                    continue
                if field.model._meta.app_label not in APPS:
                    continue
                if field.related_model in targets or field.related_model in found:
                    found.add(model)
                    changed = True
                    break
    found |= {CadreProfile}
    return {model._meta.label for model in found}


def test_the_walk_finds_the_known_holders():
    # Guards the walk itself: these hold personal data directly and through an enrollment.
    assert {
        "lms.CadreProfile",
        "lms.Assessment",
        "lms.Enrollment",
        "lms.Certificate",
        "courses.Instructor",
    } <= holds_personal_data()
    assert "lms.Rank" not in holds_personal_data()


def test_every_model_with_personal_data_is_declared():
    undeclared = holds_personal_data() - set(privacy.declarations())
    assert not undeclared, (
        f"Declare {sorted(undeclared)} in lms/assessments/privacy.py: export it (and how it "
        "relates to the cadre), delete it on request, or retain it with a reason."
    )


def test_declarations_are_well_formed():
    sections = [d.section for d in privacy.REGISTRY if d.exported]
    assert len(sections) == len(set(sections))
    for declaration in privacy.REGISTRY:
        model = declaration.model_class()  # raises LookupError for a stale declaration
        assert declaration.on_request in (privacy.DELETE, privacy.RETAIN)
        if declaration.on_request == privacy.RETAIN:
            assert str(declaration.reason).strip(), f"{declaration.model} needs a reason"
        if declaration.exported:
            assert declaration.cadre or declaration.user, declaration.model
        field_names = {field.name for field in model._meta.concrete_fields}
        assert set(declaration.exclude) <= field_names, declaration.model
        assert set(declaration.labels) <= field_names, declaration.model


def a_cadre_with_everything():
    """A cadre with at least one row in every exported model."""
    from courses.models import CatalogueHomePage
    from tests.factories import make_curriculum

    curriculum = make_curriculum(CatalogueHomePage.objects.get())
    course = make_course(curriculum)
    lesson = make_lesson(course)
    cadre = make_cadre()
    enrollment, _ = enrol(cadre, course)
    QuizAttempt.objects.create(
        enrollment=enrollment,
        lesson=lesson,
        quiz_id="q1",
        number=1,
        answers=[[0]],
        score=100,
        passed=True,
    )
    complete_lesson(enrollment, lesson)  # progress, completion, credit hours, certificate
    leave_feedback(enrollment, 5, "很实用")
    starts = timezone.now() + timedelta(days=3)
    session = OfflineSession.objects.create(
        page=course, starts_at=starts, ends_at=starts + timedelta(hours=2), place="党校", capacity=5
    )
    sign_up(cadre, session)
    assessments.give_consent(cadre, share_with_counsellor=True, purpose="测试")
    assessments.submit(cadre, "scl90", {**dict.fromkeys(range(1, 91), 1), 15: 2})
    follow_up = FollowUp.objects.filter(cadre=cadre).first() or FollowUp.objects.create(
        cadre=cadre, due_at=timezone.now()
    )
    FollowUpNote.objects.create(follow_up=follow_up, text="已联系")
    ApiToken.issue(cadre.user, "门户")
    # A required course from a campaign, and the reminder sent about it.
    audience = Audience.objects.create(name=f"审计 {cadre.pk}")
    campaign = Campaign.objects.create(
        name="必修", audience=audience, due_date=timezone.localdate() + timedelta(days=3)
    )
    assignment = CampaignAssignment.objects.create(
        campaign=campaign,
        cadre=cadre,
        course=course,
        enrollment=enrollment,
        outcome=AssignmentOutcome.UPGRADED,
    )
    Reminder.objects.create(assignment=assignment, kind=ReminderKind.DUE_SOON)
    return cadre


@pytest.mark.django_db
def test_every_exported_model_appears_in_the_export_with_the_cadres_rows():
    cadre = a_cadre_with_everything()
    other = a_cadre_with_everything()

    data = privacy.export_cadre_data(cadre)

    for declaration in privacy.REGISTRY:
        if not declaration.exported:
            continue
        assert declaration.section in data, declaration.section
        section = data[declaration.section]
        rows = [section] if declaration.single else section
        expected = set(declaration.rows(cadre).values_list("pk", flat=True))
        assert expected, f"the fixture has no {declaration.model} row"
        assert {row["id"] for row in rows} == expected, declaration.section
        assert not {row["id"] for row in rows} & set(
            declaration.rows(other).values_list("pk", flat=True)
        )
        assert data["on_deletion_request"][declaration.section]["on_request"] == (
            declaration.on_request
        )


@pytest.mark.django_db
def test_secrets_and_key_ids_are_never_exported():
    cadre = a_cadre_with_everything()

    data = privacy.export_cadre_data(cadre)

    assert "password" not in data["account"]
    assert all("key_hash" not in token for token in data["api_tokens"])
    assert all("key_id" not in row for row in data["assessments"])
    assert "key_id" not in data["psych_profile"]


@pytest.mark.django_db
def test_a_deletion_request_removes_exactly_the_rows_declared_delete():
    cadre = a_cadre_with_everything()
    other = a_cadre_with_everything()
    before = {d.model: d.rows(cadre).count() for d in privacy.REGISTRY}
    others_before = {d.model: d.rows(other).count() for d in privacy.REGISTRY}

    assessments.delete_assessment_data(cadre, cadre.user)

    for declaration in privacy.REGISTRY:
        after = declaration.rows(cadre).count()
        if declaration.on_request == privacy.DELETE:
            assert after == 0, declaration.model
        elif declaration.model == "lms.AuditLog":
            assert after == before[declaration.model] + 1  # the deletion itself is logged
        else:
            assert after == before[declaration.model], declaration.model
        assert declaration.rows(other).count() == others_before[declaration.model]
