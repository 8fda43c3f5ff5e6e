//! 核对结果, the first sheet of every reviewer's workbook, decided once:
//! its name, title, legend, findings in the order a reviewer reads them,
//! each row's texts, figures, link and height, and the sheet's widths,
//! merges, filter and print set-up. The marked-up package
//! ([`super::markup`]) and the redrawn workbook ([`super::report`]) only
//! write this model in their medium, so a reviewer gets the same sheet
//! whichever of them drew it. Its cells ([`Look`], [`Value`], [`Cell`],
//! [`Line`]) are also 说明核对's ([`super::narrative_sheet`]).

use std::str::FromStr;

use rust_decimal::Decimal;

use crate::model::{Budget, Severity};
use crate::reconcile::Finding;

/// The sheet's name, when no sheet of the source has it.
pub const SHEET_NAME: &str = "核对结果";

/// Columns: 序号 级别 规则 表 单元格 说明 应为 实为 差额 单位.
pub const HEAD: [&str; 10] = [
    "序号",
    "级别",
    "规则",
    "表",
    "单元格",
    "说明",
    "应为",
    "实为",
    "差额",
    "单位",
];

/// Their widths in characters: the cells and the message wrap within theirs.
pub const WIDTHS: [f64; 10] = [6.0, 6.0, 14.0, 7.0, 28.0, 60.0, 14.0, 14.0, 12.0, 6.0];

/// The row of the header (0-based); the findings follow it, and the rows
/// down to it stay in view.
pub const HEAD_ROW: u32 = 2;

/// Rows merged across every column (0-based): the title and the legend.
pub const MERGED_ROWS: [u32; 2] = [0, 1];

/// Page margins in inches: left, right, top, bottom, header, footer. A
/// reviewer prints the sheet landscape on A4, one page wide.
pub const MARGINS: [f64; 6] = [0.5, 0.5, 0.75, 0.75, 0.3, 0.3];

/// What the legend says of the colours and the comments.
pub const COLOR_KEY: &str =
    "底色：红 = 错误，黄 = 警告，蓝 = 提示；单元格的批注写明规则和应为/实为。";

/// What the sheet says when nothing was found.
pub const NONE_FOUND: &str = "没有发现问题。";

/// How a cell looks; each medium has its own format for each look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Look {
    /// Bold, larger: the sheet's first line.
    Title,
    /// Bold on grey: the column heads.
    Header,
    /// Top-aligned, wrapped within its column.
    Wrap,
    /// Top-aligned, `#,##0.00`.
    Number,
    /// A link's blue, underlined, wrapped.
    Link,
}

/// A figure of a finding as 核对结果 shows it: a number a reviewer can sum
/// and filter, or the finding's text when it is not one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Figure {
    Number(Decimal),
    Text(String),
}

impl Figure {
    fn of(v: &str) -> Figure {
        match Decimal::from_str(v.trim()) {
            Ok(d) => Figure::Number(d),
            Err(_) => Figure::Text(v.to_string()),
        }
    }
}

/// Where a finding's cells label leads: its first cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub sheet: String,
    pub a1: String,
}

impl Link {
    /// The place as a link inside the workbook writes it: `'表3'!C7`.
    pub fn location(&self) -> String {
        format!("'{}'!{}", self.sheet.replace('\'', "''"), self.a1)
    }
}

/// One finding's row.
#[derive(Debug, Clone, PartialEq)]
pub struct FindingRow {
    /// 序号, from 1 in the order shown.
    pub no: usize,
    pub severity: Severity,
    pub rule: &'static str,
    /// The table as the workbook numbers it (`表8`), or 工作簿.
    pub table: String,
    /// The cells compared ([`cells_label`]); empty when none.
    pub cells: String,
    /// Where the cells label leads; none when the finding names no cell.
    pub link: Option<Link>,
    pub message: String,
    pub expected: Option<Figure>,
    pub actual: Option<Figure>,
    pub difference: Option<Figure>,
    pub unit: Option<&'static str>,
    /// Points, from the texts it wraps: LibreOffice and Excel print the
    /// height saved, not one fitted to the text.
    pub height: f64,
}

/// The whole sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewSheet {
    /// 核对结果, or 核对结果2 … when the source has a sheet of that name.
    pub name: String,
    /// `{path} {year} 年 {department} — e 个错误，w 个警告，n 条提示`.
    pub title: String,
    /// What the workbook is and what it could not keep, then the colours.
    pub legend: String,
    /// Points, when the legend wraps to more than one line.
    pub legend_height: Option<f64>,
    pub rows: Vec<FindingRow>,
}

/// A value of a cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    Text(&'a str),
    Number(Decimal),
    /// Text in pieces, none empty, each figure marked with what checking
    /// it came to ([`super::narrative_sheet::outcome_rgb`]): 说明核对's.
    Rich(&'a [(String, Option<crate::narrative::Outcome>)]),
}

/// A cell of the sheet, as every medium writes it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell<'a> {
    pub col: u16,
    pub value: Value<'a>,
    pub look: Look,
    /// The severity's fill ([`super::markup::fill_argb`]).
    pub fill: Option<Severity>,
    pub link: Option<&'a Link>,
}

/// A row of the sheet: its index (0-based), height in points when set, and
/// its cells left to right.
#[derive(Debug, Clone, PartialEq)]
pub struct Line<'a> {
    pub row: u32,
    pub height: Option<f64>,
    pub cells: Vec<Cell<'a>>,
}

impl<'a> Cell<'a> {
    /// A cell without fill or link.
    pub fn plain(col: u16, value: Value<'a>, look: Look) -> Cell<'a> {
        Cell {
            col,
            value,
            look,
            fill: None,
            link: None,
        }
    }
}

/// Findings in the order a reviewer reads them: errors, warnings, infos,
/// each in the order the rules reported them (table by table).
pub fn review_order(findings: &[Finding]) -> Vec<&Finding> {
    let mut v: Vec<&Finding> = findings.iter().collect();
    v.sort_by_key(|f| std::cmp::Reverse(f.severity));
    v
}

/// A finding's cells as 核对结果 lists them: all of them up to four, else
/// the first three and how many in all (the text report says the same).
pub fn cells_label(f: &Finding) -> String {
    let all: Vec<String> = f.cells.iter().take(4).map(ToString::to_string).collect();
    if f.cells.len() <= 4 {
        all.join(", ")
    } else {
        format!("{} 等 {} 个", all[..3].join(", "), f.cells.len())
    }
}

/// `base`, or `base2`, `base3` … : the first name no sheet in `taken` has.
pub fn free_sheet_name(base: &str, taken: &[&str]) -> String {
    (1..)
        .map(|k| {
            if k == 1 {
                base.to_string()
            } else {
                format!("{base}{k}")
            }
        })
        .find(|n| !taken.contains(&n.as_str()))
        .unwrap_or_default()
}

/// The legend's note for a redrawn workbook: why it is not the source
/// marked up (`why`, or the source is `.xls`).
pub fn redrawn_note(why: Option<&str>) -> String {
    match why {
        Some(why) => {
            format!("源工作簿无法原样标注（{why}），以下各表按读入的数值重绘，原格式未保留。")
        }
        None => "源文件为 .xls，以下各表按读入的数值重绘，原格式未保留。".to_string(),
    }
}

impl FindingRow {
    fn of(no: usize, f: &Finding) -> FindingRow {
        let cells = cells_label(f);
        let lines = crate::text::wrapped_lines(&f.message, WIDTHS[5])
            .max(crate::text::wrapped_lines(&cells, WIDTHS[4]));
        FindingRow {
            no,
            severity: f.severity,
            rule: f.rule,
            table: f.table_shown(),
            link: f.cells.first().map(|c| Link {
                sheet: c.sheet.to_string(),
                a1: c.a1(),
            }),
            cells,
            message: f.message.clone(),
            expected: f.expected.as_deref().map(Figure::of),
            actual: f.actual.as_deref().map(Figure::of),
            difference: f.difference.as_deref().map(Figure::of),
            unit: f.unit.map(|u| u.label()),
            height: crate::text::row_height(lines),
        }
    }

    fn cells(&self) -> Vec<Cell<'_>> {
        let cell = Cell::plain;
        let mut out = vec![
            cell(0, Value::Number(Decimal::from(self.no)), Look::Wrap),
            Cell {
                fill: Some(self.severity),
                ..cell(1, Value::Text(self.severity.label()), Look::Wrap)
            },
            cell(2, Value::Text(self.rule), Look::Wrap),
            cell(3, Value::Text(&self.table), Look::Wrap),
        ];
        // The first cell links to its place; all cells are listed.
        if let Some(link) = &self.link {
            out.push(Cell {
                link: Some(link),
                ..cell(4, Value::Text(&self.cells), Look::Link)
            });
        }
        out.push(cell(5, Value::Text(&self.message), Look::Wrap));
        for (col, figure) in [
            (6, &self.expected),
            (7, &self.actual),
            (8, &self.difference),
        ] {
            match figure {
                Some(Figure::Number(d)) => out.push(cell(col, Value::Number(*d), Look::Number)),
                Some(Figure::Text(t)) => out.push(cell(col, Value::Text(t), Look::Wrap)),
                None => {}
            }
        }
        if let Some(u) = self.unit {
            out.push(cell(9, Value::Text(u), Look::Wrap));
        }
        out
    }
}

impl ReviewSheet {
    /// The sheet for `findings` on `budget`. `notes` say what the workbook
    /// is and what it could not keep (a redrawn source, macros left out …);
    /// `taken` are the names of the source's sheets.
    pub fn new(
        budget: &Budget,
        findings: &[Finding],
        notes: &[String],
        taken: &[&str],
    ) -> ReviewSheet {
        let (e, w, n) = crate::reconcile::counts(findings);
        let title = format!(
            "{} {} 年 {} — {e} 个错误，{w} 个警告，{n} 条提示",
            budget.source.path,
            budget.year.map_or("?".into(), |y| y.to_string()),
            budget.department.name.as_deref().unwrap_or("")
        );
        let legend = format!("{}{COLOR_KEY}", notes.concat());
        // The legend wraps within the merged width of every column.
        let lines = crate::text::wrapped_lines(&legend, WIDTHS.iter().sum());
        ReviewSheet {
            name: free_sheet_name(SHEET_NAME, taken),
            title,
            legend,
            legend_height: (lines > 1).then(|| crate::text::row_height(lines)),
            rows: review_order(findings)
                .into_iter()
                .enumerate()
                .map(|(i, f)| FindingRow::of(i + 1, f))
                .collect(),
        }
    }

    /// The last row of the findings (0-based): the filter runs from the
    /// header to it; one row when there are none.
    pub fn last_row(&self) -> u32 {
        HEAD_ROW + self.rows.len().max(1) as u32
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
                row: 1,
                height: self.legend_height,
                cells: vec![text(0, &self.legend, Look::Wrap)],
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
        if self.rows.is_empty() {
            out.push(Line {
                row: HEAD_ROW + 1,
                height: None,
                cells: vec![text(5, NONE_FOUND, Look::Wrap)],
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_taken_name_gets_the_next_number() {
        assert_eq!(free_sheet_name(SHEET_NAME, &["表1"]), SHEET_NAME);
        assert_eq!(
            free_sheet_name(SHEET_NAME, &[SHEET_NAME, "核对结果2"]),
            "核对结果3"
        );
    }
}
