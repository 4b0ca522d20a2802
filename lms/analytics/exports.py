"""Every table of 学习分析 as a grid: for the page (formatted text), and as CSV (UTF-8 with
a byte-order mark, so Excel opens Chinese text correctly) or XLSX (numbers as numbers).
Built from the same suppressed rows the page shows: a hidden row is exported as hidden,
never as its number."""

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from lms.learning.spreadsheets import FORMATS, as_csv, as_xlsx

# The writers are shared with the course reports and transcripts.
__all__ = ["FORMATS", "as_csv", "as_xlsx", "grid", "header", "table_body", "table_rows"]


def header(table) -> list[str]:
    headings = [_("Group"), *[str(heading) for _measure, heading in table.columns]]
    if table.rate:
        headings.append(str(table.rate[2]))
    return headings


def grid(table, k: int, *, formatted: bool) -> list[dict]:
    """One dict per row: label, hidden, and the cells in header order."""
    rows = []
    for row in table.rows:
        values = [row.values.get(measure) for measure, _heading in table.columns]
        if table.rate:
            values.append(row.rate(table.rate[0], table.rate[1]))
        percent = [table.percent and measure != "respondents" for measure, _h in table.columns]
        if table.rate:
            percent.append(True)
        if row.hidden:
            cells = [_("Hidden (fewer than %(k)s people)") % {"k": k}] + [""] * (len(values) - 1)
        elif formatted:
            cells = [
                _format(value, is_percent)
                for value, is_percent in zip(values, percent, strict=True)
            ]
        else:
            cells = [_raw(value) for value in values]
        rows.append({"label": row.label, "hidden": row.hidden, "cells": cells})
    return rows


def table_body(table, k: int):
    """The <thead> and <tbody> of a table on the page, as safe HTML (escaped cells)."""
    head = format_html(
        "<thead><tr>{}</tr></thead>",
        format_html_join("", '<th scope="col">{}</th>', ((h,) for h in header(table))),
    )
    rows = []
    for row in grid(table, k, formatted=True):
        if row["hidden"]:
            cells = format_html(
                '<td colspan="{}"><em>{}</em></td>', len(row["cells"]), row["cells"][0]
            )
            rows.append(
                format_html(
                    '<tr class="analytics__hidden"><th scope="row">{}</th>{}</tr>',
                    row["label"],
                    cells,
                )
            )
        else:
            cells = format_html_join("", "<td>{}</td>", ((cell,) for cell in row["cells"]))
            rows.append(format_html('<tr><th scope="row">{}</th>{}</tr>', row["label"], cells))
    return format_html(
        "{}<tbody>{}</tbody>", head, format_html_join("", "{}", ((r,) for r in rows))
    )


def _format(value, is_percent: bool) -> str:
    if value is None:
        return "—"
    if is_percent:
        return f"{value:.1f}%"
    if isinstance(value, Decimal | float):
        return number_format(value, 1, force_grouping=True)
    return number_format(value, force_grouping=True)


def _raw(value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return float(value)
    return value


def table_rows(table, k: int) -> list[list]:
    return [header(table)] + [
        [row["label"], *row["cells"]] for row in grid(table, k, formatted=False)
    ]
