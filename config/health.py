"""Liveness and readiness for load balancers and process managers: /healthz and /readyz.

Both are answered by the first middleware, before Host validation, the HTTPS redirect,
sessions and sign-in: a load balancer probes a machine by its address, often over plain
HTTP and without cookies, and must get neither a redirect nor a 400 for an unknown Host.

- /healthz: the process is up and answering (no database, no network). 200.
- /readyz: the services this process needs answer. 200 when the database, the Celery
  broker and the shared cache do, else 503. The search backends are reported but never
  make the machine unready: when Elasticsearch is down every machine falls back to the
  database backend (search/backends), and taking them all out of the load balancer
  would turn a degraded search into an outage.

Neither answer carries personal data, a URL or a password: each check says "ok", "down"
with the kind of error, or "not used" (the embedded default: eager tasks, per-process
cache, database search).
"""

import time

from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.http import JsonResponse

TIMEOUT = 2  # seconds each network check may take


def _down(error: Exception) -> dict:
    return {"state": "down", "error": type(error).__name__}


def check_database() -> dict:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001  (any failure means "not ready")
        return _down(error)
    return {"state": "ok", "vendor": connections["default"].vendor}


def check_broker() -> dict:
    url = getattr(settings, "CELERY_BROKER_URL", "") or ""
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False) or url.startswith("memory://"):
        return {"state": "not used"}
    try:
        if url.startswith(("redis://", "rediss://")):
            import redis

            client = redis.Redis.from_url(
                url, socket_connect_timeout=TIMEOUT, socket_timeout=TIMEOUT
            )
            try:
                client.ping()
            finally:
                client.close()
        else:
            from kombu import Connection

            with Connection(url, connect_timeout=TIMEOUT) as connection:
                connection.ensure_connection(max_retries=1, timeout=TIMEOUT)
    except Exception as error:  # noqa: BLE001
        return _down(error)
    return {"state": "ok"}


def check_cache() -> dict:
    cache = caches["default"]
    if "Redis" not in type(cache).__name__:
        return {"state": "not used"}  # per-process memory: nothing shared to lose
    try:
        cache.set("xinyu:readyz", "1", timeout=10)
        if cache.get("xinyu:readyz") != "1":
            return {"state": "down", "error": "ReadBack"}
    except Exception as error:  # noqa: BLE001
        return _down(error)
    return {"state": "ok"}


def check_search() -> dict:
    """Each configured search backend's state (never a reason to be unready)."""
    from search.backends import backend_settings, get_search_backend

    found = {}
    for alias in backend_settings():
        try:
            health = get_search_backend(alias).health()
        except Exception as error:  # noqa: BLE001
            found[alias] = _down(error)
            continue
        if health.get("ok"):
            found[alias] = {"state": "ok", "backend": health.get("backend", "")}
        else:
            found[alias] = {"state": "down", "backend": health.get("backend", "")}
    return found


REQUIRED = {"database": check_database, "broker": check_broker, "cache": check_cache}


def readiness() -> tuple[int, dict]:
    started = time.monotonic()
    checks = {name: check() for name, check in REQUIRED.items()}
    ready = all(result["state"] != "down" for result in checks.values())
    search = check_search()
    if any(result["state"] == "down" for result in search.values()):
        search["note"] = "search falls back to the database backend"
    checks["search"] = search
    body = {
        "status": "ready" if ready else "unready",
        "checks": checks,
        "seconds": round(time.monotonic() - started, 3),
    }
    return (200 if ready else 503), body


def liveness() -> tuple[int, dict]:
    return 200, {"status": "ok"}


PROBES = {"/healthz": liveness, "/readyz": readiness}


class HealthCheckMiddleware:
    """First in MIDDLEWARE: answers the probes before anything else looks at the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info.rstrip("/"))
        if probe is None:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = JsonResponse({"status": "method not allowed"}, status=405)
            response["Allow"] = "GET, HEAD"
        else:
            status, body = probe()
            response = JsonResponse(body, status=status)
        response["Cache-Control"] = "no-store"
        return response
