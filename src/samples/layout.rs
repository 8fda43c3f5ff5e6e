//! How a sample is laid out: the official layout as the writer lays it
//! out ([`crate::export::layout`]), then what real submissions do to it —
//! other sheet names and order, a cover and an instruction sheet, titles
//! without the year, text amounts, dashes, codes split, in the name cell
//! or as numbers, 元, a leading empty column, blank rows, no merges, no
//! unit — done here to the laid-out pages, before they are sized for paper.
//! The writer knows none of these.

use crate::model::TableId;
use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::printed::PrintedBudget;
use crate::amount::Unit;
use crate::export::page::{Page, Style, Value, Write};
use crate::export::xlsx::{self, Options, XlsxError};
use crate::template::{Role, Template};

/// How the sheets are named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetNames {
    /// `表1`, `表5-1`, `表12-2`.
    Official,
    /// `公开01表`, `公开05-1表`.
    Public,
    /// `Sheet1`, `Sheet2` …: only the title says which table it is.
    Generic,
}

/// The shape of a sample workbook.
#[derive(Debug, Clone)]
pub struct Layout {
    pub name: &'static str,
    pub sheet_names: SheetNames,
    /// A cover sheet first.
    pub cover: bool,
    /// A 填表说明 sheet: `Some(true)` hidden, `Some(false)` visible.
    pub instructions: Option<bool>,
    /// Sheets in reverse order.
    pub reverse_order: bool,
    /// Titles start with the year (`2024年收支总表`).
    pub year_in_titles: bool,
    /// Tables whose amounts are text with thousands separators.
    pub text_amounts: &'static [TableId],
    /// Tables whose zeros are written `-`.
    pub dash_zeros: &'static [TableId],
    /// Tables whose codes stand in the name cell (`2011308 招商引资`).
    pub code_in_name: &'static [TableId],
    /// Tables whose codes are split over 类 | 款 | 项 columns.
    pub split_codes: &'static [TableId],
    /// Tables whose codes are number cells.
    pub numeric_codes: &'static [TableId],
    /// Tables kept in 元 instead of 万元.
    pub yuan: &'static [TableId],
    /// Tables with an empty first column.
    pub leading_empty_col: &'static [TableId],
    /// Tables with a blank row before each 类.
    pub blank_rows: &'static [TableId],
    /// Tables written without any merged cell.
    pub no_merges: &'static [TableId],
    /// Tables written without the `单位：` cell.
    pub no_unit: &'static [TableId],
    /// Tables left out of the workbook.
    pub omit: &'static [TableId],
    /// 表12 forms carry a `（2024年度）` line under the title.
    pub form_year_line: bool,
}

impl Layout {
    /// The official 2024 layout.
    pub fn official() -> Layout {
        Layout {
            name: "official",
            sheet_names: SheetNames::Official,
            cover: true,
            instructions: Some(true),
            reverse_order: false,
            year_in_titles: false,
            text_amounts: &[],
            dash_zeros: &[],
            code_in_name: &[],
            split_codes: &[],
            numeric_codes: &[],
            yuan: &[],
            leading_empty_col: &[],
            blank_rows: &[],
            no_merges: &[],
            no_unit: &[],
            omit: &[],
            form_year_line: true,
        }
    }

    /// What real departments send: every quirk of `tables.md` somewhere.
    pub fn quirks() -> Layout {
        Layout {
            name: "quirks",
            sheet_names: SheetNames::Public,
            cover: false,
            instructions: Some(false),
            reverse_order: true,
            year_in_titles: true,
            text_amounts: &[TableId::T2, TableId::T5_2],
            dash_zeros: &[TableId::T3, TableId::T10],
            code_in_name: &[TableId::T6],
            split_codes: &[TableId::T5_1],
            numeric_codes: &[TableId::T3],
            yuan: &[TableId::T8],
            leading_empty_col: &[TableId::T10],
            blank_rows: &[TableId::T3],
            no_merges: &[TableId::T5_1, TableId::T6],
            no_unit: &[],
            omit: &[],
            form_year_line: true,
        }
    }

    /// Every sheet named `SheetN`: tables found by their titles alone.
    pub fn generic_names() -> Layout {
        Layout {
            name: "generic-names",
            sheet_names: SheetNames::Generic,
            cover: false,
            instructions: None,
            ..Layout::official()
        }
    }
}

/// `3,248,300.00`: a figure as text, as some departments type it.
pub(crate) fn thousands(d: Decimal) -> String {
    let s = format!("{:.2}", d.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
    let mut out = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    format!(
        "{}{out}.{frac}",
        if d.is_sign_negative() { "-" } else { "" }
    )
}

/// The template as a sample prints it: the tables of `split` with their
/// codes over 类 | 款 | 项 columns under one more header row.
fn with_split_codes(template: &Template, split: &[TableId]) -> Template {
    let mut t = template.clone();
    for spec in t.tables.iter_mut().filter(|s| split.contains(&s.id)) {
        let parts: Vec<(String, String)> = spec
            .columns
            .iter()
            .filter(|c| c.role == Role::CodePart)
            .map(|c| (c.key.clone(), c.words[0].clone()))
            .collect();
        let mut keys: Vec<String> = spec.printed_columns().map(|c| c.key.clone()).collect();
        let Some(i) = keys.iter().position(|k| k == "code") else {
            continue;
        };
        if parts.is_empty() {
            continue;
        }
        let mut header = spec.header_layout.clone();
        let width = keys.len();
        header.push(vec!["^".to_string(); width]);
        let last = header.len() - 1;
        for (r, row) in header.iter_mut().enumerate() {
            let cell = row[i].clone();
            let repl: Vec<String> = if r == last {
                parts.iter().map(|p| p.1.clone()).collect()
            } else {
                let more = if cell == "^" { "^" } else { "<" };
                std::iter::once(cell)
                    .chain(std::iter::repeat_n(more.to_string(), parts.len() - 1))
                    .collect()
            };
            row.splice(i..=i, repl);
        }
        keys.splice(i..=i, parts.iter().map(|p| p.0.clone()));
        spec.header_layout = header;
        spec.print.columns = keys;
        // Printed as the seven columns of the table were.
        spec.print.landscape = Some(false);
    }
    t
}

/// The column of `key` on a page, if it prints.
fn column(page: &Page, key: &str) -> Option<u16> {
    page.columns.iter().position(|k| k == key).map(|c| c as u16)
}

fn is_code(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Rewrites every cell write of column `col` below the header.
fn each_body_cell(page: &mut Page, col: u16, mut f: impl FnMut(&mut Value, &mut Style)) {
    let body = page.body.unwrap_or(0);
    for w in &mut page.writes {
        if let Write::Cell {
            row,
            col: c,
            value,
            style,
        } = w
        {
            if *c == col && *row >= body {
                f(value, style);
            }
        }
    }
}

/// The quirks of `layout` for table `id`, done to its page.
fn quirks(page: &mut Page, id: TableId, layout: &Layout) {
    let has = |list: &[TableId]| list.contains(&id);
    if has(layout.no_unit) {
        page.writes.retain(|w| {
            !matches!(
                w,
                Write::Cell {
                    style: Style::Right,
                    ..
                }
            )
        });
    }
    let (dash, text) = (has(layout.dash_zeros), has(layout.text_amounts));
    if dash || text {
        for w in &mut page.writes {
            if let Write::Cell {
                value,
                style: style @ Style::Number,
                ..
            } = w
            {
                let Value::Number(d) = *value else { continue };
                if dash && d.is_zero() {
                    *value = Value::Text("-".into());
                } else if text {
                    *value = Value::Text(thousands(d));
                } else {
                    continue;
                }
                *style = Style::Text;
            }
        }
    }
    if has(layout.code_in_name) {
        code_in_name(page);
    }
    if has(layout.blank_rows) {
        blank_rows(page);
    }
    if has(layout.numeric_codes) {
        if let Some(cc) = column(page, "code") {
            each_body_cell(page, cc, |v, _| {
                if let Value::Text(s) = v {
                    if is_code(s) && s.bytes().all(|b| b.is_ascii_digit()) {
                        if let Ok(d) = s.parse::<Decimal>() {
                            *v = Value::Number(d);
                        }
                    }
                }
            });
        }
    }
    if has(layout.split_codes) {
        // 项 as a number cell: `08` becomes 8, as Excel users type it.
        if let Some(xc) = column(page, "code_xiang") {
            each_body_cell(page, xc, |v, _| {
                if let Value::Text(s) = v {
                    if let Ok(d) = s.trim().parse::<Decimal>() {
                        *v = Value::Number(d);
                    }
                }
            });
        }
    }
    if has(layout.no_merges) {
        page.unmerge();
    }
    if has(layout.leading_empty_col) {
        page.insert_column(0);
    }
}

/// Codes in the name cell (`2011308 招商引资`), the code cell left empty.
fn code_in_name(page: &mut Page) {
    let (Some(cc), Some(nc)) = (column(page, "code"), column(page, "name")) else {
        return;
    };
    // The code of each row, taken from its cell, then put before its name
    // (a row's code is written before its name).
    let mut codes: BTreeMap<u32, String> = BTreeMap::new();
    let body = page.body.unwrap_or(0);
    for w in &mut page.writes {
        if let Write::Cell {
            row,
            col,
            value: Value::Text(s),
            ..
        } = w
        {
            if *row >= body && *col == cc && is_code(s) {
                codes.insert(*row, std::mem::take(s));
            } else if *row >= body && *col == nc {
                if let Some(code) = codes.get(row) {
                    *s = format!("{code} {}", s.trim_start_matches('\u{3000}'));
                }
            }
        }
    }
}

/// A blank row before each 类 but the first.
fn blank_rows(page: &mut Page) {
    let (Some(cc), Some(body)) = (column(page, "code"), page.body) else {
        return;
    };
    let mut classes: Vec<u32> = page
        .writes
        .iter()
        .filter_map(|w| match w {
            Write::Cell {
                row,
                col,
                value: Value::Text(s),
                ..
            } if *col == cc
                && *row > body + 1
                && s.len() == 3
                && s.bytes().all(|b| b.is_ascii_digit()) =>
            {
                Some(*row)
            }
            _ => None,
        })
        .collect();
    classes.sort_unstable();
    classes.dedup();
    // Bottom up, so that the rows above keep their places.
    for r in classes.iter().rev() {
        page.insert_row(*r);
    }
}

/// A sample's tables laid out as a workbook.
///
/// # Errors
/// [`XlsxError`] from the package writer (an invalid sheet name).
pub fn render(
    fx: &PrintedBudget,
    template: &Template,
    layout: &Layout,
) -> Result<Vec<u8>, XlsxError> {
    let template = with_split_codes(template, layout.split_codes);
    let mut budget = super::model::to_budget(fx, &template);
    for id in layout.yuan {
        let tb = &mut budget.tables;
        let meta = match *id {
            TableId::T1 | TableId::T4 => tb
                .t1
                .as_mut()
                .filter(|_| *id == TableId::T1)
                .map(|t| &mut t.meta)
                .or(tb
                    .t4
                    .as_mut()
                    .filter(|_| *id == TableId::T4)
                    .map(|t| &mut t.meta)),
            TableId::T7 => tb.t7.as_mut().map(|t| &mut t.meta),
            _ => coded_mut(tb, *id).map(|t| &mut t.meta),
        };
        if let Some(m) = meta {
            m.unit = Unit::Yuan;
        }
    }
    let laid = crate::export::layout::lay_out(&budget, &template);
    let look = laid.look.clone();
    let mut tables: Vec<Page> = laid
        .pages
        .into_iter()
        .filter(|p| p.table.is_some())
        .filter(|p| !p.table.is_some_and(|t| layout.omit.contains(&t)))
        .collect();
    let year = fx.year;
    for page in &mut tables {
        let Some(id) = page.table else {
            continue;
        };
        if !layout.year_in_titles && !page.columns.is_empty() {
            untitle_year(page, year);
        }
        if !layout.form_year_line && id == TableId::T12 {
            let line = format!("（{year}年度）");
            page.writes
                .retain(|w| !matches!(w, Write::Merge { text, .. } if *text == line));
        }
        quirks(page, id, layout);
    }
    if layout.reverse_order {
        tables.reverse();
    }
    for (index, page) in tables.iter_mut().enumerate() {
        let number = page.name.trim_start_matches('表').to_string();
        page.name = match layout.sheet_names {
            SheetNames::Official => page.name.clone(),
            SheetNames::Public => {
                let (main, sub) = number
                    .split_once('-')
                    .map_or((number.as_str(), None), |(a, b)| (a, Some(b)));
                let main: u32 = main.parse().unwrap_or(0);
                match sub {
                    Some(s) => format!("公开{main:02}-{s}表"),
                    None => format!("公开{main:02}表"),
                }
            }
            SheetNames::Generic => format!("Sheet{}", index + 1),
        };
    }
    let mut pages = Vec::new();
    if layout.cover {
        let mut cover = Page::new("封面");
        cover.fit_rows = false;
        cover.width(0, 60.0);
        cover.text(
            2,
            0,
            &format!("{}{}年{}公开表", fx.department, fx.year, fx.level.budget()),
            Style::Title,
        );
        pages.push(cover);
    }
    if let Some(hidden) = layout.instructions {
        let mut help = Page::new("填表说明");
        help.fit_rows = false;
        help.hidden = hidden;
        // Each instruction on one printed line.
        help.width(0, 72.0);
        // Mentions table names on purpose: it must not be taken for one.
        help.text(
            0,
            0,
            "1. 本表金额单位为万元，项目支出绩效目标表为元，请按说明填写。",
            Style::Default,
        );
        help.text(
            1,
            0,
            "2. 表1 收支总表：收入总计应等于支出总计，请认真核对后报送。",
            Style::Default,
        );
        pages.push(help);
    }
    pages.extend(tables);
    for p in &mut pages {
        p.print.a4_one_page_wide = true;
        p.fit();
    }
    xlsx::write(
        &pages,
        &Options {
            look,
            ..Options::default()
        },
    )
}

fn coded_mut(tb: &mut crate::model::Tables, id: TableId) -> Option<&mut crate::model::CodedTable> {
    match id {
        TableId::T2 => tb.t2.as_mut(),
        TableId::T3 => tb.t3.as_mut(),
        TableId::T5_1 => tb.t5_1.as_mut(),
        TableId::T5_2 => tb.t5_2.as_mut(),
        TableId::T6 => tb.t6.as_mut(),
        TableId::T8 => tb.t8.as_mut(),
        TableId::T9 => tb.t9.as_mut(),
        TableId::T10 => tb.t10.as_mut(),
        _ => None,
    }
}

/// The title without the year in front, as the official template prints it.
fn untitle_year(page: &mut Page, year: i32) {
    let prefix = format!("{year}年");
    for w in &mut page.writes {
        match w {
            Write::Merge {
                first_row: 0,
                text,
                style: Style::Title,
                ..
            } => {
                if let Some(rest) = text.strip_prefix(&prefix) {
                    *text = rest.to_string();
                }
            }
            Write::Cell {
                row: 0,
                value: Value::Text(text),
                style: Style::Title,
                ..
            } => {
                if let Some(rest) = text.strip_prefix(&prefix) {
                    *text = rest.to_string();
                }
            }
            _ => {}
        }
    }
}
