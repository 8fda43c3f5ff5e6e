//! Side-by-side tables (表1 收支总表, 表4 财政拨款收支总表): income lines on
//! the left, expenditure on the right, each line placed by its label.

use std::collections::BTreeMap;

use super::ctx::Ctx;
use super::header::HeaderMatch;
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
    let (unit, unit_cell) = ctx.unit(hm.last_row + 1, diags);
    let mut sides = side_columns(ctx, hm).map(|cols| SideReader {
        placer: Placer {
            ctx,
            side: cols.side,
            section: None,
        },
        cols,
        outliner: Outliner::default(),
        lines: Vec::new(),
    });
    let mut body = super::ctx::BodyRows::new(ctx, hm, true);
    for r in body.rows() {
        if !body.is_table_row(r) {
            continue;
        }
        body.last_used = r;
        for side in &mut sides {
            side.read_line(r, unit, diags);
        }
    }
    let declared: Vec<(&str, u32)> = sides
        .iter()
        .flat_map(|s| s.cols.extras.iter().copied())
        .collect();
    let mut meta = ctx.meta(Some(hm), body.last_used, unit, unit_cell, body.notes);
    meta.extra_columns = super::coded::declared_extra_columns(hm, ctx, &declared);
    let [income, expense] = sides.map(|s| s.lines);
    LinesTable {
        meta,
        income,
        expense,
    }
}

/// One side's columns: its label and amount columns, and the further amount
/// columns the template declares (keys outside the canonical four) that
/// belong to it.
struct SideCols<'k> {
    side: Side,
    label: Option<u32>,
    amount: Option<u32>,
    extras: Vec<(&'k str, u32)>,
}

/// The income side's columns and the expense side's. A further amount
/// column belongs to the side whose label column is the nearest to its
/// left (the income side when none is).
fn side_columns<'k>(ctx: &'k Ctx, hm: &HeaderMatch) -> [SideCols<'k>; 2] {
    let col = |k: &str| hm.col(&ctx.spec.columns, k);
    let mut sides = [
        SideCols {
            side: Side::Income,
            label: col("income_label"),
            amount: col("income_amount"),
            extras: Vec::new(),
        },
        SideCols {
            side: Side::Expense,
            label: col("expense_label"),
            amount: col("expense_amount"),
            extras: Vec::new(),
        },
    ];
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
    for (k, c) in extra_cols {
        let side = sides
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.label.filter(|lc| *lc < c).map(|lc| (i, lc)))
            .max_by_key(|(_, lc)| *lc)
            .map_or(0, |(i, _)| i);
        sides[side].extras.push((k, c));
    }
    sides
}

/// One side of the table as its lines are read, top to bottom.
struct SideReader<'a> {
    cols: SideCols<'a>,
    placer: Placer<'a>,
    outliner: Outliner,
    lines: Vec<Line>,
}

impl SideReader<'_> {
    /// Reads this side of row `r`: a label and its amount make a line,
    /// placed by its words and its place in the outline. A figure with no
    /// label, or a label the template does not know and that is no part of
    /// a line above, is a warning.
    fn read_line(&mut self, r: u32, unit: crate::amount::Unit, diags: &mut Vec<Diagnostic>) {
        let ctx = self.placer.ctx;
        let sheet = ctx.sheet;
        let (Some(lc), Some(ac)) = (self.cols.label, self.cols.amount) else {
            return;
        };
        let label = clean(&sheet.get(r, lc).as_text());
        ctx.take(r, lc);
        if label.is_empty() {
            if let Some(d) = unlabelled_figure(ctx, r, ac) {
                diags.push(d);
            }
            return;
        }
        // A line whose figure is not an amount (reported) is not a line.
        let Some(amount) = ctx.amount(r, ac, unit, diags) else {
            return;
        };
        let lines = &self.lines;
        let (outline, of_which, words) = line_words(&label);
        let numbered = self.outliner.part_of(lines.len(), outline, of_which);
        let under_class = numbered.is_some_and(|p| lines[p].class_code.is_some());
        let Placed {
            key,
            class_code,
            within,
        } = self.placer.place(&words, under_class);
        // The template's word first (一般公共预算 under 财政拨款收入, or
        // under 本年收入 and not 上年结转), else the numbering.
        let part_of = match &within {
            Some(w) => lines
                .iter()
                .rposition(|l: &Line| l.key.as_deref() == Some(w.as_str()))
                .or(numbered),
            None => numbered,
        };
        let within = part_of.and_then(|p| lines[p].key.clone()).or(within);
        let label_cell = sheet.cell_ref(r, lc);
        // A part of a line above is read, kept and checked against that
        // line whether or not the template knows its words.
        if key.is_none() && part_of.is_none() {
            diags.push(ctx.diag(
                "I.unknown_line",
                Severity::Warning,
                format!(
                    "{label_cell} 的项目“{label}”不在模板“{}”的{}项目中，按原文保留",
                    ctx.template.name,
                    side_word(self.cols.side)
                ),
                vec![label_cell.clone()],
            ));
        }
        let mut extras = BTreeMap::new();
        for (k, c) in &self.cols.extras {
            if !sheet.get(r, *c).is_empty() {
                if let Some(a) = ctx.amount(r, *c, unit, diags) {
                    extras.insert(k.to_string(), a);
                }
            }
        }
        self.lines.push(Line {
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

/// `I.unknown_line` for something in an amount cell of a row whose label
/// cell is empty, said as what the cell holds (a figure, or words such as
/// 合计); the cell taken, so not reported again as unread.
fn unlabelled_figure(ctx: &Ctx, r: u32, ac: u32) -> Option<Diagnostic> {
    let v = ctx.sheet.get(r, ac);
    if v.is_empty() {
        return None;
    }
    ctx.take(r, ac);
    let at = ctx.sheet.cell_ref(r, ac);
    let message = if super::ctx::holds_figure(v) {
        format!("{at} 有金额但这一行没有项目名称，未导入")
    } else {
        format!(
            "{at} 写有“{}”，但这一行的项目名称列是空的，未导入",
            clean(&v.as_text())
        )
    };
    Some(ctx.diag("I.unknown_line", Severity::Warning, message, vec![at]))
}

fn side_word(side: Side) -> &'static str {
    match side {
        Side::Income => "收入",
        Side::Expense => "支出",
    }
}
