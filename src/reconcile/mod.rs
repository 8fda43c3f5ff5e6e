//! Reconciliation (勾稽关系): every total against its parts and every table
//! against the others, as a bureau reviewer checks a workbook, each finding
//! naming the rule (`rules.md` IDs) and the cells it compared.
//!
//! Rules run on the canonical [`Budget`], so they serve every template.
//!
//! Rounding: published tables round each figure to 0.01 万元 on its own, so a
//! total may differ from the sum of its `n` parts by rounding alone — by at
//! most `(n + 1) × 0.005` of the display unit (rules.md). Such a difference is
//! reported as `info` (四舍五入差异), never dropped; a larger one is an
//! `error`. Two refinements follow from the same arithmetic: each rounding
//! error lies in (−0.005, +0.005], so the bound itself can never be reached
//! (equal to it is an error); and a figure shown as zero (blank, `-`, 0.00 —
//! "all mean zero") carries no rounding error, so `n + 1` counts only the
//! non-zero figures. One figure against one allows 0.005 (any cent is an
//! error); tables kept in 元 compare exactly.

mod between;
mod chain;
mod finding;
mod names;
mod plausible;
pub mod rules;
mod structure;
mod within;
pub mod years;

pub use finding::{counts, table_order, Checker, Finding, Relation, Subject, Term};
pub use names::table_name;
pub use rules::{Rule, RULES};

use names::Numbering;

use rust_decimal::Decimal;
use std::collections::BTreeMap;

use crate::amount::Unit;
use crate::model::{Amount, Budget, Severity, TableId};

/// A rule and what it checks, for help texts and reports.
#[derive(Debug, Clone, Copy)]
pub struct RuleInfo {
    pub id: &'static str,
    pub what: &'static str,
}

/// What the importer reports about the workbook itself (reported with the
/// rules' findings).
pub const IMPORTER_NOTES: &[RuleInfo] = &[
    RuleInfo {
        id: "I.unread",
        what: "表内有单元格未读入模型（列出单元格；数字从不被悄悄丢弃）",
    },
    RuleInfo {
        id: "I.unused_sheet",
        what: "工作簿中有不属于任何一张表的工作表，其中有数字（表的副本、旧版本或模板不认识的表）",
    },
    RuleInfo {
        id: "I.extra_column",
        what: "模板未定义的金额列：数字已保留并导出，不参与核对",
    },
    RuleInfo {
        id: "I.empty_block",
        what: "表单中的块找到了表头，但其下的行一行也没读到",
    },
    RuleInfo {
        id: "I.not_amount",
        what: "应为金额的单元格不是金额（含没有保存计算结果的公式）",
    },
    RuleInfo {
        id: "I.rounded",
        what: "数值超过两位小数，已四舍五入",
    },
    RuleInfo {
        id: "I.unknown_line",
        what: "表1/表4 或表单块中的行名不在模板中",
    },
    RuleInfo {
        id: "I.no_code",
        what: "行没有编码，未导入",
    },
    RuleInfo {
        id: "I.no_header",
        what: "找不到表头",
    },
    RuleInfo {
        id: "I.missing_column",
        what: "缺少必需的列",
    },
];

/// A row rule that fails by exactly the figures of columns the template
/// does not name (a province's 支出总表 adds 单位预留机动经费 to the row's
/// 合计) is not an error of the workbook: the finding becomes an `info`
/// that says which column explains the difference, with its cells.
fn explained_by_extras(budget: &Budget, c: &mut Checker) {
    for f in &mut c.findings {
        let explainable = RULES.iter().any(|r| r.id == f.rule && r.extras_explain);
        if f.severity != Severity::Error || !explainable {
            continue;
        }
        let Some(table) = f.table.table().and_then(|t| budget.tables.coded(t)) else {
            continue;
        };
        if table.meta.extra_columns.is_empty() {
            continue;
        }
        let Some(row) = table
            .total
            .iter()
            .chain(&table.rows)
            .find(|r| r.amounts.values().any(|a| f.cells.first() == Some(&a.cell)))
        else {
            continue;
        };
        let diff: Decimal = match (&f.expected, &f.actual, f.unit) {
            (Some(e), Some(a), Some(unit)) => match (e.parse::<Decimal>(), a.parse::<Decimal>()) {
                (Ok(e), Ok(a)) => (e - a) * unit.factor(),
                _ => continue,
            },
            _ => continue,
        };
        // The stated total exceeds its named parts by the extra figures:
        // all of them together, or one of them.
        let all: Decimal = row.extras.values().map(|a| a.yuan).sum();
        let tolerance = f
            .unit
            .map_or(Decimal::ZERO, |u| Decimal::new(5, 3) * u.factor());
        let within =
            |x: Decimal| (diff - x).abs() <= tolerance * Decimal::from(row.extras.len() as u64 + 1);
        let explaining: Vec<(&String, &Amount)> = if !row.extras.is_empty() && within(all) {
            row.extras.iter().collect()
        } else {
            row.extras
                .iter()
                .filter(|(_, a)| within(a.yuan))
                .take(1)
                .collect()
        };
        if explaining.is_empty() || diff.is_zero() {
            continue;
        }
        let names: Vec<String> = explaining
            .iter()
            .map(|(h, a)| format!("“{h}”（{}）", a.cell))
            .collect();
        f.severity = Severity::Info;
        f.message = format!(
            "{}。差额正是模板未定义的列 {} 的金额：本表把它计入合计，不是错误",
            f.message,
            names.join("、")
        );
        f.cells
            .extend(explaining.iter().map(|(_, a)| a.cell.clone()));
    }
}

/// A rule ID that lives as long as the process: template-declared IDs are
/// few and fixed, so each is leaked once and shared.
fn intern(id: &str) -> &'static str {
    static IDS: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());
    let mut ids = IDS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(s) = ids.iter().find(|s| **s == id) {
        return s;
    }
    let s: &'static str = Box::leak(id.to_string().into_boxed_str());
    ids.push(s);
    s
}

/// The template's own relations (`[[tables.checks]]`), by their IDs.
fn declared(budget: &Budget, c: &mut Checker) {
    use crate::template::Side;
    let t = &budget.tables;
    for d in &budget.declared_checks {
        let ch = &d.check;
        let rule = intern(&ch.id);
        // A key as the reviewer reads it: its line's label, or its column's
        // header as printed.
        let meta = t.metas().into_iter().find(|m| m.id == d.table);
        let word = |k: &str| -> String {
            let label = ch.side.and_then(|side| {
                t.lines(d.table)
                    .and_then(|x| x.line(side, k))
                    .map(|l| l.label.trim().to_string())
            });
            label
                .or_else(|| meta.map(|m| names::header(m, k)))
                .unwrap_or_else(|| k.to_string())
        };
        let what = |row: &str| {
            let base = if ch.what.is_empty() {
                let parts: Vec<String> = ch.parts.iter().map(|k| word(k)).collect();
                format!("{} = {}", word(&ch.total), parts.join(" + "))
            } else {
                ch.what.clone()
            };
            format!("{} {row}：{base}", table_name(d.table))
        };
        let get = |amounts: &BTreeMap<String, Amount>,
                   extras: &BTreeMap<String, Amount>,
                   k: &str|
         -> Option<Amount> { amounts.get(k).or_else(|| extras.get(k)).cloned() };
        // (row label, its figures by key, its unit)
        type Row = (String, Vec<(String, Amount)>, Unit);
        let mut rows: Vec<Row> = Vec::new();
        if let Some(x) = t.coded(d.table) {
            for r in x.total.iter().chain(&x.rows) {
                let label = names::row_label(r);
                let vals = std::iter::once(&ch.total)
                    .chain(&ch.parts)
                    .filter_map(|k| get(&r.amounts, &r.extras, k).map(|a| (k.clone(), a)))
                    .collect();
                rows.push((label, vals, x.meta.unit));
            }
        } else if let (Some(x), TableId::T7) = (&t.t7, d.table) {
            let vals = std::iter::once(&ch.total)
                .chain(&ch.parts)
                .filter_map(|k| get(&x.amounts, &x.extras, k).map(|a| (k.clone(), a)))
                .collect();
            rows.push(("合计".into(), vals, x.meta.unit));
        } else if let Some(x) = t.lines(d.table) {
            match ch.side {
                Some(side) => {
                    let vals = std::iter::once(&ch.total)
                        .chain(&ch.parts)
                        .filter_map(|k| x.line(side, k).map(|l| (k.clone(), l.amount.clone())))
                        .collect();
                    rows.push((String::new(), vals, x.meta.unit));
                }
                None => {
                    // Columns of one side: `income_amount` / `expense_amount`
                    // and that side's extras.
                    for side in [Side::Income, Side::Expense] {
                        let own = match side {
                            Side::Income => "income_amount",
                            Side::Expense => "expense_amount",
                        };
                        for l in x.side(side) {
                            let mut vals = Vec::new();
                            for k in std::iter::once(&ch.total).chain(&ch.parts) {
                                let a = if k == own {
                                    Some(l.amount.clone())
                                } else {
                                    l.extras.get(k).cloned()
                                };
                                if let Some(a) = a {
                                    vals.push((k.clone(), a));
                                }
                            }
                            if vals.len() > 1 {
                                rows.push((l.label.clone(), vals, x.meta.unit));
                            }
                        }
                    }
                }
            }
        }
        for (label, vals, unit) in rows {
            let Some((_, total)) = vals.iter().find(|(k, _)| *k == ch.total) else {
                continue;
            };
            let parts: Vec<Term> = vals
                .iter()
                .filter(|(k, _)| *k != ch.total)
                .map(|(k, a)| Term::new(word(k), a, unit))
                .collect();
            if parts.is_empty() {
                continue;
            }
            c.compare(
                rule,
                d.table,
                &what(&label),
                &[Term::new(word(&ch.total), total, unit)],
                &parts,
                Relation::Equal,
            );
        }
    }
}

/// Checks a budget against every rule.
///
/// # Examples
/// ```no_run
/// use yusuan::import::{import_file, ImportOptions};
/// use yusuan::template::Templates;
/// let b = import_file("samples/qiaokou-2024.xlsx", &Templates::builtin(), &ImportOptions::default()).unwrap();
/// for f in yusuan::reconcile::check(&b) {
///     println!("{} {:?} {}", f.rule, f.severity, f.message);
/// }
/// ```
pub fn check(budget: &Budget) -> Vec<Finding> {
    let _numbering = Numbering::of(budget);
    let mut c = Checker::new();
    structure::from_import(budget, &mut c);
    within::check(budget, &mut c);
    explained_by_extras(budget, &mut c);
    declared(budget, &mut c);
    rules::run(RULES, budget, &mut c);
    structure::check(budget, &mut c);
    switched_off(budget, &mut c);
    let order = |f: &Finding| {
        RULES
            .iter()
            .position(|r| r.id == f.rule)
            .unwrap_or(RULES.len())
    };
    c.findings.sort_by_key(|f| (table_order(f.table), order(f)));
    for f in &mut c.findings {
        f.table_name = match f.table {
            Subject::Workbook => String::new(),
            subject => subject.name(),
        };
    }
    c.findings
}

/// The plausibility rules the template switches off: their findings are
/// dropped, and the report says which were not run (a rule the template
/// names that does not exist is said too).
fn switched_off(budget: &Budget, c: &mut Checker) {
    for id in &budget.rules_off {
        c.findings.retain(|f| f.rule != id.as_str());
        let message = match RULES.iter().find(|r| r.id == id.as_str()) {
            Some(r) => format!("模板关闭了提示性核对 {id}（{}），未进行此项核对", r.what),
            None => format!(
                "模板要关闭的核对 {id} 不存在（见 yusuan 的规则表），请核对模板的 rules_off"
            ),
        };
        c.note(
            "S.rules_off",
            Severity::Info,
            Subject::Workbook,
            message,
            vec![],
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amount::CellForm;
    use crate::workbook::CellRef;

    fn amount(yuan: &str, col: u32) -> Amount {
        Amount {
            yuan: yuan.parse().unwrap(),
            cell: CellRef::new("表3".into(), 4, col),
            form: CellForm::Number,
        }
    }

    /// The severity of `total` against `parts` (all in one unit), or none.
    fn judged(unit: Unit, total: &str, parts: &[&str], relation: Relation) -> Option<Severity> {
        let t = amount(total, 0);
        let ps: Vec<Amount> = parts
            .iter()
            .enumerate()
            .map(|(i, p)| amount(p, i as u32 + 1))
            .collect();
        let left = [Term::new("合计", &t, unit)];
        let right: Vec<Term> = ps.iter().map(|a| Term::new("项", a, unit)).collect();
        let mut c = Checker::new();
        c.compare(
            "T3.row",
            TableId::T3,
            "合计 = 各项之和",
            &left,
            &right,
            relation,
        );
        c.findings.first().map(|f| f.severity)
    }

    #[test]
    fn one_figure_against_one_allows_half_a_cent_of_the_display_unit() {
        // 万元: 0.005 万元 = 50 元, inclusive.
        assert_eq!(
            judged(Unit::Wan, "10000.00", &["10050.00"], Relation::Equal),
            Some(Severity::Info)
        );
        assert_eq!(
            judged(Unit::Wan, "10000.00", &["9950.00"], Relation::Equal),
            Some(Severity::Info)
        );
        assert_eq!(
            judged(Unit::Wan, "10000.00", &["10050.01"], Relation::Equal),
            Some(Severity::Error)
        );
        assert_eq!(
            judged(Unit::Wan, "10000.00", &["10000.00"], Relation::Equal),
            None
        );
    }

    #[test]
    fn a_total_of_k_nonzero_figures_allows_less_than_k_half_cents() {
        // Three non-zero figures (the total and two parts): under 150 元.
        assert_eq!(
            judged(
                Unit::Wan,
                "30000.00",
                &["10000.00", "20149.99"],
                Relation::Equal
            ),
            Some(Severity::Info)
        );
        assert_eq!(
            judged(
                Unit::Wan,
                "30000.00",
                &["10000.00", "20150.00"],
                Relation::Equal
            ),
            Some(Severity::Error)
        );
        // A zero part errs by nothing: two non-zero figures, under 100 元.
        assert_eq!(
            judged(
                Unit::Wan,
                "30000.00",
                &["0.00", "30099.99"],
                Relation::Equal
            ),
            Some(Severity::Info)
        );
        assert_eq!(
            judged(
                Unit::Wan,
                "30000.00",
                &["0.00", "30100.00"],
                Relation::Equal
            ),
            Some(Severity::Error)
        );
    }

    #[test]
    fn tables_in_yuan_compare_exactly() {
        assert_eq!(
            judged(Unit::Yuan, "100.00", &["100.01"], Relation::Equal),
            Some(Severity::Error)
        );
        assert_eq!(
            judged(Unit::Yuan, "100.00", &["40.00", "60.01"], Relation::Equal),
            Some(Severity::Error)
        );
        assert_eq!(
            judged(Unit::Yuan, "100.00", &["40.00", "60.00"], Relation::Equal),
            None
        );
    }

    #[test]
    fn inequalities_warn_past_the_half_cent_and_say_rounding_within_it() {
        // left ≤ right: 表5-1 合计 ≤ 表3 合计.
        assert_eq!(
            judged(Unit::Wan, "10000.00", &["9999.00"], Relation::AtMost),
            Some(Severity::Info)
        );
        assert_eq!(
            judged(Unit::Wan, "10000.00", &["9900.00"], Relation::AtMost),
            Some(Severity::Warning)
        );
        assert_eq!(
            judged(Unit::Wan, "10000.00", &["10100.00"], Relation::AtMost),
            None
        );
        assert_eq!(
            judged(Unit::Wan, "10000.00", &["10100.00"], Relation::AtLeast),
            Some(Severity::Warning)
        );
        assert_eq!(
            judged(Unit::Yuan, "100.00", &["99.99"], Relation::AtMost),
            Some(Severity::Warning)
        );
    }
}
