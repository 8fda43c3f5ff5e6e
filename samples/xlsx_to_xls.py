#!/usr/bin/env python3
"""Re-save a sample workbook as .xls (BIFF8), the format of older years.

    pip install openpyxl xlwt
    python3 samples/xlsx_to_xls.py samples/wenlv-2024-quirks.xlsx samples/wenlv-2024-quirks.xls

Keeps what the importer reads: cell values (numbers stay binary floats, text
stays text), merged regions, hidden sheets and sheet order. Keeps how the
sheet prints, so the .xls copies print as the .xlsx samples do: column
widths, row heights, wrapping, alignment, bold and size of the font, thin
borders, number formats, and the page set-up (A4, one page wide, landscape
where the sample is). Fonts other than 宋体 and fills are not carried over.
The .xls outputs are committed, so the test suite needs neither package.
"""
import sys

import openpyxl
import xlwt

HALIGN = {"center": "center", "right": "right", "left": "left"}
VALIGN = {"center": "center", "top": "top", "bottom": "bottom"}


def style_of(cell, value, styles):
    """An xlwt style like the cell's own, one per distinct look."""
    a, f, b = cell.alignment, cell.font, cell.border
    number = cell.number_format if isinstance(value, (int, float)) else "General"
    if isinstance(value, (int, float)) and number == "General":
        number = "#,##0.00"
    key = (
        number,
        bool(a.wrap_text),
        HALIGN.get(a.horizontal, ""),
        VALIGN.get(a.vertical, ""),
        bool(f.b),
        int((f.sz or 11) * 20),
        bool(b.left.style or b.top.style),
    )
    if key not in styles:
        number, wrap, horz, vert, bold, height, border = key
        style = xlwt.XFStyle()
        style.num_format_str = number
        style.font.name = "宋体"
        style.font.bold = bold
        style.font.height = height
        style.alignment.wrap = 1 if wrap else 0
        if horz:
            style.alignment.horz = getattr(xlwt.Alignment, "HORZ_" + horz.upper())
        if vert:
            style.alignment.vert = getattr(xlwt.Alignment, "VERT_" + vert.upper())
        if border:
            for side in ("left", "right", "top", "bottom"):
                setattr(style.borders, side, xlwt.Borders.THIN)
        styles[key] = style
    return styles[key]


def page_setup(ws, sheet):
    """A4, one page wide, centred; landscape where the sample is."""
    sheet.paper_size_code = 9
    sheet.portrait = 0 if ws.page_setup.orientation == "landscape" else 1
    sheet.fit_num_pages = 1
    sheet.fit_width_to_pages = 1
    sheet.fit_height_to_pages = 0
    sheet.print_centered_horz = 1
    # xlwt's default page number and file name, which the samples do not print.
    sheet.header_str = b""
    sheet.footer_str = b""


def convert(src: str, dst: str) -> None:
    wb = openpyxl.load_workbook(src)
    out = xlwt.Workbook(encoding="utf-8")
    styles = {}
    for ws in wb.worksheets:
        sheet = out.add_sheet(ws.title, cell_overwrite_ok=True)
        if ws.sheet_state != "visible":
            sheet.visibility = 1
        page_setup(ws, sheet)
        for d in ws.column_dimensions.values():
            if d.width:
                for c in range((d.min or 1) - 1, d.max or d.min or 1):
                    sheet.col(c).width = int(round(d.width * 256))
        for r, d in ws.row_dimensions.items():
            if d.height:
                row = sheet.row(r - 1)
                row.height_mismatch = True
                row.height = int(round(d.height * 20))
        merged = {}
        for rng in ws.merged_cells.ranges:
            merged[(rng.min_row, rng.min_col)] = rng
        covered = set()
        for rng in ws.merged_cells.ranges:
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    if (r, c) != (rng.min_row, rng.min_col):
                        covered.add((r, c))
        for row in ws.iter_rows():
            for cell in row:
                r, c = cell.row, cell.column
                if (r, c) in covered:
                    continue
                value = cell.value
                style = style_of(cell, value, styles)
                if (r, c) in merged:
                    m = merged[(r, c)]
                    sheet.write_merge(m.min_row - 1, m.max_row - 1, m.min_col - 1, m.max_col - 1, value, style)
                elif value is not None or cell.border.left.style:
                    # An empty cell of a table keeps its border.
                    sheet.write(r - 1, c - 1, value, style)
    out.save(dst)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    convert(sys.argv[1], sys.argv[2])
