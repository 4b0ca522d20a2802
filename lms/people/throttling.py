"""Throttling: login lockouts (django-axes) and per-address budgets for public lookups.

Sign-in failures are counted by django-axes in its own tables (AccessAttempt for the live
counts, AccessFailureLog for every failure and whether it locked someone out, AccessLog
for sign-ins), per account and per visitor address: AXES_FAILURE_LIMIT failures within
AXES_COOLOFF_TIME lock that account, or that address, until the newest of those failures
is AXES_COOLOFF_TIME old. The site login, the Wagtail admin login and API bearer tokens
(lms.api.auth) all count. An administrator unlocks early with
`manage.py axes_reset_username USER` (or `axes_reset_ip ADDRESS`).

Public lookups that cannot fail a password (certificate verification) get a budget of
requests per address per window instead, kept in Django's cache.
"""

import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.backends import AxesStandaloneBackend
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessBase
from django.core.cache import cache
from django.shortcuts import render
from django.utils import timezone

from lms.conf import lms_settings


class LoginThrottleBackend(AxesStandaloneBackend):
    """Axes' gate, first in AUTHENTICATION_BACKENDS: refuses every sign-in, right password
    or not, while the account or the address is locked out. The backends after it decide
    who the user is.

    A call without a request (the test client's `login()`, a shell) has no address to
    count and nobody to show a lockout page to, so it is left to the other backends.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_parameters(request_or_attempt, credentials=None) -> list[str]:
    """AXES_LOCKOUT_PARAMETERS: failures count per account and per address.

    A failure with no username (a wrong API token) counts for its address only: counted
    per username too, every token failure from every address would share one count.
    """
    if isinstance(request_or_attempt, AccessBase):
        username = request_or_attempt.username
    else:
        username = get_client_username(request_or_attempt, credentials)
    return ["username", "ip_address"] if username else ["ip_address"]


def is_single_sign_on(request, credentials=None) -> bool:
    """AXES_WHITELIST_CALLABLE: a trusted-header sign-in (lms.people.sso) guesses no
    password; the proxy has already authenticated the user, so there is nothing to count,
    and an unknown name must not lock out the proxy's address."""
    return bool(credentials) and "remote_user" in credentials


def client_address(request) -> str | None:
    """The visitor's address (AXES_CLIENT_IP_CALLABLE, and the lookup budgets).

    Behind LMS_PROXY_COUNT reverse proxies that each append to X-Forwarded-For, it is the
    address the outermost of them saw; anything further left was written by the client and
    is ignored. Without proxies (the default) it is REMOTE_ADDR.
    """
    address = request.META.get("REMOTE_ADDR")
    proxies = lms_settings.LMS_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def unlock_time(request, credentials=None) -> datetime:
    """When the lockout of this request's account or address ends.

    Each count (account, address) sums the failures of attempts newer than the cool-off;
    it stays at the limit until the newest attempts that make up the limit are older than
    the cool-off.
    """
    AxesProxyHandler.update_request(request)
    cool_off = get_cool_off(request) or timedelta(0)
    limit = get_failure_limit(request, credentials)
    ends = []
    for attempts in AxesProxyHandler.get_implementation().get_user_attempts(request, credentials):
        counted = 0
        newest_first = attempts.order_by("-attempt_time").values_list(
            "attempt_time", "failures_since_start"
        )
        for attempt_time, failures in newest_first:
            counted += failures
            if counted >= limit:
                ends.append(attempt_time + cool_off)
                break
    return max(ends, default=timezone.now() + cool_off)


def minutes_until(moment: datetime) -> int:
    """Whole minutes from now until `moment`, rounded up: "wait 1 minute", never 0."""
    return max(1, math.ceil((moment - timezone.now()).total_seconds() / 60))


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the lockout page, saying until when to wait."""
    # A view that already answered the lockout in its own format (the API's JSON error
    # body) keeps its answer.
    if original_response is not None and original_response.status_code == 429:
        return original_response
    unlock_at = unlock_time(request, credentials)
    response = render(
        request,
        "theme/lockout.html",
        {"unlock_at": unlock_at, "minutes": minutes_until(unlock_at)},
        status=429,
    )
    response["Retry-After"] = str(max(1, int((unlock_at - timezone.now()).total_seconds())))
    return response


# Lookup budgets ------------------------------------------------------------------------


@dataclass(frozen=True)
class Budget:
    """`limit` requests per address per `window` seconds, counted in Django's cache.

    The window starts at an address's first request. The count lives in the default cache:
    with the per-process memory cache each web process counts on its own, so a shared
    cache (Redis) makes the limit exact across processes.
    """

    name: str
    limit: int
    window: int

    def _key(self, address: str | None) -> str:
        return f"lms:budget:{self.name}:{address or 'unknown'}"

    def spend(self, address: str | None) -> bool:
        """Count one request; False once the address has used up its budget."""
        key = self._key(address)
        cache.add(key, 0, timeout=self.window)
        try:
            used = cache.incr(key)
        except ValueError:  # the window ended between add() and incr()
            cache.set(key, 1, timeout=self.window)
            used = 1
        return used <= self.limit

    def exhausted(self, address: str | None) -> bool:
        """Whether the address has used up its budget, without counting a request."""
        return cache.get(self._key(address), 0) >= self.limit


def certificate_lookups() -> Budget:
    """Verification is public, so codes could be guessed one after another."""
    return Budget(
        "certificate-lookup",
        lms_settings.LMS_CERTIFICATE_LOOKUP_LIMIT,
        lms_settings.LMS_CERTIFICATE_LOOKUP_WINDOW,
    )
