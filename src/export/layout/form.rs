//! Forms (表11, 表12), laid out part by part as the template's
//! `[[tables.print.form]]` says: the title, the year line, rows of labels
//! and fields, section headings, and blocks — a header band, then the
//! block's rows, columns merged across and down as printed. A form the
//! template gives no parts for is laid out plainly: a row per field, each
//! block under a header of its columns' words.

use std::borrow::Cow;

use super::ctx::{parse_dec, shown, Ctx};
use crate::amount::Unit;
use crate::export::page::{Page, Style};
use crate::model::{Form, FormBlock, FormValue, TableId};
use crate::template::print::{CellKind, CellStyle, FormCell, FormColumn, FormPart, FormTitle};
use crate::template::{FieldKind, Role, TableSpec};

/// The forms of a table, one page each; none when the source has none.
pub(super) fn pages(ctx: &Ctx, spec: &TableSpec) -> Vec<Page> {
    let tb = &ctx.b.tables;
    let forms: Vec<&Form> = match spec.id {
        TableId::T11 => tb.t11.iter().collect(),
        TableId::T12 => tb.t12.iter().collect(),
        _ => vec![],
    };
    let default;
    let (parts, widths): (&[FormPart], Cow<[f64]>) = if spec.print.form.is_empty() {
        default = plain_parts(spec);
        (&default.0, Cow::Owned(default.1.clone()))
    } else {
        (&spec.print.form, Cow::Borrowed(&spec.print.form_widths[..]))
    };
    forms
        .iter()
        .enumerate()
        .map(|(i, f)| {
            report(ctx, spec, f, parts);
            let name = super::ctx::sheet_name(spec, spec.multiple.then_some(i));
            lay_out(ctx, spec, f, parts, &widths, name)
        })
        .collect()
}

/// Non-blank figures and shares of a form.
pub(super) fn figures(f: &Form) -> usize {
    let values = f.fields.values().chain(
        f.blocks
            .iter()
            .flat_map(|b| b.rows.iter().flat_map(|r| r.values())),
    );
    values.filter(|v| is_figure(v)).count()
}

fn is_figure(v: &FormValue) -> bool {
    match v {
        FormValue::Amount(a) => shown(a, Unit::Yuan).is_some(),
        FormValue::Percent { .. } => true,
        FormValue::Text(_) => false,
    }
}

/// A value as printed in `unit`: figures in the unit, shares with `%`.
fn printed(v: Option<&FormValue>, unit: Unit) -> String {
    match v {
        Some(FormValue::Amount(a)) => shown(a, unit).map(|d| d.to_string()).unwrap_or_default(),
        Some(FormValue::Text(t)) => t.text.clone(),
        Some(FormValue::Percent { percent, .. }) => format!("{percent}%"),
        None => String::new(),
    }
}

fn style_of(s: CellStyle) -> Style {
    match s {
        CellStyle::Text => Style::Text,
        CellStyle::Number => Style::Number,
        CellStyle::Section => Style::Section,
    }
}

/// Writes a cell of a column over `c1..=c2` of row `r`.
fn cell(p: &mut Page, r: u32, (c1, c2): (u16, u16), s: &str, col: &FormColumn) {
    let style = col.style.map(style_of).unwrap_or(match col.kind {
        CellKind::Text => Style::Text,
        _ => Style::Number,
    });
    let words = col.text_style.map_or(style, style_of);
    let empty = col.empty_style.map_or(words, style_of);
    match col.kind {
        CellKind::Text => p.span(r, c1, r, c2, s, style),
        CellKind::Figure => {
            if c2 > c1 {
                p.span(r, c1, r, c2, "", style);
            }
            match parse_dec(s) {
                Some(d) => p.number(r, c1, d, style),
                None if s.trim().is_empty() => p.text(r, c1, s, empty),
                None => p.text(r, c1, s, words),
            }
        }
        CellKind::Percent => {
            let t = s.trim();
            match parse_dec(t.strip_suffix('%').unwrap_or(t)) {
                Some(v) => p.number(
                    r,
                    c1,
                    v / rust_decimal::Decimal::ONE_HUNDRED,
                    Style::Percent,
                ),
                None if t.is_empty() => p.text(r, c1, s, empty),
                None => p.text(r, c1, s, words),
            }
        }
    }
}

/// A header cell's words: `{prev2}` the block column's header as read (its
/// last level), `{funds.prev2}` another block's, `{unit}` the unit.
fn header_words(f: &Form, block: Option<&FormBlock>, s: &str, unit: Unit) -> String {
    if !s.contains('{') {
        return s.to_string();
    }
    let mut out = s.replace("{unit}", unit.label());
    while let (Some(a), Some(b)) = (out.find('{'), out.find('}')) {
        if b < a {
            break;
        }
        let name = &out[a + 1..b];
        let (from, key) = match name.split_once('.') {
            Some((bk, k)) => (f.blocks(bk).next(), k),
            None => (block, name),
        };
        let header = from
            .and_then(|b| b.columns.get(key))
            .map(|h| h.rsplit('/').next().unwrap_or(h).to_string())
            .unwrap_or_default();
        out.replace_range(a..=b, &header);
    }
    out
}

fn lay_out(
    ctx: &Ctx,
    spec: &TableSpec,
    f: &Form,
    parts: &[FormPart],
    widths: &[f64],
    name: String,
) -> Page {
    let mut p = Page::new(name);
    p.table = Some(spec.id);
    let last = widths.len().saturating_sub(1) as u16;
    for (c, w) in widths.iter().enumerate() {
        p.width(c as u16, *w);
    }
    let unit = ctx.unit(spec, f.meta.unit);
    let mut r = 0;
    for part in parts {
        if let Some(title) = part.title {
            let text = match (title, &f.meta.title) {
                (FormTitle::Read, Some(t)) => t.text.clone(),
                _ => spec.title.clone(),
            };
            p.span(r, 0, r, last, &text, Style::Title);
            r += 1;
        } else if let Some(line) = &part.line {
            if let Some(y) = ctx.b.year {
                let text = line.replace("{year}", &y.to_string());
                p.span(r, 0, r, last.saturating_sub(1), &text, Style::Plain);
            }
            if let Some(u) = &part.unit {
                p.text(r, last, &u.replace("{unit}", unit.label()), Style::Right);
            }
            r += 1;
        } else if !part.fields.is_empty() {
            fields(spec, f, &mut p, r, &part.fields, unit);
            r += 1;
        } else if let Some(s) = &part.section {
            p.span(r, 0, r, last, s, Style::Section);
            r += 1;
        } else if let Some(key) = &part.block {
            let mut blocks = f.blocks(key).peekable();
            if part.titled {
                for b in blocks {
                    r += 1;
                    let title = b.title.as_ref().map_or("", |t| t.text.as_str());
                    p.span(r, 0, r, last, title, Style::Section);
                    r += 1;
                    r = block(f, &mut p, r, last, part, Some(b), unit);
                }
            } else {
                let b = blocks.peek().copied();
                r = block(f, &mut p, r, last, part, b, unit);
            }
        }
    }
    p
}

/// A row of labels and fields.
fn fields(spec: &TableSpec, f: &Form, p: &mut Page, r: u32, cells: &[FormCell], unit: Unit) {
    let mut c = 0u16;
    for fc in cells {
        let span = fc.span.unwrap_or(1).max(1);
        let (c1, c2) = (c, c + span - 1);
        if let Some(label) = &fc.label {
            p.span(r, c1, r, c2, label, Style::Section);
        } else if let Some(key) = &fc.field {
            let amount = spec
                .fields
                .iter()
                .any(|x| &x.key == key && x.kind == FieldKind::Amount);
            let v = f.fields.get(key);
            if amount {
                let col = FormColumn {
                    key: key.clone(),
                    kind: CellKind::Figure,
                    ..FormColumn::default()
                };
                cell(p, r, (c1, c2), &printed(v, unit), &col);
            } else {
                let text = match v {
                    Some(FormValue::Amount(a)) => a.yuan.to_string(),
                    other => printed(other, unit),
                };
                p.span(r, c1, r, c2, &text, Style::Text);
            }
        }
        c += span;
    }
}

/// A block's header and rows from row `r`; returns the row after it.
fn block(
    f: &Form,
    p: &mut Page,
    mut r: u32,
    last: u16,
    part: &FormPart,
    b: Option<&FormBlock>,
    unit: Unit,
) -> u32 {
    let header: Vec<Vec<String>> = part
        .header
        .iter()
        .map(|row| row.iter().map(|s| header_words(f, b, s, unit)).collect())
        .collect();
    r += super::ctx::header(p, r, &header, true);
    let rows: &[std::collections::BTreeMap<String, FormValue>] = b.map_or(&[], |b| &b.rows);
    if rows.is_empty() {
        if let Some(e) = &part.empty {
            p.span(r, 0, r, last, e, Style::Text);
            r += 1;
        }
        return r;
    }
    // Where each column stands.
    let mut at = Vec::with_capacity(part.columns.len());
    let mut c = 0u16;
    for col in &part.columns {
        let span = col.span.unwrap_or(1).max(1);
        at.push((c, c + span - 1));
        c += span;
    }
    let n = rows.len() as u32;
    for (col, (c1, c2)) in part.columns.iter().zip(&at) {
        if col.whole {
            let first = printed(rows[0].get(&col.key), unit);
            p.span(r, *c1, r + n - 1, *c2, &first, Style::Text);
        }
    }
    let down = part.columns.iter().position(|c| c.merge_down);
    let mut i = 0;
    while i < rows.len() {
        // A run of rows sharing the merged-down column's value.
        let run = match down {
            Some(d) => {
                let key = &part.columns[d].key;
                let v = printed(rows[i].get(key), unit);
                let len = rows[i..]
                    .iter()
                    .take_while(|x| printed(x.get(key), unit) == v)
                    .count();
                let (c1, c2) = at[d];
                let style = part.columns[d].style.map_or(Style::Text, style_of);
                p.span(r, c1, r + len as u32 - 1, c2, &v, style);
                len
            }
            None => 1,
        };
        for row in &rows[i..i + run] {
            for (k, (col, span)) in part.columns.iter().zip(&at).enumerate() {
                if col.whole || Some(k) == down {
                    continue;
                }
                cell(p, r, *span, &printed(row.get(&col.key), unit), col);
            }
            r += 1;
        }
        i += run;
    }
    r
}

/// The parts of a form whose template gives none: the title, a row per
/// field, each block under a header of its columns' words; and the widths.
fn plain_parts(spec: &TableSpec) -> (Vec<FormPart>, Vec<f64>) {
    let width = spec
        .blocks
        .iter()
        .map(|b| b.columns.len())
        .max()
        .unwrap_or(0)
        .max(2) as u16;
    let mut parts = vec![FormPart {
        title: Some(FormTitle::Read),
        ..FormPart::default()
    }];
    for field in &spec.fields {
        parts.push(FormPart {
            fields: vec![
                FormCell {
                    label: field.labels.first().cloned(),
                    ..FormCell::default()
                },
                FormCell {
                    field: Some(field.key.clone()),
                    span: Some(width - 1),
                    ..FormCell::default()
                },
            ],
            ..FormPart::default()
        });
    }
    for b in &spec.blocks {
        let columns: Vec<FormColumn> = b
            .columns
            .iter()
            .map(|c| FormColumn {
                key: c.key.clone(),
                kind: match c.role {
                    Role::Amount | Role::Value => CellKind::Figure,
                    Role::Percent => CellKind::Percent,
                    _ => CellKind::Text,
                },
                ..FormColumn::default()
            })
            .collect();
        let mut header: Vec<String> = b
            .columns
            .iter()
            .map(|c| c.words.first().cloned().unwrap_or_default())
            .collect();
        header.resize(width as usize, "<".into());
        parts.push(FormPart {
            block: Some(b.key.clone()),
            header: vec![header],
            columns,
            titled: b.repeat,
            ..FormPart::default()
        });
    }
    (parts, vec![16.0; width as usize])
}

/// Reports fields, blocks and block columns of the form that its layout
/// does not print.
fn report(ctx: &Ctx, spec: &TableSpec, f: &Form, parts: &[FormPart]) {
    let name = ctx.name(spec);
    let mut report = ctx.report.borrow_mut();
    let printed_fields: Vec<&str> = parts
        .iter()
        .flat_map(|p| p.fields.iter().filter_map(|c| c.field.as_deref()))
        .collect();
    for (k, v) in &f.fields {
        if !printed_fields.contains(&k.as_str()) {
            let label = spec
                .fields
                .iter()
                .find(|x| &x.key == k)
                .and_then(|x| x.labels.first())
                .unwrap_or(k);
            report.lose(
                spec.id,
                &name,
                format!("字段 {label}"),
                usize::from(is_figure(v)),
            );
        }
    }
    for b in &f.blocks {
        let Some(part) = parts.iter().find(|p| p.block.as_deref() == Some(&b.key)) else {
            let n = b
                .rows
                .iter()
                .flat_map(|r| r.values())
                .filter(|v| is_figure(v))
                .count();
            report.lose(spec.id, &name, format!("{}的块", block_words(b)), n);
            continue;
        };
        let keys: Vec<&str> = part.columns.iter().map(|c| c.key.as_str()).collect();
        for row in &b.rows {
            for (k, v) in row {
                if !keys.contains(&k.as_str())
                    && (is_figure(v) || !printed(Some(v), Unit::Yuan).is_empty())
                {
                    report.lose(
                        spec.id,
                        &name,
                        format!(
                            "{}的块中的列 {}",
                            block_words(b),
                            b.columns.get(k).map_or(k.as_str(), String::as_str)
                        ),
                        usize::from(is_figure(v)),
                    );
                }
            }
        }
    }
}

/// A block of a form, for a message: its first columns' headers as read
/// (`“年度/资金来源”、“金额”列`), or its title.
fn block_words(b: &FormBlock) -> String {
    let heads: Vec<String> = b
        .columns
        .values()
        .filter(|h| !h.trim().is_empty())
        .take(2)
        .map(|h| format!("“{h}”"))
        .collect();
    match (&b.title, heads.is_empty()) {
        (_, false) => format!("有{}列", heads.join("、")),
        (Some(t), true) => format!("“{}”下", t.text),
        (None, true) => "一个".to_string(),
    }
}
