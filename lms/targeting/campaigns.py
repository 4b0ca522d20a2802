"""Assignment campaigns: launch, pause, resume, cancel, and assigning in batches.

Assigning is idempotent: each (campaign, cadre, course) is written once, guarded by a
unique constraint, and the campaign keeps a cursor (the last cadre id done) that is saved
in the same transaction as the batch. A task killed part-way leaves its batch rolled back;
the redelivered task (acks_late, reject on worker lost) goes on from the cursor. An
existing self-enrolment is made required, never duplicated; a cadre who left the course
is not silently re-enrolled; a completed course stays completed.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone

from courses.models import CoursePage
from lms.conf import lms_settings
from lms.errors import CampaignStateError, DueDateInPast, EmptyAudience, NoLiveCourse
from lms.learning.recommendations import forget_recommendations
from lms.models.learning import Enrollment, EnrollmentOrigin, EnrollmentStatus
from lms.models.targeting import AssignmentOutcome, Campaign, CampaignAssignment, CampaignStatus
from lms.people.models import CadreProfile

from .audiences import Criteria, audience_cadres

BATCH = 500


def live_courses(campaign: Campaign) -> list[CoursePage]:
    return list(campaign.courses.live().order_by("pk"))


def check_launchable(campaign: Campaign, today: date) -> int:
    """The number of cadres the campaign would reach, or the reason it cannot start."""
    if campaign.due_date < today:
        raise DueDateInPast()
    if not live_courses(campaign):
        raise NoLiveCourse()
    count = audience_cadres(campaign.audience, today).count()
    if not count:
        raise EmptyAudience()
    return count


def launch(campaign: Campaign, *, today: date | None = None) -> Campaign:
    """Start a draft: assignment runs in the background once the transaction commits."""
    today = today or timezone.localdate()
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status != CampaignStatus.DRAFT:
            raise CampaignStateError()
        campaign.total = check_launchable(campaign, today)
        campaign.status = CampaignStatus.RUNNING
        campaign.launched_at = timezone.now()
        campaign.processed, campaign.cursor, campaign.assigned_at = 0, 0, None
        campaign.save()
        enqueue_assignment(campaign.pk)
    return campaign


def pause(campaign: Campaign) -> Campaign:
    """Stop assigning and reminding until resumed; what is assigned stays assigned."""
    return _move(campaign, {CampaignStatus.RUNNING}, CampaignStatus.PAUSED)


def resume(campaign: Campaign) -> Campaign:
    campaign = _move(campaign, {CampaignStatus.PAUSED}, CampaignStatus.RUNNING)
    if campaign.assigned_at is None:
        enqueue_assignment(campaign.pk)
    return campaign


def cancel(campaign: Campaign) -> Campaign:
    """End the campaign: no more assignments or reminders. Courses already assigned stay
    with the cadres, with their progress."""
    return _move(
        campaign,
        {CampaignStatus.DRAFT, CampaignStatus.RUNNING, CampaignStatus.PAUSED},
        CampaignStatus.CANCELLED,
    )


def _move(campaign: Campaign, allowed: set, to: str) -> Campaign:
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status not in allowed:
            raise CampaignStateError()
        campaign.status = to
        campaign.save(update_fields=["status"])
    return campaign


def enqueue_assignment(campaign_id: int) -> None:
    from . import tasks

    transaction.on_commit(lambda: tasks.assign_campaign.delay(campaign_id))


# --- assigning ------------------------------------------------------------------------------


def assign_next_batch(campaign_id: int, *, batch: int | None = None) -> bool:
    """Assign the next batch of the audience; True while there is more to do."""
    batch = batch or lms_settings.LMS_CAMPAIGN_BATCH
    today = timezone.localdate()
    with transaction.atomic():
        campaign = (
            Campaign.objects.select_for_update().select_related("audience").get(pk=campaign_id)
        )
        if campaign.status != CampaignStatus.RUNNING or campaign.assigned_at is not None:
            return False
        ids = list(
            audience_cadres(campaign.audience, today)
            .filter(pk__gt=campaign.cursor)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            campaign.assigned_at = timezone.now()
            campaign.total = campaign.processed
            campaign.save(update_fields=["assigned_at", "total"])
            return False
        assign(campaign, ids)
        campaign.cursor = ids[-1]
        campaign.processed += len(ids)
        campaign.total = max(campaign.total, campaign.processed)
        campaign.save(update_fields=["cursor", "processed", "total"])
    return True


def assign(campaign: Campaign, cadre_ids: list[int]) -> int:
    """Assign the campaign's courses to these cadres; returns the assignments written.

    A fixed number of queries per course, whatever the number of cadres."""
    written = 0
    for course in live_courses(campaign):
        done = set(
            CampaignAssignment.objects.filter(
                campaign=campaign, course=course, cadre_id__in=cadre_ids
            ).values_list("cadre_id", flat=True)
        )
        todo = [cadre_id for cadre_id in cadre_ids if cadre_id not in done]
        if not todo:
            continue
        existing = {
            e.cadre_id: e for e in Enrollment.objects.filter(course=course, cadre_id__in=todo)
        }
        outcomes, upgraded = {}, []
        for cadre_id in todo:
            enrollment = existing.get(cadre_id)
            if enrollment is None:
                outcomes[cadre_id] = AssignmentOutcome.ASSIGNED
            elif enrollment.status == EnrollmentStatus.WITHDRAWN:
                outcomes[cadre_id] = AssignmentOutcome.WITHDRAWN
            elif enrollment.status == EnrollmentStatus.COMPLETED:
                outcomes[cadre_id] = AssignmentOutcome.ALREADY_COMPLETED
            elif campaign.required and not enrollment.required:
                enrollment.required, enrollment.origin = True, EnrollmentOrigin.CAMPAIGN
                enrollment.due_date = campaign.due_date
                upgraded.append(enrollment)
                outcomes[cadre_id] = AssignmentOutcome.UPGRADED
            else:
                # Already required (another campaign): the earlier due date stands.
                if campaign.required and (
                    enrollment.due_date is None or campaign.due_date < enrollment.due_date
                ):
                    enrollment.due_date = campaign.due_date
                    upgraded.append(enrollment)
                outcomes[cadre_id] = AssignmentOutcome.ASSIGNED
        # A cadre enrolling by themselves at this very moment loses nothing: their row
        # wins the unique constraint and is read back below.
        Enrollment.objects.bulk_create(
            [
                Enrollment(
                    cadre_id=cadre_id,
                    course=course,
                    origin=EnrollmentOrigin.CAMPAIGN,
                    required=campaign.required,
                    due_date=campaign.due_date,
                )
                for cadre_id, outcome in outcomes.items()
                if outcome == AssignmentOutcome.ASSIGNED and cadre_id not in existing
            ],
            ignore_conflicts=True,
            batch_size=BATCH,
        )
        Enrollment.objects.bulk_update(upgraded, ["required", "origin", "due_date"])
        # Bulk writes send no signals: the cadres' panels now show the assignment.
        forget_recommendations(todo)
        enrollment_ids = dict(
            Enrollment.objects.filter(course=course, cadre_id__in=todo).values_list(
                "cadre_id", "pk"
            )
        )
        written += len(
            CampaignAssignment.objects.bulk_create(
                [
                    CampaignAssignment(
                        campaign=campaign,
                        cadre_id=cadre_id,
                        course=course,
                        enrollment_id=enrollment_ids.get(cadre_id),
                        outcome=outcome,
                    )
                    for cadre_id, outcome in outcomes.items()
                ],
                ignore_conflicts=True,
                batch_size=BATCH,
            )
        )
    return written


def assign_joiners(cadre_ids: list[int]) -> int:
    """Cadres who joined or changed (a roster import): assign them every running
    campaign whose audience they now match. Returns the assignments written."""
    today = timezone.localdate()
    running = list(
        Campaign.objects.filter(status=CampaignStatus.RUNNING).select_related(
            "audience", "audience__owner_department", "audience__min_rank", "audience__max_rank"
        )
    )
    if not running:
        return 0  # the usual case after an import: nothing to load the cadres for
    cadres = list(
        CadreProfile.objects.filter(pk__in=cadre_ids).select_related("user", "department", "rank")
    )
    written = 0
    for campaign in running:
        criteria = Criteria.of(campaign.audience)
        matching = [cadre.pk for cadre in cadres if criteria.matches(cadre, today)]
        if matching:
            with transaction.atomic():
                written += assign(campaign, matching)
    return written
