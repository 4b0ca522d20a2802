"""Who is calling: a bearer token issued to the host platform, or a browser session."""

from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.signals import user_login_failed
from django.utils import timezone
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth
from ninja.utils import check_csrf

from lms.errors import NotACadre
from lms.models.learning import ApiToken
from lms.people.models import CadreProfile
from lms.people.roles import cadre_of
from lms.people.throttling import unlock_time

from .errors import CsrfFailed, InvalidToken, TooManyFailures

# Writing last_used_at on every call would turn each read into a row write (and a lock
# that concurrent calls with one token queue on); a few minutes' precision is enough.
LAST_USED_PRECISION = timedelta(minutes=5)


# What a failed token tells django-axes: no username, so it counts for the address only
# (lms.people.throttling.lockout_parameters); never the token itself.
TOKEN_CREDENTIALS = {"api_token": "********************"}


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <key>`; only the key's hash is stored."""

    def authenticate(self, request, token: str):
        # Wrong tokens count as failed sign-ins of the caller's address (django-axes):
        # past the limit, every token from that address is refused until the cool-off ends.
        if not AxesProxyHandler.is_allowed(request, TOKEN_CREDENTIALS):
            raise TooManyFailures(unlock_time(request, TOKEN_CREDENTIALS))
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash(token.strip()))
            .first()
        )
        if found is None or not found.user.is_active:
            user_login_failed.send(sender=__name__, credentials=TOKEN_CREDENTIALS, request=request)
            if request.axes_locked_out:
                raise TooManyFailures(unlock_time(request, TOKEN_CREDENTIALS))
            # A wrong token is refused outright rather than falling back to the session.
            raise InvalidToken()
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        return found.user


class SessionAuth(NinjaSessionAuth):
    """Django's session, with CSRF enforced for unsafe methods.

    Without a signed-in session there is nothing for a forged request to ride on, so an
    anonymous call gets a plain 401 rather than a CSRF failure.
    """

    def __call__(self, request):
        if not request.user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise CsrfFailed()
        return request.user


AUTH = [TokenAuth(), SessionAuth()]


def require_cadre(request) -> CadreProfile:
    """The calling user's learner profile, or NotACadre (403)."""
    cadre = cadre_of(request.auth)
    if cadre is None:
        raise NotACadre()
    return cadre
