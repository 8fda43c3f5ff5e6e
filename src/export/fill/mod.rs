//! A budget written into the bureau's own blank workbook (`convert --to
//! xlsx --into BLANK.xlsx`): a copy of the blank, each table located in it
//! as the importer locates tables (by titles and header words, with the
//! template that fits the blank best), each figure written into the cell
//! where that template reads it, in the blank's unit and the cell's own
//! style. Everything else of the package — styles, widths, heights,
//! merges, print set-up, defined names, other sheets, validations,
//! protection — is copied byte for byte; a formula in the blank is kept,
//! the figure cached as its value, and the workbook marked to be
//! calculated on opening (a formula that reads only cells left empty is
//! said: it will calculate 0). A table with more rows than the blank
//! has gets rows inserted in the style of the blank's body, what lies
//! below moved (merges and formulas included).
//!
//! What the blank has no place for, and places of the blank the budget
//! cannot fill, are listed in the same [`Report`] as a layout's. Forms
//! (表11, 表12) are not filled in a blank: their figures are listed so.

mod error;
mod formulas;
mod package;
mod refs;
mod sheet;

use std::collections::BTreeMap;
use std::path::Path;

use rust_decimal::Decimal;

use super::layout::{Report, Written};
use crate::amount::{from_yuan, CellForm, Unit};
use crate::import::header::{find_header, HeaderMatch};
use crate::import::locate::{self, Located};
use crate::model::{Amount, Budget, TableId};
use crate::template::{TableKind, TableSpec, Template, Templates};
use crate::text::norm;
use crate::workbook::{Format, Sheet, Workbook};

pub use error::FillError;
use sheet::SheetXml;

/// A blank, read once and filled for each budget.
pub struct Blank {
    name: String,
    bytes: Vec<u8>,
    wb: Workbook,
    template: usize,
    located: Vec<Located>,
    /// Each sheet's part in the package, in sheet order.
    parts: Vec<String>,
}

impl Blank {
    /// Reads a blank and finds its tables with the template that fits it.
    ///
    /// # Errors
    /// [`FillError`] for a blank that is not an `.xlsx`, cannot be read, or
    /// has no table any template knows.
    pub fn read(path: &Path, bytes: Vec<u8>, templates: &Templates) -> Result<Blank, FillError> {
        let name = path.display().to_string();
        let wb = Workbook::from_bytes(path, &bytes).map_err(|e| FillError::Unreadable {
            path: name.clone(),
            message: e.to_string(),
        })?;
        if wb.format != Format::Xlsx {
            return Err(FillError::NotXlsx(name));
        }
        // The template that finds the most tables; on a tie, the one that
        // misses the fewest of its own (a blank is all of its layout), then
        // the one made for the year of its titles; then the first.
        let titles = locate::SheetTitles::of(&wb);
        let year = crate::import::meta::title_year(&wb);
        // (tables found, fewest of its own missed, made for the year)
        type Score = (usize, std::cmp::Reverse<usize>, bool);
        let mut best: Option<(usize, Vec<Located>, Score)> = None;
        for (i, t) in templates.all.iter().enumerate() {
            let l = locate::locate_titles(&wb, &titles, t);
            let found: std::collections::BTreeSet<usize> = l.iter().map(|x| x.spec).collect();
            let score = (
                found.len(),
                std::cmp::Reverse(t.tables.len() - found.len()),
                year.is_some_and(|y| t.fits_year(y)),
            );
            if !found.is_empty() && best.as_ref().is_none_or(|b| score > b.2) {
                best = Some((i, l, score));
            }
        }
        let Some((template, located, _)) = best else {
            return Err(FillError::NoTables(name));
        };
        let parts = package::sheet_parts(&bytes, &wb)?;
        Ok(Blank {
            name,
            bytes,
            wb,
            template,
            located,
            parts,
        })
    }

    /// The template the blank was found to be in.
    pub fn template<'t>(&self, templates: &'t Templates) -> &'t Template {
        &templates.all[self.template]
    }

    /// A copy of the blank with `budget`'s figures in it.
    ///
    /// # Errors
    /// [`FillError`] for a sheet part that does not parse, or a package
    /// that cannot be written.
    pub fn fill(&self, budget: &Budget, templates: &Templates) -> Result<Written, FillError> {
        let t = self.template(templates);
        let mut f = Filler {
            b: budget,
            t,
            wb: &self.wb,
            sheets: BTreeMap::new(),
            bytes: &self.bytes,
            parts: &self.parts,
            report: Report {
                template: format!("{}（空白模板 {}）", t.name, file_name(&self.name)),
                tables: Vec::new(),
            },
            inserted: Vec::new(),
            table: None,
            formulas: Vec::new(),
            unplaced: BTreeMap::new(),
        };
        let mut done = std::collections::BTreeSet::new();
        for l in &self.located {
            let spec = &t.tables[l.spec];
            // A table found on two sheets is filled on the first.
            if !done.insert(spec.id.as_str()) {
                continue;
            }
            f.table(spec, l)?;
        }
        f.lost_tables(&done);
        f.say_formulas_of_nothing();
        f.report.tidy();
        let Filler {
            sheets,
            report,
            inserted,
            ..
        } = f;
        let mut edited: BTreeMap<String, String> = BTreeMap::new();
        for (i, mut s) in sheets {
            s.fix_dimension();
            edited.insert(self.parts[i].clone(), s.xml());
        }
        let bytes = package::write(&self.bytes, &self.wb, &self.parts, edited, &inserted)?;
        Ok(Written { bytes, report })
    }
}

fn file_name(p: &str) -> &str {
    Path::new(p)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(p)
}

/// Filling one blank with one budget.
struct Filler<'a> {
    b: &'a Budget,
    t: &'a Template,
    wb: &'a Workbook,
    /// The sheets edited, by sheet index.
    sheets: BTreeMap<usize, SheetXml>,
    bytes: &'a [u8],
    parts: &'a [String],
    report: Report,
    /// Rows inserted: (sheet name, at, how many), for the references of
    /// other parts.
    inserted: Vec<(String, u32, u32)>,
    /// The table being filled: its ID and name.
    table: Option<(TableId, String)>,
    /// Formula cells given a figure other than 0: sheet index, row,
    /// column, and the table's ID and name.
    formulas: Vec<(usize, u32, u32, TableId, String)>,
    /// Figures of a lines table's lines in columns the blank lacks, by key.
    unplaced: BTreeMap<String, usize>,
}

/// Where a table stands in the blank.
struct Place<'s> {
    sheet: &'s Sheet,
    index: usize,
    hm: HeaderMatch,
    unit: Unit,
}

impl Place<'_> {
    fn col(&self, spec: &TableSpec, key: &str) -> Option<u32> {
        self.hm.col(&spec.columns, key)
    }
}

impl<'a> Filler<'a> {
    fn name(&self, spec: &TableSpec) -> String {
        format!("表{} {}", spec.number, spec.title)
    }

    fn xml(&mut self, index: usize) -> Result<&mut SheetXml, FillError> {
        if !self.sheets.contains_key(&index) {
            let text = package::read_part(self.bytes, &self.parts[index])?;
            let s = SheetXml::parse(&self.wb.sheets[index].name, &text)?;
            self.sheets.insert(index, s);
        }
        Ok(self.sheets.get_mut(&index).expect("just inserted"))
    }

    /// The blank's unit for a table: its `单位：` cell above the body, else
    /// the template's.
    fn unit(&self, spec: &TableSpec, sheet: &Sheet, to: u32) -> Unit {
        for r in 0..=to.min(sheet.height().saturating_sub(1)) {
            for cell in sheet.row(r) {
                if let crate::workbook::CellValue::Text(s) = cell {
                    if let Some(Ok(u)) = Unit::declared_in_with(s, &self.t.department_labels) {
                        return u;
                    }
                }
            }
        }
        spec.unit(self.t)
    }

    fn table(&mut self, spec: &'a TableSpec, l: &Located) -> Result<(), FillError> {
        let sheet = &self.wb.sheets[l.sheet];
        let name = self.name(spec);
        self.table = Some((spec.id, name.clone()));
        if spec.kind == TableKind::Form {
            let figures = super::layout::figures_of_table(self.b, spec.id);
            if figures > 0 {
                self.report.lose(
                    spec.id,
                    &name,
                    "表单（空白模板中的表单不填写）".into(),
                    figures,
                );
            }
            return Ok(());
        }
        let Some(hm) = find_header(sheet, &spec.columns, 0, 40) else {
            let figures = super::layout::figures_of_table(self.b, spec.id);
            self.report.lose(
                spec.id,
                &name,
                format!("整张表（空白模板的工作表“{}”中找不到表头）", sheet.name),
                figures,
            );
            return Ok(());
        };
        let unit = self.unit(spec, sheet, hm.last_row);
        let place = Place {
            sheet,
            index: l.sheet,
            hm,
            unit,
        };
        self.head(spec, &place, l)?;
        match spec.kind {
            TableKind::Coded => self.coded(spec, &place),
            TableKind::Lines => self.lines(spec, &place),
            TableKind::Single => self.single(spec, &place),
            TableKind::Form => Ok(()),
        }
    }

    /// The title's year and the department's name.
    fn head(&mut self, spec: &TableSpec, p: &Place, l: &Located) -> Result<(), FillError> {
        let mut edits: Vec<(u32, u32, String)> = Vec::new();
        if let (Some((text, cell)), Some(year)) = (&l.title, self.b.year) {
            let raw = p.sheet.get(cell.row, cell.col).as_text();
            let _ = text;
            if let Some(new) = with_year(&raw, year) {
                edits.push((cell.row, cell.col, new));
            }
        }
        let dept = self.b.department.name.clone().unwrap_or_default();
        'rows: for r in 0..p.hm.first_row.min(p.sheet.height()) {
            for (c, v) in p.sheet.row(r).iter().enumerate() {
                let raw = v.as_text();
                let n = norm(&raw);
                if self
                    .t
                    .department_labels
                    .iter()
                    .any(|d| n.starts_with(d.as_str()))
                {
                    if let Some(at) = raw.find(['：', ':']) {
                        let colon = raw[at..].chars().next().map_or(1, char::len_utf8);
                        edits.push((r, c as u32, format!("{}{dept}", &raw[..at + colon])));
                    }
                    break 'rows;
                }
            }
        }
        let _ = spec;
        let s = self.xml(p.index)?;
        for (r, c, text) in edits {
            s.set_text(r, c, &text);
        }
        Ok(())
    }
}

/// A title with its year made `year` (`2026年部门…` → `2024年部门…`), or
/// the year put in front when it has none.
fn with_year(title: &str, year: i32) -> Option<String> {
    let chars: Vec<char> = title.chars().collect();
    for i in 0..chars.len().saturating_sub(4) {
        let digits = &chars[i..i + 4];
        if digits.iter().all(char::is_ascii_digit) && chars.get(i + 4) == Some(&'年') {
            let before = i == 0 || !chars[i - 1].is_ascii_digit();
            if before {
                let mut out: String = chars[..i].iter().collect();
                out.push_str(&year.to_string());
                out.extend(&chars[i + 4..]);
                return (out != title).then_some(out);
            }
        }
    }
    Some(format!("{year}年{}", title.trim_start()))
}

/// The figure of an amount in `unit`; `None` for a blank cell. A figure
/// that needs more than two decimals in that unit is written rounded.
fn in_unit(a: &Amount, unit: Unit) -> Option<(Decimal, bool)> {
    (a.form != CellForm::Blank).then(|| {
        let d = from_yuan(a.yuan, unit);
        let exact = crate::amount::to_yuan(d, unit) == a.yuan.round_dp(2);
        (d, exact)
    })
}

mod tables;
