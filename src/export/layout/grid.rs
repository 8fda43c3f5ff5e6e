//! Coded tables (类/款/项, units, projects) and the one-row 表7, laid out
//! as their template prints them: the rows above the header, the header
//! band, a row per code with the 合计 row where the template puts it, the
//! notes.

use std::collections::BTreeSet;

use super::ctx::{shown, Ctx};
use crate::amount::Unit;
use crate::export::page::{FitColumn, Page, Style};
use crate::model::{Amount, CodedRow, CodedTable, TableId};
use crate::template::print::{TotalAt, TotalLabel};
use crate::template::{ColumnSpec, Role, TableKind, TableSpec};

/// The columns a table prints, left to right ([`TableSpec::printed`]); a
/// template validated on load always has them.
pub(crate) fn printed(spec: &TableSpec) -> Vec<&ColumnSpec> {
    spec.printed()
        .unwrap_or_else(|| spec.printed_columns().collect())
}

/// The header as printed: the template's `header_layout` when it is as wide
/// as the printed columns, else one row of the columns' first words.
pub(crate) fn header_rows(spec: &TableSpec, columns: &[&ColumnSpec]) -> Vec<Vec<String>> {
    let fits = spec
        .header_layout
        .iter()
        .all(|row| row.len() == columns.len());
    if fits && !spec.header_layout.is_empty() {
        spec.header_layout.clone()
    } else {
        vec![columns
            .iter()
            .map(|c| c.words.first().cloned().unwrap_or_default())
            .collect()]
    }
}

/// Default widths and sizing bounds of a column, by what it holds.
fn width_of(spec: &TableSpec, c: &ColumnSpec) -> (f64, f64, f64) {
    let (w, min, max) = match c.role {
        Role::Name => (32.0, 16.0, 40.0),
        Role::Text => (24.0, 16.0, 40.0),
        Role::Code => (12.0, 8.0, 24.0),
        Role::CodePart => (6.0, 4.0, 8.0),
        _ => (13.0, 10.0, 18.0),
    };
    (
        spec.print.widths.get(&c.key).copied().unwrap_or(w),
        min,
        max,
    )
}

/// A row as laid out: the 合计 row or a coded row.
struct Row<'a> {
    total: bool,
    code: &'a str,
    name: &'a str,
    row: Option<&'a CodedRow>,
}

/// A coded table's or 表7's page; none when the source lacks the table.
pub(super) fn page(ctx: &Ctx, spec: &TableSpec) -> Option<Page> {
    let tb = &ctx.b.tables;
    let columns = printed(spec);
    if spec.kind == TableKind::Single {
        let t = tb.t7.as_ref().filter(|_| spec.id == TableId::T7)?;
        let unit = ctx.unit(spec, t.meta.unit);
        let mut p = start(ctx, spec, &columns, unit);
        let mut r = p.body.unwrap_or(0);
        let value = |k: &str| t.amounts.get(k).or_else(|| t.extras.get(k));
        if !t.amounts.is_empty() || !t.extras.is_empty() {
            for (c, col) in columns.iter().enumerate() {
                amount_cell(&mut p, r, c as u16, value(&col.key), unit);
            }
            r += 1;
        }
        let keys: BTreeSet<&str> = columns.iter().map(|c| c.key.as_str()).collect();
        report_single(ctx, spec, t, &keys);
        ctx.notes(&mut p, r, columns.len() as u16, &t.meta.notes);
        return Some(p);
    }
    let t = tb.coded(spec.id)?;
    let unit = ctx.unit(spec, t.meta.unit);
    let mut p = start(ctx, spec, &columns, unit);
    let mut r = p.body.unwrap_or(0);
    let placed = report_coded(ctx, spec, t, &columns);
    let total = t.total.as_ref().map(|row| Row {
        total: true,
        code: "合计",
        name: "",
        row: Some(row),
    });
    let body = t
        .rows
        .iter()
        .zip(&placed)
        .filter(|(_, ok)| **ok)
        .map(|(row, _)| Row {
            total: false,
            code: row.code.as_deref().unwrap_or(""),
            name: &row.name,
            row: Some(row),
        });
    let rows: Vec<Row> = match ctx.print.total_at {
        TotalAt::Top => total.into_iter().chain(body).collect(),
        TotalAt::Foot => body.chain(total).collect(),
    };
    for row in &rows {
        write_row(ctx, &mut p, spec, &columns, r, row, unit);
        r += 1;
    }
    ctx.notes(&mut p, r, columns.len() as u16, &t.meta.notes);
    Some(p)
}

/// The page with its head, header, widths, frozen header and sizing set.
fn start(ctx: &Ctx, spec: &TableSpec, columns: &[&ColumnSpec], unit: Unit) -> Page {
    let mut p = Page::new(super::ctx::sheet_name(spec, None));
    p.table = Some(spec.id);
    p.columns = columns.iter().map(|c| c.key.clone()).collect();
    let width = columns.len() as u16;
    let top = ctx.head(&mut p, spec, width, Some(unit));
    let body = top + super::ctx::header(&mut p, top, &header_rows(spec, columns), false);
    p.repeat_rows = Some((top, body - 1));
    for (i, c) in columns.iter().enumerate() {
        let (w, min, max) = width_of(spec, c);
        p.width(i as u16, w);
        p.fit_columns.push(FitColumn {
            col: i as u16,
            min,
            max,
        });
    }
    p.freeze = Some((body, 0));
    p.body = Some(body);
    p
}

/// An amount cell: the figure in `unit`, or an empty cell in its style.
fn amount_cell(p: &mut Page, r: u32, c: u16, a: Option<&Amount>, unit: Unit) {
    match a.and_then(|a| shown(a, unit)) {
        Some(d) => p.number(r, c, d, Style::Number),
        None => p.text(r, c, "", Style::Number),
    }
}

/// The parts of a code split over the columns of its levels (类 | 款 | 项).
fn code_part<'a>(spec: &TableSpec, code: &'a str, part: usize) -> &'a str {
    let mut from = 0;
    for (i, level) in spec.levels.iter().enumerate() {
        let to = level.len.unwrap_or(code.len()).min(code.len());
        if i == part {
            return code.get(from..to.max(from)).unwrap_or("");
        }
        from = to.max(from);
    }
    ""
}

fn write_row(
    ctx: &Ctx,
    p: &mut Page,
    spec: &TableSpec,
    columns: &[&ColumnSpec],
    r: u32,
    row: &Row,
    unit: Unit,
) {
    let label_cols: Vec<usize> = columns
        .iter()
        .enumerate()
        .filter(|(_, c)| matches!(c.role, Role::Code | Role::CodePart | Role::Name))
        .map(|(i, _)| i)
        .collect();
    let across = row.total && ctx.print.total_label == TotalLabel::Across && label_cols.len() > 1;
    let first_len = spec.levels.first().and_then(|l| l.len).unwrap_or(3);
    let mut part = 0;
    for (c, col) in columns.iter().enumerate() {
        let at = c as u16;
        if across && label_cols.contains(&c) {
            if c == label_cols[0] {
                let last = *label_cols.last().unwrap_or(&c) as u16;
                p.span(r, at, r, last, row.code, Style::Text);
            }
            continue;
        }
        match col.role {
            Role::Code => p.text(r, at, row.code, Style::Code),
            Role::CodePart => {
                let text = match (row.total, part) {
                    (true, 0) => row.code,
                    (true, _) => "",
                    _ => code_part(spec, row.code, part),
                };
                p.text(r, at, text, Style::Code);
                part += 1;
            }
            Role::Name => {
                let code = row.code;
                let name = if spec.print.indent_names && code.len() > first_len {
                    format!(
                        "{}{}",
                        "\u{3000}".repeat((code.len() - first_len) / 2),
                        row.name
                    )
                } else {
                    row.name.to_string()
                };
                p.text(r, at, &name, Style::Text);
            }
            Role::Text => {
                let text = row
                    .row
                    .and_then(|x| x.texts.get(&col.key))
                    .map_or("", String::as_str);
                p.text(r, at, text, Style::Text);
            }
            _ => match row.row.and_then(|x| x.texts.get(&col.key)) {
                // Words where a figure stands, kept as words.
                Some(words) if !words.is_empty() => p.text(r, at, words, Style::Text),
                _ => {
                    let a = row
                        .row
                        .and_then(|x| x.amounts.get(&col.key).or_else(|| x.extras.get(&col.key)));
                    amount_cell(p, r, at, a, unit);
                }
            },
        }
    }
}

/// Non-blank figures of some amounts.
fn count<'a>(amounts: impl Iterator<Item = &'a Amount>) -> usize {
    amounts
        .filter(|a| a.form != crate::amount::CellForm::Blank)
        .count()
}

/// Reports what of a coded table the layout has no place for — columns the
/// template does not print, rows of levels it does not have — and the
/// printed columns the source has no figure for; which rows are placed.
fn report_coded(ctx: &Ctx, spec: &TableSpec, t: &CodedTable, columns: &[&ColumnSpec]) -> Vec<bool> {
    let keys: BTreeSet<&str> = columns.iter().map(|c| c.key.as_str()).collect();
    let name = ctx.name(spec);
    let mut report = ctx.report.borrow_mut();
    // Rows: a row of a level the target has, its code fitting it (a row
    // that fit no level where it was read is kept as it is).
    let placed: Vec<bool> = t
        .rows
        .iter()
        .map(|r| match (&r.level, &r.code) {
            (Some(level), Some(code)) => {
                spec.levels.iter().any(|l| &l.name == level && l.fits(code))
            }
            _ => true,
        })
        .collect();
    let mut lost_levels: Vec<String> = Vec::new();
    let mut lost_rows = 0;
    let mut row_figures = 0;
    for (r, ok) in t.rows.iter().zip(&placed) {
        if !ok {
            lost_rows += 1;
            row_figures += count(r.amounts.values().chain(r.extras.values()));
            let level = r.level.clone().unwrap_or_default();
            if !lost_levels.contains(&level) {
                lost_levels.push(level);
            }
        }
    }
    if lost_rows > 0 {
        let levels: Vec<&str> = spec.levels.iter().map(|l| l.name.as_str()).collect();
        report.lose(
            spec.id,
            &name,
            format!(
                "{lost_rows} 行（层级 {}，该表的层级是 {}）",
                lost_levels.join("、"),
                levels.join("、")
            ),
            row_figures,
        );
    }
    // Columns: every key of a placed row the layout does not print.
    let all_rows = || {
        t.total.iter().chain(
            t.rows
                .iter()
                .zip(&placed)
                .filter(|(_, ok)| **ok)
                .map(|(r, _)| r),
        )
    };
    let mut lost_cols: Vec<(String, usize)> = Vec::new();
    for r in all_rows() {
        for (k, a) in r.amounts.iter().chain(&r.extras) {
            if keys.contains(k.as_str()) {
                continue;
            }
            let n = usize::from(a.form != crate::amount::CellForm::Blank);
            match lost_cols.iter_mut().find(|(x, _)| x == k) {
                Some(e) => e.1 += n,
                None => lost_cols.push((k.clone(), n)),
            }
        }
    }
    for (k, n) in lost_cols {
        report.lose(
            spec.id,
            &name,
            format!("列 {}", super::report::column_words(&t.meta, &k)),
            n,
        );
    }
    // Printed columns of figures no row of the source has.
    for c in columns {
        if matches!(
            c.role,
            Role::Code | Role::CodePart | Role::Name | Role::Text | Role::CodeName
        ) {
            continue;
        }
        let any =
            all_rows().any(|r| r.amounts.contains_key(&c.key) || r.extras.contains_key(&c.key));
        if !any && (t.total.is_some() || !t.rows.is_empty()) {
            report.leave_empty(
                spec.id,
                &name,
                format!("列 {}", c.words.first().map_or(&c.key, |w| w)),
            );
        }
    }
    drop(report);
    placed
}

/// A column of the source by its header as read (`本年收入/小计`), else its key.
fn report_single(
    ctx: &Ctx,
    spec: &TableSpec,
    t: &crate::model::SingleTable,
    keys: &BTreeSet<&str>,
) {
    let name = ctx.name(spec);
    let mut report = ctx.report.borrow_mut();
    for (k, a) in t.amounts.iter().chain(&t.extras) {
        if !keys.contains(k.as_str()) {
            let n = usize::from(a.form != crate::amount::CellForm::Blank);
            report.lose(
                spec.id,
                &name,
                format!("列 {}", super::report::column_words(&t.meta, k)),
                n,
            );
        }
    }
    if !t.amounts.is_empty() || !t.extras.is_empty() {
        for k in keys {
            if !t.amounts.contains_key(*k) && !t.extras.contains_key(*k) {
                let words = spec
                    .columns
                    .iter()
                    .find(|c| c.key == *k)
                    .and_then(|c| c.words.first());
                report.leave_empty(
                    spec.id,
                    &name,
                    format!("列 {}", words.map_or(*k, |w| w.as_str())),
                );
            }
        }
    }
}
