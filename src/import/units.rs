//! Units checked against the figures themselves.
//!
//! A sheet's `单位` decides whether its figures are multiplied by 10,000.
//! When the line is missing the template's default is assumed, and when it
//! is wrong (a 表5-1 marked 元 whose figures are 万元) every figure is off by
//! exactly that factor: the cross-table rules would then fail one by one,
//! none of them pointing at the cause. Here each table's total is compared
//! with the figures of the other tables; a total that agrees with them only
//! after × or ÷ 10,000 is one error naming the unit cell.

use rust_decimal::Decimal;

use crate::amount::Unit;
use crate::model::{Budget, Diagnostic, FormValue, Severity, TableMeta};

/// A figure in 万元 this large (100 亿元) is not a department's budget: the
/// sheet is in 元.
const IMPLAUSIBLE_WAN: i64 = 1_000_000;

/// The totals of each table (in 元): what other tables repeat.
fn totals(b: &Budget, id: &str) -> Vec<Decimal> {
    let t = &b.tables;
    let mut out = Vec::new();
    if let Some(c) = t.coded(id) {
        out.extend(
            c.total
                .iter()
                .flat_map(|r| r.amounts.values().map(|a| a.yuan)),
        );
    } else if let Some(l) = t.lines(id) {
        out.extend(l.income.iter().chain(&l.expense).map(|l| l.amount.yuan));
    } else if id == "t7" {
        out.extend(t.t7.iter().flat_map(|s| s.amounts.values().map(|a| a.yuan)));
    } else if id == "t11" {
        if let Some(f) = &t.t11 {
            for b in f.blocks("funds") {
                for row in &b.rows {
                    out.extend(
                        row.values()
                            .filter_map(FormValue::as_amount)
                            .map(|a| a.yuan),
                    );
                }
            }
        }
    }
    out.retain(|d| !d.is_zero());
    out
}

/// The one figure that stands for the table: its largest total.
fn anchor(b: &Budget, id: &str) -> Option<Decimal> {
    totals(b, id).into_iter().map(|d| d.abs()).max()
}

fn near(a: Decimal, b: Decimal) -> bool {
    // Figures printed in 万元 are rounded to 0.01 万元: 50 元 either way.
    (a - b).abs() <= Decimal::new(50, 0)
}

/// Findings for tables whose unit contradicts their figures.
pub fn check(b: &Budget) -> Vec<Diagnostic> {
    let ten_k = Decimal::new(10_000, 0);
    let mut out = Vec::new();
    // 表12 forms are in 元 by convention and repeat 表10 per project only.
    let metas: Vec<&TableMeta> = b
        .tables
        .metas()
        .into_iter()
        .filter(|m| m.id != "t12")
        .collect();
    for m in &metas {
        let Some(a) = anchor(b, &m.id) else { continue };
        let others: Vec<Decimal> = metas
            .iter()
            .filter(|o| o.id != m.id)
            .flat_map(|o| totals(b, &o.id))
            .map(|d| d.abs())
            .collect();
        let agrees = |x: Decimal| others.iter().any(|o| near(x, *o));
        let label = format!("表{}（工作表“{}”）", number(&m.id), m.sheet);
        let stated = match &m.unit_cell {
            Some(c) => format!("{c} 写明单位为{}", m.unit),
            None => format!("没有注明单位，按{}读取", m.unit),
        };
        let cells: Vec<_> = m.unit_cell.iter().cloned().collect();
        let finding = |message: String| Diagnostic {
            rule: "S.unit",
            severity: Severity::Error,
            table: Some(m.id.clone()),
            message,
            cells: cells.clone(),
        };
        if !agrees(a) {
            if m.unit == Unit::Wan && agrees(a / ten_k) {
                out.push(finding(format!(
                    "{label} {stated}，但它的数字只有除以 10000 后才与其他表一致（合计读作 {} 元）：单位应为元",
                    a
                )));
                continue;
            }
            if m.unit == Unit::Yuan && agrees(a * ten_k) {
                out.push(finding(format!(
                    "{label} {stated}，但它的数字只有乘以 10000 后才与其他表一致（合计读作 {} 元）：单位应为万元",
                    a
                )));
                continue;
            }
        }
        if m.unit_cell.is_none()
            && m.unit == Unit::Wan
            && a / ten_k >= Decimal::new(IMPLAUSIBLE_WAN, 0)
        {
            out.push(finding(format!(
                "{label} {stated}，合计达 {} 万元，不像一个部门的预算：数字更像以元为单位，请注明单位",
                (a / ten_k).round_dp(2)
            )));
        }
    }
    out
}

fn number(id: &str) -> String {
    id.trim_start_matches('t').replace('_', "-")
}
