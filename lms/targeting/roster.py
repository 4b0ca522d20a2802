"""Roster import: the administrators' list of cadres, read from CSV or XLSX, checked row by
row, then written in one transaction.

read → check → commit:
- `read_roster(data, file_name)` turns an upload into rows of text keyed by our column
  names (工号 → employee_id, …), and refuses a file it must not open (too large, an XLSX
  bomb, bytes in no encoding we know, a missing column) with a RosterError;
- `check_roster(rows, scope=…)` checks every row against the reference data and the
  importer's department subtree, and returns JSON-safe rows and problems (a RosterImport
  keeps them between the preview and the commit);
- `commit_roster(checked, scope=…)` writes the good rows: all or nothing by default, only
  the good rows with `valid_only`. Re-importing updates cadres by employee ID.

New cadres get a login named after their employee ID (in lower case) with an unusable
password: they sign in through single sign-on, or set a first password through the
first-password flow. An import never sets, sends or resets a password.

Cadres created or changed by a commit are announced after the transaction commits, by id,
to whatever is registered under the `lms_roster_changed` hook (running campaigns).
"""

import csv
import io
import logging
import re
import secrets
import unicodedata
import zipfile
from contextlib import closing, suppress
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, UNUSABLE_PASSWORD_SUFFIX_LENGTH
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Lookup
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks

from lms.errors import LmsError
from lms.learning import spreadsheets
from lms.people.models import CadreProfile, Department, Gender, PostCategory, Rank

logger = logging.getLogger(__name__)

ROSTER_CHANGED_HOOK = "lms_roster_changed"

# Limits, read at call time so tests (and a settings-minded caller) can lower them.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ROWS = 100_000
# An XLSX is a zip: what it would unpack to is checked before anything parses it.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
RATIO_CHECK_ABOVE = 1024 * 1024  # small members may compress as well as they like
MAX_ZIP_MEMBERS = 1_000
HEADER_SEARCH_ROWS = 10  # a title row or two above the header is common in 名册 files

# SQLite allows 999 parameters per query; IN lookups go in chunks below that (PostgreSQL
# takes the whole list as one array).
CHUNK = 900
BATCH = 500

# (column, accepted headers); the first header is the label shown to people.
COLUMNS = [
    ("employee_id", ["工号", "employee_id", "employeeid"]),
    ("name", ["姓名", "name"]),
    ("gender", ["性别", "gender"]),
    ("birth_year", ["出生年份", "birth_year", "birthyear"]),
    ("department", ["部门", "department"]),
    ("rank", ["职级", "rank"]),
    ("post_category", ["岗位类别", "post_category", "postcategory"]),
    ("post_title", ["职务", "post_title", "posttitle"]),
    ("in_post_since", ["任现职时间", "in_post_since", "inpostsince"]),
    ("email", ["电子邮箱", "邮箱", "email", "e-mail"]),
]
REQUIRED = ["employee_id", "name", "gender", "birth_year", "department", "rank", "post_category"]
COLUMN_LABELS = {column: headers[0] for column, headers in COLUMNS}

GENDERS = {
    "男": Gender.MALE,
    "男性": Gender.MALE,
    "male": Gender.MALE,
    "m": Gender.MALE,
    "女": Gender.FEMALE,
    "女性": Gender.FEMALE,
    "female": Gender.FEMALE,
    "f": Gender.FEMALE,
}

EMPLOYEE_ID = re.compile(r"[A-Za-z0-9-]+")
# 2021-03-01, 2021/3/1, 2021.3, 2021年3月1日, with an optional time as spreadsheets export.
DATE = re.compile(
    r"(?P<year>\d{4})\s*[-/.年]\s*(?P<month>\d{1,2})\s*月?"
    r"(?:\s*[-/.]?\s*(?P<day>\d{1,2})\s*日?)?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
COMPACT_DATE = re.compile(r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})")
YEAR = re.compile(r"(?P<year>\d{4})(?:\.0+|\s*年)?")
FORMULA_START = "="  # a formula in an imported cell is refused (the cell, not its value)


class RosterError(LmsError):
    """A roster refused as a whole. `code` says why; `details` lists the problems, in the
    same shape as check_roster's, when there are any."""

    code = "roster_error"
    status = 400
    default_message = gettext_lazy("The roster could not be imported.")

    def __init__(self, code: str, message=None, *, details=None):
        self.code = code
        super().__init__(message, details=details)


class _Invalid(Exception):
    def __init__(self, code: str, message: str):
        self.code = code
        self.message = message


def _problem(row, column, code, message, value="") -> dict:
    return {
        "row": row,
        "column": column,
        "code": code,
        "message": str(message),
        "value": value,
    }


def _model_limits():
    meta = CadreProfile._meta
    birth = meta.get_field("birth_year").validators
    return {
        "employee_id": meta.get_field("employee_id").max_length,
        "name": meta.get_field("name").max_length,
        "post_title": meta.get_field("post_title").max_length,
        "email": get_user_model()._meta.get_field("email").max_length,
        "birth_min": next(v.limit_value for v in birth if isinstance(v, MinValueValidator)),
        "birth_max": next(v.limit_value for v in birth if isinstance(v, MaxValueValidator)),
        "today": timezone.localdate(),  # dates after it are refused
    }


# Reading ----------------------------------------------------------------------------


def check_upload_size(size: int) -> None:
    """Refuse an upload above MAX_UPLOAD_BYTES before reading it."""
    if size > MAX_UPLOAD_BYTES:
        raise RosterError(
            "too_large",
            _("The file is larger than %(limit)s MB.")
            % {"limit": MAX_UPLOAD_BYTES // (1024 * 1024)},
        )


def read_roster(data: bytes, file_name: str) -> list[dict]:
    """The roster's rows as {"row": spreadsheet row number, column: text, …}, with a key
    for each of our columns the file has. CSV (UTF-8 with or without BOM, GB18030/GBK,
    UTF-16) or XLSX; the first worksheet of an XLSX is read. Fully empty rows are left
    out. Raises RosterError for a file that cannot or must not be read."""
    check_upload_size(len(data))
    name = file_name.lower()
    if name.endswith((".xlsx", ".xlsm")) or data.startswith(b"PK\x03\x04"):
        table = _xlsx_table(data)
    elif name.endswith((".csv", ".txt")):
        table = _csv_table(data)
    else:
        raise RosterError("unsupported_format", _("Upload the roster as an .xlsx or a .csv file."))
    with closing(table):
        return _rows_from_table(table)


def _csv_table(data: bytes):
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        yield from enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1)
    except csv.Error as error:
        raise RosterError(
            "unreadable", _("The CSV file could not be read: %(error)s") % {"error": error}
        ) from error


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    elif data.startswith(b"\xef\xbb\xbf"):
        encodings = ["utf-8-sig"]
    else:
        # GB18030 is a superset of GBK and GB2312, which Chinese spreadsheet tools export.
        encodings = ["utf-8", "gb18030"]
    failures = []
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as failed:
            failures.append(failed)
    # The encoding that read furthest is the one the file was meant to be in.
    where = max(failure.start for failure in failures)
    row = data[:where].count(b"\n") + 1
    raise RosterError(
        "bad_encoding",
        _("The file is not in a text encoding we can read."),
        details=[
            _problem(
                row,
                None,
                "bad_encoding",
                _(
                    "The bytes in this row are neither UTF-8 nor GB18030/GBK text: save the "
                    "file again as “CSV UTF-8” or as .xlsx."
                ),
            )
        ],
    )


def check_xlsx_archive(data: bytes) -> None:
    """Refuse an XLSX whose members would unpack to more than MAX_UNPACKED_BYTES, or that
    compress suspiciously well, before any XML is parsed. zipfile stops at each member's
    declared size (and fails its CRC), so the declared sizes are the ones that count."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise RosterError("unreadable", _("The file is not a readable .xlsx workbook.")) from error
    bomb = RosterError(
        "xlsx_bomb", _("The workbook would unpack to far more data than a roster holds.")
    )
    if len(members) > MAX_ZIP_MEMBERS:
        raise bomb
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        raise bomb
    for member in members:
        if member.file_size > RATIO_CHECK_ABOVE and member.file_size > (
            MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
        ):
            raise bomb


def _xlsx_table(data: bytes):
    check_xlsx_archive(data)
    # Imported here: openpyxl is needed only when an XLSX arrives.
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

    unreadable = (
        zipfile.BadZipFile,
        InvalidFileException,
        KeyError,
        OSError,
        TypeError,
        ValueError,
        SyntaxError,  # xml ParseError
    )
    try:
        # data_only=False: a formula arrives as its text (and is refused), never evaluated.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except unreadable as error:
        raise RosterError("unreadable", _("The file is not a readable .xlsx workbook.")) from error
    try:
        if not workbook.worksheets:
            raise RosterError("empty", _("The workbook has no worksheet."))
        sheet = workbook.worksheets[0]
        # Some tools write a wrong dimension; read every row that is really there.
        sheet.reset_dimensions()
        for number, values in enumerate(sheet.iter_rows(values_only=True), 1):
            yield (
                number,
                [
                    "=" + str(getattr(value, "text", "") or "").lstrip("=")
                    if isinstance(value, ArrayFormula | DataTableFormula)
                    else value
                    for value in values
                ],
            )
    except unreadable as error:
        raise RosterError("unreadable", _("The file is not a readable .xlsx workbook.")) from error
    finally:
        workbook.close()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # 2021.3 in a number cell reads as 2021.3; 2021.10 was stored as 2021.1 (January)
        # by the spreadsheet already, and nothing here can bring October back.
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


def _header_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower().lstrip("*")
    return re.sub(r"\s+", "", text)


HEADERS = {_header_key(header): column for column, headers in COLUMNS for header in headers}


def _rows_from_table(table) -> list[dict]:
    """The header is the first row naming 工号 within HEADER_SEARCH_ROWS rows (titles may
    stand above it); without one, the first non-empty row is taken as the header and its
    missing columns are reported."""
    columns, first, rows = None, None, []
    for number, cells in table:
        texts = [_text(cell) for cell in cells]
        if columns is None:
            if not any(texts):
                continue
            keys = [HEADERS.get(_header_key(text)) for text in texts]
            first = first or (number, keys)
            if "employee_id" in keys:
                columns = _columns(number, keys)
            elif number >= HEADER_SEARCH_ROWS:
                _columns(*first)
            continue
        row = {key: texts[index] if index < len(texts) else "" for key, index in columns}
        if not any(row.values()):
            continue
        if len(rows) >= MAX_ROWS:
            raise RosterError(
                "too_many_rows",
                _("A roster holds at most %(limit)s rows; split the file.") % {"limit": MAX_ROWS},
            )
        rows.append({"row": number, **row})
    if columns is None and first is not None:
        _columns(*first)
    if not rows:
        raise RosterError("empty", _("The roster has no rows."))
    return rows


def _columns(number: int, keys: list) -> list[tuple[str, int]]:
    seen, columns = set(), []
    for index, key in enumerate(keys):
        if key is None:
            continue
        if key in seen:
            raise RosterError(
                "duplicate_column",
                _("The column “%(column)s” appears twice.") % {"column": COLUMN_LABELS[key]},
                details=[
                    _problem(
                        number,
                        key,
                        "duplicate_column",
                        _("The column “%(column)s” appears twice.")
                        % {"column": COLUMN_LABELS[key]},
                    )
                ],
            )
        seen.add(key)
        columns.append((key, index))
    missing = [column for column in REQUIRED if column not in seen]
    if missing:
        raise RosterError(
            "missing_columns",
            _("Required columns are missing: %(columns)s.")
            % {"columns": "、".join(COLUMN_LABELS[column] for column in missing)},
            details=[
                _problem(
                    number,
                    column,
                    "missing_column",
                    _("The column “%(column)s” is missing.") % {"column": COLUMN_LABELS[column]},
                )
                for column in missing
            ],
        )
    return columns


# Checking ---------------------------------------------------------------------------


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _AnyOf(Lookup):
    """`field = ANY(array)`: the whole list travels as one parameter."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


def _in_batches(queryset, field_name: str, values: list) -> list:
    """`queryset` narrowed to the rows whose `field_name` is one of `values`: one queryset
    on PostgreSQL, one per CHUNK values elsewhere."""
    if not values:
        return []
    if connection.vendor == "postgresql":
        # psycopg and PostgreSQL spend seconds on 50,000 IN placeholders, not on one array.
        return [queryset.filter(_AnyOf(F(field_name), list(values)))]
    return [queryset.filter(**{f"{field_name}__in": chunk}) for chunk in _chunks(values)]


class _References:
    """Departments, ranks and post categories, loaded once, found by code or by name."""

    def __init__(self):
        self.departments = {}  # code → (id, path, name)
        self.department_names = {}  # name → [codes]
        for pk, code, name, path in Department.objects.values_list("pk", "code", "name", "path"):
            self.departments[code] = (pk, path, name)
            self.department_names.setdefault(name, []).append(code)
        self.ranks, self.rank_names = self._named(Rank)
        self.categories, self.category_names = self._named(PostCategory)

    @staticmethod
    def _named(model):
        by_code, by_name = {}, {}
        for pk, code, name in model.objects.values_list("pk", "code", "name"):
            by_code[code] = pk
            by_name[name] = code
        return by_code, by_name

    def department(self, value: str, scope: Department | None) -> str:
        code = unicodedata.normalize("NFKC", value).lower()
        if code not in self.departments:
            codes = self.department_names.get(value, [])
            if len(codes) > 1:
                raise _Invalid(
                    "ambiguous_department",
                    _("Several departments are called “%(value)s”: give its code.")
                    % {"value": value},
                )
            if not codes:
                raise _Invalid(
                    "unknown_department", _("Unknown department “%(value)s”.") % {"value": value}
                )
            code = codes[0]
        if scope is not None and not self.departments[code][1].startswith(scope.path):
            raise _Invalid(
                "outside_scope",
                _("Department “%(value)s” is outside your scope.") % {"value": value},
            )
        return code

    def rank(self, value: str) -> str:
        code = unicodedata.normalize("NFKC", value).lower()
        if code in self.ranks:
            return code
        if value in self.rank_names:
            return self.rank_names[value]
        raise _Invalid("unknown_rank", _("Unknown rank “%(value)s”.") % {"value": value})

    def post_category(self, value: str) -> str:
        code = unicodedata.normalize("NFKC", value).lower()
        if code in self.categories:
            return code
        if value in self.category_names:
            return self.category_names[value]
        raise _Invalid(
            "unknown_post_category", _("Unknown post category “%(value)s”.") % {"value": value}
        )


def _existing_cadres(employee_ids: list[str]) -> dict[str, tuple[int, int, str]]:
    """employee ID → (cadre id, user id, department path), for those already imported."""
    queryset = CadreProfile.objects.order_by().values_list(
        "employee_id", "pk", "user_id", "department__path"
    )
    found = {}
    for batch in _in_batches(queryset, "employee_id", employee_ids):
        for employee_id, pk, user_id, path in batch:
            found[employee_id] = (pk, user_id, path)
    return found


def _taken_usernames(usernames: list[str]) -> set[str]:
    queryset = get_user_model().objects.order_by().values_list("username", flat=True)
    taken = set()
    for batch in _in_batches(queryset, "username", usernames):
        taken.update(batch)
    return taken


def _employee_id(value: str, limits) -> str:
    value = unicodedata.normalize("NFKC", value)
    if len(value) > limits["employee_id"] or not EMPLOYEE_ID.fullmatch(value):
        raise _Invalid(
            "invalid_employee_id",
            _(
                "“%(value)s” is not an employee ID: use at most %(limit)s letters, digits "
                "and hyphens."
            )
            % {"value": value, "limit": limits["employee_id"]},
        )
    return value


def _limited(value: str, limit: int) -> str:
    if len(value) > limit:
        raise _Invalid("too_long", _("At most %(limit)s characters.") % {"limit": limit})
    return value


def _gender(value: str) -> str:
    gender = GENDERS.get(unicodedata.normalize("NFKC", value).lower())
    if gender is None:
        raise _Invalid(
            "invalid_gender", _("Unknown gender “%(value)s”: use 男 or 女.") % {"value": value}
        )
    return str(gender)


def _birth_year(value: str, limits) -> int:
    text = unicodedata.normalize("NFKC", value)
    match = YEAR.fullmatch(text) or DATE.fullmatch(text) or COMPACT_DATE.fullmatch(text)
    if match is None:
        raise _Invalid("invalid_birth_year", _("“%(value)s” is not a year.") % {"value": value})
    year = int(match["year"])
    if not limits["birth_min"] <= year <= limits["birth_max"]:
        raise _Invalid(
            "birth_year_out_of_range",
            _("The birth year %(value)s is not between %(min)s and %(max)s.")
            % {"value": year, "min": limits["birth_min"], "max": limits["birth_max"]},
        )
    return year


def parse_date(value: str, *, today: date | None = None) -> date:
    """2021-03-01, 2021/3/1, 2021.3 (the first of the month), 2021年3月1日 or 20210301, not
    after `today` (the local date unless given)."""
    text = unicodedata.normalize("NFKC", value).strip()
    match = DATE.fullmatch(text) or COMPACT_DATE.fullmatch(text)
    parsed = None
    if match is not None:
        with suppress(ValueError):  # a day the month does not have
            parsed = date(int(match["year"]), int(match["month"]), int(match["day"] or 1))
    if parsed is None:
        raise _Invalid(
            "invalid_date",
            _("“%(value)s” is not a date: write it as 2021-03-01, 2021/3/1 or 2021.3.")
            % {"value": value},
        )
    if parsed > (today or timezone.localdate()):
        raise _Invalid("invalid_date", _("%(value)s lies in the future.") % {"value": value})
    return parsed


def _email(value: str, limits) -> str:
    try:
        validate_email(value)
        _limited(value, limits["email"])
    except (ValidationError, _Invalid):
        raise _Invalid(
            "invalid_email", _("“%(value)s” is not an e-mail address.") % {"value": value}
        ) from None
    return value


def check_roster(rows: list[dict], *, scope: Department | None) -> dict:
    """Check every row; nothing is written.

    Returns {"rows": [...], "problems": [...]}, plain JSON. Each row keeps its spreadsheet
    row number and `ok`; a good row holds normalised values (codes for department, rank
    and post category, "male"/"female", an int year, an ISO date or None), a bad row the
    text as given for the values that failed. A row has a key for each column the file
    had, and only those: a column the file lacks is left alone on import. Each problem is
    {"row", "column", "code", "message", "value"}, in row and column order.

    `scope` is the importer's department (None: a system administrator): rows for
    departments outside its subtree, and cadres already registered outside it, are
    problems."""
    limits = _model_limits()
    references = _References()
    problems, checked, first_row = [], [], {}

    employee_ids = []
    for row in rows:
        try:
            employee_ids.append(_employee_id(row.get("employee_id", ""), limits))
        except _Invalid:
            continue
    existing = _existing_cadres(employee_ids)
    taken = _taken_usernames([eid.lower() for eid in employee_ids if eid not in existing])

    for row in rows:
        number = row["row"]
        result, found = {"row": number}, []
        for column, _headers in COLUMNS:
            if column not in row:
                continue
            value = result[column] = row[column]
            try:
                if value.startswith(FORMULA_START):
                    raise _Invalid(
                        "formula", _("Formulas are not accepted: enter the value itself.")
                    )
                if value:
                    result[column] = _value(column, value, limits, references, scope)
                elif column in REQUIRED:
                    raise _Invalid("required", _("This value is required."))
                elif column == "in_post_since":
                    result[column] = None
            except _Invalid as error:
                found.append(_problem(number, column, error.code, error.message, value))

        employee_id = result.get("employee_id")
        if employee_id and not any(p["column"] == "employee_id" for p in found):
            key = employee_id.lower()
            errors = []
            if key in first_row:
                errors.append(
                    _Invalid(
                        "duplicate_employee_id",
                        _("The employee ID “%(value)s” already appears in row %(row)s.")
                        % {"value": employee_id, "row": first_row[key]},
                    )
                )
            else:
                first_row[key] = number
                errors += _registration_problems(employee_id, existing, taken, scope)
            found += [
                _problem(number, "employee_id", error.code, error.message, employee_id)
                for error in errors
            ]

        found.sort(key=lambda problem: COLUMN_ORDER[problem["column"]])
        result["ok"] = not found
        problems += found
        checked.append(result)
    return {"rows": checked, "problems": problems}


COLUMN_ORDER = {column: index for index, (column, _headers) in enumerate(COLUMNS)}


def _value(column, value, limits, references, scope):
    if column == "employee_id":
        return _employee_id(value, limits)
    if column in ("name", "post_title"):
        return _limited(value, limits[column])
    if column == "gender":
        return _gender(value)
    if column == "birth_year":
        return _birth_year(value, limits)
    if column == "department":
        return references.department(value, scope)
    if column == "rank":
        return references.rank(value)
    if column == "post_category":
        return references.post_category(value)
    if column == "in_post_since":
        return parse_date(value, today=limits["today"]).isoformat()
    return _email(value, limits)


def _registration_problems(employee_id, existing, taken, scope):
    """What the database already says against this employee ID."""
    if employee_id in existing:
        path = existing[employee_id][2]
        if scope is not None and not path.startswith(scope.path):
            yield _Invalid(
                "outside_scope",
                _("This cadre is registered in a department outside your scope."),
            )
    elif employee_id.lower() in taken:
        yield _Invalid(
            "username_taken",
            _("The login name “%(value)s” is already used by another account.")
            % {"value": employee_id.lower()},
        )


# Committing -------------------------------------------------------------------------

PROFILE_FIELDS = [
    "name",
    "gender",
    "birth_year",
    "department",
    "rank",
    "post_category",
    "post_title",
    "in_post_since",
]
ATTNAMES = {name: CadreProfile._meta.get_field(name).attname for name in PROFILE_FIELDS}
USER_FIELDS = ["first_name", "email", "is_active"]


@dataclass
class _Plan:
    create: list = field(default_factory=list)  # (row, profile values by field name)
    update_cadres: list = field(default_factory=list)  # (*PROFILE_FIELDS values, cadre id)
    update_users: list = field(default_factory=list)  # (*USER_FIELDS values, user id)
    updated_ids: list = field(default_factory=list)
    unchanged: int = 0
    deactivate: list = field(default_factory=list)  # user ids
    skipped: int = 0

    def report(self, cadre_ids=()) -> dict:
        return {
            "created": len(self.create),
            "updated": len(self.updated_ids),
            "unchanged": self.unchanged,
            "deactivated": len(self.deactivate),
            "skipped": self.skipped,
            "cadre_ids": sorted(cadre_ids),
        }


class _Registered(NamedTuple):
    """A cadre already in the database, as the import compares it with its row."""

    pk: int
    user_id: int
    path: str  # of the cadre's department
    profile: tuple  # PROFILE_FIELDS values, ids for the references
    user: tuple  # USER_FIELDS values


def _registered_cadres(employee_ids: list[str]) -> dict[str, _Registered]:
    # Plain tuples rather than model instances: building 50,000 cadres with their users
    # and departments took longer than comparing them.
    columns = [ATTNAMES[name] for name in PROFILE_FIELDS]
    user_columns = [f"user__{name}" for name in USER_FIELDS]
    queryset = CadreProfile.objects.order_by().values_list(
        "employee_id", "pk", "user_id", "department__path", *columns, *user_columns
    )
    found = {}
    for batch in _in_batches(queryset, "employee_id", employee_ids):
        for employee_id, pk, user_id, path, *values in batch:
            found[employee_id] = _Registered(
                pk, user_id, path, tuple(values[: len(columns)]), tuple(values[len(columns) :])
            )
    return found


def _plan(checked: dict, *, scope, valid_only: bool, deactivate_missing: bool) -> _Plan:
    if checked["problems"] and not valid_only:
        raise RosterError(
            "roster_refused",
            _("The roster has %(count)s problems; nothing was imported.")
            % {"count": len(checked["problems"])},
            details=checked["problems"],
        )
    rows = [row for row in checked["rows"] if row.get("ok")]
    plan = _Plan(skipped=len(checked["rows"]) - len(rows))
    references = _References()
    cadres = _registered_cadres([row["employee_id"] for row in rows])
    taken = _taken_usernames(
        [r["employee_id"].lower() for r in rows if r["employee_id"] not in cadres]
    )
    existing = {eid: (c.pk, c.user_id, c.path) for eid, c in cadres.items()}

    # The database may have moved on since the check: the same rules, once more.
    lookups = [
        ("department", lambda value: references.department(value, scope)),
        ("rank", references.rank),
        ("post_category", references.post_category),
    ]
    stale = []
    for row in rows:
        for column, lookup in lookups:
            try:
                lookup(row[column])
            except _Invalid as error:
                stale.append(_problem(row["row"], column, error.code, error.message, row[column]))
        for error in _registration_problems(row["employee_id"], existing, taken, scope):
            stale.append(
                _problem(row["row"], "employee_id", error.code, error.message, row["employee_id"])
            )
    if stale:
        raise RosterError(
            "roster_changed",
            _("Departments, ranks or cadres changed since the roster was checked: check it again."),
            details=stale,
        )

    for row in rows:
        values = _profile_values(row, references)
        cadre = cadres.get(row["employee_id"])
        if cadre is None:
            plan.create.append((row, values))
            continue
        # A column the file lacks keeps the value the cadre has.
        profile = tuple(
            values.get(name, current)
            for name, current in zip(PROFILE_FIELDS, cadre.profile, strict=True)
        )
        user = _user_values(row, cadre.user)
        if profile != cadre.profile:
            plan.update_cadres.append((*profile, cadre.pk))
        if user != cadre.user:
            plan.update_users.append((*user, cadre.user_id))
        if profile != cadre.profile or user != cadre.user:
            plan.updated_ids.append(cadre.pk)
        else:
            plan.unchanged += 1

    if deactivate_missing:
        present = {row["employee_id"].lower() for row in checked["rows"] if row.get("employee_id")}
        in_scope = CadreProfile.objects.filter(
            user__is_active=True,
            # A roster never locks out a system administrator who is also a cadre.
            user__is_superuser=False,
        )
        if scope is not None:
            in_scope = in_scope.in_department_tree(scope)
        plan.deactivate = [
            user_id
            for employee_id, user_id in in_scope.order_by().values_list("employee_id", "user_id")
            if employee_id.lower() not in present
        ]
    return plan


def _profile_values(row: dict, references: _References) -> dict:
    values = {
        "name": row["name"],
        "gender": row["gender"],
        "birth_year": row["birth_year"],
        "department": references.departments[row["department"]][0],
        "rank": references.ranks[row["rank"]],
        "post_category": references.categories[row["post_category"]],
    }
    if "post_title" in row:
        values["post_title"] = row["post_title"]
    if "in_post_since" in row:
        since = row["in_post_since"]
        values["in_post_since"] = date.fromisoformat(since) if since else None
    return values


def _user_values(row: dict, current: tuple) -> tuple:
    """The login as the roster has it, in USER_FIELDS order. The roster is who the cadres
    are, so a cadre on it is active again. An empty e-mail cell keeps the address the
    account has."""
    _first_name, email, _is_active = current
    return (row["name"], row.get("email") or email, True)


def preview_roster(
    checked: dict,
    *,
    scope: Department | None,
    valid_only: bool = False,
    deactivate_missing: bool = False,
) -> dict:
    """What commit_roster would report, without writing (cadre_ids stays empty). Raises
    RosterError as commit_roster would."""
    return _plan(
        checked, scope=scope, valid_only=valid_only, deactivate_missing=deactivate_missing
    ).report()


def commit_roster(
    checked: dict,
    *,
    scope: Department | None,
    valid_only: bool = False,
    deactivate_missing: bool = False,
) -> dict:
    """Import a checked roster in one transaction and return the report
    {"created", "updated", "unchanged", "deactivated", "skipped", "cadre_ids"}.

    With problems, nothing is written (RosterError "roster_refused", the problems in its
    details) unless `valid_only`, which imports exactly the good rows. Cadres are matched by
    employee ID. New cadres get a login named employee_id.lower() with an unusable
    password (single sign-on or the first-password flow lets them in). A login already
    named so, or a cadre registered outside `scope`, refuses the commit ("roster_changed").
    `deactivate_missing` deactivates the logins of the active cadres within `scope`
    (everyone, for None) whose employee ID is nowhere in the file. After the commit,
    created and updated cadres are announced through ROSTER_CHANGED_HOOK."""
    try:
        with transaction.atomic():
            plan = _plan(
                checked, scope=scope, valid_only=valid_only, deactivate_missing=deactivate_missing
            )
            cadre_ids = _apply(plan)
            if cadre_ids:
                transaction.on_commit(lambda: notify_roster_changed(cadre_ids))
    except IntegrityError as error:
        # Someone registered the same employee ID or login between our read and write.
        raise RosterError(
            "roster_changed",
            _("Cadres changed while the roster was being imported: check it again."),
        ) from error
    return plan.report(cadre_ids)


def _unusable_password() -> str:
    """An unusable password as set_unusable_password() makes one, its random part from one
    call to the system's random source rather than forty (seconds, for 50,000 logins)."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_hex(UNUSABLE_PASSWORD_SUFFIX_LENGTH // 2)


def _apply(plan: _Plan) -> list[int]:
    User = get_user_model()
    user_ids = _insert_rows(
        User,
        {
            "username": [row["employee_id"].lower() for row, _values in plan.create],
            "first_name": [row["name"] for row, _values in plan.create],
            "email": [row.get("email") or "" for row, _values in plan.create],
            "password": [_unusable_password() for _create in plan.create],
        },
        key="username",
    )
    # A column the file lacks gets the field's default, as CadreProfile(...) would.
    defaults = {name: CadreProfile._meta.get_field(name).get_default() for name in PROFILE_FIELDS}
    cadre_ids = _insert_rows(
        CadreProfile,
        {
            "user_id": user_ids,
            "employee_id": [row["employee_id"] for row, _values in plan.create],
            **{
                ATTNAMES[name]: [values.get(name, defaults[name]) for _row, values in plan.create]
                for name in PROFILE_FIELDS
            },
        },
        key="employee_id",
    )

    if plan.update_cadres:
        _update_rows(CadreProfile, PROFILE_FIELDS, plan.update_cadres)
    if plan.update_users:
        _update_rows(User, USER_FIELDS, plan.update_users)
    for batch in _in_batches(User.objects.all(), "pk", plan.deactivate):
        batch.update(is_active=False)
    return cadre_ids + plan.updated_ids


def _insert_rows(model, columns: dict[str, list], *, key: str) -> list[int]:
    """Insert a row of `model` per position in `columns` (attname → values; the other
    fields take their defaults) and return the new ids in order. `key` names a unique
    field, to find the rows on backends that cannot return ids from a bulk insert."""
    if not columns[key]:
        return []
    if connection.vendor == "postgresql":
        return _insert_rows_unnested(model, columns)
    objs = [
        model(**dict(zip(columns, values, strict=True)))
        for values in zip(*columns.values(), strict=True)
    ]
    model.objects.bulk_create(objs, batch_size=BATCH)
    if all(obj.pk is not None for obj in objs):
        return [obj.pk for obj in objs]
    ids = {}
    for batch in _in_batches(model.objects.values_list(key, "pk"), key, columns[key]):
        ids.update(batch)
    return [ids[value] for value in columns[key]]


def _insert_rows_unnested(model, columns: dict[str, list]) -> list[int]:
    # bulk_create builds a model instance per row and passes every value through its
    # field: for 50,000 logins and cadres that was most of the import. This is the
    # INSERT … SELECT FROM unnest(one array per column) that bulk_create itself sends
    # PostgreSQL, whose RETURNING gives the ids in the arrays' order as bulk_create expects.
    meta = model._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    count = len(next(iter(columns.values())))
    # Each default once, through the field as bulk_create would (date_joined: the time now).
    blank = model()
    arrays = [
        columns[field.attname]
        if field.attname in columns
        else [field.get_db_prep_save(field.pre_save(blank, add=True), connection)] * count
        for field in fields
    ]
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in fields)
    # varchar[] rather than varchar(50)[]: a cast to the latter would truncate silently.
    types = ", ".join(f"%s::{field.db_type(connection).split('(')[0]}[]" for field in fields)
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({names}) "  # noqa: S608  # nosec B608 (names from the model)
        f"SELECT * FROM unnest({types}) RETURNING {quote(meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, arrays)
        return [pk for (pk,) in cursor.fetchall()]


def _update_rows(model, fields: list[str], rows: list[tuple]) -> None:
    """Write `fields` of `model` from rows of (*values in `fields` order, pk)."""
    # One UPDATE by primary key, executed for every row in a batch: bulk_update's CASE
    # WHEN per field and row took minutes for 50,000 rows, on PostgreSQL as on SQLite.
    meta = model._meta
    quote = connection.ops.quote_name
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    sets = ", ".join(f"{quote(meta.get_field(name).column)} = %s" for name in fields)
    sql = f"UPDATE {table} SET {sets} WHERE {pk} = %s"  # noqa: S608  # nosec B608 (names from the model)
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def notify_roster_changed(cadre_ids: list[int]) -> None:
    """Tell whatever registered under ROSTER_CHANGED_HOOK (running campaigns) which cadres
    an import created or changed; each receiver gets the list of cadre ids."""
    for receiver in hooks.get_hooks(ROSTER_CHANGED_HOOK):
        try:
            receiver(list(cadre_ids))
        except Exception:
            # The roster is already committed: a receiver's failure must not make the
            # import look failed. Campaigns re-evaluate their audience on their next run.
            logger.exception("A %s receiver failed", ROSTER_CHANGED_HOOK)


# The error report ---------------------------------------------------------------------


def neutralise(value) -> str:
    """A cell's text made safe for a spreadsheet (lms.learning.spreadsheets.neutralise)."""
    return spreadsheets.neutralise("" if value is None else str(value))


def problems_csv(problems: list[dict]) -> str:
    """The problems as the CSV report administrators download: row, column, value, reason,
    every cell neutralised. It starts with a BOM so that Excel reads it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_("Row"), _("Column"), _("Value"), _("Problem"), _("Code")])
    for problem in problems:
        column = problem.get("column")
        writer.writerow(
            [
                neutralise(cell)
                for cell in (
                    problem.get("row") or "",
                    COLUMN_LABELS.get(column, column or ""),
                    problem.get("value", ""),
                    problem.get("message", ""),
                    problem.get("code", ""),
                )
            ]
        )
    return "\ufeff" + out.getvalue()
