import pytest
from django.test import override_settings

from tests.factories import make_cadre

pytestmark = pytest.mark.django_db

SSO_MIDDLEWARE_SETTINGS = {
    "LMS_SSO_HEADER": "HTTP_X_REMOTE_USER",
    "AUTHENTICATION_BACKENDS": [
        "lms.people.sso.ExistingUsersOnlyBackend",
        "django.contrib.auth.backends.ModelBackend",
    ],
}


def sso_middleware(settings):
    middleware = list(settings.MIDDLEWARE)
    position = middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
    middleware.insert(position, "lms.people.sso.TrustedHeaderMiddleware")
    return middleware


def test_header_is_ignored_when_sso_is_off(client):
    cadre = make_cadre(username="sso-user")
    response = client.get("/", HTTP_X_REMOTE_USER=cadre.user.username)
    assert response.wsgi_request.user.is_anonymous


def test_trusted_header_logs_in_existing_users_only(client, settings):
    cadre = make_cadre(username="sso-user")
    with override_settings(MIDDLEWARE=sso_middleware(settings), **SSO_MIDDLEWARE_SETTINGS):
        known = client.get("/", HTTP_X_REMOTE_USER=cadre.user.username)
        assert known.wsgi_request.user == cadre.user
        client.logout()
        unknown = client.get("/", HTTP_X_REMOTE_USER="nobody-here")
        assert unknown.wsgi_request.user.is_anonymous
