"""Login throttling (django-axes): failed sign-ins lock the account and the address for a
cool-off, on the site login, the Wagtail admin login and API bearer tokens alike."""

import html
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.core.management import call_command
from django.db.models import F
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from lms.models import ApiToken
from lms.people.throttling import client_address, lockout_parameters
from tests.factories import make_cadre
from tests.people.test_sso import SSO_MIDDLEWARE_SETTINGS, sso_middleware

pytestmark = pytest.mark.django_db

PASSWORD = "pw-cadre-123"
SITE_LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
API = "/api/v1"
ELSEWHERE = "198.51.100.20"


@pytest.fixture
def limit(settings):
    return settings.AXES_FAILURE_LIMIT


@pytest.fixture
def cadre(db):
    return make_cadre(username="zhangsan")


@pytest.fixture
def admin(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@xinyu.invalid", PASSWORD)


def sign_in(client, url, username, password, **extra):
    return client.post(url, {"username": username, "password": password}, **extra)


def fail(client, url, username, times, **extra):
    return [sign_in(client, url, username, "not-the-password", **extra) for _ in range(times)]


def cool_off_passes(settings):
    """Move the clock past the cool-off: every recorded failure gets that much older."""
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def lockout_text(minutes: int, time: str) -> str:
    """The lockout message as the page renders it in Chinese (the site's default)."""
    singular = (
        "There were too many unsuccessful sign-in attempts. To protect the account, signing "
        "in is paused until %(time)s (about %(minutes)s minute). Please try again then."
    )
    plural = (
        "There were too many unsuccessful sign-in attempts. To protect the account, signing "
        "in is paused until %(time)s (about %(minutes)s minutes). Please try again then."
    )
    with translation.override("zh-hans"):
        return ngettext(singular, plural, minutes) % {"time": time, "minutes": minutes}


def local_time(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


# The site login and the admin login ---------------------------------------------------------


@pytest.mark.parametrize("url", [SITE_LOGIN, ADMIN_LOGIN])
def test_the_right_password_still_works_one_failure_before_the_limit(client, cadre, limit, url):
    responses = fail(client, url, "zhangsan", limit - 1)
    assert {response.status_code for response in responses} == {200}

    response = sign_in(client, url, "zhangsan", PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)


@pytest.mark.parametrize("url", [SITE_LOGIN, ADMIN_LOGIN])
def test_the_account_is_locked_at_the_limit_even_for_the_right_password(
    client, admin, limit, settings, url
):
    *before, last = fail(client, url, "root", limit)
    assert {response.status_code for response in before} == {200}
    assert last.status_code == 429
    assert "theme/lockout.html" in [template.name for template in last.templates]

    refused = sign_in(client, url, "root", PASSWORD)
    assert refused.status_code == 429
    assert not signed_in(client)

    page = html.unescape(refused.content.decode())
    unlock_at = AccessAttempt.objects.get().attempt_time + settings.AXES_COOLOFF_TIME
    minutes = settings.AXES_COOLOFF_TIME.seconds // 60
    assert '<html lang="zh-hans">' in refused.content.decode()
    assert lockout_text(minutes, local_time(unlock_at)) in " ".join(page.split())
    assert int(refused["Retry-After"]) == pytest.approx(settings.AXES_COOLOFF_TIME.seconds, abs=5)


def test_the_page_counts_down_and_tries_during_the_lockout_do_not_extend_it(
    client, cadre, limit, settings
):
    fail(client, SITE_LOGIN, "zhangsan", limit)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=10))

    refused = sign_in(client, SITE_LOGIN, "zhangsan", PASSWORD)

    unlock_at = AccessAttempt.objects.get().attempt_time + settings.AXES_COOLOFF_TIME
    remaining = settings.AXES_COOLOFF_TIME.seconds // 60 - 10
    page = " ".join(html.unescape(refused.content.decode()).split())
    assert lockout_text(remaining, local_time(unlock_at)) in page
    assert AccessAttempt.objects.get().failures_since_start == limit


def test_the_lockout_ends_after_the_cool_off(client, cadre, limit, settings):
    fail(client, SITE_LOGIN, "zhangsan", limit)
    assert sign_in(client, SITE_LOGIN, "zhangsan", PASSWORD).status_code == 429

    cool_off_passes(settings)

    assert sign_in(client, SITE_LOGIN, "zhangsan", PASSWORD).status_code == 302
    assert signed_in(client)


def test_the_account_is_locked_from_every_address(client, cadre, limit):
    for n in range(limit):
        sign_in(client, SITE_LOGIN, "zhangsan", "wrong", REMOTE_ADDR=f"198.51.100.{n + 1}")

    response = sign_in(client, SITE_LOGIN, "zhangsan", PASSWORD, REMOTE_ADDR=ELSEWHERE)
    assert response.status_code == 429


def test_the_address_is_locked_for_every_account(client, cadre, limit):
    for n in range(limit):
        sign_in(client, SITE_LOGIN, f"guess{n}", "wrong")

    assert sign_in(client, SITE_LOGIN, "zhangsan", PASSWORD).status_code == 429
    other = sign_in(Client(), SITE_LOGIN, "zhangsan", PASSWORD, REMOTE_ADDR=ELSEWHERE)
    assert other.status_code == 302


def test_failures_and_lockouts_are_kept_for_the_audit(client, cadre, limit):
    fail(client, SITE_LOGIN, "zhangsan", limit)

    failures = AccessFailureLog.objects.filter(username="zhangsan").order_by("attempt_time")
    assert failures.count() == limit
    assert [failure.locked_out for failure in failures] == [False] * (limit - 1) + [True]
    assert {failure.ip_address for failure in failures} == {"127.0.0.1"}
    assert "not-the-password" not in AccessAttempt.objects.get().post_data


def test_an_administrator_unlocks_an_account_with_the_management_command(client, cadre, limit):
    fail(client, SITE_LOGIN, "zhangsan", limit)

    call_command("axes_reset_username", "zhangsan", stdout=None)

    assert sign_in(client, SITE_LOGIN, "zhangsan", PASSWORD).status_code == 302


# API bearer tokens ---------------------------------------------------------------------------


def call(key: str, address: str = "127.0.0.1"):
    return Client(headers={"Authorization": f"Bearer {key}"}, REMOTE_ADDR=address).get(
        f"{API}/me/enrollments"
    )


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    return body["error"]


def test_wrong_tokens_lock_out_the_address(cadre, limit, settings):
    _token, key = ApiToken.issue(cadre.user, "党校平台")
    assert call(key).status_code == 200

    *before, last = [call("wrong-key") for _ in range(limit)]
    assert {error_of(response)["code"] for response in before} == {"invalid_token"}
    assert {response.status_code for response in before} == {401}
    assert last.status_code == 429
    assert error_of(last)["code"] == "too_many_failures"

    # The right token is refused too while the address is locked out, and only there.
    refused = call(key)
    assert refused.status_code == 429
    error = error_of(refused)
    unlock_at = AccessAttempt.objects.get().attempt_time + settings.AXES_COOLOFF_TIME
    assert local_time(unlock_at) in error["message"]
    with translation.override("zh-hans"):
        expected = gettext(
            "Too many requests from this address had an invalid API token. Requests "
            "with a token are refused until %(time)s."
        ) % {"time": local_time(unlock_at)}
    assert error["message"] == expected
    assert call(key, ELSEWHERE).status_code == 200

    failures = AccessFailureLog.objects.all()
    assert failures.count() == limit
    assert {failure.username for failure in failures} == {None}

    cool_off_passes(settings)
    assert call(key).status_code == 200


def test_token_failures_count_against_the_address_on_the_login_form_too(client, cadre, limit):
    for _ in range(limit):
        call("wrong-key")

    assert sign_in(client, SITE_LOGIN, "zhangsan", PASSWORD).status_code == 429


# Single sign-on, addresses -------------------------------------------------------------------


def test_single_sign_on_names_are_not_counted_as_failures(client, settings, limit):
    cadre = make_cadre(username="sso-user")
    with override_settings(MIDDLEWARE=sso_middleware(settings), **SSO_MIDDLEWARE_SETTINGS):
        for _ in range(limit + 1):
            assert client.get("/", HTTP_X_REMOTE_USER="nobody-here").status_code == 200
        assert not AccessAttempt.objects.exists()

        known = client.get("/", HTTP_X_REMOTE_USER=cadre.user.username)
        assert known.wsgi_request.user == cadre.user


def test_the_visitor_address_behind_trusted_proxies(settings):
    request = RequestFactory().get(
        "/",
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.66, 198.51.100.7, 10.0.0.1",
    )
    assert client_address(request) == "10.0.0.2"

    settings.LMS_PROXY_COUNT = 2
    # The client wrote 203.0.113.66 itself; the outer proxy saw 198.51.100.7.
    assert client_address(request) == "198.51.100.7"

    settings.LMS_PROXY_COUNT = 4
    assert client_address(request) == "10.0.0.2"  # fewer entries than proxies: not trusted

    settings.LMS_PROXY_COUNT = 1
    garbled = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="x<y")
    assert client_address(garbled) is None


def test_failures_without_a_username_count_per_address_only():
    request = RequestFactory().post("/accounts/login/", {"username": "zhangsan"})
    assert lockout_parameters(request, {"username": "zhangsan"}) == ["username", "ip_address"]
    assert lockout_parameters(request, {"api_token": "****"}) == ["ip_address"]
