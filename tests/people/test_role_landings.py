"""After signing in, each role lands where its work is, unless `next` says otherwise."""

import pytest
from django.contrib.auth import get_user_model

from lms.people.accounts import instructors_group, make_department_admin
from lms.people.roles import counsellors_group
from tests.factories import make_cadre, make_department

pytestmark = pytest.mark.django_db
PASSWORD = "landing-Password-1"  # noqa: S105  (a test account)
LOGIN = "/accounts/login/"


def account(username, **fields):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, **fields)
    return user


@pytest.fixture
def people(home):
    cadre = make_cadre(username="cadre-landing")
    cadre.user.set_password(PASSWORD)
    cadre.user.save()
    instructor = account("instructor-landing")
    instructor.groups.add(instructors_group(home))
    counsellor = account("counsellor-landing")
    counsellor.groups.add(counsellors_group())
    deptadmin = account("deptadmin-landing")
    make_department_admin(deptadmin, make_department(code="unit", name="市检察院"))
    admin = account("admin-landing", is_superuser=True, is_staff=True)
    visitor = account("visitor-landing")
    return {
        "cadre": (cadre.user, "/my/"),
        "instructor": (instructor, "/admin/"),
        "counsellor": (counsellor, "/counsellor/"),
        "deptadmin": (deptadmin, "/admin/"),
        "admin": (admin, "/admin/"),
        "visitor": (visitor, "/"),
    }


@pytest.mark.parametrize(
    "role", ["cadre", "instructor", "counsellor", "deptadmin", "admin", "visitor"]
)
def test_each_role_lands_on_its_work(client, people, role):
    user, landing = people[role]
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == landing
    # Where it lands works for that account (no loop back to the login page).
    assert client.get(landing).status_code == 200


def test_next_wins_over_the_landing(client, people):
    user, _ = people["instructor"]
    response = client.post(
        LOGIN, {"username": user.username, "password": PASSWORD, "next": "/search/"}
    )
    assert response["Location"] == "/search/"


def test_a_signed_in_user_visiting_the_login_page_goes_to_their_landing(client, people):
    user, landing = people["counsellor"]
    client.force_login(user)
    response = client.get(LOGIN)
    assert response.status_code == 302 and response["Location"] == landing
