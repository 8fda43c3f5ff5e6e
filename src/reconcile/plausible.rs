//! The questions a reviewer asks of figures that no equality holds: each a
//! warning with the figures that raised it, never an error — a budget may
//! have its reasons, and the reviewer reads them.

use std::collections::BTreeSet;

use rust_decimal::Decimal;

use super::between::cell;
use super::finding::{Checker, Relation, Term};
use super::names::row_label;
use super::names::table_name;
use crate::model::{Amount, Budget, CodedTable, FormValue, Severity, TableId};
use crate::workbook::CellRef;

/// An equality a reviewer expects but a budget may break for a reason: its
/// difference is a warning, not an error.
fn expect_equal(
    c: &mut Checker,
    rule: &'static str,
    table: TableId,
    what: &str,
    left: &[Term],
    right: &[Term],
) {
    let before = c.findings.len();
    c.compare(rule, table, what, left, right, Relation::Equal);
    for f in &mut c.findings[before..] {
        if f.severity == Severity::Error {
            f.severity = Severity::Warning;
        }
    }
}

/// 功能 项 of 基本支出 and the 经济 款 the same money is paid under: social
/// insurance and the housing fund are one payment, booked twice.
const PAIRS: [(&[&str], &[&str]); 5] = [
    (&["2080505"], &["30108"]),
    (&["2080506"], &["30109"]),
    (&["2101101", "2101102"], &["30110"]),
    (&["2101103"], &["30111"]),
    (&["2210201"], &["30113"]),
];

/// The column of a coded table's rows of `codes`, each a term.
fn terms<'a>(id: TableId, t: &'a CodedTable, codes: &[&str], key: &str) -> Vec<Term<'a>> {
    codes
        .iter()
        .filter_map(|code| t.row(code))
        .filter_map(|r| cell(id, t, r, key))
        .collect()
}

/// `P.pairs`: each 功能 项 of 基本支出 in 表5-1 against its 经济 款 in 表6
/// (2080505 机关事业单位基本养老保险缴费支出 ↔ 30108 …).
pub(super) fn pairs(b: &Budget, c: &mut Checker) {
    let (Some(t5), Some(t6)) = (&b.tables.t5_1, &b.tables.t6) else {
        return;
    };
    for (functions, economics) in PAIRS {
        let left = terms(TableId::T5_1, t5, functions, "basic_subtotal");
        let right = terms(TableId::T6, t6, economics, "total");
        if left.is_empty() && right.is_empty() {
            continue;
        }
        expect_equal(
            c,
            "P.pairs",
            TableId::T5_1,
            &format!(
                "{} {} 的基本支出 = {} {}（同一笔缴费的功能科目和经济科目）",
                table_name(TableId::T5_1),
                functions.join("、"),
                table_name(TableId::T6),
                economics.join("、")
            ),
            &left,
            &right,
        );
    }
}

/// 项 whose money is the running of an office or a public institution, or a
/// payment for its staff: spending there is 基本支出, not a project.
const NO_PROJECT_NAMES: [&str; 2] = ["行政运行", "事业运行"];
const NO_PROJECT_CODES: [&str; 8] = [
    "2080505", "2080506", "2101101", "2101102", "2101103", "2210201", "2210202", "2210203",
];

/// `P.no_project`: 行政运行 / 事业运行 and the social-security and
/// housing 项 carry no 项目支出.
pub(super) fn no_project(b: &Budget, c: &mut Checker) {
    for id in [TableId::T3, TableId::T5_1] {
        let Some(t) = b.tables.coded(id) else {
            continue;
        };
        for r in &t.rows {
            let Some(code) = r.code.as_deref() else {
                continue;
            };
            let named = NO_PROJECT_NAMES.contains(&crate::text::norm(&r.name).as_str());
            if !named && !NO_PROJECT_CODES.contains(&code) {
                continue;
            }
            let Some(a) = r.amount("project").filter(|a| !a.yuan.is_zero()) else {
                continue;
            };
            c.note(
                "P.no_project",
                Severity::Warning,
                id,
                format!(
                    "{} {} 有项目支出 {} {}：这个科目的支出通常都是基本支出，请核对是否列错了科目或支出类型",
                    table_name(id),
                    row_label(r),
                    crate::amount::from_yuan(a.yuan, t.meta.unit),
                    t.meta.unit.label()
                ),
                vec![a.cell.clone()],
            );
        }
    }
}

/// Every amount of the workbook's tables, with the table it is in.
fn every_amount(b: &Budget) -> Vec<(TableId, &Amount)> {
    let t = &b.tables;
    let mut out: Vec<(TableId, &Amount)> = Vec::new();
    for id in TableId::CODED {
        if let Some(table) = t.coded(id) {
            for r in table.total.iter().chain(&table.rows) {
                out.extend(r.amounts.values().map(|a| (id, a)));
            }
        }
    }
    for id in TableId::LINES {
        if let Some(table) = t.lines(id) {
            for l in table.income.iter().chain(&table.expense) {
                out.push((id, &l.amount));
            }
        }
    }
    if let Some(t7) = &t.t7 {
        out.extend(t7.amounts.values().map(|a| (TableId::T7, a)));
    }
    for f in t.t11.iter().chain(&t.t12) {
        let id = f.meta.id;
        let fields = f.fields.values().filter_map(FormValue::as_amount);
        let blocks = f
            .blocks
            .iter()
            .flat_map(|b| &b.rows)
            .flat_map(|r| r.values())
            .filter_map(FormValue::as_amount);
        out.extend(fields.chain(blocks).map(|a| (id, a)));
    }
    out
}

/// `P.negative`: a negative amount, one warning per table with its cells.
pub(super) fn negative(b: &Budget, c: &mut Checker) {
    let mut by_table: Vec<(TableId, Vec<CellRef>)> = Vec::new();
    for (id, a) in every_amount(b) {
        if a.yuan >= Decimal::ZERO {
            continue;
        }
        match by_table.iter_mut().find(|(t, _)| *t == id) {
            Some((_, cells)) => cells.push(a.cell.clone()),
            None => by_table.push((id, vec![a.cell.clone()])),
        }
    }
    for (id, cells) in by_table {
        c.note(
            "P.negative",
            Severity::Warning,
            id,
            format!(
                "{} 有 {} 个负数金额，如 {}：预算数通常不为负，请核对是否录入有误",
                table_name(id),
                cells.len(),
                cells[0]
            ),
            cells,
        );
    }
}

/// `P.percent`: a 执行率 or 占比 above 100% or below zero.
pub(super) fn percent(b: &Budget, c: &mut Checker) {
    for f in b.tables.t11.iter().chain(&b.tables.t12) {
        let project = f
            .field_text("project_name")
            .map(|n| format!("「{n}」"))
            .unwrap_or_default();
        for block in &f.blocks {
            for (key, v) in block.rows.iter().flat_map(|r| r.iter()) {
                let FormValue::Percent { percent, cell } = v else {
                    continue;
                };
                if (Decimal::ZERO..=Decimal::ONE_HUNDRED).contains(percent) {
                    continue;
                }
                let header = block.columns.get(key).map_or(key.as_str(), String::as_str);
                c.note(
                    "P.percent",
                    Severity::Warning,
                    f.meta.id,
                    format!(
                        "{}{project}的“{header}”为 {percent}%，超出 0–100%：请核对执行数、预算数或比例",
                        table_name(f.meta.id),
                    ),
                    vec![cell.clone()],
                );
            }
        }
    }
}

/// 表2 income columns of money outside 财政拨款.
const NON_FISCAL: [&str; 8] = [
    "cur_special",
    "cur_business",
    "cur_operating",
    "cur_superior",
    "cur_affiliated",
    "cur_other",
    "carry_special",
    "carry_unit",
];

/// The 合计 row (`None`) or the row of a code.
fn row<'a>(t: &'a CodedTable, code: Option<&str>) -> Option<&'a crate::model::CodedRow> {
    match code {
        None => t.total.as_ref(),
        Some(code) => t.row(code),
    }
}

/// `P.t3_fiscal`: 表3 against the 财政拨款 tables, code by code. A
/// department with no money outside 财政拨款 spends by 表5-1, 表8 and
/// 表9 exactly what 表3 says; with other money, 表3 is at least their sum.
pub(super) fn t3_fiscal(b: &Budget, c: &mut Checker) {
    let t = &b.tables;
    let (Some(t3), Some(t2)) = (&t.t3, &t.t2) else {
        return;
    };
    let Some(income) = &t2.total else { return };
    let fiscal_only = NON_FISCAL
        .iter()
        .filter_map(|k| income.amount(k))
        .all(|a| a.yuan.is_zero());
    let parts: Vec<(TableId, &CodedTable)> = [TableId::T5_1, TableId::T8, TableId::T9]
        .into_iter()
        .filter_map(|id| Some((id, t.coded(id)?)))
        .collect();
    if parts.is_empty() {
        return;
    }
    let codes: BTreeSet<&str> = std::iter::once(t3)
        .chain(parts.iter().map(|(_, p)| *p))
        .flat_map(|t| t.rows.iter().filter_map(|r| r.code.as_deref()))
        .collect();
    // The 合计 row first, then each code.
    let rows = std::iter::once(None).chain(codes.into_iter().map(Some));
    for code in rows {
        for key in ["total", "basic", "project"] {
            // Most comparisons hold exactly: their sums are read before
            // any label is written.
            let part_key = |id: TableId| {
                if id == TableId::T5_1 && key == "basic" {
                    "basic_subtotal"
                } else {
                    key
                }
            };
            let Some(spent) = row(t3, code).and_then(|r| r.amount(key)) else {
                continue;
            };
            let found: Vec<Decimal> = parts
                .iter()
                .filter_map(|(id, p)| Some(row(p, code)?.amount(part_key(*id))?.yuan))
                .collect();
            if found.is_empty() {
                continue;
            }
            let sum: Decimal = found.iter().sum();
            if spent.yuan == sum || (!fiscal_only && (found.len() < 2 || spent.yuan > sum)) {
                continue;
            }
            let left: Vec<Term> = row(t3, code)
                .and_then(|r| cell(TableId::T3, t3, r, key))
                .into_iter()
                .collect();
            let right: Vec<Term> = parts
                .iter()
                .filter_map(|(id, p)| cell(*id, p, row(p, code)?, part_key(*id)))
                .collect();
            let label = row(t3, code).map_or_else(|| code.unwrap_or("合计").to_string(), row_label);
            let what = format!(
                "{} {label} = {} + {} + {}（{key_name}）",
                table_name(TableId::T3),
                table_name(TableId::T5_1),
                table_name(TableId::T8),
                table_name(TableId::T9),
                key_name = super::names::header(&t3.meta, key),
            );
            if fiscal_only {
                expect_equal(
                    c,
                    "P.t3_fiscal",
                    TableId::T3,
                    &format!("{what}：部门只有财政拨款"),
                    &left,
                    &right,
                );
            } else {
                // Two or more parts (one, 表5-1 alone against 表3, is
                // X.t3_t5's and was passed over above).
                c.compare(
                    "P.t3_fiscal",
                    TableId::T3,
                    &what.replace(" = ", " ≥ "),
                    &right,
                    &left,
                    Relation::AtMost,
                );
            }
        }
    }
}
