"""Workbooks in the official layout on paper (normalized workbooks and the
committed samples), read with openpyxl: every text has the
room it needs, and every sheet prints as the bureau prints.

Usage: print_check.py WORKBOOK...

For each text cell below a sheet's title: with its merged area, the width is
the sum of its columns' widths (Excel's default 8.43 where none is set); the
lines it needs are counted with CJK and full-width characters two units wide
(an independent count, not the writer's); the rows it covers must together
be at least that many lines high (13 points a line of 10-point 宋体), and a
text of more than one line must wrap, or (outside a merged area) fit in the
empty cells to its right, into which it prints. Every sheet is A4, one page wide;
every sheet whose header is frozen on screen
repeats it on each printed page. Prints one line per
workbook; exits 1 on the first failure.
"""

import sys
import unicodedata

import openpyxl

DEFAULT_WIDTH = 8.43
DEFAULT_HEIGHT = 15.0
LINE_POINTS = 13.0


def units(ch):
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def lines_needed(text, width):
    room = max(int(width - 1), 2)
    total = 0
    for para in str(text).split("\n"):
        n, used = 1, 0
        for ch in para:
            w = units(ch)
            if used + w > room:
                n += 1
                used = 0
            used += w
        total += n
    return total


def fail(path, what):
    print(f"FAIL {path}: {what}")
    sys.exit(1)


def check(path):
    wb = openpyxl.load_workbook(path)
    texts = 0
    for ws in wb.worksheets:
        setup = ws.page_setup
        if str(setup.paperSize) != "9":
            fail(path, f"{ws.title}: paper {setup.paperSize}, not A4")
        if ws.sheet_properties.pageSetUpPr is None or not ws.sheet_properties.pageSetUpPr.fitToPage:
            fail(path, f"{ws.title}: not fitted to the page width")
        if str(setup.fitToWidth or 1) != "1":
            fail(path, f"{ws.title}: {setup.fitToWidth} pages wide")
        # A table's header is frozen on screen; on paper it repeats.
        if ws.freeze_panes and not ws.print_title_rows:
            fail(path, f"{ws.title}: header rows not repeated on each page")
        merged = {}
        for m in ws.merged_cells.ranges:
            merged[(m.min_row, m.min_col)] = (m.max_row, m.max_col)

        # A <col> element may cover several columns (min..max).
        widths = {}
        for d in ws.column_dimensions.values():
            if d.width:
                for k in range(d.min or 1, (d.max or d.min or 1) + 1):
                    widths[k] = d.width

        def width(c):
            return widths.get(c, DEFAULT_WIDTH)

        def height(r):
            d = ws.row_dimensions.get(r)
            return d.height if d is not None and d.height else DEFAULT_HEIGHT

        covered = set()
        for (r1, c1), (r2, c2) in merged.items():
            for r in range(r1, r2 + 1):
                for k in range(c1, c2 + 1):
                    covered.add((r, k))

        def empty(r, k):
            v = ws.cell(row=r, column=k).value
            return (r, k) not in covered and (v is None or v == "")

        for row in ws.iter_rows(min_row=2):
            for c in row:
                if not isinstance(c.value, str) or not c.value.strip():
                    continue
                r2, c2 = merged.get((c.row, c.column), (c.row, c.column))
                w = sum(width(k) for k in range(c.column, c2 + 1))
                if not c.alignment.wrap_text and (c.row, c.column) not in merged:
                    # A text that does not wrap prints on into the empty
                    # cells to its right (a sheet written without merges).
                    k = c2 + 1
                    while k <= ws.max_column and empty(c.row, k):
                        w += width(k)
                        k += 1
                need = lines_needed(c.value, w)
                have = sum(height(k) for k in range(c.row, r2 + 1))
                texts += 1
                if have + 0.01 < need * LINE_POINTS:
                    fail(path, f"{ws.title}!{c.coordinate}: {need} lines at width {w:.1f} "
                               f"need {need * LINE_POINTS:.0f} pt, rows give {have:.0f}: {c.value[:40]!r}")
                if need > 1 and not c.alignment.wrap_text:
                    fail(path, f"{ws.title}!{c.coordinate}: {need} lines but not wrapped: {c.value[:40]!r}")
    print(f"ok {path}: {len(wb.worksheets)} sheets, {texts} texts have their room")


def main():
    for path in sys.argv[1:]:
        check(path)
    print(f"openpyxl {openpyxl.__version__}: {len(sys.argv) - 1} workbooks print")


main()
