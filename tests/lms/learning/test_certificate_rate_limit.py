"""Public certificate verification has a budget per visitor address, so that codes cannot
be guessed one after another; past it, a calm page (or the API's error) says to wait."""

import html
import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from lms.conf import DEFAULTS

pytestmark = pytest.mark.django_db

ELSEWHERE = "198.51.100.30"


def verify(client, code="NOSUCHCODE22", **extra):
    return client.get(reverse("lms:verify_certificate", args=[code]), **extra)


def lookup(client, code="NOSUCHCODE22", **extra):
    return client.get(reverse("lms:certificate_lookup"), {"code": code}, **extra)


def paused_text(minutes: int) -> str:
    singular = (
        "Many certificates were checked from this computer in a short time. To protect "
        "certificate holders, checking is paused for at most %(minutes)s minute. Please try "
        "again then."
    )
    plural = singular.replace("minute.", "minutes.")
    with translation.override("zh-hans"):
        return ngettext(singular, plural, minutes) % {"minutes": minutes}


def test_the_default_budget_is_thirty_lookups_per_ten_minutes(settings):
    assert DEFAULTS["LMS_CERTIFICATE_LOOKUP_LIMIT"] == 30
    assert DEFAULTS["LMS_CERTIFICATE_LOOKUP_WINDOW"] == 10 * 60
    assert settings.LMS_CERTIFICATE_LOOKUP_LIMIT == 30


def test_lookups_beyond_the_budget_get_a_calm_429(client, settings):
    responses = [verify(client) for _ in range(settings.LMS_CERTIFICATE_LOOKUP_LIMIT)]
    assert {response.status_code for response in responses} == {404}

    paused = verify(client)

    assert paused.status_code == 429
    assert paused["Retry-After"] == str(settings.LMS_CERTIFICATE_LOOKUP_WINDOW)
    page = " ".join(html.unescape(paused.content.decode()).split())
    assert paused_text(10) in page
    assert '<html lang="zh-hans">' in paused.content.decode()
    # Nothing was looked up: not even whether the code exists.
    assert "verify-verdict" not in page and "certificate" not in paused.context


def test_the_budget_is_per_address(client, settings):
    settings.LMS_CERTIFICATE_LOOKUP_LIMIT = 2
    verify(client), verify(client)
    assert verify(client).status_code == 429

    assert verify(Client(), REMOTE_ADDR=ELSEWHERE).status_code == 404


def test_the_lookup_form_answers_429_once_the_budget_is_spent(client, settings):
    settings.LMS_CERTIFICATE_LOOKUP_LIMIT = 2
    # The form's redirect costs nothing; the lookup it leads to does.
    assert lookup(client).status_code == 302
    verify(client), verify(client)

    assert lookup(client).status_code == 429
    # The empty form is still there to read.
    assert client.get(reverse("lms:certificate_lookup")).status_code == 200


def test_the_budget_returns_after_the_window(client, settings):
    settings.LMS_CERTIFICATE_LOOKUP_LIMIT = 1
    settings.LMS_CERTIFICATE_LOOKUP_WINDOW = 1
    verify(client)
    assert verify(client).status_code == 429

    time.sleep(1.1)

    assert verify(client).status_code == 404


def test_behind_a_proxy_the_visitor_address_counts(client, settings):
    settings.LMS_CERTIFICATE_LOOKUP_LIMIT = 1
    settings.LMS_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    verify(client, HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy)
    assert verify(client, HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy).status_code == 429
    assert verify(client, HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy).status_code == 404


def test_the_api_shares_the_budget_and_answers_in_its_error_shape(client, settings):
    settings.LMS_CERTIFICATE_LOOKUP_LIMIT = 2
    verify(client)
    assert client.get("/api/v1/certificates/NOSUCHCODE22").status_code == 404

    response = client.get("/api/v1/certificates/NOSUCHCODE22")

    assert response.status_code == 429
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == "too_many_lookups"
    assert set(body["error"]) == {"code", "message", "details"}
    assert verify(client).status_code == 429
