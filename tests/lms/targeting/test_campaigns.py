"""Campaigns: launching, assigning exactly once, what happens to existing enrolments,
restarting after a crash, joiners, and reminders that never repeat."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lms.errors import CampaignStateError, DueDateInPast, EmptyAudience, NoLiveCourse
from lms.learning.enrollment import enrol, unenrol
from lms.models import (
    Audience,
    Campaign,
    CampaignAssignment,
    CampaignStatus,
    Enrollment,
    EnrollmentOrigin,
    EnrollmentStatus,
    OverdueDigest,
    Reminder,
)
from lms.models.targeting import AssignmentOutcome, ReminderKind
from lms.people.accounts import make_department_admin
from lms.targeting import campaigns, reminders
from tests.factories import make_cadre, make_course, make_department

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit():
    return make_department(code="procuratorate", name="市检察院")


@pytest.fixture
def women(unit):
    return [make_cadre(gender="female", department=unit) for _ in range(6)]


@pytest.fixture
def audience(unit):
    return Audience.objects.create(name="检察院女性干部", owner_department=unit, gender="female")


@pytest.fixture
def courses(curriculum):
    return [make_course(curriculum, title="女性干部的双重压力"), make_course(curriculum)]


@pytest.fixture
def launch(django_capture_on_commit_callbacks):
    """Launch as the admin does: the assignment task runs (eagerly) once the launch commits."""

    def run(campaign):
        with django_capture_on_commit_callbacks(execute=True):
            return campaigns.launch(campaign)

    return run


def campaign_for(audience, courses, **fields):
    fields.setdefault("due_date", timezone.localdate() + timedelta(days=30))
    campaign = Campaign.objects.create(
        name="双重压力必修", audience=audience, owner_department=audience.owner_department, **fields
    )
    campaign.courses.set(courses)
    return campaign


def test_launch_assigns_each_cadre_each_course_once_as_required(audience, courses, women, launch):
    make_cadre(gender="male", department=audience.owner_department)  # not in the audience
    campaign = launch(campaign_for(audience, courses))  # eager tasks in tests
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.RUNNING
    assert campaign.assigned_at is not None and campaign.processed == campaign.total == 6
    enrollments = Enrollment.objects.filter(course__in=courses)
    assert enrollments.count() == 12
    assert all(e.required and e.origin == EnrollmentOrigin.CAMPAIGN for e in enrollments)
    assert {e.due_date for e in enrollments} == {campaign.due_date}
    # Running it again assigns nobody twice.
    Campaign.objects.filter(pk=campaign.pk).update(assigned_at=None, cursor=0, processed=0)
    while campaigns.assign_next_batch(campaign.pk):
        pass
    assert Enrollment.objects.filter(course__in=courses).count() == 12
    assert CampaignAssignment.objects.filter(campaign=campaign).count() == 12


def test_existing_enrolments_are_upgraded_kept_or_left_alone(audience, courses, women, launch):
    course = courses[0]
    self_enrolled, withdrawn, finished = women[:3]
    enrol(self_enrolled, course)
    unenrol(enrol(withdrawn, course)[0])
    done, _ = enrol(finished, course)
    Enrollment.objects.filter(pk=done.pk).update(
        status=EnrollmentStatus.COMPLETED, completed_at=timezone.now()
    )
    campaign = launch(campaign_for(audience, [course]))
    outcomes = dict(
        CampaignAssignment.objects.filter(campaign=campaign).values_list("cadre_id", "outcome")
    )
    assert outcomes[self_enrolled.pk] == AssignmentOutcome.UPGRADED
    assert outcomes[withdrawn.pk] == AssignmentOutcome.WITHDRAWN
    assert outcomes[finished.pk] == AssignmentOutcome.ALREADY_COMPLETED
    mine = Enrollment.objects.get(cadre=self_enrolled, course=course)
    assert mine.required and mine.due_date == campaign.due_date
    assert Enrollment.objects.get(cadre=withdrawn, course=course).status == "withdrawn"
    assert Enrollment.objects.get(cadre=finished, course=course).status == "completed"
    assert Enrollment.objects.filter(course=course).count() == 6  # never duplicated


def test_a_campaign_that_cannot_start_says_why(audience, courses, curriculum, women, launch):
    nobody = Audience.objects.create(
        name="没有人", owner_department=audience.owner_department, min_age=79
    )
    with pytest.raises(EmptyAudience):
        launch(campaign_for(nobody, courses))
    late = campaign_for(audience, courses, due_date=timezone.localdate() - timedelta(days=1))
    with pytest.raises(DueDateInPast):
        launch(late)
    with pytest.raises(NoLiveCourse):
        launch(campaign_for(audience, [make_course(curriculum, live=False)]))
    assert not Enrollment.objects.exists()
    started = launch(campaign_for(audience, courses))
    with pytest.raises(CampaignStateError):
        launch(started)


def test_a_crash_mid_batch_rolls_back_and_the_rerun_finishes_exactly(
    audience, courses, women, launch
):
    campaign = campaign_for(audience, courses)
    with mock.patch("lms.targeting.tasks.assign_campaign.delay"):
        launch(campaign)
    assert campaigns.assign_next_batch(campaign.pk, batch=2)  # first batch committed
    real_bulk_create = CampaignAssignment.objects.bulk_create

    def dies(*args, **kwargs):
        raise RuntimeError("worker killed")

    with (
        mock.patch.object(CampaignAssignment.objects, "bulk_create", side_effect=dies),
        pytest.raises(RuntimeError),
    ):
        campaigns.assign_next_batch(campaign.pk, batch=2)
    assert CampaignAssignment.objects.count() == 4  # the failed batch left nothing behind
    assert real_bulk_create  # untouched outside the patch
    while campaigns.assign_next_batch(campaign.pk, batch=2):
        pass
    campaign.refresh_from_db()
    assert CampaignAssignment.objects.filter(campaign=campaign).count() == 12
    assert campaign.processed == 6 and campaign.assigned_at is not None


def test_assigning_a_batch_costs_the_same_queries_for_more_cadres(audience, courses, unit):
    small = [make_cadre(gender="female", department=unit) for _ in range(2)]
    campaign = campaign_for(audience, courses)
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.RUNNING)
    with CaptureQueriesContext(connection) as two:
        campaigns.assign(campaign, [c.pk for c in small])
    more = [make_cadre(gender="female", department=unit) for _ in range(12)]
    with CaptureQueriesContext(connection) as twelve:
        campaigns.assign(campaign, [c.pk for c in more])
    assert len(two) == len(twelve)


def test_paused_and_cancelled_campaigns_stop(audience, courses, women, launch):
    campaign = launch(campaign_for(audience, courses))
    campaigns.pause(campaign)
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.PAUSED
    campaigns.resume(campaign)
    campaigns.cancel(campaign)
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.CANCELLED
    with pytest.raises(CampaignStateError):
        campaigns.resume(campaign)
    # Assigned courses stay with the cadres.
    assert Enrollment.objects.filter(course__in=courses).count() == 12


def test_cadres_who_join_later_are_assigned_while_the_campaign_runs(
    audience, courses, women, launch
):
    campaign = launch(campaign_for(audience, courses))
    newcomer = make_cadre(gender="female", department=audience.owner_department)
    man = make_cadre(gender="male", department=audience.owner_department)
    campaigns.assign_joiners([newcomer.pk, man.pk])
    assert CampaignAssignment.objects.filter(campaign=campaign, cadre=newcomer).count() == 2
    assert not CampaignAssignment.objects.filter(cadre=man).exists()


# Reminders -----------------------------------------------------------------------------------


def with_email(cadres):
    for n, cadre in enumerate(cadres):
        cadre.user.email = f"cadre{n}@xinyu.invalid"
        cadre.user.save(update_fields=["email"])


def test_reminders_follow_the_policy_and_are_never_sent_twice(audience, courses, women, launch):
    with_email(women)
    today = timezone.localdate()
    campaign = launch(campaign_for(audience, courses[:1], due_date=today + timedelta(days=5)))
    run = reminders.send_reminders(today)
    assert run.created == 6 and len(mail.outbox) == 6  # due within 7 days
    assert {r.kind for r in Reminder.objects.all()} == {ReminderKind.DUE_SOON}
    body = mail.outbox[0].body
    assert "女性干部的双重压力" in body and "/my/" in body
    for forbidden in ("SCL", "测评", "心理咨询", "positive", "rung"):
        assert forbidden not in body + mail.outbox[0].subject

    again = reminders.send_reminders(today)
    assert again.created == 0 and len(mail.outbox) == 6

    # Overdue a week later: one overdue reminder each, once; a finisher gets none.
    Enrollment.objects.filter(cadre=women[0]).update(status=EnrollmentStatus.COMPLETED)
    later = today + timedelta(days=8)
    assert reminders.send_reminders(later).created == 5
    assert reminders.send_reminders(later).created == 0
    assert Reminder.objects.filter(kind=ReminderKind.OVERDUE).count() == 5
    # A paused campaign sends nothing.
    campaigns.pause(campaign)
    Reminder.objects.all().delete()
    assert reminders.send_reminders(later).created == 0


def test_not_started_reminders_wait_for_the_policy(audience, courses, women, launch):
    today = timezone.localdate()
    campaign = launch(
        campaign_for(
            audience,
            courses[:1],
            due_date=today + timedelta(days=60),
            remind_not_started_after_days=10,
        )
    )
    assert reminders.send_reminders(today).created == 0
    CampaignAssignment.objects.filter(campaign=campaign).update(
        created_at=timezone.now() - timedelta(days=11)
    )
    Enrollment.objects.filter(cadre=women[0]).update(last_activity_at=timezone.now())
    assert reminders.send_reminders(today).created == 5
    assert set(Reminder.objects.values_list("kind", flat=True)) == {ReminderKind.NOT_STARTED}


def test_my_learning_shows_the_reminder(client, audience, courses, women, launch):
    today = timezone.localdate()
    launch(campaign_for(audience, courses[:1], due_date=today + timedelta(days=3)))
    reminders.send_reminders(today)
    client.force_login(women[1].user)
    page = client.get("/my/").content.decode()
    assert "女性干部的双重压力" in page and 'id="reminders-heading"' in page


def test_the_overdue_digest_goes_once_a_day_to_each_department_administrator(
    django_user_model, audience, courses, women, launch
):
    admin = django_user_model.objects.create_user("unitadmin", email="unit@xinyu.invalid")
    make_department_admin(admin, audience.owner_department)
    elsewhere = django_user_model.objects.create_user("other", email="other@xinyu.invalid")
    make_department_admin(elsewhere, make_department())
    today = timezone.localdate()
    launch(campaign_for(audience, courses[:1], due_date=today + timedelta(days=1)))
    later = today + timedelta(days=3)
    assert reminders.send_overdue_digests(later) == 1
    assert reminders.send_overdue_digests(later) == 0
    assert OverdueDigest.objects.get().overdue == 6
    digest = [m for m in mail.outbox if m.to == ["unit@xinyu.invalid"]]
    assert len(digest) == 1 and "双重压力必修: 6" in digest[0].body
