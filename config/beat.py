"""Exactly one Celery beat sends the schedule, however many machines run `celery beat`.

The scheduler holds a lease in the broker's Redis (`xinyu:beat-lease`, a key with an
expiry, set only if absent and renewed only by its holder, each in one atomic step). A
beat that does not hold the lease sends nothing and asks again a few seconds later; when
the holder stops renewing (its machine is lost), the lease expires and another beat takes
over within LEASE_SECONDS. With the in-memory broker (the embedded default, one process)
there is nothing to share and the scheduler runs alone.

Wired in settings as CELERY_BEAT_SCHEDULER; docs/deploy.md, section 5.
"""

import logging
import os
import socket
import uuid

from celery.beat import PersistentScheduler

logger = logging.getLogger(__name__)

LEASE_KEY = "xinyu:beat-lease"
LEASE_SECONDS = 90
# The longest a beat sleeps between ticks: well inside the lease, so the holder renews it
# in time, and a stand-by beat notices an expired lease within this many seconds.
MAX_LOOP_SECONDS = 30

# Renew the lease if we hold it, take it if nobody does; 1 if held afterwards, else 0.
ACQUIRE = """
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    return 1
end
if not holder then
    redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
    return 1
end
return 0
"""
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class SingleBeatScheduler(PersistentScheduler):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.max_interval = min(self.max_interval, MAX_LOOP_SECONDS)
        self._client = None
        self._held = None

    def _redis(self):
        url = self.app.conf.broker_url or ""
        if not url.startswith(("redis://", "rediss://")):
            return None
        if self._client is None:
            import redis

            self._client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5)
        return self._client

    def holds_lease(self) -> bool:
        client = self._redis()
        if client is None:
            return True
        try:
            held = bool(client.eval(ACQUIRE, 1, LEASE_KEY, self.holder, LEASE_SECONDS * 1000))
        except Exception:  # noqa: BLE001  (Redis unreachable: send nothing, ask again later)
            logger.warning("beat: cannot reach Redis for the lease; sending nothing for now")
            held = False
        if held != self._held:
            logger.info(
                "beat %s: %s the schedule",
                self.holder,
                "sends" if held else "stands by; another beat sends",
            )
            self._held = held
        return held

    def tick(self, *args, **kwargs):
        if not self.holds_lease():
            return self.max_interval
        return super().tick(*args, **kwargs)

    def close(self):
        client = self._redis()
        if client is not None and self._held:
            try:
                client.eval(RELEASE, 1, LEASE_KEY, self.holder)
            except Exception:  # noqa: BLE001
                logger.warning("beat: could not release the lease; it expires by itself")
        super().close()
