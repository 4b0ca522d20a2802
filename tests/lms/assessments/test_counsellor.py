"""The counsellor's follow-up worklist and a consenting cadre's results."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lms.assessments import records as assessments
from lms.models import AuditLog, FollowUp, FollowUpStatus
from lms.people.roles import DEPARTMENT_ADMINS, INSTRUCTORS, counsellors_group
from tests.factories import make_cadre

pytestmark = pytest.mark.django_db

WORKLIST = reverse("lms_counsellor:worklist")


@pytest.fixture(autouse=True)
def english(client, settings):
    """Pages in English, so the assertions hold whatever the Chinese catalogue says."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def scl(**overrides):
    """SCL-90 answers: every item 1 unless given as iN=value."""
    answers = dict.fromkeys(range(1, 91), 1)
    answers.update({int(k[1:]): v for k, v in overrides.items()})
    return answers


# Every item 3, items 1–23 at 4: total 293, GSI 3.26, item 15 at 4, so a crisis (rung 3).
CRISIS_ANSWERS = {n: 4 if n <= 23 else 3 for n in range(1, 91)}
CRISIS_TOTAL, CRISIS_GSI = "293", "3.26"
# Paranoid factor at 3: high (rung 2), no safety item, so a routine follow-up.
HIGH_ANSWERS = scl(**{f"i{n}": 3 for n in [8, 18, 43, 68, 76, 83]})


def make_counsellor(django_user_model, username="counsellor"):
    user = django_user_model.objects.create_user(username, password="pw-counsellor-1")
    user.groups.add(counsellors_group())
    return user


def make_in_group(django_user_model, username, group):
    user = django_user_model.objects.create_user(username, password="pw-staff-1")
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def assessed_cadre(*, share: bool, answers=None, **fields):
    """A consenting cadre with one SCL-90 result; high or crisis results open a follow-up."""
    cadre = make_cadre(**fields)
    assessments.give_consent(cadre, share_with_counsellor=share, purpose="课程推荐与随访")
    assessments.submit(cadre, "scl90", answers or CRISIS_ANSWERS)
    return cadre


def html(response) -> str:
    return response.content.decode()


def comparable(response) -> str:
    """The page without its per-response CSRF token and its own path (the language form's
    "next"), so two answers can be compared."""
    page = html(response).replace(response.wsgi_request.path, "PATH")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


# Who may open the worklist -------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(WORKLIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_only_counsellors_see_the_worklist(client, django_user_model):
    cadre = assessed_cadre(share=True)
    others = [
        cadre.user,
        make_in_group(django_user_model, "teacher", INSTRUCTORS),
        make_in_group(django_user_model, "deptadmin", DEPARTMENT_ADMINS),
        django_user_model.objects.create_superuser("root", password="pw-root-123"),
    ]
    for user in others:
        client.force_login(user)
        response = client.get(WORKLIST)
        assert response.status_code == 403, user.username
        assert cadre.name not in html(response)

    client.force_login(make_counsellor(django_user_model))
    response = client.get(WORKLIST)
    assert response.status_code == 200
    assert cadre.name in html(response)


# What the worklist shows ---------------------------------------------------------------


def test_urgent_follow_ups_come_first_even_when_a_routine_one_is_due_earlier(
    client, django_user_model
):
    routine = assessed_cadre(share=False, answers=HIGH_ANSWERS, name="常规随访甲")
    urgent = assessed_cadre(share=True, name="紧急随访乙")
    FollowUp.objects.filter(cadre=routine).update(due_at=timezone.now() + timedelta(hours=1))
    assert FollowUp.objects.get(cadre=urgent).urgent

    client.force_login(make_counsellor(django_user_model))
    page = html(client.get(WORKLIST))

    assert page.index("紧急随访乙") < page.index("常规随访甲")
    due = timezone.localtime(FollowUp.objects.get(cadre=urgent).due_at)
    assert due.strftime("%Y-%m-%d %H:%M") in page


def test_overdue_follow_ups_are_highlighted(client, django_user_model):
    late = assessed_cadre(share=True, name="逾期随访")
    assessed_cadre(share=True, name="按期随访")
    FollowUp.objects.filter(cadre=late).update(due_at=timezone.now() - timedelta(hours=2))

    client.force_login(make_counsellor(django_user_model))
    page = html(client.get(WORKLIST))

    assert page.count('class="follow-up follow-up-urgent overdue"') == 1
    late_item = page[page.index("逾期随访") - 200 : page.index("按期随访")]
    assert "overdue" in late_item


def test_the_worklist_shows_no_scores(client, django_user_model):
    cadre = assessed_cadre(share=True)
    client.force_login(make_counsellor(django_user_model))
    page = html(client.get(WORKLIST))
    # Machine-readable times (<time datetime="…:03.058…">) hold digits that look like a score.
    shown = re.sub(r'datetime="[^"]*"', "", page)

    assert cadre.name in shown and cadre.department.name in shown
    for score in (CRISIS_TOTAL, CRISIS_GSI, "4.0", "3.0"):
        assert score not in shown
    for word in ("SCL-90", "safety", "factor", "总分", "因子"):
        assert word not in page


def test_results_link_only_for_cadres_who_share_with_counsellors(client, django_user_model):
    sharing = assessed_cadre(share=True)
    private = assessed_cadre(share=False)
    client.force_login(make_counsellor(django_user_model))
    page = html(client.get(WORKLIST))

    assert reverse("lms_counsellor:cadre", args=[sharing.pk]) in page
    assert reverse("lms_counsellor:cadre", args=[private.pk]) not in page
    assert page.count("Results are not shared with counsellors") == 1

    assessments.withdraw_consent(sharing)
    page = html(client.get(WORKLIST))
    assert reverse("lms_counsellor:cadre", args=[sharing.pk]) not in page


def test_agreement_to_be_contacted_is_shown(client, django_user_model):
    assessed_cadre(share=True)
    assessed_cadre(share=False)
    client.force_login(make_counsellor(django_user_model))
    page = html(client.get(WORKLIST))
    assert page.count("Agreed to be contacted") == 1
    assert page.count("Has not agreed to be contacted") == 1


def worklist_queries(client, follow_ups: int) -> int:
    for n in range(follow_ups):
        # Alternate sharing so both branches of every row are rendered.
        assessed_cadre(share=n % 2 == 0, answers=HIGH_ANSWERS if n % 3 else CRISIS_ANSWERS)
    client.get(WORKLIST)  # warm the session and per-process caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(WORKLIST)
    assert response.status_code == 200
    assert html(response).count('<li class="follow-up') == FollowUp.objects.count()
    return len(queries)


def test_worklist_queries_do_not_grow_with_follow_ups(client, django_user_model):
    client.force_login(make_counsellor(django_user_model))
    with_two = worklist_queries(client, 2)
    FollowUp.objects.all().delete()
    with_ten = worklist_queries(client, 10)
    assert FollowUp.objects.count() == 10
    assert with_two == with_ten


def test_worklist_query_count_is_pinned(client, django_user_model, django_assert_num_queries):
    client.force_login(make_counsellor(django_user_model))
    for n in range(2):
        assessed_cadre(share=n % 2 == 0, answers=CRISIS_ANSWERS)

    # A plain view: no Wagtail page and no cache, so the first request is the one counted.
    with django_assert_num_queries(8):
        response = client.get(WORKLIST)
    assert html(response).count('<li class="follow-up') == 2

    for n in range(8):
        assessed_cadre(share=n % 2 == 0, answers=HIGH_ANSWERS if n % 3 else CRISIS_ANSWERS)
    with django_assert_num_queries(8):
        response = client.get(WORKLIST)
    assert html(response).count('<li class="follow-up') == 10


# Handling a follow-up ------------------------------------------------------------------


def test_counsellor_records_contact_then_closes(client, django_user_model):
    cadre = assessed_cadre(share=False)
    follow_up = FollowUp.objects.get(cadre=cadre)
    counsellor = make_counsellor(django_user_model)
    client.force_login(counsellor)
    url = reverse("lms_counsellor:follow_up", args=[follow_up.pk])

    response = client.post(url, {"status": "contacted"})
    assert response.status_code == 302 and response["Location"] == WORKLIST
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.CONTACTED
    assert follow_up.handled_by == counsellor and follow_up.closed_at is None
    assert cadre.name in html(client.get(WORKLIST))  # contacted is still open work

    client.post(url, {"status": "closed"})
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.CLOSED and follow_up.closed_at is not None
    assert cadre.name not in html(client.get(WORKLIST))

    client.post(url, {"status": "contacted"})  # a closed follow-up is not reopened
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.CLOSED


def test_follow_up_status_changes_are_for_counsellors_only(client, django_user_model):
    cadre = assessed_cadre(share=True)
    follow_up = FollowUp.objects.get(cadre=cadre)
    url = reverse("lms_counsellor:follow_up", args=[follow_up.pk])

    assert client.post(url, {"status": "closed"})["Location"].startswith(reverse("login"))
    for user in (
        cadre.user,
        make_in_group(django_user_model, "teacher", INSTRUCTORS),
        make_in_group(django_user_model, "deptadmin", DEPARTMENT_ADMINS),
        django_user_model.objects.create_superuser("root", password="pw-root-123"),
    ):
        client.force_login(user)
        assert client.post(url, {"status": "closed"}).status_code == 403

    client.force_login(make_counsellor(django_user_model))
    assert client.get(url).status_code == 405
    client.post(url, {"status": "reopened"})
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.OPEN and follow_up.handled_by is None


# A cadre's results ---------------------------------------------------------------------


def test_cadre_results_show_rung_factors_and_dates_and_are_audited(client, django_user_model):
    cadre = assessed_cadre(share=True)
    counsellor = make_counsellor(django_user_model)
    client.force_login(counsellor)

    response = client.get(reverse("lms_counsellor:cadre", args=[cadre.pk]))

    assert response.status_code == 200
    page = html(response)
    assert CRISIS_TOTAL in page and CRISIS_GSI in page
    assert "躯体化" in page and "精神病性" in page  # factor names from the definition
    assert "Screening hint: crisis" in page
    assert "safety item 15 reached its threshold" in page
    assert timezone.localdate().strftime("%Y-%m-%d") in page
    view = AuditLog.objects.get(actor=counsellor, subject=cadre, action="view")
    assert view.target == "assessments:1"


def test_cadre_results_are_refused_without_sharing_and_unknown_ids_look_the_same(
    client, django_user_model
):
    private = assessed_cadre(share=False)
    counsellor = make_counsellor(django_user_model)
    client.force_login(counsellor)

    refused = client.get(reverse("lms_counsellor:cadre", args=[private.pk]))
    unknown = client.get(reverse("lms_counsellor:cadre", args=[private.pk + 1000]))

    assert refused.status_code == unknown.status_code == 403
    assert comparable(refused) == comparable(unknown)
    assert CRISIS_TOTAL not in html(refused)
    assert not AuditLog.objects.filter(actor=counsellor, action="view").exists()


def test_withdrawn_consent_ends_counsellor_access_at_once(client, django_user_model):
    cadre = assessed_cadre(share=True)
    client.force_login(make_counsellor(django_user_model))
    url = reverse("lms_counsellor:cadre", args=[cadre.pk])
    assert client.get(url).status_code == 200

    assessments.give_consent(cadre, share_with_counsellor=False, purpose="课程推荐")
    assert client.get(url).status_code == 403
    assessments.withdraw_consent(cadre)
    assert client.get(url).status_code == 403


def test_admin_menu_item_is_shown_to_counsellors_only(rf, django_user_model):
    from wagtail.admin.menu import admin_menu

    def names(user):
        request = rf.get("/admin/")
        request.user = user
        return {item.name for item in admin_menu.menu_items_for_request(request)}

    assert "counsellor-worklist" in names(make_counsellor(django_user_model))
    superuser = django_user_model.objects.create_superuser("root", password="pw-root-123")
    assert "counsellor-worklist" not in names(superuser)


def test_cadre_results_show_every_kind_of_instrument(client, django_user_model):
    cadre = assessed_cadre(share=True, answers=HIGH_ANSWERS)
    assessments.submit(cadre, "phq9", dict.fromkeys(range(1, 10), 2) | {9: 0})
    assessments.submit(cadre, "stress_sources", {1: 5, 2: 2, 3: 4, 4: 1, 5: 1, 6: 4})
    client.force_login(make_counsellor(django_user_model))

    page = html(client.get(reverse("lms_counsellor:cadre", args=[cadre.pk])))

    assert "band: 中重度" in page  # the PHQ-9 band for a total of 16, and why it is high
    assert "工作任务繁重" in page  # a stress source present, in the instrument's words
    assert "factor: 偏执" in page  # why the SCL-90 result is high
    assert "3.00" in page  # the paranoid factor's mean
    assert page.count('class="card result-card') == 3
