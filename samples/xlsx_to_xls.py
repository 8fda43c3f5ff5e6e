#!/usr/bin/env python3
"""Re-save a sample workbook as .xls (BIFF8), the format of older years.

    pip install openpyxl xlwt
    python3 samples/xlsx_to_xls.py samples/wenlv-2024-quirks.xlsx samples/wenlv-2024-quirks.xls

Keeps what the importer reads: cell values (numbers stay binary floats, text
stays text), merged regions, hidden sheets and sheet order. Formatting other
than number formats is not carried over. The .xls outputs are committed, so
the test suite needs neither package.
"""
import sys

import openpyxl
import xlwt


def convert(src: str, dst: str) -> None:
    wb = openpyxl.load_workbook(src)
    out = xlwt.Workbook(encoding="utf-8")
    money = xlwt.easyxf(num_format_str="#,##0.00")
    percent = xlwt.easyxf(num_format_str="0.00%")
    plain = xlwt.easyxf()
    for ws in wb.worksheets:
        sheet = out.add_sheet(ws.title, cell_overwrite_ok=True)
        if ws.sheet_state != "visible":
            sheet.visibility = 1
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
                style = plain
                if isinstance(value, (int, float)):
                    style = percent if "%" in (cell.number_format or "") else money
                if (r, c) in merged:
                    m = merged[(r, c)]
                    sheet.write_merge(m.min_row - 1, m.max_row - 1, m.min_col - 1, m.max_col - 1, value, style)
                elif value is not None:
                    sheet.write(r - 1, c - 1, value, style)
    out.save(dst)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    convert(sys.argv[1], sys.argv[2])
