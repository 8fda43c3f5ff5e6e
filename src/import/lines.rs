//! Side-by-side tables (表1 收支总表, 表4 财政拨款收支总表): income lines on
//! the left, expenditure on the right, each line placed by its label.

use std::collections::BTreeMap;

use super::header::HeaderMatch;
use super::Ctx;
use crate::model::{Diagnostic, Line, LinesTable, Severity};
use crate::template::{LineSpec, Side};
use crate::text::{clean, norm, strip_ordinal};

/// Places labels on one side, remembering the section a line sits under.
struct Placer<'a> {
    ctx: &'a Ctx<'a>,
    side: Side,
    section: Option<&'a str>,
}

impl<'a> Placer<'a> {
    /// The line's key, its 功能分类 code if a class line, and the line it is
    /// part of.
    fn place(&mut self, label: &str) -> (Option<String>, Option<String>, Option<String>) {
        let t = norm(label);
        let t = strip_ordinal(&t);
        let specs: Vec<&'a LineSpec> = self
            .ctx
            .spec
            .lines
            .iter()
            .filter(|l| l.side == self.side && l.labels.iter().any(|x| x == t))
            .collect();
        let chosen = specs
            .iter()
            .find(|l| l.within.is_some() && l.within.as_deref() == self.section)
            .or_else(|| specs.iter().find(|l| l.within.is_none()))
            .or_else(|| specs.first());
        if let Some(l) = chosen {
            if l.within.is_none() {
                self.section = Some(l.key.as_str());
            }
            return (Some(l.key.clone()), None, l.within.clone());
        }
        if self.ctx.spec.class_side == Some(self.side) {
            if let Some(code) = self.ctx.template.class_by_name(t) {
                return (Some(format!("class_{code}")), Some(code.to_string()), None);
            }
        }
        (None, None, None)
    }
}

pub fn read(ctx: &Ctx, hm: &HeaderMatch, diags: &mut Vec<Diagnostic>) -> LinesTable {
    let sheet = ctx.sheet;
    let (unit, unit_cell) = ctx.unit(hm.last_row + 1, diags);
    let col = |k: &str| hm.col(&ctx.spec.columns, k);
    let sides = [
        (Side::Income, col("income_label"), col("income_amount")),
        (Side::Expense, col("expense_label"), col("expense_amount")),
    ];
    let mut placers = [
        Placer {
            ctx,
            side: Side::Income,
            section: None,
        },
        Placer {
            ctx,
            side: Side::Expense,
            section: None,
        },
    ];
    // Further amount columns the template declares (keys outside the
    // canonical four): each belongs to the side whose label column is the
    // nearest to its left.
    let extra_cols: Vec<(&str, u32)> = ctx
        .spec
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            c.role == crate::template::Role::Amount
                && !matches!(c.key.as_str(), "income_amount" | "expense_amount")
        })
        .filter_map(|(i, c)| hm.cols[i].map(|col| (c.key.as_str(), col)))
        .collect();
    let mut side_extras: [Vec<(&str, u32)>; 2] = [Vec::new(), Vec::new()];
    for (k, c) in extra_cols {
        let side = sides
            .iter()
            .enumerate()
            .filter_map(|(i, (_, lc, _))| lc.filter(|lc| *lc < c).map(|lc| (i, lc)))
            .max_by_key(|(_, lc)| *lc)
            .map_or(0, |(i, _)| i);
        side_extras[side].push((k, c));
    }
    let mut out = [Vec::new(), Vec::new()];
    let mut notes = Vec::new();
    let mut last_used = hm.last_row;
    let mut in_notes = false;
    for r in hm.last_row + 1..sheet.height() {
        if sheet.is_blank_row(r) {
            continue;
        }
        if let Some(n) = ctx.note_at(r) {
            in_notes = true;
            notes.push(n);
            ctx.take_words(r);
            last_used = r;
            continue;
        }
        if in_notes {
            ctx.take_words(r);
            last_used = r;
            continue;
        }
        last_used = r;
        for (i, (side, label_col, amount_col)) in sides.iter().enumerate() {
            let (Some(lc), Some(ac)) = (label_col, amount_col) else {
                continue;
            };
            let label = clean(&sheet.get(r, *lc).as_text());
            ctx.take(r, *lc);
            if label.is_empty() {
                if !sheet.get(r, *ac).is_empty() {
                    // Reported here, so not again as unread.
                    ctx.take(r, *ac);
                    diags.push(ctx.diag(
                        "I.unknown_line",
                        Severity::Warning,
                        format!("{} 有金额但没有项目名称，未导入", sheet.cell_ref(r, *ac)),
                        vec![sheet.cell_ref(r, *ac)],
                    ));
                }
                continue;
            }
            let (key, class_code, within) = placers[i].place(&label);
            let label_cell = sheet.cell_ref(r, *lc);
            if key.is_none() {
                diags.push(ctx.diag(
                    "I.unknown_line",
                    Severity::Warning,
                    format!(
                        "{label_cell} 的项目“{label}”不在模板 {} 的{}项目中，按原文保留",
                        ctx.template.id,
                        side_word(*side)
                    ),
                    vec![label_cell.clone()],
                ));
            }
            let Some(amount) = ctx.amount(r, *ac, unit, diags) else {
                continue;
            };
            let mut extras = BTreeMap::new();
            for (k, c) in &side_extras[i] {
                if !sheet.get(r, *c).is_empty() {
                    if let Some(a) = ctx.amount(r, *c, unit, diags) {
                        extras.insert(k.to_string(), a);
                    }
                }
            }
            out[i].push(Line {
                key,
                class_code,
                label,
                label_cell,
                amount,
                within,
                extras,
            });
        }
    }
    let declared: Vec<(&str, u32)> = side_extras.iter().flatten().copied().collect();
    let [income, expense] = out;
    let mut meta = ctx.meta(Some(hm), last_used, unit, unit_cell, notes);
    meta.extra_columns = super::coded::declared_extra_columns(hm, ctx, &declared);
    LinesTable {
        meta,
        income,
        expense,
    }
}

fn side_word(side: Side) -> &'static str {
    match side {
        Side::Income => "收入",
        Side::Expense => "支出",
    }
}
