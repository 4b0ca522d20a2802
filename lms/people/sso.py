"""Trusted-header single sign-on for the host party-school platform (off by default).

When LMS_SSO_HEADER is set (for example HTTP_X_REMOTE_USER), the reverse proxy in
front of 心育 authenticates the user and passes the username in that header. Only
existing accounts are logged in (cadres arrive through the roster, not through the
header). The proxy must strip the header from every client request, or anyone
could claim any name: never enable this on a site reachable without that proxy.
"""

from django.contrib.auth.backends import RemoteUserBackend
from django.contrib.auth.middleware import PersistentRemoteUserMiddleware

from lms.conf import lms_settings


class TrustedHeaderMiddleware(PersistentRemoteUserMiddleware):
    # Persistent: the session outlives requests that lack the header (e.g. static files).

    @property
    def header(self):
        return lms_settings.LMS_SSO_HEADER


class ExistingUsersOnlyBackend(RemoteUserBackend):
    create_unknown_user = False
