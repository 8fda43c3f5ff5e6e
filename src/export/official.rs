//! The bureau's official layout, for every workbook yusuan writes in it:
//! normalized workbooks (`convert --to xlsx`, through
//! [`super::normalize::layout`]) and the sample workbooks (made a budget by
//! [`crate::samples::model`]). Lays the
//! tables as printed ([`Fixture`]) out as the finance bureau's workbook: title row, the
//! `部门/单位：` and `单位：` line, merged multi-row headers taken from the
//! template's `header_layout`, data rows, notes; 表11 and 表12 as forms.
//!
//! A [`Layout`] can also reproduce the quirks real submissions have (sheet
//! names, text amounts, dashes, split codes, 元, no merges …), so the same
//! figures can be read back from several layouts.

use std::path::Path;
use std::str::FromStr;

use super::page::{FitColumn, Page, Style};
use super::xlsx::{write, Options, XlsxError};
use rust_decimal::Decimal;

use super::printed::{DeptForm, Fixture, GridFixture, IndicatorBlock, LinesFixture, ProjectForm};
use crate::model::Budget;
use crate::template::{Role, TableSpec, Template};

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

/// The shape of a generated workbook.
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
    pub text_amounts: &'static [&'static str],
    /// Tables whose zeros are written `-`.
    pub dash_zeros: &'static [&'static str],
    /// Tables whose codes stand in the name cell (`2011308 招商引资`).
    pub code_in_name: &'static [&'static str],
    /// Tables whose codes are split over 类 | 款 | 项 columns.
    pub split_codes: &'static [&'static str],
    /// Tables whose codes are number cells.
    pub numeric_codes: &'static [&'static str],
    /// Tables kept in 元 instead of 万元.
    pub yuan: &'static [&'static str],
    /// Tables with an empty first column.
    pub leading_empty_col: &'static [&'static str],
    /// Tables with a blank row before each 类.
    pub blank_rows: &'static [&'static str],
    /// Tables written without any merged cell.
    pub no_merges: &'static [&'static str],
    /// Tables written without the `单位：` cell.
    pub no_unit: &'static [&'static str],
    /// Tables left out of the workbook.
    pub omit: &'static [&'static str],
    /// 表12 forms carry a `（2024年度）` line under the title.
    pub form_year_line: bool,
    /// More tables kept in 元, by ID (a normalized workbook keeps the source's unit).
    pub yuan_ids: Vec<String>,
    /// More tables left out, by ID (absent from the source).
    pub omit_ids: Vec<String>,
    /// A normalized workbook's own pages: a cover listing the tables, and
    /// the tables the source lacks ([`Layout::omit_ids`]) present with a
    /// note saying so. (Every layout is laid out for paper.)
    pub normalized: bool,
    /// The source's template, named in the placeholder of a table it lacks.
    pub source_template: String,
    /// Deflate level of the package (1 fastest … 9 smallest); `None`:
    /// rust_xlsxwriter's default (6), as the committed samples were written.
    pub zip_level: Option<u8>,
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
            yuan_ids: vec![],
            omit_ids: vec![],
            normalized: false,
            source_template: String::new(),
            zip_level: None,
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
            text_amounts: &["t2", "t5_2"],
            dash_zeros: &["t3", "t10"],
            code_in_name: &["t6"],
            split_codes: &["t5_1"],
            numeric_codes: &["t3"],
            yuan: &["t8"],
            leading_empty_col: &["t10"],
            blank_rows: &["t3"],
            no_merges: &["t5_1", "t6"],
            no_unit: &[],
            omit: &[],
            form_year_line: true,
            yuan_ids: vec![],
            omit_ids: vec![],
            normalized: false,
            source_template: String::new(),
            zip_level: None,
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

    fn has(list: &[&str], id: &str) -> bool {
        list.contains(&id)
    }

    fn in_yuan(&self, id: &str) -> bool {
        Layout::has(self.yuan, id) || self.yuan_ids.iter().any(|x| x == id)
    }

    fn omits(&self, id: &str) -> bool {
        Layout::has(self.omit, id) || self.omit_ids.iter().any(|x| x == id)
    }
}

/// A sheet being laid out, with merges on or off and a column offset.
struct Sw<'a> {
    page: &'a mut Page,
    merges: bool,
    col0: u16,
}

impl<'a> Sw<'a> {
    fn new(page: &'a mut Page, merges: bool, col0: u16) -> Sw<'a> {
        Sw { page, merges, col0 }
    }

    /// Sets the width of column `c` (before the offset).
    fn width(&mut self, c: u16, w: f64) -> Result<(), XlsxError> {
        self.page.width(self.col0 + c, w);
        Ok(())
    }

    fn text(&mut self, r: u32, c: u16, s: &str, f: Style) -> Result<(), XlsxError> {
        self.page.text(r, self.col0 + c, s, f);
        Ok(())
    }

    /// Sizes the sheet to what was written, for paper: columns named in
    /// `fit_columns` as wide as their widest one-column text (within
    /// bounds), then every row as high as its texts need.
    fn fit(&mut self, fit_columns: &[(u16, f64, f64)]) -> Result<(), XlsxError> {
        self.page.fit_columns = fit_columns
            .iter()
            .map(|&(c, min, max)| FitColumn {
                col: self.col0 + c,
                min,
                max,
            })
            .collect();
        self.page.fit();
        Ok(())
    }

    fn span(
        &mut self,
        r1: u32,
        c1: u16,
        r2: u32,
        c2: u16,
        s: &str,
        f: Style,
    ) -> Result<(), XlsxError> {
        if self.merges && (r1 != r2 || c1 != c2) {
            self.page.span(r1, self.col0 + c1, r2, self.col0 + c2, s, f);
        } else {
            self.text(r1, c1, s, f)?;
        }
        Ok(())
    }

    /// A printed figure over the merged columns `c1..=c2` of row `r`.
    fn figure_span(
        &mut self,
        r: u32,
        (c1, c2): (u16, u16),
        s: &str,
        f: Style,
    ) -> Result<(), XlsxError> {
        self.page.span(r, self.col0 + c1, r, self.col0 + c2, "", f);
        self.figure(r, c1, s, f)
    }

    /// A printed figure: a number cell when it is one, blank when empty, else text.
    fn figure(&mut self, r: u32, c: u16, s: &str, f: Style) -> Result<(), XlsxError> {
        match parse_dec(s) {
            Some(d) => self.number(r, c, d, f),
            None => self.text(r, c, s, f),
        }
    }

    /// `97.95%` as the fraction 0.9795 in a percent cell; other text as is.
    fn percent(
        &mut self,
        r: u32,
        c: u16,
        s: &str,
        pct: Style,
        plain: Style,
    ) -> Result<(), XlsxError> {
        let t = s.trim();
        match parse_dec(t.strip_suffix('%').unwrap_or(t)) {
            Some(p) => self.number(r, c, p / Decimal::ONE_HUNDRED, pct),
            None => self.text(r, c, s, plain),
        }
    }

    fn number(&mut self, r: u32, c: u16, d: Decimal, f: Style) -> Result<(), XlsxError> {
        self.page.number(r, self.col0 + c, d, f);
        Ok(())
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

/// A printed figure as a decimal; `None` for blank or words.
fn parse_dec(s: &str) -> Option<Decimal> {
    Decimal::from_str(s.trim()).ok()
}

#[cfg(test)]
fn dec(s: &str) -> Decimal {
    parse_dec(s).expect("a number")
}

/// Writes one amount as the layout says.
fn write_amount(
    sw: &mut Sw,
    layout: &Layout,
    id: &str,
    r: u32,
    c: u16,
    text: &str,
) -> Result<(), XlsxError> {
    if text.is_empty() {
        return sw.text(r, c, "", Style::Number);
    }
    let Some(mut d) = parse_dec(text) else {
        return sw.text(r, c, text, Style::Text);
    };
    if Layout::has(layout.yuan, id) {
        d *= Decimal::from(10_000);
    }
    if Layout::has(layout.dash_zeros, id) && d.is_zero() {
        sw.text(r, c, "-", Style::Text)
    } else if Layout::has(layout.text_amounts, id) {
        sw.text(r, c, &thousands(d), Style::Text)
    } else {
        sw.number(r, c, d, Style::Number)
    }
}

/// The printed columns and header of a table, with codes split if asked.
fn plan(spec: &TableSpec, split: bool) -> (Vec<String>, Vec<Vec<String>>) {
    let mut keys: Vec<String> = spec.printed_columns().map(|c| c.key.clone()).collect();
    let mut header = spec.header_layout.clone();
    let parts: Vec<&crate::template::ColumnSpec> = spec
        .columns
        .iter()
        .filter(|c| c.role == Role::CodePart)
        .collect();
    if split && !parts.is_empty() {
        if let Some(i) = keys.iter().position(|k| k == "code") {
            let n = parts.len();
            let width = keys.len();
            header.push(vec!["^".to_string(); width]);
            let last = header.len() - 1;
            for (r, row) in header.iter_mut().enumerate() {
                let cell = row[i].clone();
                let mut repl = Vec::new();
                if r == last {
                    repl.extend(parts.iter().map(|p| p.words[0].clone()));
                } else {
                    repl.push(cell.clone());
                    repl.extend(std::iter::repeat_n(
                        if cell == "^" {
                            "^".to_string()
                        } else {
                            "<".to_string()
                        },
                        n - 1,
                    ));
                }
                row.splice(i..=i, repl);
            }
            keys.splice(i..=i, parts.iter().map(|p| p.key.clone()));
        }
    }
    (keys, header)
}

/// Writes a header grid with its merges; returns its height.
fn write_header(sw: &mut Sw, top: u32, header: &[Vec<String>]) -> Result<u32, XlsxError> {
    let h = header.len();
    for (r, row) in header.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if cell == "<" || cell == "^" {
                continue;
            }
            let mut c2 = c;
            while c2 + 1 < row.len() && row[c2 + 1] == "<" {
                c2 += 1;
            }
            let mut r2 = r;
            while r2 + 1 < h && header[r2 + 1][c] == "^" {
                r2 += 1;
            }
            sw.span(
                top + r as u32,
                c as u16,
                top + r2 as u32,
                c2 as u16,
                cell,
                Style::Header,
            )?;
        }
    }
    Ok(h as u32)
}

/// A form line: label, value, and optionally a second label and value on the right.
type FieldRow<'a> = (&'a str, &'a str, Option<(&'a str, &'a str)>);

struct Ctx<'a> {
    fx: &'a Fixture,
    t: &'a Template,
    layout: &'a Layout,
}

impl Ctx<'_> {
    /// The cover, as the published document opens: the department, the
    /// year, and the tables in order, each absent one said to be absent.
    fn cover(&self, ws: &mut Page) -> Result<(), XlsxError> {
        ws.name = "封面".into();
        let mut sw = Sw::new(ws, true, 0);
        sw.width(0, 12.0)?;
        sw.width(1, 60.0)?;
        let title = if self.fx.year > 0 {
            format!("{}{}年部门预算公开表", self.fx.department, self.fx.year)
        } else {
            format!("{}部门预算公开表", self.fx.department)
        };
        sw.span(0, 0, 0, 1, &title, Style::Title)?;
        sw.page.height(0, 42.0);
        sw.text(2, 0, "目录", Style::Section)?;
        for (r, spec) in (3..).zip(&self.t.tables) {
            let mut name = spec.title.clone();
            if self.layout.omits(&spec.id) {
                name.push_str(&format!("（{}）", self.absent_words()));
            } else if spec.multiple {
                name.push_str(&format!("（共 {} 张）", self.fx.t12.len()));
            }
            sw.text(r, 0, &format!("表{}", spec.number), Style::Plain)?;
            sw.text(r, 1, &name, Style::Note)?;
        }
        sw.fit(&[])
    }

    /// `源工作簿无此表`, the words a reader knows a placeholder by.
    fn absent_words(&self) -> &str {
        self.t
            .placeholder_marks
            .first()
            .map_or("源工作簿无此表", String::as_str)
    }

    /// A table the source lacks: its title and a note saying so.
    fn placeholder(&self, ws: &mut Page, spec: &TableSpec) -> Result<(), XlsxError> {
        let mut sw = Sw::new(ws, true, 0);
        for c in 0..6 {
            sw.width(c, 14.0)?;
        }
        sw.span(0, 0, 0, 5, &self.title(spec), Style::Title)?;
        let source = if self.layout.source_template.is_empty() {
            String::new()
        } else {
            format!("（按 {} 模板编制）", self.layout.source_template)
        };
        let note = format!(
            "{}：本部门{}的源工作簿{source}没有“{}”，此处不列数字。",
            self.absent_words(),
            if self.fx.year > 0 {
                format!(" {} 年", self.fx.year)
            } else {
                String::new()
            },
            spec.title
        );
        sw.span(2, 0, 2, 5, &note, Style::Note)?;
        sw.fit(&[])
    }

    fn title(&self, spec: &TableSpec) -> String {
        if self.layout.year_in_titles {
            format!("{}年{}", self.fx.year, spec.title)
        } else {
            spec.title.clone()
        }
    }

    fn unit_label(&self, id: &str) -> &'static str {
        if self.layout.in_yuan(id) {
            "单位：元"
        } else {
            "单位：万元"
        }
    }

    /// Title row and the 部门/单位 line over `width` columns; returns the next row.
    fn top(&self, sw: &mut Sw, spec: &TableSpec, width: u16) -> Result<u32, XlsxError> {
        sw.span(0, 0, 0, width - 1, &self.title(spec), Style::Title)?;
        sw.span(
            1,
            0,
            1,
            width.saturating_sub(2).max(1) - 1,
            &format!("部门/单位：{}", self.fx.department),
            Style::Plain,
        )?;
        if !Layout::has(self.layout.no_unit, &spec.id) {
            sw.text(1, width - 1, self.unit_label(&spec.id), Style::Right)?;
        }
        Ok(2)
    }

    fn notes(
        &self,
        sw: &mut Sw,
        mut r: u32,
        width: u16,
        notes: &[String],
    ) -> Result<(), XlsxError> {
        for n in notes {
            sw.span(r, 0, r, width - 1, n, Style::Note)?;
            r += 1;
        }
        Ok(())
    }

    fn grid(&self, ws: &mut Page, spec: &TableSpec, g: &GridFixture) -> Result<(), XlsxError> {
        let id = spec.id.as_str();
        let l = self.layout;
        let mut sw = Sw::new(
            ws,
            !Layout::has(l.no_merges, id),
            u16::from(Layout::has(l.leading_empty_col, id)),
        );
        let split = Layout::has(l.split_codes, id);
        let (keys, header) = plan(spec, split);
        let width = keys.len() as u16;
        let mut r = self.top(&mut sw, spec, width)?;
        let header_top = r;
        r += write_header(&mut sw, r, &header)?;
        sw.page.repeat_rows = Some((header_top, r - 1));
        for (i, k) in keys.iter().enumerate() {
            let w = match k.as_str() {
                "name" => 32.0,
                "code" => {
                    if id == "t10" {
                        24.0
                    } else {
                        12.0
                    }
                }
                "unit_name" => 24.0,
                k if k.starts_with("code_") => 6.0,
                _ => 13.0,
            };
            sw.width(i as u16, w)?;
        }
        sw.page.freeze = Some((r, sw.col0));
        let code_at = g.col("code");
        let name_at = g.col("name");
        for (ri, row) in g.rows.iter().enumerate() {
            let code = code_at.map_or("", |i| row[i].as_str());
            let is_class = code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit());
            if Layout::has(l.blank_rows, id) && is_class && ri > 1 {
                r += 1;
            }
            for (c, key) in keys.iter().enumerate() {
                let c = c as u16;
                let fx_val = |k: &str| g.col(k).map_or("", |i| row[i].as_str());
                let is_code = code.bytes().all(|b| b.is_ascii_alphanumeric()) && !code.is_empty();
                match key.as_str() {
                    "code" => {
                        if Layout::has(l.code_in_name, id) && is_code {
                            sw.text(r, c, "", Style::Code)?;
                        } else if Layout::has(l.numeric_codes, id)
                            && is_code
                            && code.bytes().all(|b| b.is_ascii_digit())
                        {
                            sw.figure(r, c, code, Style::Code)?;
                        } else {
                            sw.text(r, c, code, Style::Code)?;
                        }
                    }
                    "code_lei" | "code_kuan" | "code_xiang" => {
                        let (a, b) = match key.as_str() {
                            "code_lei" => (0, 3),
                            "code_kuan" => (3, 5),
                            _ => (5, 7),
                        };
                        if !is_code {
                            // 合计 stands in the first code column.
                            sw.text(r, c, if a == 0 { code } else { "" }, Style::Code)?;
                        } else if code.len() >= b {
                            let part = &code[a..b];
                            // 项 as a number cell: `08` becomes 8, as Excel users type it.
                            if key == "code_xiang" {
                                sw.figure(r, c, part, Style::Code)?;
                            } else {
                                sw.text(r, c, part, Style::Code)?;
                            }
                        } else {
                            sw.text(r, c, "", Style::Code)?;
                        }
                    }
                    "name" => {
                        let name = name_at.map_or("", |i| row[i].as_str());
                        let shown = if Layout::has(l.code_in_name, id) && is_code {
                            format!("{code} {name}")
                        } else if code.len() > 3
                            && spec.levels.first().is_some_and(|lv| lv.len == Some(3))
                            && id != "t2"
                            && id != "t5_2"
                        {
                            // Names are indented by level, with full-width spaces.
                            format!("{}{name}", "\u{3000}".repeat((code.len() - 3) / 2))
                        } else {
                            name.to_string()
                        };
                        sw.text(r, c, &shown, Style::Text)?;
                    }
                    k => {
                        let role = spec.columns.iter().find(|s| s.key == k).map(|s| s.role);
                        if role == Some(Role::Text) {
                            sw.text(r, c, fx_val(k), Style::Text)?;
                        } else {
                            write_amount(&mut sw, l, id, r, c, fx_val(k))?;
                        }
                    }
                }
            }
            r += 1;
        }
        self.notes(&mut sw, r, width, &g.notes)?;
        // Names and texts as wide as they are (within a page), figures as
        // wide as their largest.
        let fit: Vec<(u16, f64, f64)> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| {
                let role = spec.columns.iter().find(|s| &s.key == k).map(|s| s.role);
                let (min, max) = match (k.as_str(), role) {
                    ("name" | "unit_name", _) | (_, Some(Role::Text)) => (16.0, 40.0),
                    ("code", _) => (8.0, 24.0),
                    (k, _) if k.starts_with("code_") => (4.0, 8.0),
                    _ => (10.0, 18.0),
                };
                (i as u16, min, max)
            })
            .collect();
        sw.fit(&fit)
    }

    fn lines(&self, ws: &mut Page, spec: &TableSpec, lf: &LinesFixture) -> Result<(), XlsxError> {
        let id = spec.id.as_str();
        let mut sw = Sw::new(ws, true, 0);
        let mut r = self.top(&mut sw, spec, 4)?;
        let header_top = r;
        r += write_header(&mut sw, r, &spec.header_layout)?;
        sw.page.repeat_rows = Some((header_top, r - 1));
        for (c, w) in [(0u16, 34.0), (1, 14.0), (2, 34.0), (3, 14.0)] {
            sw.width(c, w)?;
        }
        sw.page.freeze = Some((r, 0));
        for row in &lf.rows {
            sw.text(r, 0, &row[0], Style::Text)?;
            write_amount(&mut sw, self.layout, id, r, 1, &row[1])?;
            sw.text(r, 2, &row[2], Style::Text)?;
            write_amount(&mut sw, self.layout, id, r, 3, &row[3])?;
            r += 1;
        }
        self.notes(&mut sw, r, 4, &lf.notes)?;
        sw.fit(&[])
    }

    fn dept_form(&self, ws: &mut Page, d: &DeptForm) -> Result<(), XlsxError> {
        let mut sw = Sw::new(ws, true, 0);
        for c in 0..8u16 {
            sw.width(c, if c < 3 { 16.0 } else { 20.0 })?;
        }
        sw.span(0, 0, 0, 7, &d.title, Style::Title)?;
        sw.text(1, 0, "部门名称", Style::Section)?;
        sw.span(1, 1, 1, 3, &d.dept_name, Style::Text)?;
        sw.text(1, 4, "填报人", Style::Section)?;
        sw.text(1, 5, &d.filler, Style::Text)?;
        sw.text(1, 6, "联系电话", Style::Section)?;
        sw.text(1, 7, &d.phone, Style::Text)?;
        sw.span(2, 0, 3, 1, "总体资金情况", Style::Header)?;
        sw.span(2, 2, 3, 2, "当年预算收支（单位：万元）", Style::Header)?;
        sw.span(2, 3, 3, 3, "占比", Style::Header)?;
        sw.span(2, 4, 2, 5, "近两年收支情况", Style::Header)?;
        sw.text(3, 4, &d.years[0], Style::Header)?;
        sw.text(3, 5, &d.years[1], Style::Header)?;
        let mut r = 4;
        let mut i = 0;
        while i < d.funds.len() {
            let sec = &d.funds[i][0];
            let n = d.funds[i..].iter().take_while(|x| &x[0] == sec).count();
            sw.span(r, 0, r + n as u32 - 1, 0, sec, Style::Section)?;
            for row in &d.funds[i..i + n] {
                sw.text(r, 1, &row[1], Style::Text)?;
                sw.figure(r, 2, &row[2], Style::Number)?;
                sw.percent(r, 3, &row[3], Style::Percent, Style::Number)?;
                sw.figure(r, 4, &row[4], Style::Number)?;
                sw.figure(r, 5, &row[5], Style::Number)?;
                r += 1;
            }
            i += n;
        }
        for (label, text) in [("部门职能概述", &d.functions), ("年度工作任务", &d.tasks)]
        {
            sw.text(r, 0, label, Style::Section)?;
            sw.span(r, 1, r, 7, text, Style::Text)?;
            r += 1;
        }
        sw.span(r, 0, r, 3, "长期目标", Style::Header)?;
        sw.span(r, 4, r, 7, "年度目标", Style::Header)?;
        r += 1;
        for g in &d.goals {
            sw.span(r, 0, r, 3, &g[0], Style::Text)?;
            sw.span(r, 4, r, 7, &g[1], Style::Text)?;
            r += 1;
        }
        for b in &d.long_term {
            r += 1;
            sw.span(r, 0, r, 7, &b.title, Style::Section)?;
            r += 1;
            for (c, h) in ["一级指标", "二级指标", "指标名称", "指标值", "绩效标准"]
                .iter()
                .enumerate()
            {
                sw.text(r, c as u16, h, Style::Header)?;
            }
            r += 1;
            r = self.indicator_rows(&mut sw, r, 0, b)?;
        }
        for b in &d.annual {
            r += 1;
            sw.span(r, 0, r, 7, &b.title, Style::Section)?;
            r += 1;
            sw.span(r, 0, r + 2, 0, "一级指标", Style::Header)?;
            sw.span(r, 1, r + 2, 1, "二级指标", Style::Header)?;
            sw.span(r, 2, r + 2, 2, "指标名称", Style::Header)?;
            sw.span(r, 3, r, 5, "指标值", Style::Header)?;
            sw.span(r + 1, 3, r + 1, 4, "近两年指标值", Style::Header)?;
            sw.span(r + 1, 5, r + 2, 5, "预期当年实现值", Style::Header)?;
            sw.text(r + 2, 3, &d.years[0], Style::Header)?;
            sw.text(r + 2, 4, &d.years[1], Style::Header)?;
            sw.span(r, 6, r + 2, 6, "绩效标准", Style::Header)?;
            r += 3;
            r = self.indicator_rows(&mut sw, r, 0, b)?;
        }
        sw.fit(&[])
    }

    /// Indicator rows from column `c0`, 一级指标 merged down over its rows.
    fn indicator_rows(
        &self,
        sw: &mut Sw,
        mut r: u32,
        c0: u16,
        b: &IndicatorBlock,
    ) -> Result<u32, XlsxError> {
        let mut i = 0;
        while i < b.rows.len() {
            let l1 = &b.rows[i][0];
            let n = b.rows[i..].iter().take_while(|x| &x[0] == l1).count();
            sw.span(r, c0, r + n as u32 - 1, c0, l1, Style::Text)?;
            for row in &b.rows[i..i + n] {
                for (c, v) in row.iter().enumerate().skip(1) {
                    sw.text(r, c0 + c as u16, v, Style::Text)?;
                }
                r += 1;
            }
            i += n;
        }
        Ok(r)
    }

    fn project_form(&self, ws: &mut Page, p: &ProjectForm) -> Result<(), XlsxError> {
        let last: u16 = 8;
        let mut sw = Sw::new(ws, true, 0);
        for c in 0..=last {
            sw.width(c, 14.0)?;
        }
        sw.span(0, 0, 0, last, "项目支出绩效目标表", Style::Title)?;
        if self.layout.form_year_line {
            let line = format!("（{}年度）", self.fx.year);
            sw.span(1, 0, 1, last - 1, &line, Style::Plain)?;
        }
        sw.text(1, last, "单位：元", Style::Right)?;
        let mut r = 2;
        let pairs: Vec<FieldRow> = vec![
            ("项目名称", &p.project_name, None),
            (
                "项目主管部门",
                &p.department,
                Some(("项目执行单位", &p.executor)),
            ),
            ("项目负责人", &p.manager, Some(("联系电话", &p.phone))),
            ("单位地址", &p.address, None),
            (
                "一级项目名称",
                &p.parent_project,
                Some(("项目安排频度", &p.frequency)),
            ),
            ("起始年度", &p.start_year, Some(("终止年度", &p.end_year))),
            ("项目概述", &p.overview, None),
            ("项目立项依据", &p.basis, None),
            ("项目实施方案", &p.plan, None),
        ];
        for (label, value, second) in &pairs {
            sw.text(r, 0, label, Style::Section)?;
            match second {
                None => sw.span(r, 1, r, last, value, Style::Text)?,
                Some((l2, v2)) => {
                    sw.span(r, 1, r, 3, value, Style::Text)?;
                    sw.text(r, 4, l2, Style::Section)?;
                    sw.span(r, 5, r, last, v2, Style::Text)?;
                }
            }
            r += 1;
        }
        sw.text(r, 0, "项目总预算", Style::Section)?;
        sw.figure_span(r, (1, 3), &p.total_budget, Style::Number)?;
        sw.text(r, 4, "项目当年预算", Style::Section)?;
        sw.figure_span(r, (5, last), &p.year_budget, Style::Number)?;
        r += 1;

        let section = |sw: &mut Sw, r: u32, s: &str| sw.span(r, 0, r, last, s, Style::Section);
        section(&mut sw, r, "项目前两年预算情况")?;
        r += 1;
        for (c, h) in ["年度", "预算数", "执行数", "执行率"].iter().enumerate() {
            sw.text(r, c as u16, h, Style::Header)?;
        }
        r += 1;
        for row in &p.past {
            sw.text(r, 0, &row[0], Style::Text)?;
            for (c, v) in [(1u16, &row[1]), (2, &row[2])] {
                sw.figure(r, c, v, Style::Number)?;
            }
            sw.percent(r, 3, &row[3], Style::Percent, Style::Text)?;
            r += 1;
        }
        section(&mut sw, r, "项目资金来源")?;
        r += 1;
        sw.span(r, 0, r, 3, "来源项目", Style::Header)?;
        sw.span(r, 4, r, last, "金额", Style::Header)?;
        r += 1;
        for row in &p.sources {
            sw.span(r, 0, r, 3, &row[0], Style::Text)?;
            sw.figure_span(r, (4, last), &row[1], Style::Number)?;
            r += 1;
        }
        section(&mut sw, r, "项目支出明细测算")?;
        r += 1;
        sw.span(r, 0, r, 1, "项目任务明细", Style::Header)?;
        for (c, h) in [
            (2u16, "支出标准"),
            (3, "单价"),
            (4, "计量数"),
            (5, "测算数"),
        ] {
            sw.text(r, c, h, Style::Header)?;
        }
        sw.span(r, 6, r, last, "测算依据及说明", Style::Header)?;
        r += 1;
        for row in &p.details {
            sw.span(r, 0, r, 1, &row[0], Style::Text)?;
            sw.text(r, 2, &row[1], Style::Text)?;
            for (c, v) in [(3u16, &row[2]), (4, &row[3])] {
                if v.is_empty() {
                    sw.text(r, c, "", Style::Text)?;
                } else {
                    sw.figure(r, c, v, Style::Number)?;
                }
            }
            sw.figure(r, 5, &row[4], Style::Number)?;
            sw.span(r, 6, r, last, &row[5], Style::Text)?;
            r += 1;
        }
        section(&mut sw, r, "项目采购")?;
        r += 1;
        sw.span(r, 0, r, 3, "品名", Style::Header)?;
        sw.span(r, 4, r, 5, "数量", Style::Header)?;
        sw.span(r, 6, r, last, "金额", Style::Header)?;
        r += 1;
        if p.procurement.is_empty() {
            sw.span(r, 0, r, last, "无", Style::Text)?;
            r += 1;
        }
        for row in &p.procurement {
            sw.span(r, 0, r, 3, &row[0], Style::Text)?;
            sw.span(r, 4, r, 5, &row[1], Style::Text)?;
            sw.figure_span(r, (6, last), &row[2], Style::Number)?;
            r += 1;
        }
        section(&mut sw, r, "项目绩效总目标")?;
        r += 1;
        sw.span(r, 0, r, 1, "名称", Style::Header)?;
        sw.span(r, 2, r, last, "目标说明", Style::Header)?;
        r += 1;
        for g in &p.goals {
            sw.span(r, 0, r, 1, &g[0], Style::Text)?;
            sw.span(r, 2, r, last, &g[1], Style::Text)?;
            r += 1;
        }
        section(&mut sw, r, "长期绩效目标表")?;
        r += 1;
        sw.span(r, 0, r, 1, "目标名称", Style::Header)?;
        for (c, h) in [(2u16, "一级指标"), (3, "二级指标"), (4, "三级指标")] {
            sw.text(r, c, h, Style::Header)?;
        }
        sw.span(r, 5, r, 6, "指标值", Style::Header)?;
        sw.span(r, 7, r, last, "指标值确定依据", Style::Header)?;
        r += 1;
        let n = p.long_term.len() as u32;
        if n > 0 {
            sw.span(r, 0, r + n - 1, 1, &p.long_term_goal, Style::Text)?;
        }
        let start = r;
        let block = IndicatorBlock {
            title: String::new(),
            rows: p
                .long_term
                .iter()
                .map(|x| x.iter().take(4).cloned().collect())
                .collect(),
        };
        r = self.indicator_rows(&mut sw, r, 2, &block)?;
        for (i, row) in p.long_term.iter().enumerate() {
            // 指标值 spans two columns; 确定依据 after it.
            let rr = start + i as u32;
            sw.span(rr, 5, rr, 6, &row[3], Style::Text)?;
            sw.span(rr, 7, rr, last, &row[4], Style::Text)?;
        }
        section(&mut sw, r, "年度绩效目标表")?;
        r += 1;
        sw.span(r, 0, r + 1, 1, "年度绩效目标", Style::Header)?;
        for (c, h) in [(2u16, "一级指标"), (3, "二级指标"), (4, "三级指标")] {
            sw.span(r, c, r + 1, c, h, Style::Header)?;
        }
        sw.span(r, 5, r, 7, "指标值", Style::Header)?;
        for (c, h) in [(5u16, "前年"), (6, "上年"), (7, "预计当年实现")] {
            sw.text(r + 1, c, h, Style::Header)?;
        }
        sw.span(r, last, r + 1, last, "指标值确定依据", Style::Header)?;
        r += 2;
        let n = p.annual.len() as u32;
        if n > 0 {
            sw.span(r, 0, r + n - 1, 1, &p.annual_goal, Style::Text)?;
        }
        let block = IndicatorBlock {
            title: String::new(),
            rows: p.annual.clone(),
        };
        self.indicator_rows(&mut sw, r, 2, &block)?;
        sw.fit(&[])
    }
}

/// The sheet name of a table (`表5-1`, `公开05-1表`, `Sheet6`).
fn sheet_name(layout: &Layout, number: &str, index: usize) -> String {
    match layout.sheet_names {
        SheetNames::Official => format!("表{number}"),
        SheetNames::Public => {
            let (main, sub) = number
                .split_once('-')
                .map_or((number, None), |(a, b)| (a, Some(b)));
            let main: u32 = main.parse().unwrap_or(0);
            match sub {
                Some(s) => format!("公开{main:02}-{s}表"),
                None => format!("公开{main:02}表"),
            }
        }
        SheetNames::Generic => format!("Sheet{}", index + 1),
    }
}

/// Writes a budget as a workbook file in `template`'s official layout.
///
/// # Errors
/// [`XlsxError`] from rust_xlsxwriter (an unwritable path, an invalid sheet name).
pub fn write_workbook(
    budget: &Budget,
    template: &Template,
    layout: &Layout,
    path: &Path,
) -> Result<(), XlsxError> {
    let bytes = render_workbook(budget, template, layout)?;
    std::fs::write(path, bytes).map_err(XlsxError::Io)
}

/// A budget as a workbook in `template`'s official layout, in memory: its
/// tables printed ([`super::normalize::printed`]), then laid out.
///
/// # Errors
/// [`XlsxError`] from rust_xlsxwriter (an invalid sheet name).
pub fn render_workbook(
    budget: &Budget,
    template: &Template,
    layout: &Layout,
) -> Result<Vec<u8>, XlsxError> {
    lay_out(
        &super::normalize::printed(budget, template),
        template,
        layout,
    )
}

/// Lays tables as printed out as a workbook.
fn lay_out(fx: &Fixture, template: &Template, layout: &Layout) -> Result<Vec<u8>, XlsxError> {
    let ctx = Ctx {
        fx,
        t: template,
        layout,
    };

    // (sheet name, what to write)
    enum Item<'a> {
        Cover,
        Instructions,
        Table(&'a TableSpec),
        Project(&'a TableSpec, usize),
        /// A table the source lacks, said on paper.
        Placeholder(&'a TableSpec),
    }
    let mut items: Vec<Item> = Vec::new();
    for spec in &ctx.t.tables {
        if layout.omits(&spec.id) {
            if layout.normalized && !Layout::has(layout.omit, &spec.id) {
                items.push(Item::Placeholder(spec));
            }
            continue;
        }
        if spec.multiple {
            items.extend((0..fx.t12.len()).map(|i| Item::Project(spec, i)));
        } else {
            items.push(Item::Table(spec));
        }
    }
    if layout.reverse_order {
        items.reverse();
    }
    if layout.cover {
        items.insert(0, Item::Cover);
    }
    if layout.instructions.is_some() {
        items.insert(usize::from(layout.cover), Item::Instructions);
    }
    let mut index = 0;
    let mut pages = Vec::with_capacity(items.len());
    for item in &items {
        let mut page = Page::new(String::new());
        let ws = &mut page;
        // Printed as the bureau prints: A4, one page wide, wide tables landscape.
        ws.print.a4_one_page_wide = true;
        if let Item::Table(spec) = item {
            if spec.printed_columns().count() > 8 || spec.kind == crate::template::TableKind::Lines
            {
                ws.print.landscape = true;
            }
        }
        match item {
            Item::Cover if layout.normalized => ctx.cover(ws)?,
            Item::Placeholder(spec) => {
                ws.name = sheet_name(layout, &spec.number, index);
                index += 1;
                ctx.placeholder(ws, spec)?;
            }
            Item::Cover => {
                ws.name = "封面".into();
                ws.width(0, 60.0);
                ws.text(
                    2,
                    0,
                    &format!("{}{}年部门预算公开表", fx.department, fx.year),
                    Style::Title,
                );
            }
            Item::Instructions => {
                ws.name = "填表说明".into();
                // Each instruction on one printed line.
                ws.width(0, 72.0);
                // Mentions table names on purpose: it must not be taken for one.
                ws.text(
                    0,
                    0,
                    "1. 本表金额单位为万元，项目支出绩效目标表为元，请按说明填写。",
                    Style::Default,
                );
                ws.text(
                    1,
                    0,
                    "2. 表1 收支总表：收入总计应等于支出总计，请认真核对后报送。",
                    Style::Default,
                );
                if layout.instructions == Some(true) {
                    ws.hidden = true;
                }
            }
            Item::Table(spec) => {
                ws.name = sheet_name(layout, &spec.number, index);
                index += 1;
                match (fx.grid(&spec.id), fx.lines(&spec.id)) {
                    (Some(g), _) => ctx.grid(ws, spec, g)?,
                    (_, Some(lf)) => ctx.lines(ws, spec, lf)?,
                    _ => ctx.dept_form(ws, &fx.t11)?,
                }
            }
            Item::Project(spec, i) => {
                ws.name = sheet_name(layout, &format!("{}-{}", spec.number, i + 1), index);
                index += 1;
                ctx.project_form(ws, &fx.t12[*i])?;
            }
        }
        pages.push(page);
    }
    let options = Options {
        zip_level: layout.zip_level,
        ..Options::default()
    };
    write(&pages, &options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(dec("3248300")), "3,248,300.00");
        assert_eq!(thousands(dec("324.83")), "324.83");
        assert_eq!(thousands(dec("-1234.5")), "-1,234.50");
    }

    #[test]
    fn public_sheet_names() {
        let l = Layout::quirks();
        assert_eq!(sheet_name(&l, "1", 0), "公开01表");
        assert_eq!(sheet_name(&l, "5-1", 0), "公开05-1表");
        assert_eq!(sheet_name(&l, "12-2", 0), "公开12-2表");
    }
}
