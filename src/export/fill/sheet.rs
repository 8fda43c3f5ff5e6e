//! A worksheet part of the blank, edited where the figures go and nowhere
//! else: its rows and cells are taken apart as written, a cell given a
//! value keeps its style (and its formula, with the value cached), rows
//! inserted take the style of a row of the body and move what lies below
//! — cells, merged areas, formulas, conditional formats, validations,
//! links. Rows not changed are written back byte for byte.

use std::borrow::Cow;

use quick_xml::events::attributes::Attributes;
use quick_xml::events::Event;
use quick_xml::Reader;
use rust_decimal::Decimal;

use super::error::FillError;
use super::refs;

/// One cell as written: its attributes but `r`, and what it holds.
#[derive(Debug, Clone)]
struct Cell {
    col: u32,
    attrs: Vec<(String, String)>,
    /// Everything between `<c …>` and `</c>`.
    inner: String,
}

/// One row: its attributes but `r`, its cells, and its text as written
/// while it is unchanged.
#[derive(Debug, Clone)]
struct Row {
    /// 0-based.
    r: u32,
    attrs: Vec<(String, String)>,
    cells: Vec<Cell>,
    raw: Option<String>,
}

/// What a cell holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holds {
    Nothing,
    Value,
    /// A formula, with its text (none for a shared formula's other cells).
    Formula(Option<String>),
}

/// A worksheet part, taken apart at its rows.
#[derive(Debug, Clone)]
pub struct SheetXml {
    name: String,
    /// `x:` when the part writes its elements with a prefix.
    prefix: String,
    head: String,
    rows: Vec<Row>,
    tail: String,
}

fn bad(part: &str, m: impl std::fmt::Display) -> FillError {
    FillError::Xml {
        part: part.to_string(),
        message: m.to_string(),
    }
}

/// The attributes of a tag's text (`<c r="A1" s="3">`), raw, in order.
fn attrs_of(tag: &str, name_len: usize) -> Vec<(String, String)> {
    let inner = tag.trim_start_matches('<').trim_end_matches('>');
    let inner = inner.strip_suffix('/').unwrap_or(inner);
    Attributes::new(inner, name_len)
        .filter_map(Result::ok)
        .map(|a| {
            let key = a.key.into_inner().to_string();
            let value = match a.value {
                Cow::Borrowed(v) => v.to_string(),
                Cow::Owned(v) => v,
            };
            (key, value)
        })
        .collect()
}

fn attr<'a>(attrs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

fn set_attr(attrs: &mut Vec<(String, String)>, key: &str, value: Option<&str>) {
    match (attrs.iter().position(|(k, _)| k == key), value) {
        (Some(i), Some(v)) => attrs[i].1 = v.to_string(),
        (Some(i), None) => {
            attrs.remove(i);
        }
        (None, Some(v)) => attrs.push((key.to_string(), v.to_string())),
        (None, None) => {}
    }
}

pub fn a1(row: u32, col: u32) -> String {
    format!("{}{}", crate::workbook::col_letters(col), row + 1)
}

fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => o.push(c),
        }
    }
    o
}

/// The `<f>…</f>` of a cell's inner XML, if it has one.
fn formula_of(inner: &str, prefix: &str) -> Option<String> {
    let open = format!("<{prefix}f");
    let start = inner.find(&open)?;
    let rest = &inner[start..];
    let close = format!("</{prefix}f>");
    let end = match rest.find(&close) {
        Some(e) => e + close.len(),
        None => rest.find("/>")? + 2,
    };
    Some(rest[..end].to_string())
}

impl SheetXml {
    /// Takes a worksheet part apart.
    ///
    /// # Errors
    /// [`FillError::Xml`] when the part does not parse or has no `sheetData`.
    pub fn parse(name: &str, xml: &str) -> Result<SheetXml, FillError> {
        let mut reader = Reader::from_str(xml);
        let mut prefix = String::new();
        let (mut data_start, mut data_end, mut tail_start) = (None, None, None);
        let mut rows: Vec<Row> = Vec::new();
        let mut row_start = 0;
        // An open cell: where its content starts, and its attributes.
        let mut cell: Option<(usize, Vec<(String, String)>)> = None;
        loop {
            let start = reader.buffer_position() as usize;
            let event = reader
                .read_event()
                .map_err(|e| bad(name, format!("{e}（第 {} 字节）", reader.error_position())))?;
            let end = reader.buffer_position() as usize;
            let text = &xml[start..end];
            match &event {
                Event::Start(e) | Event::Empty(e) => {
                    let qname = e.name().into_inner().to_string();
                    let local = qname.rsplit(':').next().unwrap_or("").to_string();
                    let empty = matches!(event, Event::Empty(_));
                    match local.as_str() {
                        "sheetData" if data_start.is_none() => {
                            prefix = qname.strip_suffix("sheetData").unwrap_or("").to_string();
                            if empty {
                                // `<sheetData/>`: rows go between a new pair.
                                data_start = Some(start);
                                data_end = Some(start);
                                tail_start = Some(end);
                            } else {
                                data_start = Some(end);
                            }
                        }
                        "row" if data_start.is_some() && data_end.is_none() => {
                            let attrs = attrs_of(text, qname.len());
                            let r = attr(&attrs, "r")
                                .and_then(|v| v.parse::<u32>().ok())
                                .map(|r| r.saturating_sub(1))
                                .unwrap_or_else(|| rows.last().map_or(0, |x| x.r + 1));
                            rows.push(Row {
                                r,
                                attrs: attrs.into_iter().filter(|(k, _)| k != "r").collect(),
                                cells: Vec::new(),
                                raw: empty.then(|| text.to_string()),
                            });
                            row_start = start;
                        }
                        "c" if !rows.is_empty() && data_end.is_none() => {
                            let attrs = attrs_of(text, qname.len());
                            if empty {
                                push_cell(&mut rows, attrs, String::new());
                            } else {
                                cell = Some((end, attrs));
                            }
                        }
                        _ => {}
                    }
                }
                Event::End(e) => {
                    let qname = e.name().into_inner().to_string();
                    match qname.rsplit(':').next().unwrap_or("") {
                        "c" => {
                            if let Some((from, attrs)) = cell.take() {
                                push_cell(&mut rows, attrs, xml[from..start].to_string());
                            }
                        }
                        "row" if data_end.is_none() => {
                            if let Some(row) = rows.last_mut() {
                                row.raw = Some(xml[row_start..end].to_string());
                            }
                        }
                        "sheetData" if data_end.is_none() => {
                            data_end = Some(start);
                            tail_start = Some(start);
                        }
                        _ => {}
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        let (Some(ds), Some(de), Some(ts)) = (data_start, data_end, tail_start) else {
            return Err(bad(name, "没有 sheetData"));
        };
        let (head, tail) = if ds == de && ts > de {
            // `<sheetData/>` opened and closed anew.
            (
                format!("{}<{prefix}sheetData>", &xml[..ds]),
                format!("</{prefix}sheetData>{}", &xml[ts..]),
            )
        } else {
            (xml[..ds].to_string(), xml[ts..].to_string())
        };
        Ok(SheetXml {
            name: name.to_string(),
            prefix,
            head,
            rows,
            tail,
        })
    }

    fn row_index(&self, r: u32) -> Result<usize, usize> {
        self.rows.binary_search_by_key(&r, |x| x.r)
    }

    /// The cell at (row, col), made if absent (in a row made if absent).
    fn cell_mut(&mut self, r: u32, c: u32) -> &mut Cell {
        let ri = match self.row_index(r) {
            Ok(i) => i,
            Err(i) => {
                self.rows.insert(
                    i,
                    Row {
                        r,
                        attrs: Vec::new(),
                        cells: Vec::new(),
                        raw: None,
                    },
                );
                i
            }
        };
        let row = &mut self.rows[ri];
        row.raw = None;
        let ci = match row.cells.binary_search_by_key(&c, |x| x.col) {
            Ok(i) => i,
            Err(i) => {
                row.cells.insert(
                    i,
                    Cell {
                        col: c,
                        attrs: Vec::new(),
                        inner: String::new(),
                    },
                );
                i
            }
        };
        &mut row.cells[ci]
    }

    /// What a cell holds, for telling what a formula will calculate.
    pub fn holds(&self, r: u32, c: u32) -> Holds {
        let Ok(ri) = self.row_index(r) else {
            return Holds::Nothing;
        };
        let Some(cell) = self.rows[ri].cells.iter().find(|x| x.col == c) else {
            return Holds::Nothing;
        };
        if let Some(f) = formula_of(&cell.inner, &self.prefix) {
            let text = f
                .find('>')
                .filter(|i| !f[..*i].ends_with('/'))
                .and_then(|i| {
                    let body = &f[i + 1..f.rfind("</")?];
                    quick_xml::escape::unescape(body).ok().map(Cow::into_owned)
                });
            return Holds::Formula(text.filter(|t| !t.trim().is_empty()));
        }
        let v = format!("<{}v", self.prefix);
        let empty = !cell.inner.contains(&format!("<{}is", self.prefix))
            && cell.inner.find(&v).is_none_or(|i| {
                let rest = &cell.inner[i..];
                rest.find('>')
                    .is_none_or(|j| rest[..j].ends_with('/') || rest[j + 1..].starts_with("</"))
            });
        if empty {
            Holds::Nothing
        } else {
            Holds::Value
        }
    }

    /// Rows that have a cell (a value or only a style) in `cols`.
    pub fn rows_with_cells_in(&self, cols: std::ops::RangeInclusive<u32>) -> Vec<u32> {
        self.rows
            .iter()
            .filter(|r| r.cells.iter().any(|c| cols.contains(&c.col)))
            .map(|r| r.r)
            .collect()
    }

    /// A figure in a cell, its style kept; a formula kept, the figure its
    /// cached value. Returns whether the cell has a formula.
    pub fn set_number(&mut self, r: u32, c: u32, d: Decimal) -> bool {
        let prefix = self.prefix.clone();
        let cell = self.cell_mut(r, c);
        let f = formula_of(&cell.inner, &prefix);
        set_attr(&mut cell.attrs, "t", None);
        let mut v = Vec::new();
        crate::export::xlsx::push_number(&mut v, d);
        let had = f.is_some();
        cell.inner = format!(
            "{}<{prefix}v>{}</{prefix}v>",
            f.unwrap_or_default(),
            String::from_utf8_lossy(&v)
        );
        had
    }

    /// Text in a cell, its style kept (inline, so that the shared strings
    /// of the blank stay as they were).
    pub fn set_text(&mut self, r: u32, c: u32, s: &str) {
        let prefix = self.prefix.clone();
        let cell = self.cell_mut(r, c);
        if s.is_empty() {
            set_attr(&mut cell.attrs, "t", None);
            cell.inner = formula_of(&cell.inner, &prefix).unwrap_or_default();
            return;
        }
        if let Some(f) = formula_of(&cell.inner, &prefix) {
            set_attr(&mut cell.attrs, "t", Some("str"));
            cell.inner = format!("{f}<{prefix}v>{}</{prefix}v>", escape(s));
            return;
        }
        set_attr(&mut cell.attrs, "t", Some("inlineStr"));
        let ws = s.starts_with([' ', '\t', '\n']) || s.ends_with([' ', '\t', '\n']);
        let space = if ws { " xml:space=\"preserve\"" } else { "" };
        cell.inner = format!(
            "<{prefix}is><{prefix}t{space}>{}</{prefix}t></{prefix}is>",
            escape(s)
        );
    }

    /// The value of a cell cleared, its style and formula kept (a formula
    /// keeps its cached value: what the blank computed).
    pub fn clear(&mut self, r: u32, c: u32) {
        let Ok(ri) = self.row_index(r) else { return };
        let prefix = self.prefix.clone();
        let row = &mut self.rows[ri];
        let Some(cell) = row.cells.iter_mut().find(|x| x.col == c) else {
            return;
        };
        if cell.inner.is_empty() {
            return;
        }
        if formula_of(&cell.inner, &prefix).is_some() {
            return;
        }
        row.raw = None;
        set_attr(&mut cell.attrs, "t", None);
        cell.inner.clear();
    }

    /// Inserts `n` rows at row `at` (0-based), each in the style of row
    /// `model` (as it stood before the insertion): its height and style, its
    /// cells' styles, its formulas following the row; its merged areas
    /// within the row copied. Whatever lies at or below `at` moves down.
    pub fn insert_rows(&mut self, at: u32, n: u32, model: u32) {
        if n == 0 {
            return;
        }
        let name = self.name.clone();
        let prefix = self.prefix.clone();
        let template = self.row_index(model).ok().map(|i| self.rows[i].clone());
        for row in &mut self.rows {
            let moves = row.r >= at;
            let formulas = row
                .cells
                .iter()
                .any(|c| formula_of(&c.inner, &prefix).is_some());
            if !moves && !formulas {
                continue;
            }
            row.raw = None;
            if moves {
                row.r += n;
            }
            for c in &mut row.cells {
                if let Some(f) = formula_of(&c.inner, &prefix) {
                    c.inner = c
                        .inner
                        .replacen(&f, &shift_formula_element(&f, &name, at, n), 1);
                }
            }
        }
        let mut made = Vec::new();
        if let Some(t) = &template {
            let from = if t.r >= at { t.r + n } else { t.r };
            for k in 0..n {
                let r = at + k;
                let by = i64::from(r) - i64::from(from);
                let cells = t
                    .cells
                    .iter()
                    .map(|c| {
                        // The style and the formula, not the value.
                        let attrs: Vec<(String, String)> =
                            c.attrs.iter().filter(|(k, _)| k != "t").cloned().collect();
                        let inner = formula_of(&c.inner, &prefix)
                            .map(|f| {
                                let f = shift_formula_element(&f, &name, at, n);
                                copy_formula_element(&f, by)
                            })
                            .unwrap_or_default();
                        Cell {
                            col: c.col,
                            attrs,
                            inner,
                        }
                    })
                    .collect();
                made.push(Row {
                    r,
                    attrs: t.attrs.clone(),
                    cells,
                    raw: None,
                });
            }
        }
        let i = self.row_index(at).unwrap_or_else(|i| i);
        self.rows.splice(i..i, made);
        self.head = shift_markup(&self.head, &name, at, n, None);
        self.tail = shift_markup(
            &self.tail,
            &name,
            at,
            n,
            template.as_ref().map(|t| (t.r, at, n)),
        );
    }

    /// The part written again: changed rows anew, the others as they were.
    pub fn xml(&self) -> String {
        let p = &self.prefix;
        let mut o =
            String::with_capacity(self.head.len() + self.tail.len() + self.rows.len() * 200);
        o.push_str(&self.head);
        for row in &self.rows {
            if let Some(raw) = &row.raw {
                o.push_str(raw);
                continue;
            }
            o.push_str(&format!("<{p}row r=\"{}\"", row.r + 1));
            for (k, v) in &row.attrs {
                o.push_str(&format!(" {k}=\"{v}\""));
            }
            if row.cells.is_empty() {
                o.push_str("/>");
                continue;
            }
            o.push('>');
            for c in &row.cells {
                o.push_str(&format!("<{p}c r=\"{}\"", a1(row.r, c.col)));
                for (k, v) in &c.attrs {
                    if k != "r" {
                        o.push_str(&format!(" {k}=\"{v}\""));
                    }
                }
                if c.inner.is_empty() {
                    o.push_str("/>");
                } else {
                    o.push_str(&format!(">{}</{p}c>", c.inner));
                }
            }
            o.push_str(&format!("</{p}row>"));
        }
        o.push_str(&self.tail);
        o
    }

    /// The `dimension` as the rows now stand.
    pub fn fix_dimension(&mut self) {
        let rows: Vec<&Row> = self.rows.iter().filter(|r| !r.cells.is_empty()).collect();
        let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
            return;
        };
        let c1 = rows
            .iter()
            .filter_map(|r| r.cells.first())
            .map(|c| c.col)
            .min()
            .unwrap_or(0);
        let c2 = rows
            .iter()
            .filter_map(|r| r.cells.last())
            .map(|c| c.col)
            .max()
            .unwrap_or(0);
        let range = format!("{}:{}", a1(first.r, c1), a1(last.r, c2));
        if let Some(start) = self.head.find("dimension ref=\"") {
            let from = start + "dimension ref=\"".len();
            if let Some(len) = self.head[from..].find('"') {
                // Only ever wider than the blank's own.
                let old = self.head[from..from + len].to_string();
                let keep_old = old
                    .split(':')
                    .nth(1)
                    .and_then(crate::workbook::parse_a1)
                    .is_some_and(|(r, _)| r > last.r);
                if !keep_old {
                    self.head.replace_range(from..from + len, &range);
                }
            }
        }
    }
}

fn push_cell(rows: &mut [Row], attrs: Vec<(String, String)>, inner: String) {
    let Some(row) = rows.last_mut() else { return };
    let col = attr(&attrs, "r")
        .and_then(crate::workbook::parse_a1)
        .map(|(_, c)| c)
        .unwrap_or_else(|| row.cells.last().map_or(0, |c| c.col + 1));
    row.cells.push(Cell {
        col,
        attrs: attrs.into_iter().filter(|(k, _)| k != "r").collect(),
        inner,
    });
}

/// A `<f>` element with its formula's references moved for inserted rows
/// (and a shared formula's `ref` range).
fn shift_formula_element(f: &str, sheet: &str, at: u32, n: u32) -> String {
    let Some(open_end) = f.find('>') else {
        return f.to_string();
    };
    let tag = &f[..=open_end];
    let tag = match tag.find("ref=\"") {
        Some(i) => {
            let from = i + 5;
            let len = tag[from..].find('"').unwrap_or(0);
            let moved = refs::insert_rows_in_ranges(&tag[from..from + len], at, n);
            format!("{}{moved}{}", &tag[..from], &tag[from + len..])
        }
        None => tag.to_string(),
    };
    if tag.ends_with("/>") {
        return tag;
    }
    let body_end = f.rfind("</").unwrap_or(f.len());
    let body = &f[open_end + 1..body_end];
    format!(
        "{tag}{}{}",
        refs::insert_rows(body, sheet, sheet, at, n),
        &f[body_end..]
    )
}

/// A `<f>` element copied `by` rows down. A shared formula's dependent
/// (`<f t="shared" si="0"/>`) has no text of its own and stays as it is.
fn copy_formula_element(f: &str, by: i64) -> String {
    let Some(open_end) = f.find('>') else {
        return f.to_string();
    };
    if f[..=open_end].ends_with("/>") || f.contains("t=\"shared\"") {
        return String::new();
    }
    let body_end = f.rfind("</").unwrap_or(f.len());
    format!(
        "{}{}{}",
        &f[..=open_end],
        refs::copy_rows(&f[open_end + 1..body_end], by),
        &f[body_end..]
    )
}

/// The parts of a sheet around its rows, with every reference moved for
/// inserted rows: the dimension, merged areas (those within the model row
/// copied onto the new rows), conditional formats, validations, links,
/// the selection and the pane.
fn shift_markup(xml: &str, sheet: &str, at: u32, n: u32, model: Option<(u32, u32, u32)>) -> String {
    let mut out = String::with_capacity(xml.len() + 64);
    let mut rest = xml;
    let attrs = [" ref=\"", " sqref=\"", " topLeftCell=\"", " activeCell=\""];
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let Some(j) = rest[i..].find('>') else {
            out.push_str(&rest[i..]);
            rest = "";
            break;
        };
        let mut tag = rest[i..i + j + 1].to_string();
        for a in attrs {
            if let Some(k) = tag.find(a) {
                let from = k + a.len();
                let len = tag[from..].find('"').unwrap_or(0);
                let moved = refs::insert_rows_in_ranges(&tag[from..from + len], at, n);
                tag.replace_range(from..from + len, &moved);
            }
        }
        let is_merge = tag
            .trim_start_matches('<')
            .split([' ', '/', '>'])
            .next()
            .is_some_and(|t| t.ends_with("mergeCell"));
        out.push_str(&tag);
        rest = &rest[i + j + 1..];
        // A formula of a conditional format or a validation.
        let name = tag
            .trim_start_matches('<')
            .split([' ', '>', '/'])
            .next()
            .unwrap_or("");
        if matches!(
            name.rsplit(':').next(),
            Some("formula" | "formula1" | "formula2")
        ) && !tag.ends_with("/>")
        {
            if let Some(end) = rest.find('<') {
                out.push_str(&refs::insert_rows(&rest[..end], sheet, sheet, at, n));
                rest = &rest[end..];
            }
        }
        // A merged area of the model row, copied onto each new row.
        if let (true, Some((model_r, at, n))) = (is_merge, model) {
            if let Some(k) = tag.find(" ref=\"") {
                let from = k + 6;
                let len = tag[from..].find('"').unwrap_or(0);
                let range = &tag[from..from + len];
                let ends: Vec<(u32, u32)> = range
                    .split(':')
                    .filter_map(crate::workbook::parse_a1)
                    .collect();
                let model_now = if model_r >= at { model_r + n } else { model_r };
                if let [(r1, c1), (r2, c2)] = ends[..] {
                    if r1 == model_now && r2 == model_now {
                        for k in 0..n {
                            let r = at + k;
                            out.push_str(
                                &tag.replace(range, &format!("{}:{}", a1(r, c1), a1(r, c2))),
                            );
                        }
                    }
                }
            }
        }
    }
    out.push_str(rest);
    // The count of merged areas, if any were copied.
    if let Some(i) = out.find("mergeCells count=\"") {
        let from = i + "mergeCells count=\"".len();
        if let Some(len) = out[from..].find('"') {
            let count = out.matches("mergeCell ref=").count();
            out.replace_range(from..from + len, &count.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHEET: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:C5"/><sheetData><row r="1" spans="1:3"><c r="A1" s="1" t="s"><v>0</v></c></row><row r="3" ht="24" customHeight="1"><c r="A3" s="2"><v>205</v></c><c r="B3" s="3"/><c r="C3" s="4"><f>A3*2</f><v>410</v></c></row><row r="4"><c r="A4" s="2"/></row><row r="5"><c r="C5" s="5"><f>SUM(C3:C4)</f><v>410</v></c></row></sheetData><mergeCells count="1"><mergeCell ref="A5:B5"/></mergeCells><conditionalFormatting sqref="C3:C5"><cfRule type="expression" priority="1"><formula>C5&gt;0</formula></cfRule></conditionalFormatting></worksheet>"#;

    #[test]
    fn unchanged_parts_are_written_as_they_were() {
        let s = SheetXml::parse("表", SHEET).unwrap();
        assert_eq!(s.xml(), SHEET);
    }

    #[test]
    fn values_keep_styles_and_formulas() {
        let mut s = SheetXml::parse("表", SHEET).unwrap();
        s.set_text(2, 1, "教育 & 科技");
        s.set_number(2, 2, Decimal::new(12345, 2));
        s.set_number(4, 0, Decimal::from(7));
        let x = s.xml();
        assert!(
            x.contains(r#"<c r="B3" s="3" t="inlineStr"><is><t>教育 &amp; 科技</t></is></c>"#),
            "{x}"
        );
        assert!(
            x.contains(r#"<c r="C3" s="4"><f>A3*2</f><v>123.45</v></c>"#),
            "{x}"
        );
        assert!(
            x.contains(r#"<row r="5"><c r="A5"><v>7</v></c><c r="C5""#),
            "{x}"
        );
    }

    #[test]
    fn inserted_rows_take_the_style_and_move_what_lies_below() {
        let mut s = SheetXml::parse("表", SHEET).unwrap();
        // Two rows before row 4 (index 3), in the style of row 3 (index 2).
        s.insert_rows(3, 2, 2);
        let x = s.xml();
        assert!(x.contains(r#"<row r="4" ht="24" customHeight="1"><c r="A4" s="2"/><c r="B4" s="3"/><c r="C4" s="4"><f>A4*2</f></c></row>"#), "{x}");
        assert!(x.contains(r#"<row r="6"><c r="A6" s="2"/></row>"#), "{x}");
        assert!(
            x.contains(r#"<c r="C7" s="5"><f>SUM(C3:C6)</f><v>410</v></c>"#),
            "{x}"
        );
        assert!(x.contains(r#"<mergeCell ref="A7:B7"/>"#), "{x}");
        assert!(x.contains(r#"sqref="C3:C7""#), "{x}");
        assert!(x.contains("<formula>C7&gt;0</formula>"), "{x}");
    }

    #[test]
    fn a_formula_with_quotes_and_no_value_keeps_its_formula() {
        let xml = r#"<worksheet><sheetData><row r="20"><c r="F20" s="80"><f>SUMIF(B9:B19,"",F9:F19)</f><v /></c></row></sheetData></worksheet>"#;
        let mut s = SheetXml::parse("表", xml).unwrap();
        s.set_number(19, 5, Decimal::from(150_000));
        let x = s.xml();
        assert!(
            x.contains(r#"<c r="F20" s="80"><f>SUMIF(B9:B19,"",F9:F19)</f><v>150000</v></c>"#),
            "{x}"
        );
    }
}
