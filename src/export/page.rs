//! A sheet laid out for paper, before it is written: what each cell holds
//! and how it looks, in the order it was put there, with the sheet's
//! column widths, merged areas and print set-up. The layouts
//! ([`super::layout`]) make pages from a budget; the samples edit them
//! further; [`Page::fit`] sizes rows and columns to what they hold; the
//! package writer ([`super::xlsx`]) writes them.
//!
//! Writes are kept in order, later ones over earlier ones, as a
//! spreadsheet program applies them: sizing reads them in that order, so an
//! edit of a page before sizing is sized as if it had been laid out so.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

/// How a cell looks: one of a layout's styles (fonts, borders and number
/// formats come from the template's print settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Style {
    /// No style of ours (a sheet of plain notes).
    Default,
    /// The table's title: bold, large, centred.
    Title,
    /// The 部门/单位 line.
    Plain,
    /// The `单位：万元` cell, right-aligned.
    Right,
    /// Header cells: bordered, bold, centred, wrapped.
    Header,
    /// Texts of the body: bordered, wrapped.
    Text,
    /// Codes, as text.
    Code,
    /// Figures, `#,##0.00`.
    Number,
    /// Shares and rates, `0.00%`.
    Percent,
    /// A form's labels and section titles: bordered, bold, wrapped.
    Section,
    /// Notes under a table, wrapped at the top.
    Note,
}

/// What a cell holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text; empty is a blank cell that keeps its style.
    Text(String),
    /// A figure, exact; written as the nearest binary number.
    Number(Decimal),
}

/// One write to a page.
#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    Cell {
        row: u32,
        col: u16,
        value: Value,
        style: Style,
    },
    /// A merged area: the text in its first cell, every cell styled.
    Merge {
        first_row: u32,
        first_col: u16,
        last_row: u32,
        last_col: u16,
        text: String,
        style: Style,
    },
}

/// How a page prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Print {
    /// A4, one page wide, centred on the paper.
    pub a4_one_page_wide: bool,
    pub landscape: bool,
}

/// A column sized to its widest one-column text, within bounds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FitColumn {
    pub col: u16,
    pub min: f64,
    pub max: f64,
}

/// One sheet laid out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub name: String,
    pub hidden: bool,
    /// The canonical table laid out here, if any.
    pub table: Option<crate::model::TableId>,
    /// The printed columns by key, left to right, from the first column.
    pub columns: Vec<String>,
    /// The first row below the header.
    pub body: Option<u32>,
    pub writes: Vec<Write>,
    /// Column widths, in characters.
    pub widths: BTreeMap<u16, f64>,
    /// Row heights, in points (a row not here is as high as the default).
    pub heights: BTreeMap<u32, f64>,
    /// The first row and column that scroll (a frozen header).
    pub freeze: Option<(u32, u16)>,
    /// Rows printed again on every page.
    pub repeat_rows: Option<(u32, u32)>,
    pub print: Print,
    /// Columns [`Page::fit`] sizes to their texts.
    pub fit_columns: Vec<FitColumn>,
    /// Whether [`Page::fit`] sizes the rows to their texts.
    pub fit_rows: bool,
}

/// Excel's default column width.
pub const DEFAULT_WIDTH: f64 = 8.43;
/// Excel's default row height, in points.
pub const DEFAULT_HEIGHT: f64 = 15.0;

/// How many characters `#,##0.00` shows a figure in.
pub fn figure_width(d: Decimal) -> usize {
    // The whole part's digits (at most 29, a Decimal's).
    let whole = d.mantissa().unsigned_abs() / 10u128.pow(d.scale());
    let digits = whole.checked_ilog10().map_or(1, |l| l as usize + 1).min(29);
    digits + (digits - 1) / 3 + 3 + usize::from(d.is_sign_negative() && !d.is_zero())
}

/// A cell or merged area the sizing reads: its rows and columns, and its
/// text, or a figure (it never wraps: only how wide `#,##0.00` shows it).
struct Shown<'a> {
    r1: u32,
    r2: u32,
    c1: u16,
    c2: u16,
    text: Option<&'a str>,
    figure: Option<Decimal>,
}

impl Shown<'_> {
    fn width(&self) -> usize {
        match (self.text, self.figure) {
            (Some(t), _) => crate::text::display_width(t),
            (None, Some(d)) => figure_width(d),
            (None, None) => 0,
        }
    }
}

/// What the sizing reads, in the order written: texts below the first
/// row (a merged area's text over the whole area) and figures.
fn shown(writes: &[Write]) -> Vec<Shown<'_>> {
    let mut out = Vec::new();
    for w in writes {
        match w {
            Write::Cell {
                row,
                col,
                value: Value::Text(s),
                ..
            } if *row > 0 && !s.trim().is_empty() => out.push(Shown {
                r1: *row,
                r2: *row,
                c1: *col,
                c2: *col,
                text: Some(s),
                figure: None,
            }),
            Write::Cell {
                row,
                col,
                value: Value::Number(d),
                ..
            } if *row > 0 => out.push(Shown {
                r1: *row,
                r2: *row,
                c1: *col,
                c2: *col,
                text: None,
                figure: Some(*d),
            }),
            Write::Merge {
                first_row,
                first_col,
                last_row,
                last_col,
                text,
                ..
            } if *first_row > 0 && !text.trim().is_empty() => out.push(Shown {
                r1: *first_row,
                r2: *last_row,
                c1: *first_col,
                c2: *last_col,
                text: Some(text),
                figure: None,
            }),
            _ => {}
        }
    }
    out
}

impl Page {
    pub fn new(name: impl Into<String>) -> Page {
        Page {
            name: name.into(),
            fit_rows: true,
            ..Page::default()
        }
    }

    pub fn text(&mut self, row: u32, col: u16, s: &str, style: Style) {
        self.writes.push(Write::Cell {
            row,
            col,
            value: Value::Text(s.to_string()),
            style,
        });
    }

    pub fn number(&mut self, row: u32, col: u16, d: Decimal, style: Style) {
        self.writes.push(Write::Cell {
            row,
            col,
            value: Value::Number(d),
            style,
        });
    }

    /// A merged area holding `s` in its first cell; a single cell is a
    /// plain cell.
    pub fn span(&mut self, r1: u32, c1: u16, r2: u32, c2: u16, s: &str, style: Style) {
        if r1 == r2 && c1 == c2 {
            self.text(r1, c1, s, style);
        } else {
            self.writes.push(Write::Merge {
                first_row: r1,
                first_col: c1,
                last_row: r2,
                last_col: c2,
                text: s.to_string(),
                style,
            });
        }
    }

    pub fn width(&mut self, col: u16, w: f64) {
        self.widths.insert(col, w);
    }

    pub fn height(&mut self, row: u32, h: f64) {
        self.heights.insert(row, h);
    }

    /// Sizes the page to what it holds, for paper: each of
    /// [`Page::fit_columns`] as wide as its widest one-column text (within
    /// its bounds), then every row as high as its texts need wrapped at
    /// their columns' width (CJK characters count double); a text merged
    /// down over several rows shares its height among them.
    pub fn fit(&mut self) {
        use crate::text::{row_height, wrapped_lines};
        let shown = shown(&self.writes);
        for f in &self.fit_columns {
            let widest = shown
                .iter()
                .filter(|t| t.c1 == f.col && t.c2 == f.col)
                .map(Shown::width)
                .max()
                .unwrap_or(0);
            self.widths
                .insert(f.col, ((widest + 2) as f64).clamp(f.min, f.max));
        }
        if !self.fit_rows {
            return;
        }
        let widths = &self.widths;
        let span_width = |c1: u16, c2: u16| {
            (c1..=c2)
                .map(|c| widths.get(&c).copied().unwrap_or(DEFAULT_WIDTH))
                .sum::<f64>()
        };
        let mut heights: BTreeMap<u32, f64> = BTreeMap::new();
        // Texts only: a figure shows on one line, whatever its width.
        let texts = || shown.iter().filter_map(|t| t.text.map(|s| (t, s)));
        for (t, text) in texts().filter(|(t, _)| t.r1 == t.r2) {
            let need = row_height(wrapped_lines(text, span_width(t.c1, t.c2)));
            let h = heights.entry(t.r1).or_insert(DEFAULT_HEIGHT);
            *h = h.max(need);
        }
        for (t, text) in texts().filter(|(t, _)| t.r1 != t.r2) {
            let need = row_height(wrapped_lines(text, span_width(t.c1, t.c2)));
            let have: f64 = (t.r1..=t.r2)
                .map(|r| heights.get(&r).copied().unwrap_or(DEFAULT_HEIGHT))
                .sum();
            if have < need {
                let more = (need - have) / f64::from(t.r2 - t.r1 + 1);
                for r in t.r1..=t.r2 {
                    *heights.entry(r).or_insert(DEFAULT_HEIGHT) += more;
                }
            }
        }
        for (r, h) in heights {
            if h > DEFAULT_HEIGHT {
                // Excel's highest row is 409 points.
                self.heights.insert(r, h.min(409.0));
            }
        }
    }

    // ---------------------------------------------------------------- edits

    /// Moves every column from `at` one to the right.
    pub fn insert_column(&mut self, at: u16) {
        let shift = |c: &mut u16| {
            if *c >= at {
                *c += 1;
            }
        };
        for w in &mut self.writes {
            match w {
                Write::Cell { col, .. } => shift(col),
                Write::Merge {
                    first_col,
                    last_col,
                    ..
                } => {
                    shift(first_col);
                    shift(last_col);
                }
            }
        }
        self.widths = std::mem::take(&mut self.widths)
            .into_iter()
            .map(|(mut c, w)| {
                shift(&mut c);
                (c, w)
            })
            .collect();
        for f in &mut self.fit_columns {
            shift(&mut f.col);
        }
        if let Some((_, c)) = &mut self.freeze {
            shift(c);
        }
    }

    /// Moves every row from `at` one down.
    pub fn insert_row(&mut self, at: u32) {
        let shift = |r: &mut u32| {
            if *r >= at {
                *r += 1;
            }
        };
        for w in &mut self.writes {
            match w {
                Write::Cell { row, .. } => shift(row),
                Write::Merge {
                    first_row,
                    last_row,
                    ..
                } => {
                    shift(first_row);
                    shift(last_row);
                }
            }
        }
        self.heights = std::mem::take(&mut self.heights)
            .into_iter()
            .map(|(mut r, h)| {
                shift(&mut r);
                (r, h)
            })
            .collect();
        if let Some((r, _)) = &mut self.freeze {
            shift(r);
        }
        if let Some(r) = &mut self.body {
            shift(r);
        }
        if let Some((a, b)) = &mut self.repeat_rows {
            shift(a);
            shift(b);
        }
    }

    /// Every merged area written as its first cell alone, as a sheet saved
    /// without merges shows it.
    pub fn unmerge(&mut self) {
        for w in &mut self.writes {
            if let Write::Merge {
                first_row,
                first_col,
                text,
                style,
                ..
            } = w
            {
                *w = Write::Cell {
                    row: *first_row,
                    col: *first_col,
                    value: Value::Text(std::mem::take(text)),
                    style: *style,
                };
            }
        }
    }

    /// The text of the last write to a cell (a merged area's first cell
    /// included), if it is text.
    pub fn text_at(&self, row: u32, col: u16) -> Option<&str> {
        self.writes.iter().rev().find_map(|w| match w {
            Write::Cell {
                row: r,
                col: c,
                value,
                ..
            } if *r == row && *c == col => match value {
                Value::Text(s) => Some(Some(s.as_str())),
                Value::Number(_) => Some(None),
            },
            Write::Merge {
                first_row,
                first_col,
                last_row,
                last_col,
                text,
                ..
            } if (*first_row..=*last_row).contains(&row)
                && (*first_col..=*last_col).contains(&col) =>
            {
                Some((row == *first_row && col == *first_col).then_some(text.as_str()))
            }
            _ => None,
        })?
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn figure_widths_are_those_printed() {
        for (d, shown) in [
            ("0", "0.00"),
            ("0.5", "0.50"),
            ("-0.38", "-0.38"),
            ("324.83", "324.83"),
            ("1234.5", "1,234.50"),
            ("3248300", "3,248,300.00"),
            ("-1234567.89", "-1,234,567.89"),
        ] {
            let d = Decimal::from_str(d).unwrap();
            assert_eq!(figure_width(d), shown.chars().count(), "{d}");
        }
    }

    #[test]
    fn a_text_merged_down_shares_its_height() {
        let mut p = Page::new("t");
        p.width(0, 10.0);
        // 16 wide characters, four to a line of 9 units: 4 lines over two rows.
        p.span(1, 0, 2, 0, &"一".repeat(16), Style::Text);
        p.fit();
        let need = crate::text::row_height(4);
        assert_eq!(p.heights[&1], need / 2.0);
        assert_eq!(p.heights[&2], need / 2.0);
    }

    #[test]
    fn inserted_rows_and_columns_move_what_lies_beyond() {
        let mut p = Page::new("t");
        p.span(0, 0, 1, 1, "a", Style::Header);
        p.text(3, 2, "b", Style::Text);
        p.width(2, 20.0);
        p.freeze = Some((2, 0));
        p.insert_row(2);
        p.insert_column(1);
        assert_eq!(p.text_at(4, 3), Some("b"));
        assert_eq!(p.text_at(0, 0), Some("a"));
        assert_eq!(p.text_at(1, 2), None, "inside the widened merge");
        assert_eq!(p.widths.get(&3), Some(&20.0));
        assert_eq!(p.freeze, Some((3, 0)));
    }
}
