"""Passwords: one someone else chose is replaced by its owner at the next sign-in.

Roster imports create accounts without a usable password: cadres sign in through the host
platform's single sign-on, or an administrator gives them a first password in the Wagtail
user admin. The administrator knows that password, so its owner must replace it. Setting
another account's password in the user admin puts the account in the group 须修改密码
(lms.people.user_forms); an administrator can also tick that group under an account's
roles to make its owner choose a new password. At each password sign-in the membership is
noted in the session; until the owner changes the password on /accounts/password/, every
page redirects there. Changing it takes the account out of the group.

A group rather than a new field: it needs no model or migration, and the user admin
already shows and edits it. Reading it once at sign-in keeps it off every request.
"""

from django.contrib.auth import BACKEND_SESSION_KEY, password_validation
from django.contrib.auth.models import Group
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import ngettext

from lms.people.sso import ExistingUsersOnlyBackend

CHANGE_REQUIRED_GROUP = "须修改密码"
SESSION_FLAG = "lms_must_change_password"
SSO_BACKEND = f"{ExistingUsersOnlyBackend.__module__}.{ExistingUsersOnlyBackend.__qualname__}"


def require_password_change(user) -> None:
    """The owner must choose a new password at the next sign-in."""
    user.groups.add(Group.objects.get_or_create(name=CHANGE_REQUIRED_GROUP)[0])


def must_change_password(user) -> bool:
    return user.groups.filter(name=CHANGE_REQUIRED_GROUP).exists()


def password_changed_by_owner(user) -> None:
    user.groups.remove(*Group.objects.filter(name=CHANGE_REQUIRED_GROUP))


def note_required_change(sender, request, user, **kwargs) -> None:
    """`user_logged_in` receiver (wired in LmsConfig.ready): copy the flag into the session.

    A single sign-on session is left alone: its user never typed the password and could
    not give the old one that the change form asks for.
    """
    session = getattr(request, "session", None)
    if session is None or session.get(BACKEND_SESSION_KEY) == SSO_BACKEND:
        return
    if must_change_password(user):
        session[SESSION_FLAG] = True


class PasswordChangeRequiredMiddleware:
    """Sends a signed-in user whose session carries the flag to the password page.

    Only the session is read, so other users' requests cost nothing. Signing out, the
    language menu and the password page itself stay reachable.
    """

    ALLOWED_URL_NAMES = ("password_change", "logout", "wagtailadmin_logout", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.session.get(SESSION_FLAG) and request.user.is_authenticated:
            allowed = {reverse(name) for name in self.ALLOWED_URL_NAMES}
            if request.path not in allowed:
                target = reverse("password_change")
                if request.method == "GET":
                    target += "?" + urlencode({"next": request.get_full_path()})
                return redirect(target)
        return self.get_response(request)


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with its error under the message id Django's translations carry.

    Django 5.2 builds this one message from a new id ("…at least %d characters.") that its
    shipped zh_Hans catalogue lacks (Django ticket #36378): cadres would read it in English.
    """

    def get_error_message(self):
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
