"""Sessions end after SESSION_COOKIE_AGE without a request, and when the browser closes.

Django pushes a session's expiry forward whenever it saves the session. With
SESSION_SAVE_EVERY_REQUEST every request of every signed-in user would be a row write (an
UPDATE of the session); instead a signed-in request saves the session only when its last
renewal is more than RENEWAL_PRECISION old, so a session ends between SESSION_COOKIE_AGE
minus that precision and SESSION_COOKIE_AGE after the last request.
"""

import time

from django.contrib.auth import SESSION_KEY
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm

RENEWAL_PRECISION = 5 * 60  # seconds
RENEWED_AT = "lms_renewed_at"


def note_renewal(sender, request, user, **kwargs) -> None:
    """`user_logged_in` receiver (wired in LmsConfig.ready): signing in saves the session,
    which is a renewal."""
    session = getattr(request, "session", None)
    if session is not None:
        session[RENEWED_AT] = int(time.time())


class SessionRenewalMiddleware:
    """After SessionMiddleware: marks a signed-in session for saving once its last renewal
    is RENEWAL_PRECISION old; SessionMiddleware then saves it with a fresh expiry."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY in session:
            now = int(time.time())
            if now - session.get(RENEWED_AT, 0) > RENEWAL_PRECISION:
                session[RENEWED_AT] = now
        return self.get_response(request)


class AdminLoginForm(LoginForm):
    """WAGTAILADMIN_USER_LOGIN_FORM: Wagtail's login form without "remember me", which
    would keep the session cookie after the browser closes on a shared desktop (the box
    is taken off the page by theme/templates/wagtailadmin/login.html)."""

    remember = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Wagtail's form gives the field no label, so Django shows its name, "Password",
        # in English whatever the language.
        self.fields["password"].label = _("Password")
