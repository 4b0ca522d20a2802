"""An offline session's attendance sheet: instructors tick who came, hours are awarded
exactly once, a cadre without a seat is refused with nothing changed, and a printable
sign-in sheet for the door."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from courses.models import Instructor
from lms.learning.signups import sign_up
from lms.models import CreditRecord, SessionSignup, SignupStatus
from lms.people.accounts import assign_instructor, make_department_admin
from lms.teaching.attendance import mark_attended
from tests.admin_icons import icon_problems
from tests.factories import make_cadre, make_department
from tests.lms.learning.test_signup_concurrency import make_session, run_together

pytestmark = pytest.mark.django_db


def account(username, **fields):
    return get_user_model().objects.create_user(username=username, password="x-Pass-1", **fields)


@pytest.fixture
def world(curriculum):
    session = make_session(curriculum, capacity=2)
    course = session.page
    course.credit_hours = Decimal("3.0")
    course.save_revision().publish()
    first, second, third = (make_cadre(name=name) for name in ("赵一", "钱二", "孙三"))
    seats = [sign_up(first, session), sign_up(second, session)]
    waiting = sign_up(third, session)
    other = make_session(curriculum, capacity=5)
    elsewhere = sign_up(make_cadre(name="李四"), other)
    teacher = account("teacher")
    assign_instructor(teacher, [curriculum])
    Instructor.objects.create(name="陈老师", user=teacher).courses.add(course)
    other_teacher = account("other-teacher")
    assign_instructor(other_teacher, [curriculum])
    deptadmin = account("deptadmin")
    make_department_admin(deptadmin, make_department())
    return {
        "session": session,
        "url": f"/admin/courses/{course.pk}/sessions/{session.pk}/attendance/",
        "seats": seats,
        "waiting": waiting,
        "elsewhere": elsewhere,
        "teacher": teacher,
        "other_teacher": other_teacher,
        "deptadmin": deptadmin,
        "admin": account("root", is_superuser=True, is_staff=True),
    }


def test_ticking_who_came_awards_the_hours_once(client, world):
    client.force_login(world["teacher"])
    ids = [str(signup.pk) for signup in world["seats"]]
    response = client.post(world["url"], {"attended": ids}, follow=True)
    assert response.status_code == 200
    assert "2 人已标记为出席" in response.content.decode()
    assert icon_problems(response.content.decode()) == []
    assert set(SessionSignup.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        SignupStatus.ATTENDED
    }
    records = CreditRecord.objects.filter(source="offline")
    assert sorted(records.values_list("hours", flat=True)) == [Decimal("3.0")] * 2

    client.post(world["url"], {"attended": ids})  # saved again
    assert CreditRecord.objects.filter(source="offline").count() == 2


@pytest.mark.parametrize("intruder", ["waiting", "elsewhere"])
def test_a_cadre_without_a_seat_is_refused_and_nothing_changes(client, world, intruder):
    client.force_login(world["teacher"])
    ids = [str(world["seats"][0].pk), str(world[intruder].pk)]
    response = client.post(world["url"], {"attended": ids})
    assert response.status_code == 400
    body = response.content.decode()
    assert "未保存任何内容" in body
    assert ("候补" in body) if intruder == "waiting" else ("没有报名本场" in body)
    assert not SessionSignup.objects.filter(status=SignupStatus.ATTENDED).exists()
    assert not CreditRecord.objects.exists()


def test_nothing_ticked_or_garbage_says_so(client, world):
    client.force_login(world["teacher"])
    assert client.post(world["url"], {}).status_code == 400
    assert client.post(world["url"], {"attended": ["x"]}).status_code == 400


@pytest.mark.parametrize(
    ("who", "status"),
    [("teacher", 200), ("admin", 200), ("other_teacher", 404), ("deptadmin", 404)],
)
def test_who_keeps_the_attendance(client, world, who, status):
    client.force_login(world[who])
    assert client.get(world["url"]).status_code == status


def test_the_printable_sheet_lists_the_seated_cadres_for_signatures(client, world):
    client.force_login(world["teacher"])
    body = client.get(world["url"], {"print": "1"}).content.decode()
    assert "签到表" in body and "赵一" in body and "钱二" in body
    assert "孙三" not in body  # the waiting list has no seat
    assert "<script>" not in body  # the print button is wired by theme/js/print.js


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_instructors_ticking_at_once_award_the_hours_once(curriculum):
    session = make_session(curriculum, capacity=5)
    signup = sign_up(make_cadre(), session)

    results, errors = run_together(lambda _n: mark_attended(session, [signup.pk]), range(6))

    assert errors == []
    assert CreditRecord.objects.filter(cadre=signup.cadre, source="offline").count() == 1
    assert SessionSignup.objects.get(pk=signup.pk).status == SignupStatus.ATTENDED
