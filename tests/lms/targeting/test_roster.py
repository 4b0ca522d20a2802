"""Roster import (lms/targeting/roster.py and `manage.py import_roster`): every problem is
reported by row and column before anything is written, the default is all or nothing,
and a re-import updates by employee ID."""

import csv
import io
import zipfile
from datetime import date, datetime
from pathlib import Path
from unittest import mock

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.db import connections
from wagtail import hooks

from lms.demo.population import seed_departments
from lms.learning.spreadsheets import FORMULA_START
from lms.people.models import CadreProfile
from lms.targeting import roster
from lms.targeting.roster import (
    ROSTER_CHANGED_HOOK,
    RosterError,
    check_roster,
    commit_roster,
    neutralise,
    preview_roster,
    problems_csv,
    read_roster,
)
from tests.factories import make_cadre

pytestmark = pytest.mark.django_db

ROSTERS = Path(__file__).parent / "rosters"
HEADER = "工号,姓名,性别,出生年份,部门,职级,岗位类别,职务,任现职时间,电子邮箱"
GOOD = [
    "S200001,王秀英,女,1982,市公安局,四级调研员,综合管理类,科长,2021-03-01,wxy@example.cn",
    "S200002,李强,男,1990,ps_traffic,officer_2,行政执法类,,2021/3/1,",
    "S200003,张敏,F,1978,东城区,一级主任科员,comprehensive,副科长,2019.3,",
]
User = get_user_model()


@pytest.fixture
def departments():
    return seed_departments()


def roster_bytes(lines, encoding="utf-8", header=HEADER) -> bytes:
    return ("\r\n".join([header, *lines]) + "\r\n").encode(encoding)


def import_csv(data: bytes, *, scope=None, **options) -> dict:
    checked = check_roster(read_roster(data, "名册.csv"), scope=scope)
    return commit_roster(checked, scope=scope, **options)


def found(problems) -> set[tuple]:
    return {(p["row"], p["column"], p["code"]) for p in problems}


# Bad input -----------------------------------------------------------------------------


def test_planted_errors_are_each_reported_by_row_and_column_and_nothing_is_written(departments):
    data = (ROSTERS / "planted_errors.csv").read_bytes()
    cadres, users = CadreProfile.objects.count(), User.objects.count()

    checked = check_roster(read_roster(data, "planted_errors.csv"), scope=None)

    assert found(checked["problems"]) == {
        (3, "employee_id", "required"),
        (4, "rank", "unknown_rank"),
        (5, "department", "unknown_department"),
        (6, "birth_year", "birth_year_out_of_range"),
        (7, "employee_id", "duplicate_employee_id"),
        (8, "name", "formula"),
        (9, "gender", "invalid_gender"),
        (9, "birth_year", "invalid_birth_year"),
        (9, "in_post_since", "invalid_date"),
        (9, "email", "invalid_email"),
    }
    assert [row["row"] for row in checked["rows"] if row["ok"]] == [2, 10]
    assert all(p["message"] for p in checked["problems"])
    with pytest.raises(RosterError) as refused:
        commit_roster(checked, scope=None)
    assert refused.value.code == "roster_refused"
    assert found(refused.value.details) == found(checked["problems"])
    assert (CadreProfile.objects.count(), User.objects.count()) == (cadres, users)


def test_the_checked_roster_is_plain_json(departments):
    import json

    data = (ROSTERS / "planted_errors.csv").read_bytes()
    checked = check_roster(read_roster(data, "planted_errors.csv"), scope=None)
    assert json.loads(json.dumps(checked)) == checked
    good = checked["rows"][0]
    assert good == {
        "row": 2,
        "employee_id": "S100001",
        "name": "王伟",
        "gender": "male",
        "birth_year": 1980,
        "department": "public_security",
        "rank": "researcher_4",
        "post_category": "comprehensive",
        "post_title": "科长",
        "in_post_since": "2021-03-01",
        "email": "wangwei@example.cn",
        "ok": True,
    }


def test_a_missing_required_column_refuses_the_file():
    header = "工号,姓名,性别,部门,职级"
    with pytest.raises(RosterError) as refused:
        read_roster(roster_bytes(["S1,王伟,男,市公安局,一级科员"], header=header), "a.csv")
    assert refused.value.code == "missing_columns"
    assert found(refused.value.details) == {
        (1, "birth_year", "missing_column"),
        (1, "post_category", "missing_column"),
    }


def test_bytes_in_neither_utf8_nor_gb18030_are_refused_with_their_row():
    data = roster_bytes(GOOD[:1]) + b"S200009,\x80\xff\x80,\xff,1980\r\n"
    with pytest.raises(RosterError) as refused:
        read_roster(data, "a.csv")
    assert refused.value.code == "bad_encoding"
    assert [(p["row"], p["code"]) for p in refused.value.details] == [(3, "bad_encoding")]


def test_uploads_above_the_size_limit_are_refused(monkeypatch):
    monkeypatch.setattr(roster, "MAX_UPLOAD_BYTES", 100)
    with pytest.raises(RosterError) as refused:
        read_roster(roster_bytes(GOOD), "a.csv")
    assert refused.value.code == "too_large"


def test_other_formats_are_refused():
    with pytest.raises(RosterError) as refused:
        read_roster(b"\xd0\xcf\x11\xe0 old excel", "名册.xls")
    assert refused.value.code == "unsupported_format"


# Encodings and formats -------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_the_encodings_chinese_spreadsheets_export(departments, encoding):
    rows = read_roster(roster_bytes(GOOD, encoding), "名册.csv")
    assert [row["name"] for row in rows] == ["王秀英", "李强", "张敏"]
    assert rows[0]["employee_id"] == "S200001"  # no BOM left in the first header
    assert import_csv(roster_bytes(GOOD, encoding))["created"] == 3


def test_gb18030_reads_characters_beyond_gbk(departments):
    line = "S200004,王𡈼,男,1980,市公安局,一级科员,综合管理类,,,"
    rows = read_roster(roster_bytes([line], "gb18030"), "名册.csv")
    assert rows[0]["name"] == "王𡈼"


def test_english_headers_and_a_tab_separated_file(departments):
    header = "employee_id\tname\tgender\tbirth_year\tdepartment\trank\tpost_category"
    data = roster_bytes(["s-1\t林\tfemale\t1985\tfinance_bureau\tclerk_2\tother"], header=header)
    checked = check_roster(read_roster(data, "roster.txt"), scope=None)
    assert checked["problems"] == []
    assert checked["rows"][0]["post_category"] == "other"


def make_xlsx(path, rows, *, title=True) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if title:
        sheet.append(["2026年干部名册"])
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path.read_bytes()


def test_an_xlsx_roster_with_a_title_row_numbers_and_date_cells(departments, tmp_path):
    data = make_xlsx(
        tmp_path / "名册.xlsx",
        [
            HEADER.split(","),
            [
                200001,
                "王秀英",
                "女",
                1982,
                "市公安局",
                "四级调研员",
                "综合管理类",
                "科长",
                datetime(2021, 3, 1),
                None,
            ],  # fmt: skip
            [
                "S200002",
                "李强",
                "男",
                1990.0,
                "ps_traffic",
                "officer_2",
                "行政执法类",
                None,
                2021.3,
                "liqiang@example.cn",
            ],  # fmt: skip
            [],
            [
                "S200003",
                "张敏",
                "F",
                "1978",
                "东城区",
                "一级主任科员",
                "综合管理类",
                None,
                date(2019, 3, 1),
                None,
            ],  # fmt: skip
        ],
    )
    rows = read_roster(data, "名册.xlsx")
    assert [row["row"] for row in rows] == [3, 4, 6]
    checked = check_roster(rows, scope=None)
    assert checked["problems"] == []
    assert [(r["employee_id"], r["birth_year"], r["in_post_since"]) for r in checked["rows"]] == [
        ("200001", 1982, "2021-03-01"),
        ("S200002", 1990, "2021-03-01"),
        ("S200003", 1978, "2019-03-01"),
    ]
    assert commit_roster(checked, scope=None)["created"] == 3


def test_a_formula_cell_is_refused_not_evaluated(departments, tmp_path):
    data = make_xlsx(
        tmp_path / "名册.xlsx",
        [
            HEADER.split(","),
            ["S200001", "王秀英", "女", "=1900+82", "市公安局", "四级调研员", "综合管理类"],
        ],
    )
    checked = check_roster(read_roster(data, "名册.xlsx"), scope=None)
    assert found(checked["problems"]) == {(3, "birth_year", "formula")}
    assert checked["problems"][0]["value"] == "=1900+82"


def test_an_xlsx_bomb_is_refused_before_it_is_parsed(tmp_path, monkeypatch):
    rows = [HEADER.split(",")] + [
        ["S200001", "王秀英", "女", 1982, "市公安局", "四级调研员", "综合管理类"]
    ] * 3000
    data = make_xlsx(tmp_path / "bomb.xlsx", rows)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = sum(member.file_size for member in archive.infolist())
    assert unpacked > 200_000 > len(data)

    def parse(*args, **kwargs):
        raise AssertionError("the bomb was opened")

    monkeypatch.setattr(openpyxl, "load_workbook", parse)
    monkeypatch.setattr(roster, "MAX_UNPACKED_BYTES", 200_000)
    with pytest.raises(RosterError) as refused:
        read_roster(data, "bomb.xlsx")
    assert refused.value.code == "xlsx_bomb"


def test_an_xlsx_that_compresses_suspiciously_well_is_refused(tmp_path, monkeypatch):
    data = make_xlsx(tmp_path / "bomb.xlsx", [["工号"]] + [["S1"] * 50] * 2000)
    monkeypatch.setattr(roster, "RATIO_CHECK_ABOVE", 10_000)
    monkeypatch.setattr(roster, "MAX_COMPRESSION_RATIO", 20)
    with pytest.raises(RosterError) as refused:
        roster.check_xlsx_archive(data)
    assert refused.value.code == "xlsx_bomb"


def test_a_file_that_is_not_a_workbook_is_refused():
    with pytest.raises(RosterError) as refused:
        read_roster(b"PK\x03\x04 not really a zip", "名册.xlsx")
    assert refused.value.code == "unreadable"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-03-01", date(2021, 3, 1)),
        ("2021/3/1", date(2021, 3, 1)),
        ("2021.3", date(2021, 3, 1)),
        ("2021.10", date(2021, 10, 1)),
        ("2021年3月", date(2021, 3, 1)),
        ("2021年3月5日", date(2021, 3, 5)),
        ("2021-03-01 00:00:00", date(2021, 3, 1)),
        ("20210301", date(2021, 3, 1)),
    ],
)
def test_dates_as_cadres_write_them(text, expected):
    assert roster.parse_date(text) == expected


@pytest.mark.parametrize("text", ["2021-02-30", "2021.13", "3/1/2021", "2999-01-01", "明年"])
def test_impossible_dates(text):
    with pytest.raises(roster._Invalid):
        roster.parse_date(text)


# Committing ------------------------------------------------------------------------------


def test_new_cadres_get_a_login_without_a_usable_password(departments):
    import_csv(roster_bytes(GOOD))
    cadre = CadreProfile.objects.select_related("user", "department", "rank").get(
        employee_id="S200001"
    )
    assert cadre.user.username == "s200001"
    assert cadre.user.first_name == "王秀英"
    assert cadre.user.email == "wxy@example.cn"
    assert cadre.user.is_active and not cadre.user.has_usable_password()
    assert (cadre.department.code, cadre.rank.code, cadre.gender) == (
        "public_security",
        "researcher_4",
        "female",
    )
    assert cadre.post_title == "科长" and cadre.in_post_since == date(2021, 3, 1)


def test_reimport_is_idempotent_and_a_changed_row_is_one_update(departments):
    first = import_csv(roster_bytes(GOOD))
    assert (first["created"], first["updated"], first["unchanged"]) == (3, 0, 0)
    assert len(first["cadre_ids"]) == 3

    again = import_csv(roster_bytes(GOOD))
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)
    assert again["cadre_ids"] == []

    changed = [GOOD[0], GOOD[1].replace("officer_2", "officer_1"), GOOD[2]]
    report = import_csv(roster_bytes(changed))
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 1, 2)
    assert report["cadre_ids"] == [CadreProfile.objects.get(employee_id="S200002").pk]
    assert CadreProfile.objects.get(employee_id="S200002").rank.code == "officer_1"
    assert CadreProfile.objects.filter(employee_id__startswith="S2000").count() == 3


def test_a_column_the_file_lacks_is_left_alone(departments):
    import_csv(roster_bytes(GOOD))
    header = "工号,姓名,性别,出生年份,部门,职级,岗位类别"
    short = [",".join(line.split(",")[:7]) for line in GOOD]
    report = import_csv(roster_bytes(short, header=header))
    assert report["unchanged"] == 3
    cadre = CadreProfile.objects.select_related("user").get(employee_id="S200001")
    assert cadre.post_title == "科长" and cadre.user.email == "wxy@example.cn"


def test_valid_only_commits_exactly_the_good_rows(departments):
    data = (ROSTERS / "planted_errors.csv").read_bytes()
    report = import_csv(data, valid_only=True)
    assert (report["created"], report["skipped"]) == (2, 7)
    imported = CadreProfile.objects.filter(employee_id__startswith="S1000")
    assert sorted(imported.values_list("employee_id", flat=True)) == ["S100001", "S100009"]


def test_a_login_name_taken_by_another_account_is_a_problem(departments):
    User.objects.create_user("s200001", password="pw-other-123")
    checked = check_roster(read_roster(roster_bytes(GOOD), "a.csv"), scope=None)
    assert found(checked["problems"]) == {(2, "employee_id", "username_taken")}


def test_changes_are_announced_to_campaigns_after_the_commit(
    departments, django_capture_on_commit_callbacks
):
    announced = []
    with hooks.register_temporarily(ROSTER_CHANGED_HOOK, announced.append):
        with django_capture_on_commit_callbacks(execute=True):
            report = import_csv(roster_bytes(GOOD))
            assert announced == []
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            import_csv(roster_bytes(GOOD))
    assert announced == [report["cadre_ids"]]
    assert callbacks == []  # an unchanged roster announces nothing


def test_a_failing_receiver_does_not_stop_the_others(caplog):
    announced = []

    def broken(cadre_ids):
        raise RuntimeError("campaigns are down")

    with (
        hooks.register_temporarily(ROSTER_CHANGED_HOOK, broken),
        hooks.register_temporarily(ROSTER_CHANGED_HOOK, announced.append),
    ):
        roster.notify_roster_changed([1, 2])
    assert announced == [[1, 2]]
    assert "lms_roster_changed" in caplog.text


# Scope and deactivation -----------------------------------------------------------------


def test_a_department_administrator_cannot_import_outside_their_subtree(departments):
    scope = departments["district_a"]
    outsider = make_cadre(department=departments["finance_bureau"], employee_id="S200009")
    lines = [
        "S200004,刘洋,男,1975,district_a_street_1,一级科员,综合管理类,,,",
        GOOD[0],  # 市公安局, outside 东城区
        f"{outsider.employee_id},{outsider.name},女,1985,东城区,一级科员,综合管理类,,,",
    ]
    checked = check_roster(read_roster(roster_bytes(lines), "a.csv"), scope=scope)
    assert found(checked["problems"]) == {
        (3, "department", "outside_scope"),
        (4, "employee_id", "outside_scope"),
    }
    with pytest.raises(RosterError):
        commit_roster(checked, scope=scope)
    assert not CadreProfile.objects.filter(employee_id__in=["S200004", "S200001"]).exists()
    outsider.refresh_from_db()
    assert outsider.department.code == "finance_bureau"


def test_the_check_is_repeated_at_commit(departments):
    checked = check_roster(read_roster(roster_bytes(GOOD), "a.csv"), scope=None)
    with pytest.raises(RosterError) as refused:
        commit_roster(checked, scope=departments["district_a"])
    assert refused.value.code == "roster_changed"
    assert {(p["row"], p["code"]) for p in refused.value.details} == {
        (2, "outside_scope"),
        (3, "outside_scope"),
    }


def test_deactivate_missing_only_when_asked_and_only_in_scope(departments):
    district = departments["district_a"]
    elsewhere = make_cadre(department=departments["finance_bureau"])
    lines = [
        "S200004,刘洋,男,1975,district_a_street_1,一级科员,综合管理类,,,",
        "S200005,陈静,女,1980,district_a_street_2,一级科员,综合管理类,,,",
    ]
    import_csv(roster_bytes(lines), scope=district)

    report = import_csv(roster_bytes(lines[:1]), scope=district)
    assert report["deactivated"] == 0
    assert User.objects.get(username="s200005").is_active

    report = import_csv(roster_bytes(lines[:1]), scope=district, deactivate_missing=True)
    assert (report["unchanged"], report["deactivated"]) == (1, 1)
    assert not User.objects.get(username="s200005").is_active
    assert User.objects.get(username="s200004").is_active
    elsewhere.user.refresh_from_db()
    assert elsewhere.user.is_active

    report = import_csv(roster_bytes(lines), scope=district)
    assert report["updated"] == 1  # back on the roster, active again
    assert User.objects.get(username="s200005").is_active


def test_preview_reports_without_writing(departments):
    checked = check_roster(read_roster(roster_bytes(GOOD), "a.csv"), scope=None)
    report = preview_roster(checked, scope=None)
    assert report["created"] == 3
    assert not CadreProfile.objects.filter(employee_id__startswith="S2000").exists()


# The error report ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("  =1", "'  =1"),
        ("王伟", "王伟"),
        (12, "12"),
        (None, ""),
    ],
)
def test_neutralise(value, safe):
    assert neutralise(value) == safe


def test_the_problem_report_is_neutralised(departments):
    data = (ROSTERS / "planted_errors.csv").read_bytes()
    checked = check_roster(read_roster(data, "planted_errors.csv"), scope=None)
    report = problems_csv(checked["problems"])
    assert report.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(report.lstrip("\ufeff"))))
    assert len(rows) == 1 + len(checked["problems"])
    formula = next(row for row in rows if row[4] == "formula")
    assert formula[:3] == ["8", "姓名", "'=1+1"]
    for row in rows[1:]:
        assert all(not cell.startswith(FORMULA_START) for cell in row)


# The command -----------------------------------------------------------------------------


def run(*argv, capsys) -> tuple[int, str, str]:
    # run_from_argv closes every connection as the command ends: on PostgreSQL that would
    # end the test's transaction, and the test's later queries with it.
    with mock.patch.object(connections, "close_all"):
        try:
            ManagementUtility(["manage.py", "import_roster", *map(str, argv)]).execute()
            status = 0
        except SystemExit as exit:
            status = exit.code
    out, err = capsys.readouterr()
    return status, out, err


def test_the_command_refuses_a_roster_with_problems(departments, capsys):
    status, out, err = run(ROSTERS / "planted_errors.csv", capsys=capsys)
    assert status == 1
    assert "10 problems" in out
    assert "row 4, 职级:" in out and "[unknown_rank]" in out
    assert "row 9, 电子邮箱:" in out
    assert "Refused" in err
    assert not CadreProfile.objects.filter(employee_id__startswith="S1000").exists()


def test_the_command_imports_and_reports(departments, tmp_path, capsys):
    path = tmp_path / "名册.csv"
    path.write_bytes(roster_bytes(GOOD, "gbk"))
    status, out, _err = run(path, capsys=capsys)
    assert status == 0
    assert "Imported 名册.csv: created 3, updated 0, unchanged 0, deactivated 0, skipped 0" in out
    status, out, _err = run(path, capsys=capsys)
    assert "created 0, updated 0, unchanged 3" in out


def test_the_command_valid_only_and_dry_run(departments, capsys):
    status, out, _err = run(
        ROSTERS / "planted_errors.csv", "--valid-only", "--dry-run", capsys=capsys
    )
    assert status == 0
    assert "Dry run, nothing written. Would have created 2" in out
    assert not CadreProfile.objects.filter(employee_id__startswith="S1000").exists()

    status, out, _err = run(ROSTERS / "planted_errors.csv", "--valid-only", capsys=capsys)
    assert status == 0 and "created 2" in out and "skipped 7" in out
    assert CadreProfile.objects.filter(employee_id__startswith="S1000").count() == 2


def test_the_command_with_a_department_scope_and_deactivation(departments, tmp_path):
    path = tmp_path / "名册.csv"
    path.write_bytes(roster_bytes(GOOD[:1]))
    with pytest.raises(CommandError, match="Refused"):
        call_command("import_roster", str(path), department="district_a", stdout=io.StringIO())
    with pytest.raises(CommandError, match="No department"):
        call_command("import_roster", str(path), department="nowhere", stdout=io.StringIO())

    make_cadre(department=departments["public_security"], employee_id="S299999")
    out = io.StringIO()
    call_command(
        "import_roster",
        str(path),
        department="public_security",
        deactivate_missing=True,
        stdout=out,
    )
    assert "created 1" in out.getvalue() and "deactivated 1" in out.getvalue()
    assert not CadreProfile.objects.get(employee_id="S299999").user.is_active


def test_the_command_refuses_an_unreadable_file(tmp_path):
    path = tmp_path / "名册.csv"
    path.write_bytes(b"\x80\xff\x80\xff")
    with pytest.raises(CommandError, match="bad_encoding"):
        call_command("import_roster", str(path), stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("import_roster", str(tmp_path / "missing.csv"), stdout=io.StringIO())
