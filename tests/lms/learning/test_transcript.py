"""学时档案: a cadre's credit hours across all years, on a page and as a spreadsheet."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from lms.learning import credits
from lms.models import CreditRecord, CreditSource, CreditStatus
from tests.factories import make_cadre

pytestmark = pytest.mark.django_db
URL = "/my/transcript/"


def record(cadre, title, hours, on, source=CreditSource.ONLINE, status=CreditStatus.APPROVED):
    return CreditRecord.objects.create(
        cadre=cadre, title=title, hours=Decimal(hours), earned_on=on, source=source, status=status
    )


@pytest.fixture
def cadre(client):
    cadre = make_cadre(name="王五", employee_id="T123456")
    record(cadre, "情绪管理", "2", date(2025, 3, 1))
    record(cadre, "=HYPERLINK(1)", "1.5", date(2025, 9, 1), CreditSource.OFFLINE)
    record(cadre, "读书会", "3", date(2026, 4, 1), CreditSource.DECLARED, CreditStatus.PENDING)
    record(cadre, "未认可", "4", date(2026, 5, 1), CreditSource.DECLARED, CreditStatus.REJECTED)
    record(cadre, "睡眠与压力", "2.5", date(2026, 6, 1))
    record(make_cadre(), "别人的课程", "9", date(2026, 6, 1))
    client.force_login(cadre.user)
    return cadre


def test_years_newest_first_with_approved_and_pending_hours(client, cadre):
    response = client.get(URL)
    years = response.context["years"]
    assert [year.year for year in years] == [2026, 2025]
    assert (years[0].approved, years[0].pending) == (Decimal("2.5"), Decimal("3"))
    assert years[1].approved == Decimal("3.5")
    assert years[1].by_source == {"online": Decimal("2"), "offline": Decimal("1.5")}
    body = response.content.decode()
    assert "别人的课程" not in body
    assert "未认可" in body  # a rejected declaration stays on the record, marked as such


def test_the_spreadsheet_has_every_record_and_no_live_formula(client, cadre):
    response = client.get(URL, {"format": "csv"})
    assert response["Content-Disposition"].endswith('transcript-T123456.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["年度", "日期", "标题", "来源", "学时", "状态"]
    assert len(rows) == 6
    assert "'=HYPERLINK(1)" in [row[2] for row in rows]


def test_the_page_costs_the_same_queries_with_more_records(
    client, cadre, django_assert_num_queries
):
    client.get(URL)
    # The session, the user, the cadre, the records; the header's role checks (groups and
    # permissions) make three more.
    with django_assert_num_queries(NUM := 7):
        client.get(URL)
    for n in range(10):
        record(cadre, f"课程{n}", "1", date(2024, 1, n + 1))
    with django_assert_num_queries(NUM):
        assert len(client.get(URL).context["years"]) == 3
    assert credits.transcript(cadre)[-1].year == 2024


def test_an_account_without_a_cadre_profile_gets_the_calm_page(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("staff", password="x-Pass-1"))
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["cadre"] is None
