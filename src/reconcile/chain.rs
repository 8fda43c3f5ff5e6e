//! Relations that close the chain between figures no other rule holds:
//! a figure could move between them with every total kept.

use std::collections::BTreeMap;

use super::between::{cell, project_row, ProjectMatch};
use super::finding::{Checker, Relation, Term};
use super::names::table_name;
use super::names::{header, row_label};
use crate::model::{Amount, Budget, CodedRow, CodedTable, FormValue, Severity, TableId};
use crate::text::norm;

/// `T6.kinds`: a row of a 人员经费 class (301, 303 unless the template's
/// `[conventions]` say otherwise) has no 公用经费, a row of a 公用经费
/// class (302, 310) no 人员经费 — an amount put in the wrong column keeps
/// every total and every row sum.
pub(super) fn t6_kinds(b: &Budget, c: &mut Checker) {
    let Some(t6) = &b.tables.t6 else { return };
    let kinds = &b.conventions;
    let is = |classes: &[String], class: &str| classes.iter().any(|k| k == class);
    for r in &t6.rows {
        let Some(code) = r.code.as_deref() else {
            continue;
        };
        let class = code.get(..3).unwrap_or(code);
        let (wrong, kind) = if is(&kinds.personnel_classes, class) {
            ("public", "人员经费")
        } else if is(&kinds.public_classes, class) {
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
            TableId::T6,
            format!(
                "{} {} 的“{}”列为 {shown} {}：{class} 类的支出都是{kind}，应填在“{}”列",
                table_name(TableId::T6),
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

/// A row that stands for a budget unit (表2, 表5-2 and 表10 list them by
/// code). The department's row is their sum, which the tables' own rollup
/// rules hold.
fn is_unit(r: &CodedRow) -> bool {
    r.level.as_deref() == Some("单位")
}

/// The unit rows of a table, by code; `None` when it lists none (a layout
/// whose 表2 is by 功能 class).
fn unit_rows(t: Option<&CodedTable>) -> Option<BTreeMap<&str, &CodedRow>> {
    let rows: BTreeMap<&str, &CodedRow> = t?
        .rows
        .iter()
        .filter(|r| is_unit(r))
        .filter_map(|r| Some((r.code.as_deref()?, r)))
        .collect();
    (!rows.is_empty()).then_some(rows)
}

/// `X.units`: each unit's 表5-2 row against its own 表2 and 表10 rows —
/// a figure moved from one unit to another keeps every total, so only the
/// units' own rows find it. 表5-2 合计 = 表2 一般公共预算 (本年 + 上年结转);
/// 表5-2 项目支出 = 表10 一般公共预算 (本年 + 结转); and the three list the
/// same units under the same names.
pub(super) fn units(b: &Budget, c: &mut Checker) {
    let t = &b.tables;
    let (Some(t52), Some(units52)) = (t.t5_2.as_ref(), unit_rows(t.t5_2.as_ref())) else {
        return;
    };
    let name52 = table_name(TableId::T5_2);
    for (other, key, right) in [
        (TableId::T2, "total", ["cur_gp", "carry_gp"]),
        (TableId::T10, "project", ["cur_gp", "carry_gp"]),
    ] {
        let (Some(table), Some(rows)) = (t.coded(other), unit_rows(t.coded(other))) else {
            continue;
        };
        let other_name = table_name(other);
        for (code, r52) in &units52 {
            let Some(left) = r52.amount(key) else {
                continue;
            };
            let Some(r) = rows.get(code) else {
                // 表10 lists only the units that have projects; 表2 every
                // unit with income.
                if !left.yuan.is_zero() {
                    c.note(
                        "X.units",
                        Severity::Error,
                        TableId::T5_2,
                        format!(
                            "{name52} 列出 {}，其“{}”为 {} {}，{other_name} 却没有这个单位",
                            row_label(r52),
                            header(&t52.meta, key),
                            crate::amount::from_yuan(left.yuan, t52.meta.unit),
                            t52.meta.unit.label()
                        ),
                        vec![r52.cell.clone(), left.cell.clone()],
                    );
                }
                continue;
            };
            let terms: Vec<Term> = right
                .iter()
                .filter_map(|k| {
                    Some(Term::new(
                        format!("{other_name} {}", header(&table.meta, k)),
                        r.amount(k)?,
                        table.meta.unit,
                    ))
                })
                .collect();
            if terms.is_empty() {
                continue;
            }
            c.compare(
                "X.units",
                TableId::T5_2,
                &format!(
                    "{} 的 {name52}“{}” = {other_name} 一般公共预算（本年 + 结转）",
                    row_label(r52),
                    header(&t52.meta, key)
                ),
                &[Term::new(
                    format!("{name52} {}", header(&t52.meta, key)),
                    left,
                    t52.meta.unit,
                )],
                &terms,
                Relation::Equal,
            );
            if crate::text::norm(&r.name) != crate::text::norm(&r52.name) {
                c.note(
                    "X.units",
                    Severity::Warning,
                    TableId::T5_2,
                    format!(
                        "单位 {code} 在 {name52} 名为“{}”，在 {other_name} 名为“{}”：同一编码应是同一单位，请核对编码或名称",
                        r52.name, r.name
                    ),
                    vec![r52.cell.clone(), r.cell.clone()],
                );
            }
        }
        // A unit with 一般公共预算 money in 表2 or 表10 that 表5-2 does not list.
        for (code, r) in &rows {
            if units52.contains_key(code) {
                continue;
            }
            let money: Vec<&Amount> = right
                .iter()
                .filter_map(|k| r.amount(k))
                .filter(|a| !a.yuan.is_zero())
                .collect();
            if money.is_empty() {
                continue;
            }
            let mut cells = vec![r.cell.clone()];
            cells.extend(money.iter().map(|a| a.cell.clone()));
            c.note(
                "X.units",
                Severity::Error,
                TableId::T5_2,
                format!(
                    "{other_name} 列出 {}，有一般公共预算 {} {}，{name52} 却没有这个单位",
                    row_label(r),
                    crate::amount::from_yuan(money.iter().map(|a| a.yuan).sum(), table.meta.unit),
                    table.meta.unit.label()
                ),
                cells,
            );
        }
    }
}

/// Each 资金来源 line of a 表12 form and the 表10 columns of the same money.
const SOURCE_COLUMNS: [(&str, &[&str]); 7] = [
    ("gp", &["cur_gp", "carry_gp"]),
    ("gp_current", &["cur_gp"]),
    ("gf", &["cur_gf", "carry_gf"]),
    ("soe", &["cur_soe", "carry_soe"]),
    ("special", &["special"]),
    ("unit_funds", &["unit_funds"]),
    ("carry", &["carry_gp", "carry_gf", "carry_soe"]),
];

/// `X.t12_sources`: each 资金来源 line of a 表12 form equals its project's
/// 表10 columns of that money (其中 使用上年度财政拨款结转 = the carry
/// columns) — money moved between two sources keeps the form's 合计 and
/// the project's; and 项目总预算 is at least 项目当年预算.
pub(super) fn t12_sources(b: &Budget, c: &mut Checker) {
    let t = &b.tables;
    let t12_name = table_name(TableId::T12);
    for f in &t.t12 {
        let name = f.field_text("project_name").unwrap_or(&f.meta.sheet);
        if let (Some(total), Some(year)) = (
            f.fields.get("total_budget").and_then(FormValue::as_amount),
            f.fields.get("year_budget").and_then(FormValue::as_amount),
        ) {
            c.compare(
                "X.t12_sources",
                TableId::T12,
                &format!("{t12_name}「{name}」项目总预算 ≥ 项目当年预算"),
                &[Term::new("项目总预算", total, f.meta.unit)],
                &[Term::new("项目当年预算", year, f.meta.unit)],
                Relation::AtMost,
            );
        }
        let (Some(t10), Some(block)) = (&t.t10, f.blocks("sources").next()) else {
            continue;
        };
        let ProjectMatch::Found(row) = project_row(t10, f) else {
            // X.t12_t10 says a form without its project.
            continue;
        };
        for (line, columns) in SOURCE_COLUMNS {
            let Some(amount) = block
                .line(line)
                .and_then(|r| r.get("amount"))
                .and_then(FormValue::as_amount)
            else {
                continue;
            };
            let right: Vec<Term> = columns
                .iter()
                .filter_map(|k| cell(TableId::T10, t10, row, k))
                .collect();
            if right.is_empty() {
                continue;
            }
            let label = block
                .line(line)
                .and_then(|r| r.get("label"))
                .and_then(FormValue::as_text)
                .map(crate::text::clean)
                .unwrap_or_else(|| line.to_string());
            c.compare(
                "X.t12_sources",
                TableId::T12,
                &format!(
                    "{t12_name}「{name}」资金来源“{label}” = {} 该项目的同一资金",
                    table_name(TableId::T10)
                ),
                &[Term::new(
                    format!("{t12_name} {label}"),
                    amount,
                    f.meta.unit,
                )],
                &right,
                Relation::Equal,
            );
        }
    }
}

/// 表4's expenditure split by fund (where a layout prints it), each fund's
/// column and the table that lists that fund's spending by 功能 class.
const CLASS_FUNDS: [(&str, TableId); 3] = [
    ("expense_gp", TableId::T5_1),
    ("expense_gf", TableId::T8),
    ("expense_soe", TableId::T9),
];

/// `X.t4_class_funds`: each class line of 表4, fund by fund, against the 类
/// row of that fund's table — an amount moved between two classes of one
/// fund and back in another keeps every class total and every fund total.
pub(super) fn t4_class_funds(b: &Budget, c: &mut Checker) {
    let Some(t4) = &b.tables.t4 else { return };
    let t4_name = table_name(TableId::T4);
    for line in &t4.expense {
        let Some(class) = line.class_code.as_deref() else {
            continue;
        };
        for (column, id) in CLASS_FUNDS {
            let Some(amount) = line.extras.get(column) else {
                continue;
            };
            let Some(table) = b.tables.coded(id) else {
                continue;
            };
            let right: Vec<Term> = table
                .row(class)
                .and_then(|r| cell(id, table, r, "total"))
                .into_iter()
                .collect();
            let fund = header(&t4.meta, column);
            c.compare(
                "X.t4_class_funds",
                TableId::T4,
                &format!(
                    "{t4_name} {}（{fund}）= {} {class} 类合计",
                    crate::text::clean(&line.label),
                    table_name(id)
                ),
                &[Term::new(
                    format!("{t4_name} {}（{fund}）", crate::text::clean(&line.label)),
                    amount,
                    t4.meta.unit,
                )],
                &right,
                Relation::Equal,
            );
        }
    }
}

/// The tables listing spending by 功能 class: one code is one 科目 in all.
const FUNCTION_TABLES: [TableId; 4] = [TableId::T3, TableId::T5_1, TableId::T8, TableId::T9];

/// `X.code_names`: one 功能 code named alike in every table — a code typed
/// for its neighbour (2070109 群众文化 written 2070108 in 表5-1) keeps every
/// sum and names the row differently.
pub(super) fn code_names(b: &Budget, c: &mut Checker) {
    let mut first: BTreeMap<&str, (TableId, &CodedRow)> = BTreeMap::new();
    for id in FUNCTION_TABLES {
        let Some(t) = b.tables.coded(id) else {
            continue;
        };
        for r in &t.rows {
            let Some(code) = r.code.as_deref() else {
                continue;
            };
            let Some((at, seen)) = first.get(code) else {
                first.insert(code, (id, r));
                continue;
            };
            if *at == id || crate::text::norm(&seen.name) == crate::text::norm(&r.name) {
                continue;
            }
            c.note(
                "X.code_names",
                Severity::Warning,
                id,
                format!(
                    "科目 {code} 在 {} 名为“{}”，在 {} 名为“{}”：同一编码应是同一科目，请核对编码或名称",
                    table_name(*at),
                    seen.name.trim(),
                    table_name(id),
                    r.name.trim()
                ),
                vec![seen.cell.clone(), r.cell.clone()],
            );
        }
    }
}

/// `S.depth`: money in a 功能 类 or 款 with no row below it — a budget
/// discloses its 功能 spending to the 项 (seven digits).
pub(super) fn depth(b: &Budget, c: &mut Checker) {
    for id in FUNCTION_TABLES {
        let Some(t) = b.tables.coded(id) else {
            continue;
        };
        let parents: std::collections::HashSet<&str> =
            t.rows.iter().filter_map(|r| r.parent.as_deref()).collect();
        for r in &t.rows {
            let Some(code) = r.code.as_deref() else {
                continue;
            };
            if code.len() >= 7 || r.depth == 0 || parents.contains(code) {
                continue;
            }
            let money: Vec<&Amount> = r.amounts.values().filter(|a| !a.yuan.is_zero()).collect();
            if money.is_empty() {
                continue;
            }
            c.note(
                "S.depth",
                Severity::Warning,
                id,
                format!(
                    "{} {} 有金额，但其下没有列出{}：功能分类支出应列到项（7 位编码）",
                    table_name(id),
                    row_label(r),
                    if code.len() <= 3 { "款和项" } else { "项" }
                ),
                std::iter::once(r.cell.clone())
                    .chain(money.iter().map(|a| a.cell.clone()))
                    .collect(),
            );
        }
    }
}

/// `X.t10_forms`: where the bureau asks a form of every project
/// (`[conventions] form_per_project`), each 表10 project with money has
/// its 表12 form — a project left without one changes no total.
pub(super) fn t10_forms(b: &Budget, c: &mut Checker) {
    let t = &b.tables;
    let Some(t10) = &t.t10 else { return };
    if !b.conventions.form_per_project || t.t12.is_empty() {
        // No form at all is the missing table's finding.
        return;
    }
    let mut found: Vec<&CodedRow> = Vec::new();
    // Names of forms X.t12_t10 says it could not place (among several
    // projects of the name, or under a code 表10 does not have): a project
    // of that name is said there, not again here.
    let mut unplaced: Vec<String> = Vec::new();
    for f in &t.t12 {
        match project_row(t10, f) {
            ProjectMatch::Found(r) => found.push(r),
            ProjectMatch::Ambiguous(_) | ProjectMatch::None => {
                unplaced.extend(f.field_text("project_name").map(norm));
            }
        }
    }
    let t10_name = table_name(TableId::T10);
    let t12_name = table_name(TableId::T12);
    for r in t10
        .rows
        .iter()
        .filter(|r| r.level.as_deref() == Some("项目"))
    {
        let Some(total) = r.amount("total").filter(|a| !a.yuan.is_zero()) else {
            continue;
        };
        if found.iter().any(|f| std::ptr::eq(*f, r)) || unplaced.contains(&norm(&r.name)) {
            continue;
        }
        c.note(
            "X.t10_forms",
            Severity::Error,
            TableId::T10,
            format!(
                "{t10_name}的项目 {}（{} {} {}）没有{t12_name}：本模板要求每个项目附一张{t12_name}，请补上，或核对两表的项目名称与编码",
                row_label(r),
                crate::amount::from_yuan(total.yuan, t10.meta.unit),
                t10.meta.unit.label(),
                header(&t10.meta, "total"),
            ),
            vec![r.cell.clone(), total.cell.clone()],
        );
    }
}

/// `X.t12_procurement`: a form's 政府采购 lines add up to no more than its
/// 项目当年预算 — what is bought is paid from the project's money.
pub(super) fn t12_procurement(b: &Budget, c: &mut Checker) {
    let t12_name = table_name(TableId::T12);
    for f in &b.tables.t12 {
        let Some(year) = f.fields.get("year_budget").and_then(FormValue::as_amount) else {
            continue;
        };
        let items: Vec<Term> = f
            .blocks("procurement")
            .flat_map(|block| &block.rows)
            .filter_map(|row| {
                let amount = row.get("amount").and_then(FormValue::as_amount)?;
                let item = row
                    .get("item")
                    .and_then(FormValue::as_text)
                    .map(crate::text::clean)
                    .unwrap_or_else(|| "采购品目".to_string());
                // A 合计 line some forms add is the sum, not an item.
                let total = ["合计", "小计", "总计"]
                    .iter()
                    .any(|w| crate::text::norm(&item).starts_with(w));
                (!total).then(|| Term::new(item, amount, f.meta.unit))
            })
            .collect();
        if items.is_empty() {
            continue;
        }
        let name = f.field_text("project_name").unwrap_or(&f.meta.sheet);
        c.compare(
            "X.t12_procurement",
            TableId::T12,
            &format!("{t12_name}「{name}」政府采购金额之和 ≤ 项目当年预算"),
            &items,
            &[Term::new("项目当年预算", year, f.meta.unit)],
            Relation::AtMost,
        );
    }
}
