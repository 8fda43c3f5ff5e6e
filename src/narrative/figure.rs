//! The model figures a narrative's words name, by reference (`t1.income.gp`,
//! `t6.total.total`, `t6.row.303.total`, `t7.abroad`, `t11.funds.income_total`),
//! resolved against a budget to an amount, its label and its cells.

use rust_decimal::Decimal;

use crate::amount::Unit;
use crate::model::{Amount, Budget, CodedRow, CodedTable, FormValue, TableId, TableMeta};
use crate::reconcile::table_name;
use crate::template::narrative::FigureRef;
use crate::workbook::CellRef;

/// A figure of the model: its label for messages, its amount in 元, the
/// cells it stands in (none for a row a table does not have: zero), and
/// the unit its table shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub label: String,
    pub yuan: Decimal,
    pub cells: Vec<CellRef>,
    pub unit: Unit,
}

impl Figure {
    fn of(label: String, a: &Amount, unit: Unit) -> Figure {
        Figure {
            label,
            yuan: a.yuan,
            cells: vec![a.cell.clone()],
            unit,
        }
    }

    /// Zero because the table says it has nothing (or lacks the row):
    /// its 本单位…无… note, if any, is the cell.
    fn nil(label: String, meta: &TableMeta) -> Figure {
        Figure {
            label,
            yuan: Decimal::ZERO,
            cells: meta
                .empty_note()
                .map(|n| n.cell.clone())
                .into_iter()
                .collect(),
            unit: meta.unit,
        }
    }
}

/// The header of a column as printed, its levels joined (`基本支出 小计`), or the key.
fn header(meta: &TableMeta, key: &str) -> String {
    meta.columns
        .iter()
        .find(|c| c.key == key)
        .map(|c| c.header.replace('/', " "))
        .unwrap_or_else(|| key.to_string())
}

/// `表6 合计`, `表3 合计 基本支出`.
fn total_label(meta: &TableMeta, column: &str) -> String {
    let h = header(meta, column);
    if h == "合计" || h.ends_with("合计") {
        format!("{} {h}", table_name(meta.id))
    } else {
        format!("{} 合计 {h}", table_name(meta.id))
    }
}

/// A coded row's label: `2011308 招商引资`.
pub fn row_label(r: &CodedRow) -> String {
    match &r.code {
        Some(c) => format!("{c} {}", r.name),
        None => "合计".to_string(),
    }
}

fn coded_cell(t: &CodedTable, r: &CodedRow, column: &str) -> Option<Figure> {
    let a = r.amounts.get(column).or_else(|| r.extras.get(column))?;
    let label = match r.code {
        None => total_label(&t.meta, column),
        Some(_) => format!(
            "{} {} {}",
            table_name(t.meta.id),
            row_label(r),
            header(&t.meta, column)
        ),
    };
    Some(Figure::of(label, a, t.meta.unit))
}

/// The figure `r` names in `b` for the budget year; `None` when the
/// workbook does not have it (the table, line or column is not there).
pub fn resolve(b: &Budget, r: &FigureRef) -> Option<Figure> {
    resolve_year(b, r, None)
}

/// As [`resolve`], for an earlier year (`Some(2023)`): only form blocks
/// with year columns (表11 近两年) have one.
pub fn resolve_year(b: &Budget, r: &FigureRef, year: Option<i32>) -> Option<Figure> {
    let t = &b.tables;
    if year.is_some() && !matches!(r, FigureRef::Block { .. }) {
        return None;
    }
    match r {
        FigureRef::Line { table, side, key } => {
            let x = t.lines(*table)?;
            let l = x.line(*side, key)?;
            let name = crate::text::strip_ordinal(&crate::text::norm(&l.label)).to_string();
            Some(Figure::of(
                format!("{} {name}", table_name(*table)),
                &l.amount,
                x.meta.unit,
            ))
        }
        FigureRef::Total { table, column } => {
            let x = t.coded(*table)?;
            match &x.total {
                Some(row) => coded_cell(x, row, column),
                // A table with no row at all says it has nothing.
                None if x.rows.is_empty() => {
                    Some(Figure::nil(total_label(&x.meta, column), &x.meta))
                }
                None => None,
            }
        }
        FigureRef::Row {
            table,
            code,
            column,
        } => {
            let x = t.coded(*table)?;
            match x.row(code) {
                Some(row) => coded_cell(x, row, column),
                None if x.meta.columns.iter().any(|c| c.key == *column) => {
                    let mut f =
                        Figure::nil(format!("{} 无 {code} 行", table_name(*table)), &x.meta);
                    if f.cells.is_empty() {
                        f.cells.extend(x.total.iter().map(|r| r.cell.clone()));
                    }
                    Some(f)
                }
                None => None,
            }
        }
        FigureRef::Single { table, column } => {
            let x = t.t7.as_ref().filter(|_| *table == TableId::T7)?;
            match x.amounts.get(column).or_else(|| x.extras.get(column)) {
                Some(a) => Some(Figure::of(
                    format!("{} {}", table_name(*table), header(&x.meta, column)),
                    a,
                    x.meta.unit,
                )),
                // Only the 本单位…无… note: every figure is zero.
                None if x.amounts.is_empty() && x.meta.empty_note().is_some() => Some(Figure::nil(
                    format!("{} {}", table_name(*table), header(&x.meta, column)),
                    &x.meta,
                )),
                None => None,
            }
        }
        FigureRef::Block {
            table,
            block,
            line,
            column,
        } => {
            let f = t.t11.as_ref().filter(|_| *table == TableId::T11)?;
            let blk = f.blocks(block).next()?;
            let row = blk.line(line)?;
            let col = match (year, column) {
                (Some(y), _) => blk
                    .columns
                    .iter()
                    .find(|(_, h)| {
                        let last = h.rsplit('/').next().unwrap_or(h);
                        crate::text::year_label(&crate::text::norm(last)) == Some(y)
                    })
                    .map(|(k, _)| k.clone())?,
                (None, Some(c)) => c.clone(),
                (None, None) => "current".to_string(),
            };
            let a = row.get(&col).and_then(FormValue::as_amount)?;
            let label = row
                .get("label")
                .and_then(FormValue::as_text)
                .unwrap_or(line)
                .to_string();
            let section = row
                .get("section")
                .and_then(FormValue::as_text)
                .map(|s| format!("{s} "))
                .unwrap_or_default();
            let when = blk
                .columns
                .get(&col)
                .map(|h| h.rsplit('/').next().unwrap_or(h).to_string())
                .unwrap_or(col.clone());
            Some(Figure::of(
                format!("{} {section}{label} {when}", table_name(*table)),
                a,
                f.meta.unit,
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_parse_or_say_why_not() {
        assert!(matches!(
            FigureRef::parse("t1.income.gp"),
            Ok(FigureRef::Line { .. })
        ));
        assert!(matches!(
            FigureRef::parse("t6.row.303.total"),
            Ok(FigureRef::Row { .. })
        ));
        assert!(matches!(
            FigureRef::parse("t11.funds.income_total"),
            Ok(FigureRef::Block { column: None, .. })
        ));
        for bad in ["t1.gp", "t3.basic", "t99.total.total", "t1.side.gp", ""] {
            assert!(FigureRef::parse(bad).is_err(), "{bad}");
        }
    }
}
