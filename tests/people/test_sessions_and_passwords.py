"""Sessions end with the browser and after hours of inactivity; cadres change their own
password, in Chinese; a password an administrator set must be replaced at sign-in."""

import time
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lms.people.passwords import CHANGE_REQUIRED_GROUP, must_change_password
from lms.people.sessions import RENEWAL_PRECISION, RENEWED_AT
from tests.factories import make_cadre
from tests.people.test_sso import SSO_MIDDLEWARE_SETTINGS, sso_middleware

pytestmark = pytest.mark.django_db

PASSWORD = "pw-cadre-123"
NEW_PASSWORD = "Qz-7plover-harbour"
PASSWORD_PAGE = reverse("password_change")
MY = reverse("lms:my_learning")


@pytest.fixture
def cadre(db):
    return make_cadre(username="zhangsan")


@pytest.fixture
def admin(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@xinyu.invalid", PASSWORD)


def sign_in(client, username, password=PASSWORD, url="/accounts/login/", **data):
    return client.post(url, {"username": username, "password": password, **data})


def session_row(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


# Sessions -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "extra"),
    [("/accounts/login/", {}), ("/admin/login/", {"remember": "on"})],
)
def test_the_session_cookie_ends_with_the_browser(client, admin, url, extra):
    response = sign_in(client, "root", url=url, **extra)

    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    assert cookie["httponly"]


def test_the_admin_login_offers_no_remember_me(client):
    page = client.get("/admin/login/").content.decode()
    assert 'name="password"' in page
    assert 'name="remember"' not in page


def test_sessions_last_eight_hours_from_the_last_request(client, cadre, settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    sign_in(client, "zhangsan")
    expires = session_row(client).expire_date
    assert expires == pytest.approx(timezone.now() + timedelta(hours=8), abs=timedelta(minutes=1))

    # Hours later (the last renewal is old, the row nearly expired), a request renews it.
    session = client.session
    session[RENEWED_AT] = int(time.time()) - RENEWAL_PRECISION - 1
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() + timedelta(minutes=2)
    )
    assert client.get(MY).status_code == 200
    renewed = session_row(client).expire_date
    assert renewed == pytest.approx(timezone.now() + timedelta(hours=8), abs=timedelta(minutes=1))


def test_a_request_soon_after_the_last_renewal_writes_nothing(client, cadre):
    client.force_login(cadre.user)

    with CaptureQueriesContext(connection) as queries:
        client.get(MY)

    writes = [query["sql"] for query in queries if query["sql"].startswith(("UPDATE", "INSERT"))]
    assert not [sql for sql in writes if "django_session" in sql]


def test_a_session_past_its_expiry_is_signed_out(client, cadre):
    sign_in(client, "zhangsan")
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))

    response = client.get(MY)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# Changing one's password ------------------------------------------------------------------------


def change(client, old, new, new_again=None, **extra):
    data = {"old_password": old, "new_password1": new, "new_password2": new_again or new}
    return client.post(PASSWORD_PAGE, {**data, **extra})


def test_my_learning_links_to_the_password_page(client, cadre):
    client.force_login(cadre.user)
    assert f'href="{PASSWORD_PAGE}"' in client.get(MY).content.decode()


def test_a_cadre_changes_their_password_and_stays_signed_in(client, cadre):
    client.force_login(cadre.user)
    page = client.get(PASSWORD_PAGE)
    assert page.status_code == 200
    assert "theme/password_change.html" in [template.name for template in page.templates]

    response = change(client, PASSWORD, NEW_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/my/"  # back to their own landing
    cadre.user.refresh_from_db()
    assert cadre.user.check_password(NEW_PASSWORD)
    assert client.get(MY).wsgi_request.user == cadre.user


def test_the_password_page_needs_a_signed_in_user(client):
    response = client.get(PASSWORD_PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("new_password", "message"),
    [
        ("Qz-7plov", "密码长度太短。密码必须包含至少 10 个字符。"),
        ("1234567890", "这个密码太常见了。"),
        ("8405917362", "密码只包含数字。"),
    ],
)
def test_the_validators_answer_in_chinese(client, cadre, new_password, message):
    client.force_login(cadre.user)

    response = change(client, PASSWORD, new_password)

    assert response.status_code == 200
    assert message in response.content.decode()
    cadre.user.refresh_from_db()
    assert cadre.user.check_password(PASSWORD)


def test_a_wrong_old_password_changes_nothing(client, cadre):
    client.force_login(cadre.user)
    response = change(client, "not-my-password", NEW_PASSWORD)
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    cadre.user.refresh_from_db()
    assert cadre.user.check_password(PASSWORD)


# A first password from an administrator -----------------------------------------------------------


def edit_in_admin(client, admin, user, groups=None, **extra):
    """Wagtail's user edit form, as the roster's administrator uses it."""
    client.force_login(admin)
    data = {
        "username": user.username,
        "email": user.email or f"{user.username}@xinyu.invalid",
        "first_name": user.first_name or "晓梅",
        "last_name": user.last_name or "张",
        "is_active": "on",
        "groups": [group.pk for group in (user.groups.all() if groups is None else groups)],
        **extra,
    }
    response = client.post(reverse("wagtailusers_users:edit", args=[user.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    client.logout()


def set_password_in_admin(client, admin, user, password):
    edit_in_admin(client, admin, user, password1=password, password2=password)


@pytest.fixture
def imported(django_user_model):
    """A cadre account as a roster import creates it: no usable password."""
    user = django_user_model.objects.create_user("s000042", first_name="晓梅", last_name="张")
    assert not user.has_usable_password()
    return user


def test_a_first_password_from_an_administrator_must_be_replaced(client, admin, imported):
    set_password_in_admin(client, admin, imported, "First-pass-2026")
    assert must_change_password(imported)

    signed_in = sign_in(client, "s000042", "First-pass-2026", next=MY)
    assert signed_in.status_code == 302

    # Every page leads to the password page until the password is changed.
    for url in (MY, "/", reverse("lms:certificate_lookup")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{PASSWORD_PAGE}?next={url.replace('/', '%2F')}"
    page = client.get(PASSWORD_PAGE)
    assert page.status_code == 200 and page.context["required"]

    changed = change(client, "First-pass-2026", NEW_PASSWORD, next=MY)

    assert changed.status_code == 302 and changed["Location"] == MY
    assert client.get(MY).status_code == 200
    assert not must_change_password(imported)
    imported.refresh_from_db()
    assert imported.check_password(NEW_PASSWORD)


def test_signing_out_stays_possible_before_the_change(client, admin, imported):
    set_password_in_admin(client, admin, imported, "First-pass-2026")
    sign_in(client, "s000042", "First-pass-2026")

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_an_administrator_changing_their_own_password_is_not_asked_again(client, admin):
    set_password_in_admin(client, admin, admin, "Own-choice-2026")
    assert not must_change_password(admin)


def test_the_flag_is_a_group_an_administrator_can_see_and_tick(client, admin, cadre):
    set_password_in_admin(client, admin, cadre.user, "First-pass-2026")
    flag = Group.objects.get(name=CHANGE_REQUIRED_GROUP)
    assert list(cadre.user.groups.all()) == [flag]
    client.force_login(admin)
    form = client.get(reverse("wagtailusers_users:edit", args=[cadre.user.pk])).context["form"]
    assert flag in form.fields["groups"].queryset

    # Unticked by an administrator: the owner keeps the password.
    edit_in_admin(client, admin, cadre.user, groups=[])
    assert not must_change_password(cadre.user)

    # Ticked for someone whose password may be known to others: they must choose a new one.
    edit_in_admin(client, admin, cadre.user, groups=[flag])
    sign_in(client, "zhangsan", "First-pass-2026")
    assert client.get(MY)["Location"].startswith(PASSWORD_PAGE)


def test_a_single_sign_on_session_is_not_sent_to_the_password_page(client, admin, cadre, settings):
    set_password_in_admin(client, admin, cadre.user, "First-pass-2026")
    browser = Client()  # a client loads its middleware at its first request
    with override_settings(MIDDLEWARE=sso_middleware(settings), **SSO_MIDDLEWARE_SETTINGS):
        response = browser.get(MY, HTTP_X_REMOTE_USER="zhangsan")
    assert response.status_code == 200
    assert response.wsgi_request.user == cadre.user
