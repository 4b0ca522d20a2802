"""Exactly one `celery beat` sends the schedule (config/beat.py): two beats on one Redis,
the second stands by until the first's lease is gone, then takes over."""

import pytest
from celery.beat import ScheduleEntry

from config.beat import LEASE_KEY, SingleBeatScheduler
from config.celery import app
from tests.workers import BROKER


def scheduler(tmp_path, name):
    beat = SingleBeatScheduler(app=app, schedule_filename=str(tmp_path / name), lazy=True)
    beat.setup_schedule()
    return beat


@pytest.fixture
def beats(redis_client, tmp_path, monkeypatch):
    monkeypatch.setattr(app.conf, "broker_url", BROKER)
    redis_client.delete(LEASE_KEY)
    first, second = scheduler(tmp_path, "one"), scheduler(tmp_path, "two")
    sent = {first.holder: [], second.holder: []}
    for beat in (first, second):
        beat.schedule.clear()
        beat.schedule["every-second"] = ScheduleEntry(
            name="every-second", task="lms.tasks.purge_expired_assessments", schedule=1, app=app
        )
        monkeypatch.setattr(
            beat,
            "apply_entry",
            lambda entry, producer=None, beat=beat: sent[beat.holder].append(entry.name),
        )
    yield first, second, sent
    redis_client.delete(LEASE_KEY)


def overdue(beat):
    for entry in beat.schedule.values():
        entry.last_run_at = entry.default_now() - entry.schedule.run_every * 2


def test_only_the_lease_holder_sends_and_another_takes_over(beats, redis_client):
    first, second, sent = beats
    overdue(first)
    overdue(second)
    first.tick()
    for _ in range(3):
        assert second.tick() == second.max_interval  # stands by
    assert sent == {first.holder: ["every-second"], second.holder: []}
    assert redis_client.get(LEASE_KEY).decode() == first.holder
    assert 0 < redis_client.ttl(LEASE_KEY) <= 90

    first.close()  # its machine stops: the lease goes with it (or expires)
    second.tick()
    assert sent[second.holder] == ["every-second"]
    assert redis_client.get(LEASE_KEY).decode() == second.holder


def test_a_beat_that_cannot_reach_redis_sends_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:9/0")
    beat = scheduler(tmp_path, "lost")
    assert beat.holds_lease() is False
    assert beat.tick() == beat.max_interval
