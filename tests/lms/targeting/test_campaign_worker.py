"""A campaign of 5,000 cadres assigned by a real worker that is killed part-way.

The worker is SIGKILLed in the middle of the assignment; the unacknowledged task goes
back to Redis (acks_late, reject on worker lost, a short visibility timeout here) and a
second worker finishes it from the campaign's cursor. Every cadre ends up assigned exactly
once, and reminders sent twice reach each cadre once.
"""

import signal
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from lms.demo.population import seed_departments, seed_population
from lms.models import (
    Audience,
    Campaign,
    CampaignAssignment,
    CampaignStatus,
    Enrollment,
    Reminder,
)
from lms.targeting import reminders
from lms.targeting.tasks import assign_campaign
from tests.factories import make_course
from tests.workers import real_broker

CADRES = 5_000
WAIT_SECONDS = 180


def wait_for(condition, process, log, what):
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        tail = log.read_text(errors="replace")[-3000:]
        assert process.poll() is None, f"the worker exited while waiting for {what}:\n{tail}"
        assert time.monotonic() < deadline, f"no {what} after {WAIT_SECONDS} s:\n{tail}"
        time.sleep(0.05)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_killed_worker_leaves_every_cadre_assigned_exactly_once(
    curriculum, redis_client, queue, worker
):
    seed_departments()
    seed_population(CADRES, "pw-worker-test-1")
    course = make_course(curriculum, title="工作抗压训练：从紧张到从容")
    everyone = Audience.objects.create(name="全体干部")
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name="全员必修", audience=everyone, due_date=today + timedelta(days=3)
    )
    campaign.courses.add(course)
    # Launched as campaigns.launch() leaves it, with the task sent to the real broker.
    Campaign.objects.filter(pk=campaign.pk).update(
        status=CampaignStatus.RUNNING, launched_at=timezone.now(), total=CADRES
    )
    with real_broker() as connection:
        assign_campaign.apply_async(args=[campaign.pk], queue=queue, connection=connection)

    # Small batches make the kill land between commits and inside a batch.
    settings = {"LMS_CAMPAIGN_BATCH": "100", "CELERY_VISIBILITY_TIMEOUT": "3"}
    first, log = worker(**settings)
    processed = lambda: Campaign.objects.get(pk=campaign.pk).processed  # noqa: E731
    wait_for(lambda: processed() >= 1_000, first, log, "a first thousand")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    killed_at = processed()
    assert killed_at < CADRES, "the worker finished before it could be killed"

    # The unacknowledged task becomes visible again after the timeout; a new worker takes it.
    time.sleep(4)
    second, log = worker(**settings)
    finished = lambda: Campaign.objects.get(pk=campaign.pk).assigned_at is not None  # noqa: E731
    wait_for(finished, second, log, "the end of the assignment")

    campaign.refresh_from_db()
    assert campaign.processed == CADRES
    assert CampaignAssignment.objects.filter(campaign=campaign).count() == CADRES
    assert Enrollment.objects.filter(course=course, required=True).count() == CADRES
    assert (
        CampaignAssignment.objects.filter(campaign=campaign).values("cadre").distinct().count()
        == CADRES
    )

    assert reminders.send_reminders(today).created == CADRES
    assert reminders.send_reminders(today).created == 0
    assert Reminder.objects.count() == CADRES
