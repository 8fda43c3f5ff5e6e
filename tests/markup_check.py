"""The reviewer's marked-up workbooks, opened with a reader that sees styles
(openpyxl), against the workbooks they were made from.

Usage: markup_check.py CASES.json

CASES.json lists {original, marked, marks: [{sheet, cell, rgb, rule}],
findings: n}. For each case every sheet of the original must come through
unchanged (values, merges, column widths, row heights, print set-up, frozen
panes), every mark must be filled in its severity's colour with a comment
naming its rule, and the first sheet 核对结果 must hold one row per finding,
errors first, figures as numbers, each link resolving to a sheet of the
workbook. Prints one line per case; exits 1 on the first failure.
"""

import json
import sys

import openpyxl
from openpyxl.utils import range_boundaries

SEVERITY_ORDER = {"错误": 0, "警告": 1, "提示": 2}


def fail(case, what):
    print(f"FAIL {case['marked']}: {what}")
    sys.exit(1)


def sheet_state(ws):
    """What of a sheet the department set and must find again."""
    cols = {
        k: (d.width, d.hidden, d.customWidth)
        for k, d in ws.column_dimensions.items()
    }
    rows = {
        k: (d.height, d.hidden)
        for k, d in ws.row_dimensions.items()
        if d.height is not None or d.hidden
    }
    values = [
        (c.coordinate, c.value)
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    ]
    setup = ws.page_setup
    return {
        "merges": sorted(str(m) for m in ws.merged_cells.ranges),
        "cols": cols,
        "rows": rows,
        "values": values,
        "paper": (setup.paperSize, setup.orientation, setup.fitToWidth, setup.fitToHeight),
        "print_titles": (ws.print_title_rows, ws.print_title_cols),
        "print_area": ws.print_area,
        "freeze": ws.freeze_panes,
        "state": ws.sheet_state,
    }


def check(case):
    original = openpyxl.load_workbook(case["original"])
    marked = openpyxl.load_workbook(case["marked"])
    names = marked.sheetnames
    if names[0] != "核对结果" or names[1:] != original.sheetnames:
        fail(case, f"sheets {names} against {original.sheetnames}")
    for name in original.sheetnames:
        before, after = sheet_state(original[name]), sheet_state(marked[name])
        for key in before:
            if before[key] != after[key]:
                fail(case, f"{name}: {key} changed: {before[key]!r} -> {after[key]!r}")
    for m in case["marks"]:
        cell = marked[m["sheet"]][m["cell"]]
        rgb = cell.fill.fgColor.rgb if cell.fill is not None else None
        if cell.fill.fill_type != "solid" or rgb != m["rgb"]:
            fail(case, f"{m['sheet']}!{m['cell']} fill {cell.fill.fill_type} {rgb}, want {m['rgb']}")
        if m.get("comment", True):
            if cell.comment is None or m["rule"] not in cell.comment.text:
                fail(case, f"{m['sheet']}!{m['cell']} has no comment naming {m['rule']}")
    review = marked["核对结果"]
    if review.freeze_panes != "A4":
        fail(case, f"核对结果 frozen at {review.freeze_panes}")
    if not review.auto_filter.ref:
        fail(case, "核对结果 has no filter")
    rows = list(review.iter_rows(min_row=4, values_only=True))
    rows = [r for r in rows if r[0] is not None]
    if len(rows) != case["findings"]:
        fail(case, f"核对结果 has {len(rows)} rows for {case['findings']} findings")
    order = [SEVERITY_ORDER[r[1]] for r in rows]
    if order != sorted(order):
        fail(case, f"核对结果 not errors first: {[r[1] for r in rows]}")
    numbers = 0
    for r in rows:
        for v in r[6:9]:
            if v is None:
                continue
            if not isinstance(v, (int, float)):
                fail(case, f"核对结果 figure {v!r} is not a number")
            numbers += 1
    if case.get("figures") and numbers == 0:
        fail(case, "核对结果 holds no figure")
    links = 0
    for row in review.iter_rows(min_row=4):
        for c in row:
            if c.hyperlink is None:
                continue
            links += 1
            loc = c.hyperlink.location or ""
            sheet, _, ref = loc.rpartition("!")
            sheet = sheet.strip("'").replace("''", "'")
            if sheet not in names:
                fail(case, f"link {loc} names no sheet")
            range_boundaries(ref)  # raises on a malformed cell
            if f"{sheet}!{ref}" not in str(c.value).replace("'", ""):
                fail(case, f"link {loc} is not the first of its cells {c.value}")
    if links != sum(1 for r in rows if r[4]):
        fail(case, f"{links} links for {len(rows)} rows with cells")
    print(f"ok {case['marked']}: {len(original.sheetnames)} sheets kept, {len(case['marks'])} marks, {len(rows)} rows, {links} links")


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        cases = json.load(f)
    for case in cases:
        check(case)
    print(f"openpyxl {openpyxl.__version__}: {len(cases)} marked-up workbooks hold")


main()
