//! What every table's layout uses: the budget and the template (`Ctx`),
//! the rows above a header, the header grid, the sheet's name, an amount
//! as printed.

use std::str::FromStr;

use rust_decimal::Decimal;

use super::report::Report;
use crate::amount::{from_yuan, CellForm, Unit};
use crate::export::page::{Page, Style};
use crate::model::{Amount, Budget};
use crate::template::print::WorkbookPrint;
use crate::template::{TableSpec, Template};

/// What every table's layout needs to know.
pub(crate) struct Ctx<'a> {
    pub b: &'a Budget,
    pub t: &'a Template,
    pub print: &'a WorkbookPrint,
    pub report: std::cell::RefCell<Report>,
}

impl Ctx<'_> {
    /// `表3 支出总表`: how messages name a table of the target.
    pub fn name(&self, spec: &TableSpec) -> String {
        format!("表{} {}", spec.number, spec.title)
    }

    pub fn department(&self) -> &str {
        self.b.department.name.as_deref().unwrap_or("")
    }

    /// The title of a table: the year in front when known
    /// (`2024年收支总表`), so that it survives the round trip.
    pub fn title(&self, spec: &TableSpec) -> String {
        match self.b.year {
            Some(y) => format!("{y}年{}", spec.title),
            None => spec.title.clone(),
        }
    }

    /// The unit a table is written in: the template's, but a table the
    /// source kept in 元 stays in 元 (no figure rounded).
    pub fn unit(&self, spec: &TableSpec, read_in: Unit) -> Unit {
        match (spec.unit(self.t), read_in) {
            (Unit::Wan, Unit::Yuan) => Unit::Yuan,
            (u, _) => u,
        }
    }

    /// The rows above a table's header (`[print] head`): the title across
    /// `width` columns, the department line with the unit at its right
    /// end, empty rows; returns the header's first row.
    pub fn head(&self, page: &mut Page, spec: &TableSpec, width: u16, unit: Option<Unit>) -> u32 {
        let mut r = 0;
        for row in &self.print.head {
            match row.as_str() {
                "title" => page.span(r, 0, r, width - 1, &self.title(spec), Style::Title),
                "department" => {
                    page.span(
                        r,
                        0,
                        r,
                        width.saturating_sub(2).max(1) - 1,
                        &format!("{}{}", self.print.department_label, self.department()),
                        Style::Plain,
                    );
                    if let Some(u) = unit {
                        page.text(
                            r,
                            width - 1,
                            &format!("{}{}", self.print.unit_label, u.label()),
                            Style::Right,
                        );
                    }
                }
                _ => {}
            }
            r += 1;
        }
        r
    }

    /// Notes under a table, each across it.
    pub fn notes(&self, page: &mut Page, mut r: u32, width: u16, notes: &[crate::model::Note]) {
        for n in notes {
            page.span(r, 0, r, width - 1, &n.text, Style::Note);
            r += 1;
        }
    }

    pub fn absent_words(&self) -> &str {
        self.t
            .placeholder_marks
            .first()
            .map_or("源工作簿无此表", String::as_str)
    }
}

/// An amount as printed in `unit`: `None` when the cell was blank.
pub(crate) fn shown(a: &Amount, unit: Unit) -> Option<Decimal> {
    (a.form != CellForm::Blank).then(|| from_yuan(a.yuan, unit))
}

/// Writes a header grid with its merges from row `top`, row by row (or
/// column by column); returns its height.
pub(crate) fn header(page: &mut Page, top: u32, header: &[Vec<String>], by_column: bool) -> u32 {
    let h = header.len();
    let w = header.iter().map(Vec::len).max().unwrap_or(0);
    let cells: Vec<(usize, usize)> = if by_column {
        (0..w).flat_map(|c| (0..h).map(move |r| (r, c))).collect()
    } else {
        (0..h).flat_map(|r| (0..w).map(move |c| (r, c))).collect()
    };
    for (r, c) in cells {
        let row = &header[r];
        let Some(cell) = row.get(c) else { continue };
        if cell == "<" || cell == "^" {
            continue;
        }
        let mut c2 = c;
        while c2 + 1 < row.len() && row[c2 + 1] == "<" {
            c2 += 1;
        }
        let mut r2 = r;
        while r2 + 1 < h && header[r2 + 1].get(c).is_some_and(|x| x == "^") {
            r2 += 1;
        }
        page.span(
            top + r as u32,
            c as u16,
            top + r2 as u32,
            c2 as u16,
            cell,
            Style::Header,
        );
    }
    h as u32
}

/// The sheet name of a table (`表5-1`, the template's `sheet`), and of the
/// `i`th sheet of a table of one sheet per item (`表12-2`).
pub(crate) fn sheet_name(spec: &TableSpec, item: Option<usize>) -> String {
    let base = spec
        .print
        .sheet
        .as_deref()
        .unwrap_or("表{number}")
        .replace("{number}", &spec.number);
    match item {
        Some(i) => format!("{base}-{}", i + 1),
        None => base,
    }
}

/// A printed figure as a decimal; `None` for blank or words.
pub(crate) fn parse_dec(s: &str) -> Option<Decimal> {
    Decimal::from_str(s.trim()).ok()
}
