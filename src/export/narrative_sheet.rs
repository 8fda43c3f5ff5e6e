//! 说明核对, the sheet after 核对结果 when a narrative was checked with the
//! workbook, decided once: its name, title, column heads and widths, each
//! paragraph's row (its place filled by the worst finding about it, its
//! text with the figures marked, what each figure was compared with, the
//! findings) and height, the title's merge, the frozen head and the print
//! set-up. The marked-up package ([`super::markup`]) and the redrawn
//! workbook ([`super::report`]) only write this model in their medium.
//!
//! Its rows are paragraphs, not findings, so it is a model of its own; it
//! writes its cells in 核对结果's vocabulary ([`Look`], [`Value`], [`Cell`],
//! [`Line`]) so that each medium translates both sheets with one hand.

use super::review_sheet::{free_sheet_name, Cell, Line, Look, Value};
use crate::model::Severity;
use crate::narrative::{Outcome, Review};
use crate::reconcile::Finding;

/// The sheet's name, when no sheet of the source has it.
pub const SHEET_NAME: &str = "说明核对";

/// Columns: where the paragraph is, its text with the figures marked (the
/// head says what the colours mean), what each figure was compared with,
/// the findings about it.
pub const HEAD: [&str; 4] = [
    "段落",
    "原文（数字：绿 = 与表相符，红 = 不符或空着，灰 = 表中无可比的数）",
    "核对",
    "问题",
];

/// Their widths in characters: every cell wraps within its column.
pub const WIDTHS: [f64; 4] = [20.0, 70.0, 46.0, 46.0];

/// The row of the header (0-based); the paragraphs follow it, and the rows
/// down to it stay in view.
pub const HEAD_ROW: u32 = 1;

/// Rows merged across every column (0-based): the title.
pub const MERGED_ROWS: [u32; 1] = [0];

/// Page margins in inches, as 核对结果's: landscape A4, one page wide.
pub const MARGINS: [f64; 6] = super::review_sheet::MARGINS;

/// The colour of a figure, by what checking it came to: the words of the
/// text's column head.
pub fn outcome_rgb(o: Outcome) -> &'static str {
    match o {
        Outcome::Agrees => "FF00803C",
        Outcome::Differs => "FFC00000",
        Outcome::NotCompared => "FF7F7F7F",
    }
}

/// One paragraph's row.
#[derive(Debug, Clone, PartialEq)]
pub struct ParagraphRow {
    /// Where a reviewer finds it: `情况说明.docx 第 5 段`.
    pub place: String,
    /// The worst finding about the paragraph: the fill of its place.
    pub severity: Option<Severity>,
    /// The paragraph in pieces, none empty, each figure with its outcome.
    pub pieces: Vec<(String, Option<Outcome>)>,
    /// The paragraph's text, the pieces joined.
    pub text: String,
    /// One line a figure: what it was compared with.
    pub checks: String,
    /// The findings about the paragraph, one a line.
    pub problems: String,
    /// Points, from the texts it wraps: LibreOffice and Excel print the
    /// height saved, not one fitted to the text.
    pub height: f64,
}

/// The whole sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct NarrativeSheet {
    /// 说明核对, or 说明核对2 … when the source has a sheet of that name.
    pub name: String,
    /// `情况说明 {source}：p 段，找到数字 n 处，与表核对 c 处，不符 d 处`.
    pub title: String,
    pub rows: Vec<ParagraphRow>,
}

impl ParagraphRow {
    fn of(row: crate::narrative::SheetRow) -> ParagraphRow {
        let pieces: Vec<(String, Option<Outcome>)> = row
            .pieces
            .into_iter()
            .filter(|(t, _)| !t.is_empty())
            .collect();
        let text: String = pieces.iter().map(|(t, _)| t.as_str()).collect();
        let lines = [&row.place, &text, &row.checks, &row.problems]
            .iter()
            .zip(WIDTHS)
            .map(|(t, w)| crate::text::wrapped_lines(t, w))
            .max()
            .unwrap_or(1);
        ParagraphRow {
            place: row.place,
            severity: row.severity,
            pieces,
            text,
            checks: row.checks,
            problems: row.problems,
            height: crate::text::row_height(lines),
        }
    }

    /// Its cells: the place always; the text, checks and problems when
    /// there are any. A text with no figure marked is plain text.
    fn cells<'a>(&'a self) -> Vec<Cell<'a>> {
        let cell = |col: u16, value: Value<'a>| Cell::plain(col, value, Look::Wrap);
        let mut out = vec![Cell {
            fill: self.severity,
            ..cell(0, Value::Text(&self.place))
        }];
        if self.pieces.iter().any(|(_, mark)| mark.is_some()) {
            out.push(cell(1, Value::Rich(&self.pieces)));
        } else if !self.text.is_empty() {
            out.push(cell(1, Value::Text(&self.text)));
        }
        for (col, t) in [(2, &self.checks), (3, &self.problems)] {
            if !t.is_empty() {
                out.push(cell(col, Value::Text(t)));
            }
        }
        out
    }
}

impl NarrativeSheet {
    /// The sheet for the narrative `review` and the `findings` of its
    /// check; `taken` are the names of the source's sheets.
    pub fn new(review: &Review, findings: &[Finding], taken: &[&str]) -> NarrativeSheet {
        let rows: Vec<ParagraphRow> = review
            .sheet_rows(findings)
            .into_iter()
            .map(ParagraphRow::of)
            .collect();
        let (n, compared, differing) = review.counts();
        NarrativeSheet {
            name: free_sheet_name(SHEET_NAME, taken),
            title: format!(
                "情况说明 {}：{} 段，找到数字 {n} 处，与表核对 {compared} 处，不符 {differing} 处",
                review.narrative.source,
                rows.len()
            ),
            rows,
        }
    }

    /// The last row written (0-based): the last paragraph's, or the header's.
    pub fn last_row(&self) -> u32 {
        HEAD_ROW + self.rows.len() as u32
    }

    /// Every row of the sheet with its cells, top to bottom.
    pub fn lines<'a>(&'a self) -> Vec<Line<'a>> {
        let text = |col: u16, t: &'a str, look: Look| Cell::plain(col, Value::Text(t), look);
        let mut out = vec![
            Line {
                row: 0,
                height: None,
                cells: vec![text(0, &self.title, Look::Title)],
            },
            Line {
                row: HEAD_ROW,
                height: None,
                cells: (0..)
                    .zip(HEAD)
                    .map(|(c, h)| text(c, h, Look::Header))
                    .collect(),
            },
        ];
        for (i, r) in self.rows.iter().enumerate() {
            out.push(Line {
                row: HEAD_ROW + 1 + i as u32,
                height: Some(r.height),
                cells: r.cells(),
            });
        }
        out
    }
}
