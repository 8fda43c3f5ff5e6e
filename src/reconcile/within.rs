//! Rules within one table (表内平衡).

use rust_decimal::{Decimal, RoundingStrategy};

use super::finding::{Checker, Relation, Term};
use super::names::table_name;
use super::names::{header, row_label};

use crate::model::{
    Amount, Budget, CodedRow, CodedTable, Form, FormBlock, FormValue, LinesTable, Severity, TableId,
};
use crate::template::Side;
use crate::text::norm;

/// Keys of the amount columns found in the table, in sheet order.
fn amount_keys(t: &CodedTable) -> Vec<String> {
    t.meta
        .columns
        .iter()
        .map(|c| c.key.clone())
        .filter(|k| {
            t.total
                .iter()
                .chain(&t.rows)
                .any(|r| r.amounts.contains_key(k))
        })
        .collect()
}

fn term<'a>(t: &'a CodedTable, r: &CodedRow, key: &str, a: &'a Amount) -> Term<'a> {
    Term::new(
        format!("{}（{}）", row_label(r), header(&t.meta, key)),
        a,
        t.meta.unit,
    )
}

/// One cell of a coded table: its row and column key.
type At<'a> = (&'a CodedRow, &'a str);

/// `total` = sum of `parts`, within rounding. The exact sum is tried first:
/// labels and the message (`what`) are only built for a relation that does
/// not balance.
fn sum_rule(
    c: &mut Checker,
    rule: &'static str,
    id: TableId,
    t: &CodedTable,
    total: At,
    parts: &[At],
    what: impl FnOnce() -> String,
) {
    let Some(stated) = total.0.amount(total.1) else {
        return;
    };
    let found: Vec<&Amount> = parts.iter().filter_map(|(r, k)| r.amount(k)).collect();
    if found.is_empty()
        || found.iter().map(|a| a.yuan).sum::<rust_decimal::Decimal>() == stated.yuan
    {
        return;
    }
    let left = term(t, total.0, total.1, stated);
    let right: Vec<Term> = parts
        .iter()
        .filter_map(|(r, k)| r.amount(k).map(|a| term(t, r, k, a)))
        .collect();
    c.compare(rule, id, &what(), &[left], &right, Relation::Equal);
}

/// Each row: `total_key` = sum of `parts`.
fn row_sum(
    c: &mut Checker,
    rule: &'static str,
    id: TableId,
    t: &CodedTable,
    total_key: &str,
    parts: &[&str],
) {
    // The parts this table has: a layout without some (another bureau's
    // 表3 has no 事业单位经营支出) names only its own in the message.
    let present: Vec<&str> = parts
        .iter()
        .copied()
        .filter(|k| t.meta.columns.iter().any(|c| c.key == *k))
        .collect();
    for r in t.total.iter().chain(&t.rows) {
        let at: Vec<At> = parts.iter().map(|k| (r, *k)).collect();
        sum_rule(c, rule, id, t, (r, total_key), &at, || {
            let sum: Vec<String> = present.iter().map(|k| header(&t.meta, k)).collect();
            format!(
                "{} {} 行：{} = {}",
                table_name(id),
                row_label(r),
                header(&t.meta, total_key),
                sum.join(" + ")
            )
        });
    }
}

/// `parent` (or the total row) = sum of `children`, for every amount column.
#[allow(clippy::too_many_arguments)]
fn rollup(
    c: &mut Checker,
    rule: &'static str,
    id: TableId,
    t: &CodedTable,
    keys: &[String],
    parent: &CodedRow,
    children: &[&CodedRow],
    what: &str,
) {
    if children.is_empty() {
        return;
    }
    for key in keys {
        let at: Vec<At> = children.iter().map(|ch| (*ch, key.as_str())).collect();
        sum_rule(c, rule, id, t, (parent, key), &at, || {
            format!(
                "{} {} 的{}：{what}",
                table_name(id),
                row_label(parent),
                header(&t.meta, key)
            )
        });
    }
}

/// Each row's children, in row order, found once for the table: by
/// (depth, parent code) → indices into `t.rows`. Looking them up row by row
/// over the whole table was quadratic in its rows.
fn children_by_parent(t: &CodedTable) -> std::collections::HashMap<(u8, &str), Vec<usize>> {
    let mut map: std::collections::HashMap<(u8, &str), Vec<usize>> = Default::default();
    for (i, ch) in t.rows.iter().enumerate() {
        if let Some(p) = ch.parent.as_deref() {
            map.entry((ch.depth, p)).or_default().push(i);
        }
    }
    map
}

/// The rows of `t` under `r` by code: one level down, parent = its code.
fn children<'a>(
    t: &'a CodedTable,
    by_parent: &std::collections::HashMap<(u8, &str), Vec<usize>>,
    r: &CodedRow,
) -> Vec<&'a CodedRow> {
    r.code
        .as_deref()
        .and_then(|code| by_parent.get(&(r.depth + 1, code)))
        .map_or_else(Vec::new, |ix| ix.iter().map(|&i| &t.rows[i]).collect())
}

/// 合计 = sum of 类; each row = sum of its children (by code), every column.
fn tree(
    c: &mut Checker,
    rule: &'static str,
    id: TableId,
    t: &CodedTable,
    top_words: &str,
    level_words: &str,
) {
    let keys = amount_keys(t);
    let tops: Vec<&CodedRow> = t.rows.iter().filter(|r| r.depth == 1).collect();
    if let Some(total) = &t.total {
        rollup(c, rule, id, t, &keys, total, &tops, top_words);
    }
    let by_parent = children_by_parent(t);
    for r in t.rows.iter().filter(|r| r.depth >= 1) {
        let kids = children(t, &by_parent, r);
        rollup(c, rule, id, t, &keys, r, &kids, level_words);
    }
}

fn lines_sum(
    c: &mut Checker,
    rule: &'static str,
    t: &LinesTable,
    side: Side,
    total: &str,
    parts: &[&str],
    what: &str,
) {
    let Some(tl) = t.line(side, total) else {
        return;
    };
    let right: Vec<Term> = parts
        .iter()
        .filter_map(|k| t.line(side, k))
        .map(|l| Term::new(l.label.clone(), &l.amount, t.meta.unit))
        .collect();
    // None of the parts in this layout (no 本年收入 / 上年结转 lines): the
    // relation is not there to check; the side's own total rule covers it.
    if right.is_empty() {
        return;
    }
    c.compare(
        rule,
        t.meta.id,
        what,
        &[Term::new(tl.label.clone(), &tl.amount, t.meta.unit)],
        &right,
        Relation::Equal,
    );
}

/// The lines of a side that are neither totals nor carry lines, nor parts
/// of another line (a part counts once, in its parent).
fn body_lines<'a>(t: &'a LinesTable, side: Side, skip: &[&str]) -> Vec<Term<'a>> {
    t.side(side)
        .iter()
        .filter(|l| l.part_of.is_none() && l.within.is_none())
        .filter(|l| l.key.as_deref().is_none_or(|k| !skip.contains(&k)))
        .map(|l| Term::new(l.label.clone(), &l.amount, t.meta.unit))
        .collect()
}

/// The line that states a side's own total: `total` (本年收入合计 / 本年支出
/// 合计); in a layout without it and without a carried-over line, the
/// grand total (收入总计) is that total.
fn own_total<'a>(t: &'a LinesTable, side: Side, carry: &str) -> Option<&'a crate::model::Line> {
    t.line(side, "total").or_else(|| {
        t.line(side, carry)
            .is_none()
            .then(|| t.line(side, "grand_total"))
            .flatten()
    })
}

/// Do the parts of a line name all of it? Parts the template declares
/// (`within`, `sub`) do; so does a whole numbered enumeration (`1.` `2.`
/// `3.` from one, no number missing). A `其中` line, or numbering with a
/// gap, may name only some of it.
fn whole_enumeration(parts: &[&crate::model::Line], parent: &crate::model::Line) -> bool {
    let declared = parts.iter().all(|l| {
        l.key.is_some() && l.within.is_some() && l.within == parent.key && {
            let (_, of_which, _) = crate::text::line_words(&l.label);
            !of_which
        }
    });
    if declared {
        return true;
    }
    let numbers: Option<Vec<(u8, u32)>> = parts
        .iter()
        .map(|l| match crate::text::line_words(&l.label) {
            (Some(o), false, _) => Some((o.level, o.number)),
            _ => None,
        })
        .collect();
    numbers.is_some_and(|n| {
        n.iter().all(|(level, _)| *level == n[0].0)
            && n.iter().enumerate().all(|(i, (_, x))| *x as usize == i + 1)
    })
}

/// Each line that has parts (一、财政拨款收入 with 1. 一般公共预算 …, by the
/// template, by numbering or by `其中`) = the sum of them when they name all
/// of it, and at least it when they may name only some; `handled` parents
/// are checked elsewhere.
fn sub_lines(c: &mut Checker, rule: &'static str, t: &LinesTable, side: Side, handled: &[&str]) {
    let lines = t.side(side);
    for (i, parent) in lines.iter().enumerate() {
        if parent.key.as_deref().is_some_and(|k| handled.contains(&k)) {
            continue;
        }
        let parts: Vec<&crate::model::Line> =
            lines.iter().filter(|l| l.part_of == Some(i)).collect();
        if parts.is_empty() {
            continue;
        }
        let terms: Vec<Term> = parts
            .iter()
            .map(|l| Term::new(l.label.clone(), &l.amount, t.meta.unit))
            .collect();
        let (relation, what) = if whole_enumeration(&parts, parent) {
            (Relation::Equal, "= 其中各项之和")
        } else {
            (Relation::AtLeast, "不小于其中各项之和")
        };
        c.compare(
            rule,
            t.meta.id,
            &format!("{} {} {what}", table_name(t.meta.id), parent.label),
            &[Term::new(parent.label.clone(), &parent.amount, t.meta.unit)],
            &terms,
            relation,
        );
    }
}

/// The expenditure total of a side-by-side table = its 功能分类 class lines:
/// the lines that are its parts (表4's `（一）一般公共服务支出` under
/// `一、本年支出`), else the class lines that are no other line's part.
fn class_sum(c: &mut Checker, rule: &'static str, t: &LinesTable, what: &str) {
    let Some(total) = own_total(t, Side::Expense, "carry_forward") else {
        return;
    };
    let at = t.expense.iter().position(|l| std::ptr::eq(l, total));
    let parts_of_total: Vec<&crate::model::Line> = t
        .expense
        .iter()
        .filter(|l| at.is_some() && l.part_of == at)
        .collect();
    let lines: Vec<&crate::model::Line> = if parts_of_total.is_empty() {
        t.expense
            .iter()
            .filter(|l| l.class_code.is_some() && l.part_of.is_none())
            .collect()
    } else {
        parts_of_total
    };
    let parts: Vec<Term> = lines
        .iter()
        .map(|l| Term::new(l.label.clone(), &l.amount, t.meta.unit))
        .collect();
    let left = Term::new(total.label.clone(), &total.amount, t.meta.unit);
    c.compare(rule, t.meta.id, what, &[left], &parts, Relation::Equal);
}

fn check_t1(c: &mut Checker, t: &LinesTable) {
    let id = TableId::T1;
    sub_lines(c, "T1.income_total", t, Side::Income, &[]);
    let expense_total = own_total(t, Side::Expense, "carry_forward").and_then(|l| l.key.as_deref());
    sub_lines(
        c,
        "T1.expense_total",
        t,
        Side::Expense,
        &expense_total.into_iter().collect::<Vec<_>>(),
    );
    if let Some(total) = own_total(t, Side::Income, "carryover") {
        let parts = body_lines(t, Side::Income, &["total", "carryover", "grand_total"]);
        c.compare(
            "T1.income_total",
            id,
            &format!("{} 本年收入合计 = 各项收入之和", table_name(TableId::T1)),
            &[Term::new(total.label.clone(), &total.amount, t.meta.unit)],
            &parts,
            Relation::Equal,
        );
    }
    class_sum(
        c,
        "T1.expense_total",
        t,
        &format!("{} 本年支出合计 = 各类支出之和", table_name(TableId::T1)),
    );
    lines_sum(
        c,
        "T1.grand_income",
        t,
        Side::Income,
        "grand_total",
        &["total", "carryover"],
        &format!(
            "{} 收入总计 = 本年收入合计 + 上年结转结余",
            table_name(TableId::T1)
        ),
    );
    lines_sum(
        c,
        "T1.grand_expense",
        t,
        Side::Expense,
        "grand_total",
        &["total", "carry_forward"],
        &format!(
            "{} 支出总计 = 本年支出合计 + 年终结转结余",
            table_name(TableId::T1)
        ),
    );
    balance(
        c,
        "T1.balance",
        id,
        t,
        &format!("{} 收入总计 = 支出总计", table_name(TableId::T1)),
    );
}

fn balance(c: &mut Checker, rule: &'static str, id: TableId, t: &LinesTable, what: &str) {
    if let (Some(i), Some(e)) = (
        t.line(Side::Income, "grand_total"),
        t.line(Side::Expense, "grand_total"),
    ) {
        c.compare(
            rule,
            id,
            what,
            &[Term::new(i.label.clone(), &i.amount, t.meta.unit)],
            &[Term::new(e.label.clone(), &e.amount, t.meta.unit)],
            Relation::Equal,
        );
    }
}

fn check_t4(c: &mut Checker, t: &LinesTable) {
    let id = TableId::T4;
    lines_sum(
        c,
        "T4.income_total",
        t,
        Side::Income,
        "cur_total",
        &["cur_gp", "cur_gf", "cur_soe"],
        &format!("{} 本年收入 = 三项财政拨款之和", table_name(TableId::T4)),
    );
    lines_sum(
        c,
        "T4.income_total",
        t,
        Side::Income,
        "carry_total",
        &["carry_gp", "carry_gf", "carry_soe"],
        &format!("{} 上年结转 = 三项财政拨款之和", table_name(TableId::T4)),
    );
    lines_sum(
        c,
        "T4.income_total",
        t,
        Side::Income,
        "grand_total",
        &["cur_total", "carry_total"],
        &format!("{} 收入总计 = 本年收入 + 上年结转", table_name(TableId::T4)),
    );
    sub_lines(
        c,
        "T4.income_total",
        t,
        Side::Income,
        &["cur_total", "carry_total"],
    );
    // Without 本年收入 and 上年结转 lines, 收入总计 = the lines themselves.
    if t.line(Side::Income, "cur_total").is_none() && t.line(Side::Income, "carry_total").is_none()
    {
        if let Some(total) = t.line(Side::Income, "grand_total") {
            let parts = body_lines(t, Side::Income, &["grand_total"]);
            c.compare(
                "T4.income_total",
                id,
                &format!("{} 收入总计 = 各项财政拨款之和", table_name(TableId::T4)),
                &[Term::new(total.label.clone(), &total.amount, t.meta.unit)],
                &parts,
                Relation::Equal,
            );
        }
    }
    class_sum(
        c,
        "T4.expense_total",
        t,
        &format!("{} 本年支出 = 各类支出之和", table_name(TableId::T4)),
    );
    let expense_total = own_total(t, Side::Expense, "carry_forward").and_then(|l| l.key.as_deref());
    sub_lines(
        c,
        "T4.expense_total",
        t,
        Side::Expense,
        &expense_total.into_iter().collect::<Vec<_>>(),
    );
    lines_sum(
        c,
        "T4.expense_total",
        t,
        Side::Expense,
        "grand_total",
        &["total", "carry_forward"],
        &format!(
            "{} 支出总计 = 本年支出 + 年终结转结余",
            table_name(TableId::T4)
        ),
    );
    balance(
        c,
        "T4.balance",
        id,
        t,
        &format!("{} 收入总计 = 支出总计", table_name(TableId::T4)),
    );
}

fn check_t10_rollup(c: &mut Checker, t: &CodedTable) {
    let id = TableId::T10;
    let keys = amount_keys(t);
    let depts: Vec<&CodedRow> = t.rows.iter().filter(|r| r.depth == 1).collect();
    let units: Vec<&CodedRow> = t.rows.iter().filter(|r| r.depth == 2).collect();
    if let Some(total) = &t.total {
        rollup(
            c,
            "T10.rollup",
            id,
            t,
            &keys,
            total,
            &depts,
            "合计 = 各部门之和",
        );
        if units.len() > depts.len() {
            rollup(
                c,
                "T10.rollup",
                id,
                t,
                &keys,
                total,
                &units,
                "合计 = 各单位之和",
            );
        }
    }
    let ends = subtree_ends(t);
    for (p, r) in t.rows.iter().enumerate().filter(|(_, r)| r.depth >= 1) {
        let what = match r.depth {
            1 => "部门 = 所属单位之和",
            2 => "单位 = 所属类别之和",
            _ => "类别 = 所属项目之和",
        };
        // A repeated category code (31 under each unit) is told apart by
        // position: a child is listed under this very row (among the rows
        // up to its subtree's end), not under an earlier row with the same code.
        let kids: Vec<&CodedRow> = t.rows[p + 1..ends[p]]
            .iter()
            .filter(|ch| ch.depth == r.depth + 1 && ch.parent == r.code)
            .collect();
        rollup(c, "T10.rollup", id, t, &keys, r, &kids, what);
    }
}

/// For each row, the index of the first row after it that is not below it
/// (depth no greater than its own): its rows are those in between. One pass
/// with a stack of open rows.
fn subtree_ends(t: &CodedTable) -> Vec<usize> {
    let n = t.rows.len();
    let mut ends = vec![n; n];
    let mut open: Vec<usize> = Vec::new();
    for (i, r) in t.rows.iter().enumerate() {
        while let Some(&top) = open.last() {
            if t.rows[top].depth >= r.depth {
                ends[top] = i;
                open.pop();
            } else {
                break;
            }
        }
        open.push(i);
    }
    ends
}

fn block_value<'a>(
    row: &'a std::collections::BTreeMap<String, FormValue>,
    key: &str,
) -> Option<&'a crate::model::Amount> {
    row.get(key).and_then(FormValue::as_amount)
}

fn text_of(row: &std::collections::BTreeMap<String, FormValue>, key: &str) -> String {
    row.get(key)
        .and_then(FormValue::as_text)
        .map(norm)
        .unwrap_or_default()
}

/// Which column of the 表11 funds block a key is, for messages.
fn funds_column(b: &FormBlock, key: &str) -> String {
    match key {
        "current" => "当年".to_string(),
        k => b
            .columns
            .get(k)
            .map(|h| h.rsplit('/').next().unwrap_or(h).to_string())
            .unwrap_or_else(|| k.to_string()),
    }
}

/// 表11 funds lines by template key: (section, total, parts).
const FUNDS: [(&str, &str, [&str; 2]); 2] = [
    ("收入", "income_total", ["income_fiscal", "income_other"]),
    (
        "支出",
        "expense_total",
        ["expense_basic", "expense_project"],
    ),
];

/// Rows of a form block numbered under another (`1.` `2.` under `一、`),
/// when they are the whole enumeration: their parent = their sum, in each
/// of `keys`. A `其中` row names only some of its parent and is not checked
/// (forms put it under the line it follows, not always the one it is of).
fn block_parts(
    c: &mut Checker,
    rule: &'static str,
    table: TableId,
    what: &str,
    b: &FormBlock,
    keys: &[&str],
    unit: crate::amount::Unit,
) {
    let label = |r: &std::collections::BTreeMap<String, FormValue>| {
        r.get("label")
            .and_then(FormValue::as_text)
            .unwrap_or_default()
            .to_string()
    };
    for (p, parent) in b.rows.iter().enumerate() {
        let parts: Vec<usize> = (0..b.rows.len())
            .filter(|i| b.part_of.get(*i).copied().flatten() == Some(p))
            .collect();
        let numbers: Option<Vec<(u8, u32)>> = parts
            .iter()
            .map(|i| match crate::text::line_words(&label(&b.rows[*i])) {
                (Some(o), false, _) => Some((o.level, o.number)),
                _ => None,
            })
            .collect();
        let whole = numbers.is_some_and(|n| {
            !n.is_empty()
                && n.iter().all(|(level, _)| *level == n[0].0)
                && n.iter().enumerate().all(|(i, (_, x))| *x as usize == i + 1)
        });
        if !whole {
            continue;
        }
        for key in keys {
            let Some(total) = block_value(parent, key) else {
                continue;
            };
            let right: Vec<Term> = parts
                .iter()
                .filter_map(|i| {
                    block_value(&b.rows[*i], key).map(|a| Term::new(label(&b.rows[*i]), a, unit))
                })
                .collect();
            c.compare(
                rule,
                table,
                &format!("{what}：{} = 其中各项之和", label(parent)),
                &[Term::new(label(parent), total, unit)],
                &right,
                Relation::Equal,
            );
        }
    }
}

fn check_t11(c: &mut Checker, f: &Form) {
    let unit = f.meta.unit;
    let Some(b) = f.blocks("funds").next() else {
        return;
    };
    block_parts(
        c,
        "T11.funds",
        TableId::T11,
        &format!("{} 总体资金情况", table_name(TableId::T11)),
        b,
        &["current", "prev2", "prev1"],
        unit,
    );
    for (section, total_key, parts) in FUNDS {
        let Some(total) = b.line(total_key) else {
            continue;
        };
        let label = |r: &std::collections::BTreeMap<String, FormValue>| text_of(r, "label");
        for key in ["current", "prev2", "prev1"] {
            let Some(t) = block_value(total, key) else {
                continue;
            };
            let right: Vec<Term> = parts
                .iter()
                .filter_map(|p| b.line(p))
                .filter_map(|r| block_value(r, key).map(|a| Term::new(label(r), a, unit)))
                .collect();
            let names: Vec<String> = parts.iter().filter_map(|p| b.line(p)).map(label).collect();
            let what = format!(
                "{} {section} {}：合计 = {}",
                table_name(TableId::T11),
                funds_column(b, key),
                names.join(" + ")
            );
            c.compare(
                "T11.funds",
                TableId::T11,
                &what,
                &[Term::new(format!("{section}合计"), t, unit)],
                &right,
                Relation::Equal,
            );
        }
        let rows: Vec<&std::collections::BTreeMap<String, FormValue>> = parts
            .iter()
            .chain([&total_key])
            .filter_map(|k| b.line(k))
            .collect();
        // 占比 = amount / 合计, as printed to 0.01%.
        let Some(t) = block_value(total, "current") else {
            continue;
        };
        for r in &rows {
            let (Some(a), Some(FormValue::Percent { percent, cell })) =
                (block_value(r, "current"), r.get("share"))
            else {
                continue;
            };
            let label = text_of(r, "label");
            let what = format!(
                "{} {section} {label} 占比 = {label} / 合计",
                table_name(TableId::T11)
            );
            percent_check(c, "T11.share", TableId::T11, &what, (*percent, cell), a, t);
        }
    }
}

/// A printed percentage against `part / whole` (as printed, to 0.01 point):
/// 0.01 point is rounding. Skipped when `whole` is zero.
fn percent_check(
    c: &mut Checker,
    rule: &'static str,
    table: TableId,
    what: &str,
    (printed, at): (Decimal, &crate::workbook::CellRef),
    part: &crate::model::Amount,
    whole: &crate::model::Amount,
) {
    if whole.yuan.is_zero() {
        return;
    }
    let computed = (part.yuan * Decimal::ONE_HUNDRED / whole.yuan)
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let cells = vec![at.clone(), part.cell.clone(), whole.cell.clone()];
    let diff = computed - printed;
    if diff.is_zero() {
        return;
    }
    let severity = if diff.abs() <= Decimal::new(1, 2) {
        Severity::Info
    } else {
        Severity::Error
    };
    let tail = if severity == Severity::Info {
        "，四舍五入差异"
    } else {
        ""
    };
    c.findings.push(super::finding::Finding {
        rule,
        severity,
        table: table.into(),
        table_name: String::new(),
        message: format!(
            "{what}：表上为 {printed}%，计算为 {computed}%，相差 {diff} 个百分点{tail}"
        ),
        expected: Some(printed.to_string()),
        actual: Some(computed.to_string()),
        difference: Some(diff.to_string()),
        unit: None,
        cells,
        paragraph: None,
    });
}

fn check_t12(c: &mut Checker, f: &Form) {
    let unit = f.meta.unit;
    let name = f
        .field_text("project_name")
        .unwrap_or(&f.meta.sheet)
        .to_string();
    if let Some(b) = f.blocks("sources").next() {
        let total = b.line("total");
        if let Some(t) = total.and_then(|r| block_value(r, "amount")) {
            // Every line but the total and its 其中 parts; a line the template
            // does not know counts as a source (and was reported on import).
            let parts: Vec<Term> = b
                .rows
                .iter()
                .zip(&b.line_keys)
                .enumerate()
                .filter(|(i, _)| b.part_of.get(*i).is_none_or(Option::is_none))
                .map(|(_, x)| x)
                .filter(|(_, k)| {
                    k.as_deref()
                        .is_none_or(|k| k != "total" && !b.sub_keys.iter().any(|s| s == k))
                })
                .filter_map(|(r, _)| {
                    block_value(r, "amount").map(|a| Term::new(text_of(r, "label"), a, unit))
                })
                .collect();
            c.compare(
                "T12.sources",
                TableId::T12,
                &format!(
                    "{}「{name}」项目资金来源：合计 = 各来源之和",
                    table_name(TableId::T12)
                ),
                &[Term::new("合计", t, unit)],
                &parts,
                Relation::Equal,
            );
        }
    }
    if let Some(b) = f.blocks("sources").next() {
        block_parts(
            c,
            "T12.sources",
            TableId::T12,
            &format!("{}「{name}」项目资金来源", table_name(TableId::T12)),
            b,
            &["amount"],
            unit,
        );
    }
    if let (Some(year), Some(b)) = (
        f.fields.get("year_budget").and_then(FormValue::as_amount),
        f.blocks("details").next(),
    ) {
        let parts: Vec<Term> = b
            .rows
            .iter()
            .filter_map(|r| {
                block_value(r, "amount").map(|a| Term::new(text_of(r, "task"), a, unit))
            })
            .collect();
        if !parts.is_empty() {
            c.compare(
                "T12.detail",
                TableId::T12,
                &format!(
                    "{}「{name}」项目当年预算 = 支出明细测算数之和",
                    table_name(TableId::T12)
                ),
                &[Term::new("项目当年预算", year, unit)],
                &parts,
                Relation::Equal,
            );
        }
    }
    if let Some(b) = f.blocks("past_budgets").next() {
        for r in &b.rows {
            let (Some(budget), Some(spent), Some(FormValue::Percent { percent, cell })) = (
                block_value(r, "budget"),
                block_value(r, "spent"),
                r.get("rate"),
            ) else {
                continue;
            };
            let year = text_of(r, "year");
            let what = format!(
                "{}「{name}」{year} 执行率 = 执行数 / 预算数",
                table_name(TableId::T12)
            );
            percent_check(
                c,
                "T12.rate",
                TableId::T12,
                &what,
                (*percent, cell),
                spent,
                budget,
            );
        }
    }
}

/// Every table's own sums, table by table in the order they are printed.
pub fn check(b: &Budget, c: &mut Checker) {
    let t = &b.tables;
    if let Some(t1) = &t.t1 {
        check_t1(c, t1);
    }
    if let Some(t2) = &t.t2 {
        check_t2(c, t2);
    }
    if let Some(t3) = &t.t3 {
        row_sum(
            c,
            "T3.row",
            TableId::T3,
            t3,
            "total",
            &["basic", "project", "operating", "remit", "subsidy"],
        );
        tree(
            c,
            "T3.tree",
            TableId::T3,
            t3,
            "合计 = 各类之和",
            "= 下级科目之和",
        );
    }
    if let Some(t4) = &t.t4 {
        check_t4(c, t4);
    }
    if let Some(t5_1) = &t.t5_1 {
        check_t5(c, TableId::T5_1, t5_1);
    }
    if let Some(t5_2) = &t.t5_2 {
        check_t5(c, TableId::T5_2, t5_2);
    }
    if let Some(t6) = &t.t6 {
        row_sum(
            c,
            "T6.row",
            TableId::T6,
            t6,
            "total",
            &["personnel", "public"],
        );
        tree(
            c,
            "T6.tree",
            TableId::T6,
            t6,
            "合计 = 各类之和",
            "类 = 所属款之和",
        );
    }
    if let Some(t7) = &t.t7 {
        check_t7(c, t7);
    }
    for (id, row_rule, tree_rule, table) in [
        (TableId::T8, "T8.row", "T8.tree", &t.t8),
        (TableId::T9, "T9.row", "T9.tree", &t.t9),
    ] {
        if let Some(tb) = table {
            row_sum(c, row_rule, id, tb, "total", &["basic", "project"]);
            tree(c, tree_rule, id, tb, "合计 = 各类之和", "= 下级科目之和");
        }
    }
    if let Some(t10) = &t.t10 {
        row_sum(
            c,
            "T10.row",
            TableId::T10,
            t10,
            "total",
            &[
                "cur_gp",
                "cur_gf",
                "cur_soe",
                "carry_gp",
                "carry_gf",
                "carry_soe",
                "special",
                "unit_funds",
            ],
        );
        check_t10_rollup(c, t10);
    }
    if let Some(t11) = &t.t11 {
        check_t11(c, t11);
    }
    for f in &t.t12 {
        check_t12(c, f);
    }
}

/// 表2: each row's total of its two subtotals, each subtotal of its
/// sources; 合计 of the departments, each department of its units.
fn check_t2(c: &mut Checker, t2: &CodedTable) {
    row_sum(
        c,
        "T2.row",
        TableId::T2,
        t2,
        "total",
        &["cur_subtotal", "carry_subtotal"],
    );
    row_sum(
        c,
        "T2.row",
        TableId::T2,
        t2,
        "cur_subtotal",
        &[
            "cur_gp",
            "cur_gf",
            "cur_soe",
            "cur_special",
            "cur_business",
            "cur_operating",
            "cur_superior",
            "cur_affiliated",
            "cur_other",
        ],
    );
    row_sum(
        c,
        "T2.row",
        TableId::T2,
        t2,
        "carry_subtotal",
        &[
            "carry_gp",
            "carry_gf",
            "carry_soe",
            "carry_special",
            "carry_unit",
        ],
    );
    tree(
        c,
        "T2.rollup",
        TableId::T2,
        t2,
        "合计 = 各部门之和",
        "部门 = 所属单位之和",
    );
}

/// 表5-1 (by class, a 类/款/项 tree) and 表5-2 (by unit, departments of
/// units): each row's total of 基本支出 and 项目支出, 基本支出 of its two
/// parts.
fn check_t5(c: &mut Checker, id: TableId, tb: &CodedTable) {
    let (row_rule, tree_rule, top, words) = if id == TableId::T5_1 {
        ("T5_1.row", "T5_1.tree", "合计 = 各类之和", "= 下级科目之和")
    } else {
        (
            "T5_2.row",
            "T5_2.rollup",
            "合计 = 各部门之和",
            "部门 = 所属单位之和",
        )
    };
    row_sum(c, row_rule, id, tb, "total", &["basic_subtotal", "project"]);
    row_sum(
        c,
        row_rule,
        id,
        tb,
        "basic_subtotal",
        &["basic_personnel", "basic_public"],
    );
    tree(c, tree_rule, id, tb, top, words);
}

/// 表7, one row: 三公经费合计 of its three, 公务用车 of purchase and running.
fn check_t7(c: &mut Checker, t7: &crate::model::SingleTable) {
    let a = |k: &str| {
        t7.amounts
            .get(k)
            .map(|x| Term::new(header(&t7.meta, k), x, t7.meta.unit))
    };
    if let Some(total) = a("total") {
        let parts: Vec<Term> = ["abroad", "car_subtotal", "reception"]
            .iter()
            .filter_map(|k| a(k))
            .collect();
        c.compare(
            "T7.row",
            TableId::T7,
            &format!(
                "{} 三公经费合计 = 因公出国（境）费 + 公务用车购置及运行费 + 公务接待费",
                table_name(TableId::T7)
            ),
            &[total],
            &parts,
            Relation::Equal,
        );
    }
    if let Some(sub) = a("car_subtotal") {
        let parts: Vec<Term> = ["car_purchase", "car_running"]
            .iter()
            .filter_map(|k| a(k))
            .collect();
        c.compare(
            "T7.row",
            TableId::T7,
            &format!("{} 公务用车小计 = 购置费 + 运行费", table_name(TableId::T7)),
            &[sub],
            &parts,
            Relation::Equal,
        );
    }
}
