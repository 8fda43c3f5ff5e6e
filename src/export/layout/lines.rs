//! Side-by-side tables (表1, 表4): income lines on the left, expenditure on
//! the right, in the template's order — its named lines as it lists them,
//! the 功能分类 类 lines in its `class_lines` order, a line it does not
//! know after the line it followed — and its `footer` pairs on the last
//! rows. A line keeps its label when the template knows it; else it takes
//! the template's. A line whose parts are printed is printed too, empty if
//! the source has no figure for it, so that its parts read as its parts.

use std::collections::BTreeSet;

use super::ctx::{shown, Ctx};
use crate::amount::Unit;
use crate::export::page::{Page, Style};
use crate::model::{Amount, Line, LinesTable};
use crate::template::{ColumnSpec, LineSpec, Role, Side, TableSpec};
use crate::text::{norm, strip_ordinal};

/// A line as printed: its label, its figure and further figures.
struct Printed<'a> {
    label: String,
    amount: Option<&'a Amount>,
    line: Option<&'a Line>,
}

/// The table's page; none when the source lacks the table.
pub(super) fn page(ctx: &Ctx, spec: &TableSpec) -> Option<Page> {
    let t = ctx.b.tables.lines(spec.id)?;
    let unit = ctx.unit(spec, t.meta.unit);
    let columns = super::grid::printed(spec);
    let mut p = Page::new(super::ctx::sheet_name(spec, None));
    p.table = Some(spec.id);
    p.columns = columns.iter().map(|c| c.key.clone()).collect();
    let width = columns.len() as u16;
    let top = ctx.head(&mut p, spec, width, Some(unit));
    let body = top
        + super::ctx::header(
            &mut p,
            top,
            &super::grid::header_rows(spec, &columns),
            false,
        );
    p.repeat_rows = Some((top, body - 1));
    for (i, c) in columns.iter().enumerate() {
        p.width(i as u16, if c.role == Role::Text { 34.0 } else { 14.0 });
    }
    p.freeze = Some((body, 0));
    p.body = Some(body);
    let sides = [Side::Income, Side::Expense];
    let footer_keys =
        |i: usize| -> BTreeSet<&str> { spec.footer.iter().map(|f| f[i].as_str()).collect() };
    let bodies: Vec<Vec<Printed>> = sides
        .iter()
        .enumerate()
        .map(|(i, side)| side_body(ctx, spec, t, *side, &footer_keys(i)))
        .collect();
    let mut r = body;
    let rows = bodies[0].len().max(bodies[1].len());
    for i in 0..rows {
        write_row(
            &mut p,
            &columns,
            r,
            [bodies[0].get(i), bodies[1].get(i)],
            unit,
        );
        r += 1;
    }
    for pair in &spec.footer {
        let get = |i: usize| {
            t.line(sides[i], &pair[i]).map(|l| Printed {
                label: label_of(ctx, spec, sides[i], l),
                amount: Some(&l.amount),
                line: Some(l),
            })
        };
        let (a, b) = (get(0), get(1));
        if a.is_none() && b.is_none() {
            continue;
        }
        write_row(&mut p, &columns, r, [a.as_ref(), b.as_ref()], unit);
        r += 1;
    }
    report_columns(ctx, spec, t, &columns);
    ctx.notes(&mut p, r, width, &t.meta.notes);
    Some(p)
}

/// The side a column of figures belongs to: the side whose label column is
/// nearest to its left.
fn side_of(columns: &[&ColumnSpec], at: usize) -> Side {
    columns[..at]
        .iter()
        .rev()
        .find_map(|c| match c.key.as_str() {
            "income_label" => Some(Side::Income),
            "expense_label" => Some(Side::Expense),
            _ => None,
        })
        .unwrap_or(Side::Income)
}

fn write_row(
    p: &mut Page,
    columns: &[&ColumnSpec],
    r: u32,
    lines: [Option<&Printed>; 2],
    unit: Unit,
) {
    for (c, col) in columns.iter().enumerate() {
        let at = c as u16;
        let side = match col.key.as_str() {
            "income_label" | "income_amount" => Side::Income,
            "expense_label" | "expense_amount" => Side::Expense,
            _ => side_of(columns, c),
        };
        let line = lines[side as usize];
        match col.key.as_str() {
            "income_label" | "expense_label" => {
                p.text(r, at, line.map_or("", |l| l.label.as_str()), Style::Text)
            }
            key => {
                let a = line.and_then(|l| match key {
                    "income_amount" | "expense_amount" => l.amount,
                    k => l.line.and_then(|x| x.extras.get(k)),
                });
                match a.and_then(|a| shown(a, unit)) {
                    Some(d) => p.number(r, at, d, Style::Number),
                    None => p.text(r, at, "", Style::Number),
                }
            }
        }
    }
}

/// A line's label: as read when the template knows it, else the template's.
fn label_of(ctx: &Ctx, spec: &TableSpec, side: Side, l: &Line) -> String {
    let read = norm(&l.label);
    let read = strip_ordinal(&read);
    if let Some(code) = &l.class_code {
        return match ctx.t.functional_classes.iter().find(|c| &c.code == code) {
            Some(c) if !c.names.iter().any(|n| n == read) => c.names[0].clone(),
            _ => l.label.clone(),
        };
    }
    match l.key.as_deref().and_then(|k| line_spec(spec, side, k)) {
        Some(s) if !s.labels.iter().any(|x| x == read) => s.labels[0].clone(),
        _ => l.label.clone(),
    }
}

fn line_spec<'a>(spec: &'a TableSpec, side: Side, key: &str) -> Option<&'a LineSpec> {
    spec.lines.iter().find(|l| l.side == side && l.key == key)
}

/// One side's lines above the footer, in the template's order; reports the
/// lines it has no place for and the empty lines it prints for their parts.
fn side_body<'a>(
    ctx: &Ctx,
    spec: &TableSpec,
    t: &'a LinesTable,
    side: Side,
    footer: &BTreeSet<&str>,
) -> Vec<Printed<'a>> {
    let name = ctx.name(spec);
    let named: Vec<&LineSpec> = spec.lines.iter().filter(|l| l.side == side).collect();
    let classes = spec.class_side == Some(side);
    let class_rank = |code: &str| -> usize {
        spec.class_lines
            .iter()
            .position(|c| c == code)
            .unwrap_or_else(|| {
                spec.class_lines
                    .iter()
                    .filter(|c| c.as_str() < code)
                    .count()
            })
    };
    // Named lines in the template's order; every other line after the
    // named line it followed, 功能分类 类 lines among themselves in class
    // order. Sorted by (after which named line, named or not, class
    // order, order read).
    let mut placed: Vec<((usize, usize, usize, usize), Printed<'a>)> = Vec::new();
    let (mut group, mut class_at) = (0, 0);
    let mut report = ctx.report.borrow_mut();
    for (i, l) in t.side(side).iter().enumerate() {
        if l.key.as_deref().is_some_and(|k| footer.contains(k)) {
            continue;
        }
        let figures = usize::from(shown(&l.amount, Unit::Yuan).is_some());
        let rank = match (&l.key, &l.class_code) {
            (_, Some(code)) => {
                if !classes || !ctx.t.functional_classes.iter().any(|c| &c.code == code) {
                    report.lose(spec.id, &name, format!("行 {}", l.label), figures);
                    continue;
                }
                class_at = class_rank(code);
                (group, 1, class_at, i)
            }
            (Some(k), None) => match named.iter().position(|n| &n.key == k) {
                Some(at) => {
                    group = 2 * at + 1;
                    class_at = 0;
                    (group, 0, 0, i)
                }
                None => {
                    report.lose(spec.id, &name, format!("行 {}", l.label), figures);
                    continue;
                }
            },
            (None, None) => (group, 1, class_at, i),
        };
        placed.push((
            rank,
            Printed {
                label: label_of(ctx, spec, side, l),
                amount: Some(&l.amount),
                line: Some(l),
            },
        ));
    }
    // A line whose parts are printed is printed, empty when the source
    // has no figure for it.
    let printed: BTreeSet<String> = placed
        .iter()
        .filter_map(|(_, p)| p.line.and_then(|l| l.key.clone()))
        .collect();
    for (at, n) in named.iter().enumerate() {
        let has_parts = named
            .iter()
            .any(|m| m.within.as_deref() == Some(&n.key) && printed.contains(&m.key));
        if has_parts && !printed.contains(&n.key) && !footer.contains(n.key.as_str()) {
            report.leave_empty(spec.id, &name, format!("行 {}", n.labels[0]));
            placed.push((
                (2 * at + 1, 0, 0, 0),
                Printed {
                    label: n.labels[0].clone(),
                    amount: None,
                    line: None,
                },
            ));
        }
    }
    placed.sort_by_key(|(rank, _)| *rank);
    placed.into_iter().map(|(_, p)| p).collect()
}

/// Figures of columns the layout does not print (a bureau's split by fund),
/// and printed columns of figures no line has.
fn report_columns(ctx: &Ctx, spec: &TableSpec, t: &LinesTable, columns: &[&ColumnSpec]) {
    let keys: BTreeSet<&str> = columns.iter().map(|c| c.key.as_str()).collect();
    let name = ctx.name(spec);
    let mut report = ctx.report.borrow_mut();
    let lines = || t.income.iter().chain(&t.expense);
    let mut lost: Vec<(String, usize)> = Vec::new();
    for l in lines() {
        for (k, a) in &l.extras {
            if keys.contains(k.as_str()) {
                continue;
            }
            let n = usize::from(shown(a, Unit::Yuan).is_some());
            match lost.iter_mut().find(|(x, _)| x == k) {
                Some(e) => e.1 += n,
                None => lost.push((k.clone(), n)),
            }
        }
    }
    for (k, n) in lost {
        report.lose(
            spec.id,
            &name,
            format!("列 {}", super::report::column_words(&t.meta, &k)),
            n,
        );
    }
    for c in columns {
        let extra =
            c.role == Role::Amount && !matches!(c.key.as_str(), "income_amount" | "expense_amount");
        if extra && !lines().any(|l| l.extras.contains_key(&c.key)) {
            report.leave_empty(
                spec.id,
                &name,
                format!("列 {}", c.words.first().map_or(&c.key, |w| w)),
            );
        }
    }
}
