//! Side-by-side tables (表1 收支总表, 表4 财政拨款收支总表): income lines on
//! the left, expenditure on the right, each line placed by its label.

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
    fn place(&mut self, label: &str) -> (Option<String>, Option<String>) {
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
            return (Some(l.key.clone()), None);
        }
        if self.ctx.spec.class_side == Some(self.side) {
            if let Some(code) = self.ctx.template.class_by_name(t) {
                return (Some(format!("class_{code}")), Some(code.to_string()));
            }
        }
        (None, None)
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
            let (key, class_code) = placers[i].place(&label);
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
            out[i].push(Line {
                key,
                class_code,
                label,
                label_cell,
                amount,
            });
        }
    }
    let [income, expense] = out;
    LinesTable {
        meta: ctx.meta(Some(hm), last_used, unit, unit_cell, notes),
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
