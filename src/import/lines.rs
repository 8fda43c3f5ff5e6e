//! Side-by-side tables (表1 收支总表, 表4 财政拨款收支总表): income lines on
//! the left, expenditure on the right, each line placed by its label.

use std::collections::BTreeMap;

use super::header::HeaderMatch;
use super::Ctx;
use crate::model::{Diagnostic, Line, LinesTable, Severity};
use crate::template::{LineSpec, Side};
use crate::text::{clean, label_stem, line_words, Outline};

/// Places labels on one side, remembering the section a line sits under.
struct Placer<'a> {
    ctx: &'a Ctx<'a>,
    side: Side,
    section: Option<&'a str>,
}

/// A line placed: its template key, its 功能分类 code if a class line, and
/// the key of the line the template says it is a part of.
struct Placed {
    key: Option<String>,
    class_code: Option<String>,
    within: Option<String>,
}

impl<'a> Placer<'a> {
    /// The template lines a label names: by its words as printed (without
    /// numbering), else by their stem (`一般公共预算资金` is `一般公共预算`).
    fn specs(&self, words: &str) -> Vec<&'a LineSpec> {
        let on_side = || self.ctx.spec.lines.iter().filter(|l| l.side == self.side);
        let exact: Vec<&LineSpec> = on_side()
            .filter(|l| l.labels.iter().any(|x| x == words))
            .collect();
        if !exact.is_empty() {
            return exact;
        }
        let stem = label_stem(words);
        on_side()
            .filter(|l| l.labels.iter().any(|x| label_stem(x) == stem))
            .collect()
    }

    /// Places a line by its words; `under_class` when its numbering makes it
    /// a part of a class line (a 款 under its 类 is not a class itself).
    fn place(&mut self, words: &str, under_class: bool) -> Placed {
        let specs = self.specs(words);
        let chosen = specs
            .iter()
            .find(|l| l.within.is_some() && l.within.as_deref() == self.section)
            .or_else(|| specs.iter().find(|l| l.within.is_none()))
            .or_else(|| specs.first());
        if let Some(l) = chosen {
            if l.within.is_none() {
                self.section = Some(l.key.as_str());
            }
            return Placed {
                key: Some(l.key.clone()),
                class_code: None,
                within: l.within.clone(),
            };
        }
        if self.ctx.spec.class_side == Some(self.side) && !under_class {
            if let Some(code) = self.ctx.template.class_by_name(words) {
                return Placed {
                    key: Some(format!("class_{code}")),
                    class_code: Some(code.to_string()),
                    within: None,
                };
            }
        }
        Placed {
            key: None,
            class_code: None,
            within: None,
        }
    }
}

/// The outline of one side as its lines come: which line a new one is a
/// part of, by its numbering (`1.` under `一、`), a `其中` in front, or the
/// template's word.
#[derive(Default)]
pub(super) struct Outliner {
    /// Numbered lines still open, by level, with their index.
    open: Vec<(u8, usize)>,
    /// The nearest line above that is not a `其中` part.
    last_whole: Option<usize>,
}

impl Outliner {
    /// The line the next one (index `i`) is a part of by its numbering or
    /// its `其中`, and it noted as the line above the ones that follow.
    pub(super) fn part_of(
        &mut self,
        i: usize,
        outline: Option<Outline>,
        of_which: bool,
    ) -> Option<usize> {
        let parent = if of_which {
            self.last_whole
        } else if let Some(o) = outline {
            while self.open.last().is_some_and(|(level, _)| *level >= o.level) {
                self.open.pop();
            }
            self.open.last().map(|(_, at)| *at)
        } else {
            // An unnumbered line (a total, 本年收入合计) closes the outline.
            self.open.clear();
            None
        };
        if let (Some(o), false) = (outline, of_which) {
            self.open.push((o.level, i));
        }
        if !of_which {
            self.last_whole = Some(i);
        }
        parent
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
    let mut out: [Vec<Line>; 2] = [Vec::new(), Vec::new()];
    let mut outliners = [Outliner::default(), Outliner::default()];
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
                let v = sheet.get(r, *ac);
                if !v.is_empty() {
                    // Reported here, so not again as unread; said as what
                    // the cell holds (a figure, or words such as 合计).
                    ctx.take(r, *ac);
                    let at = sheet.cell_ref(r, *ac);
                    let message = if super::holds_figure(v) {
                        format!("{at} 有金额但这一行没有项目名称，未导入")
                    } else {
                        format!(
                            "{at} 写有“{}”，但这一行的项目名称列是空的，未导入",
                            clean(&v.as_text())
                        )
                    };
                    diags.push(ctx.diag("I.unknown_line", Severity::Warning, message, vec![at]));
                }
                continue;
            }
            // A line whose figure is not an amount (reported) is not a line.
            let Some(amount) = ctx.amount(r, *ac, unit, diags) else {
                continue;
            };
            let (outline, of_which, words) = line_words(&label);
            let numbered = outliners[i].part_of(out[i].len(), outline, of_which);
            let under_class = numbered.is_some_and(|p| out[i][p].class_code.is_some());
            let Placed {
                key,
                class_code,
                within,
            } = placers[i].place(&words, under_class);
            // The template's word first (一般公共预算 under 财政拨款收入, or
            // under 本年收入 and not 上年结转), else the numbering.
            let part_of = match &within {
                Some(w) => out[i]
                    .iter()
                    .rposition(|l: &Line| l.key.as_deref() == Some(w.as_str()))
                    .or(numbered),
                None => numbered,
            };
            let within = part_of.and_then(|p| out[i][p].key.clone()).or(within);
            let label_cell = sheet.cell_ref(r, *lc);
            // A part of a line above is read, kept and checked against that
            // line whether or not the template knows its words.
            if key.is_none() && part_of.is_none() {
                diags.push(ctx.diag(
                    "I.unknown_line",
                    Severity::Warning,
                    format!(
                        "{label_cell} 的项目“{label}”不在模板“{}”的{}项目中，按原文保留",
                        ctx.template.name,
                        side_word(*side)
                    ),
                    vec![label_cell.clone()],
                ));
            }
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
                part_of,
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
