//! Relations that close the chain between figures no other rule holds:
//! a figure could move between them with every total kept.

use super::within::{header, row_label};
use super::{table_name, Checker};
use crate::model::{Budget, Severity};

/// 经济分类 classes whose spending is 人员经费, and those whose is 公用经费,
/// in a 基本支出 table (表6).
const PERSONNEL: [&str; 2] = ["301", "303"];
const PUBLIC: [&str; 2] = ["302", "310"];

/// `T6.kinds`: a 301 or 303 row has no 公用经费, a 302 or 310 row no
/// 人员经费 — an amount put in the wrong column keeps every total and
/// every row sum.
pub(super) fn t6_kinds(b: &Budget, c: &mut Checker) {
    let Some(t6) = &b.tables.t6 else { return };
    for r in &t6.rows {
        let Some(code) = r.code.as_deref() else {
            continue;
        };
        let class = code.get(..3).unwrap_or(code);
        let (wrong, kind) = if PERSONNEL.contains(&class) {
            ("public", "人员经费")
        } else if PUBLIC.contains(&class) {
            ("personnel", "公用经费")
        } else {
            continue;
        };
        let Some(a) = r.amount(wrong).filter(|a| !a.yuan.is_zero()) else {
            continue;
        };
        let shown = crate::amount::from_yuan(a.yuan, t6.meta.unit);
        c.note(
            "T6.kinds",
            Severity::Error,
            "t6",
            format!(
                "{} {} 的“{}”列为 {shown} {}：{class} 类的支出都是{kind}，应填在“{}”列",
                table_name("t6"),
                row_label(r),
                header(&t6.meta, wrong),
                t6.meta.unit.label(),
                header(
                    &t6.meta,
                    if wrong == "public" {
                        "personnel"
                    } else {
                        "public"
                    }
                ),
            ),
            vec![a.cell.clone()],
        );
    }
}
