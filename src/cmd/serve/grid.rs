//! A finding's cells as the source workbook has them: for each sheet they
//! are on, the rows and columns around them with their values as read,
//! merged regions, and the cells themselves marked (a cell in a merged
//! region marks the region).

use serde::Serialize;

use yusuan::workbook::{col_letters, CellValue, Sheet, Workbook};

/// A whole sheet is shown up to this many rows; a longer one, this many
/// around the cells.
const ROWS: u32 = 400;
/// The same for columns.
const COLUMNS: u32 = 60;
/// Sheets shown for one finding (a rule between tables names a few).
const SHEETS: usize = 6;

/// The part of one sheet shown.
#[derive(Debug, Serialize)]
pub struct Window {
    pub sheet: String,
    /// The first row and column shown, 0-based.
    pub top: u32,
    pub left: u32,
    /// Column letters of the columns shown.
    pub columns: Vec<String>,
    /// Each row's values, as text.
    pub rows: Vec<Vec<String>>,
    /// Merged regions within the window, clipped to it: first row, first
    /// column, last row, last column (0-based, inclusive).
    pub merges: Vec<[u32; 4]>,
    /// The finding's cells (a merged region's first cell).
    pub marks: Vec<[u32; 2]>,
    /// The sheet's whole size, and whether only part of it is shown.
    pub height: u32,
    pub width: u32,
    pub part: bool,
}

/// What is shown of a finding: a window per sheet, and the sheets named
/// that the workbook does not have.
#[derive(Debug, Serialize, Default)]
pub struct Shown {
    pub sheets: Vec<Window>,
    pub missing: Vec<String>,
}

/// The windows around `cells` (sheet name, row, column), in the order the
/// sheets first appear.
pub fn show(wb: &Workbook, cells: &[(String, u32, u32)]) -> Shown {
    let mut names: Vec<&str> = Vec::new();
    for (sheet, _, _) in cells {
        if !names.contains(&sheet.as_str()) {
            names.push(sheet);
        }
    }
    let mut shown = Shown::default();
    for name in names.into_iter().take(SHEETS) {
        let Some(sheet) = wb.sheets.iter().find(|s| &*s.name == name) else {
            shown.missing.push(name.to_string());
            continue;
        };
        let at: Vec<(u32, u32)> = cells
            .iter()
            .filter(|(s, _, _)| s == name)
            .map(|(_, r, c)| (*r, *c))
            .collect();
        shown.sheets.push(window(sheet, &at));
    }
    shown
}

/// `[first, end)` of `len` places around `lo..=hi`, at most `most` long.
fn span(len: u32, lo: u32, hi: u32, most: u32, margin: u32) -> (u32, u32) {
    let len = len.max(hi + 1);
    if len <= most {
        return (0, len);
    }
    let first = lo.saturating_sub(margin);
    let end = (hi + margin + 1).min(len).min(first + most);
    (first, end.max(first + 1))
}

fn window(sheet: &Sheet, at: &[(u32, u32)]) -> Window {
    let merge_of = |r: u32, c: u32| sheet.merge_at(r, c);
    // A cell in a merged region stands for the region.
    let mut marks: Vec<[u32; 2]> = Vec::new();
    for &(r, c) in at {
        let mark = match merge_of(r, c) {
            Some(m) => [m.first_row, m.first_col],
            None => [r, c],
        };
        if !marks.contains(&mark) {
            marks.push(mark);
        }
    }
    let (r_lo, r_hi) = (
        at.iter().map(|a| a.0).min().unwrap_or(0),
        at.iter().map(|a| a.0).max().unwrap_or(0),
    );
    let (c_lo, c_hi) = (
        at.iter().map(|a| a.1).min().unwrap_or(0),
        at.iter().map(|a| a.1).max().unwrap_or(0),
    );
    let (height, width) = (sheet.height(), sheet.width());
    let (top, bottom) = span(height, r_lo, r_hi, ROWS, 20);
    let (left, right) = span(width, c_lo, c_hi, COLUMNS, 6);
    let rows = (top..bottom)
        .map(|r| (left..right).map(|c| text(sheet.get(r, c))).collect())
        .collect();
    let merges = sheet
        .merges()
        .iter()
        .filter(|m| {
            m.first_row < bottom && m.last_row >= top && m.first_col < right && m.last_col >= left
        })
        .map(|m| {
            [
                m.first_row.max(top),
                m.first_col.max(left),
                m.last_row.min(bottom - 1),
                m.last_col.min(right - 1),
            ]
        })
        .collect();
    // A merged region cut by the window is marked where it starts in it.
    let marks = marks
        .into_iter()
        .map(|[r, c]| [r.max(top), c.max(left)])
        .collect();
    Window {
        sheet: sheet.name.to_string(),
        top,
        left,
        columns: (left..right).map(col_letters).collect(),
        rows,
        merges,
        marks,
        height,
        width,
        part: top > 0 || left > 0 || bottom < height || right < width,
    }
}

/// A cell's value as text: numbers as read (the shortest form that reads
/// back the same), a formula without a result as its text.
fn text(v: &CellValue) -> String {
    match v {
        CellValue::Bool(true) => "TRUE".into(),
        CellValue::Bool(false) => "FALSE".into(),
        v => v.as_text(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yusuan::workbook::Merge;

    fn sheet(rows: u32, cols: u32, merges: Vec<Merge>) -> Sheet {
        let grid = (0..rows)
            .map(|r| {
                (0..cols)
                    .map(|c| CellValue::Text(format!("{}{}", col_letters(c), r + 1)))
                    .collect()
            })
            .collect();
        Sheet::new("表3", grid, merges)
    }

    #[test]
    fn a_small_sheet_is_shown_whole_with_its_cells_marked() {
        let merge = Merge {
            first_row: 0,
            first_col: 0,
            last_row: 0,
            last_col: 3,
        };
        let w = window(&sheet(10, 4, vec![merge]), &[(6, 2), (0, 2)]);
        assert_eq!(
            (w.top, w.left, w.rows.len(), w.columns.len()),
            (0, 0, 10, 4)
        );
        assert_eq!(w.rows[6][2], "C7");
        // The title's merge stands for C1.
        assert_eq!(w.marks, vec![[6, 2], [0, 0]]);
        assert_eq!(w.merges, vec![[0, 0, 0, 3]]);
        assert!(!w.part);
    }

    #[test]
    fn a_long_sheet_is_shown_around_the_cells() {
        let w = window(&sheet(80_000, 5, vec![]), &[(50_000, 1)]);
        assert!(w.part);
        assert!(w.top <= 50_000 && 50_000 < w.top + w.rows.len() as u32);
        assert!(w.rows.len() as u32 <= ROWS);
        assert_eq!(w.rows[(50_000 - w.top) as usize][1], "B50001");
    }
}
