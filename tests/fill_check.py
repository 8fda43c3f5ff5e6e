"""The bureau's blank, filled (`convert --to xlsx --into BLANK.xlsx`), read
with openpyxl, a reader we did not write.

Usage:
  fill_check.py same BLANK FILLED
      Every sheet of the blank is in the filled copy, in order and state;
      column widths, print set-up, frozen panes, print titles and
      protection as they were; every row of the blank still there, in
      order, its cells' styles (font, border, fill, number format,
      alignment, protection) and its height as they were, with any rows
      inserted between them styled as the rows around them; every merged
      area of the blank still over the same rows. Prints one line a sheet;
      exits 1 on the first difference.
  fill_check.py formulas BLANK OUT
      Writes OUT: the blank with formulas in its total cells, as a bureau
      keeps them — 合计 = 基本支出 + 项目支出 on every row of 支出预算总表,
      its 合计 row's 基本 and 项目 as SUMIF over the 类 rows; 财政拨款支出
      合计 = its three funds on every line of 财政拨款收支预算总表, the
      支出总计 as a SUM; 三公 合计 and 公务用车 小计 as sums.
  fill_check.py cached FILLED SHEET CELL=VALUE...
      Each formula cell is still a formula, and the value cached for it
      (what a reader that does not calculate sees) is VALUE; the workbook
      is marked to be calculated when opened (Excel, LibreOffice).
"""

import sys

import openpyxl


def fail(what):
    print(f"FAIL {what}")
    sys.exit(1)


def style(c):
    return (
        repr(c.font),
        repr(c.border),
        repr(c.fill),
        c.number_format,
        repr(c.alignment),
        repr(c.protection),
    )


def row_styles(ws, r):
    return tuple(style(ws.cell(row=r, column=k)) for k in range(1, ws.max_column + 1))


def sig(ws, r):
    return (row_styles(ws, r), ws.row_dimensions[r].height)


def align(blank, filled, where):
    """Each blank row's row in the filled sheet, and the rows inserted: the
    rows of the blank in order, styled and as high as they were, with rows
    between them that are styled as the rows they stand between."""
    n = filled.max_row - blank.max_row
    if n < 0:
        fail(f"{where}: {-n} rows fewer than the blank")
    to, inserted = {}, []
    fi = 1
    for bi in range(1, blank.max_row + 1):
        while fi <= filled.max_row and sig(blank, bi) != sig(filled, fi):
            inserted.append(fi)
            fi += 1
        if fi > filled.max_row or len(inserted) > n:
            fail(f"{where}: row {bi} of the blank (its styles and height) is not in the filled sheet")
        to[bi] = fi
        fi += 1
    inserted.extend(range(fi, filled.max_row + 1))
    for r in inserted:
        # Made from a row of the body: styled as the blank's row just above
        # it or just below it.
        above = max((b for b, f in to.items() if f < r), default=None)
        below = min((b for b, f in to.items() if f > r), default=None)
        near = [b for b in (above, below) if b is not None]
        if not any(sig(filled, r) == sig(blank, b) for b in near):
            fail(f"{where}: inserted row {r} is not in the style of the rows around it")
    return to, inserted


def same(blank_path, filled_path):
    b = openpyxl.load_workbook(blank_path)
    f = openpyxl.load_workbook(filled_path)
    if b.sheetnames != f.sheetnames:
        fail(f"sheets {b.sheetnames} → {f.sheetnames}")
    for name in b.sheetnames:
        bs, fs = b[name], f[name]
        where = f"{filled_path}!{name}"
        if bs.sheet_state != fs.sheet_state:
            fail(f"{where}: state {bs.sheet_state} → {fs.sheet_state}")
        for k, d in bs.column_dimensions.items():
            e = fs.column_dimensions[k]
            if (d.width, d.hidden, d.min, d.max) != (e.width, e.hidden, e.min, e.max):
                fail(f"{where}: column {k} {d.width} → {e.width}")
        ps, pf = bs.page_setup, fs.page_setup
        for attr in ("paperSize", "orientation", "fitToWidth", "fitToHeight", "scale"):
            if getattr(ps, attr) != getattr(pf, attr):
                fail(f"{where}: page set-up {attr} {getattr(ps, attr)} → {getattr(pf, attr)}")
        if repr(bs.page_margins) != repr(fs.page_margins) or repr(bs.print_options) != repr(fs.print_options):
            fail(f"{where}: margins or print options changed")
        if bs.freeze_panes != fs.freeze_panes:
            fail(f"{where}: frozen panes {bs.freeze_panes} → {fs.freeze_panes}")
        if bs.print_title_rows != fs.print_title_rows or bs.print_area != fs.print_area:
            fail(f"{where}: print titles or area {bs.print_title_rows} {bs.print_area} → {fs.print_title_rows} {fs.print_area}")
        if repr(bs.protection) != repr(fs.protection):
            fail(f"{where}: protection changed")
        to, inserted = align(bs, fs, where)
        merges = {str(m) for m in fs.merged_cells.ranges}
        from openpyxl.utils import get_column_letter as L
        for m in bs.merged_cells.ranges:
            moved = f"{L(m.min_col)}{to[m.min_row]}:{L(m.max_col)}{to[m.max_row]}"
            if moved not in merges:
                fail(f"{where}: merged area {m.coord} (now {moved}) lost")
        print(f"ok {where}: styles, heights, merges, widths, print set-up kept; {len(inserted)} rows inserted")
    print(f"openpyxl {openpyxl.__version__}: {filled_path} keeps the blank {blank_path}")


def formulas(blank_path, out):
    wb = openpyxl.load_workbook(blank_path)
    for ws in wb.worksheets:
        title = str(ws["A2"].value or "")
        if title.endswith("支出预算总表") and "财政" not in title:
            # Body rows 9..19, 合计 on row 20.
            for r in range(9, 20):
                ws[f"E{r}"] = f"=F{r}+G{r}"
            ws["E20"] = "=F20+G20"
            ws["F20"] = '=SUMIF(B9:B19,"",F9:F19)'
            ws["G20"] = '=SUMIF(B9:B19,"",G9:G19)'
        elif title.endswith("财政拨款收支预算总表"):
            for r in range(8, 21):
                ws[f"D{r}"] = f"=E{r}+F{r}+G{r}"
            ws["D21"] = "=SUM(D8:D20)"
        elif "三公" in title:
            ws["A7"] = "=B7+C7+D7"
            ws["D7"] = "=E7+F7"
    wb.save(out)
    print(f"wrote {out}")


def cached(filled_path, sheet, pairs):
    f = openpyxl.load_workbook(filled_path)
    v = openpyxl.load_workbook(filled_path, data_only=True)
    if not f.calculation.fullCalcOnLoad:
        fail(f"{filled_path} is not marked to be calculated on opening")
    for pair in pairs:
        cell, want = pair.split("=", 1)
        formula = f[sheet][cell].value
        if not (isinstance(formula, str) and formula.startswith("=")):
            fail(f"{sheet}!{cell} is no longer a formula: {formula!r}")
        got = v[sheet][cell].value
        if got is None or abs(float(got) - float(want)) > 0.005:
            fail(f"{sheet}!{cell} ({formula}) caches {got!r}, not {want}")
    print(f"openpyxl {openpyxl.__version__}: {len(pairs)} formulas of {sheet} kept, their values cached")


def main():
    what, args = sys.argv[1], sys.argv[2:]
    if what == "same":
        same(*args)
    elif what == "formulas":
        formulas(*args)
    elif what == "cached":
        cached(args[0], args[1], args[2:])
    else:
        fail(f"unknown check {what}")


main()
