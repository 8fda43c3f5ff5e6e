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
use crate::model::{Budget, Diagnostic, FormValue, Severity, TableId, TableMeta};

/// A figure in 万元 this large (100 亿元) is not a department's budget: the
/// sheet is in 元.
const IMPLAUSIBLE_WAN: i64 = 1_000_000;

/// The totals of each table (in 元): what other tables repeat.
fn totals(b: &Budget, id: TableId) -> Vec<Decimal> {
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
    } else if id == TableId::T7 {
        out.extend(t.t7.iter().flat_map(|s| s.amounts.values().map(|a| a.yuan)));
    } else if id == TableId::T11 {
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

fn near(a: Decimal, b: Decimal) -> bool {
    // Figures printed in 万元 are rounded to 0.01 万元: 50 元 either way.
    (a - b).abs() <= Decimal::new(50, 0)
}

/// How many other tables repeat one of `mine` × `scale`; each table's
/// figures are sorted, so a figure is looked up, not compared with all.
fn agreeing(mine: &[Decimal], others: &[&Vec<Decimal>], scale: Decimal) -> usize {
    let tolerance = Decimal::new(50, 0);
    let scaled: Vec<Decimal> = mine.iter().map(|a| *a * scale).collect();
    others
        .iter()
        .filter(|theirs| {
            scaled.iter().any(|x| {
                let lowest = *x - tolerance;
                let i = theirs.partition_point(|b| *b < lowest);
                theirs.get(i).is_some_and(|b| near(*x, *b))
            })
        })
        .count()
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
        .filter(|m| m.id != TableId::T12)
        .collect();
    let figures: Vec<Vec<Decimal>> = metas
        .iter()
        .map(|m| {
            let mut f: Vec<Decimal> = totals(b, m.id).into_iter().map(|d| d.abs()).collect();
            f.sort();
            f.dedup();
            f
        })
        .collect();
    for (i, m) in metas.iter().enumerate() {
        let mine = &figures[i];
        let Some(largest) = mine.iter().max().copied() else {
            continue;
        };
        let others: Vec<&Vec<Decimal>> = figures
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, f)| f)
            .collect();
        let label = format!("表{}（工作表“{}”）", m.number, m.sheet);
        let stated = match &m.unit_cell {
            Some(c) => format!("{c} 写明单位为{}", m.unit),
            None => format!("没有注明单位，按{}读取", m.unit),
        };
        let cells: Vec<_> = m.unit_cell.iter().cloned().collect();
        let finding = |message: String| Diagnostic {
            rule: "S.unit",
            severity: Severity::Error,
            table: Some(m.id),
            message,
            cells: cells.clone(),
        };
        // The table is the odd one out when more tables repeat its figures
        // rescaled than as they stand (a table that merely repeats the
        // odd one, 表5-2 beside a misread 表5-1, still agrees with others).
        let as_is = agreeing(mine, &others, Decimal::ONE);
        let (scale, should_be) = match m.unit {
            Unit::Wan => (Decimal::ONE / ten_k, "元"),
            Unit::Yuan => (ten_k, "万元"),
        };
        let rescaled = agreeing(mine, &others, scale);
        if rescaled > as_is {
            let how = if m.unit == Unit::Wan {
                "除以"
            } else {
                "乘以"
            };
            out.push(finding(format!(
                "{label} {stated}，但它的数字要{how} 10000 才与其他 {rescaled} 张表一致（合计读作 {largest} 元）：单位应为{should_be}"
            )));
            continue;
        }
        if m.unit_cell.is_none()
            && m.unit == Unit::Wan
            && largest / ten_k >= Decimal::new(IMPLAUSIBLE_WAN, 0)
        {
            out.push(finding(format!(
                "{label} {stated}，合计达 {} 万元，不像一个部门的预算：数字更像以元为单位，请注明单位",
                (largest / ten_k).round_dp(2)
            )));
        }
    }
    out
}
