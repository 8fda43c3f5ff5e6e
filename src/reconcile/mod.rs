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
mod plausible;
pub mod rules;
mod structure;
mod within;
pub mod years;

pub use rules::{Rule, RULES};

use rust_decimal::Decimal;
use serde::Serialize;

use std::collections::BTreeMap;

use crate::amount::{from_yuan, Unit};
use crate::model::{Amount, Budget, Severity, TableId};
use crate::workbook::CellRef;

/// What a finding is about: the whole workbook, one of its tables, or the
/// narrative checked beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Subject {
    #[default]
    Workbook,
    Table(TableId),
    Narrative,
}

impl Subject {
    /// The word outputs write (`findings.csv`, JSON): the table's ID
    /// (`t3`), `narrative`, or nothing for the workbook.
    pub fn as_str(self) -> &'static str {
        match self {
            Subject::Workbook => "",
            Subject::Table(t) => t.as_str(),
            Subject::Narrative => "narrative",
        }
    }

    /// The table, when the finding is about one.
    pub fn table(self) -> Option<TableId> {
        match self {
            Subject::Table(t) => Some(t),
            _ => None,
        }
    }

    /// `表5-1`, `情况说明` or `工作簿`, as the budget being checked numbers
    /// its tables ([`table_name`]).
    pub fn name(self) -> String {
        match self {
            Subject::Workbook => "工作簿".to_string(),
            Subject::Table(t) => table_name(t),
            Subject::Narrative => "情况说明".to_string(),
        }
    }
}

impl From<TableId> for Subject {
    fn from(t: TableId) -> Subject {
        Subject::Table(t)
    }
}

impl PartialEq<TableId> for Subject {
    fn eq(&self, t: &TableId) -> bool {
        *self == Subject::Table(*t)
    }
}

impl std::fmt::Display for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

impl Serialize for Subject {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One thing a reviewer must look at.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Rule ID from `rules.md` (`T3.tree`, `X.t1_t3_class`, `S.orphan` …) or an importer note (`I.*`).
    pub rule: &'static str,
    pub severity: Severity,
    /// The table (`t3`; the first table for a rule between tables), the
    /// narrative, or the workbook (written empty).
    pub table: Subject,
    /// The table as the workbook's template numbers it (`表8`, where a
    /// bureau prints its 一般公共预算基本支出 table 8th); empty for the workbook.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub table_name: String,
    pub message: String,
    /// The stated figure, in the display unit (`231.33`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// What the other figures add up to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual: Option<String>,
    /// `actual − expected`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub difference: Option<String>,
    /// Unit of `expected`, `actual`, `difference` (`万元` or `元`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<Unit>,
    /// Every source cell the rule compared, as `sheet!A1`.
    pub cells: Vec<CellRef>,
    /// The narrative's paragraph a finding is about (`情况说明.docx 第 5 段`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paragraph: Option<String>,
}

impl Finding {
    /// The table as reports head it: `表8` as the workbook numbers it, or
    /// `工作簿` for a finding about the whole workbook.
    pub fn table_shown(&self) -> String {
        match (self.table, self.table_name.as_str()) {
            (Subject::Workbook, _) => "工作簿".to_string(),
            (subject, "") => subject.name(),
            (_, name) => name.to_string(),
        }
    }
}

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

/// A figure in a comparison: its label for the message and its amount.
#[derive(Debug, Clone)]
pub struct Term<'a> {
    pub label: String,
    pub amount: &'a Amount,
    /// The unit the figure was displayed in (its table's).
    pub unit: Unit,
}

impl<'a> Term<'a> {
    pub fn new(label: impl Into<String>, amount: &'a Amount, unit: Unit) -> Term<'a> {
        Term {
            label: label.into(),
            amount,
            unit,
        }
    }
}

/// How two sides are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// `left` = `right` within rounding.
    Equal,
    /// `left` ≤ `right` (a `warning` when it exceeds).
    AtMost,
    /// `left` ≥ `right` (a `warning` when it falls short).
    AtLeast,
}

/// Collects findings.
pub struct Checker {
    pub findings: Vec<Finding>,
}

fn fmt(d: Decimal) -> String {
    let mut d = d;
    d.rescale(2);
    d.to_string()
}

/// An allowance in the display unit, to the half cent (`0.055`).
fn from_yuan_exact(yuan: Decimal, unit: Unit) -> String {
    let mut d = yuan / unit.factor();
    d.rescale(3);
    d.to_string()
}

/// The coarser display unit of a comparison decides its tolerance.
fn coarsest(terms: &[&Term]) -> Unit {
    if terms.iter().any(|t| t.unit == Unit::Wan) {
        Unit::Wan
    } else {
        Unit::Yuan
    }
}

impl Checker {
    pub fn new() -> Checker {
        Checker {
            findings: Vec::new(),
        }
    }

    /// Compares stated figure(s) `left` with the figures `right` they should
    /// equal (a total and its parts, or figures of two tables). `left` is the
    /// expected side. With `k` non-zero figures in all the rounding allowance
    /// is `k × 0.005` of the display unit, exclusive; one figure against one
    /// allows `0.005`; 元 tables compare exactly.
    pub fn compare(
        &mut self,
        rule: &'static str,
        table: impl Into<Subject>,
        what: &str,
        left: &[Term],
        right: &[Term],
        relation: Relation,
    ) {
        if left.is_empty() && right.is_empty() {
            return;
        }
        let all: Vec<&Term> = left.iter().chain(right).collect();
        let unit = coarsest(&all);
        let expected: Decimal = left.iter().map(|t| t.amount.yuan).sum();
        let actual: Decimal = right.iter().map(|t| t.amount.yuan).sum();
        let diff = actual - expected;
        if diff.is_zero() {
            return;
        }
        let cells: Vec<CellRef> = all.iter().map(|t| t.amount.cell.clone()).collect();
        let show = |yuan: Decimal| fmt(from_yuan(yuan, unit));
        let side = |terms: &[Term], sum: Decimal| match terms.len() {
            0 => "（无）为 0.00".to_string(),
            1 => format!("{} 为 {}", terms[0].label, show(sum)),
            2..=4 => format!(
                "{} = {}",
                terms
                    .iter()
                    .map(|t| format!("{} {}", t.label, show(t.amount.yuan)))
                    .collect::<Vec<_>>()
                    .join(" + "),
                show(sum)
            ),
            n => format!("{} 等 {n} 项之和为 {}", terms[0].label, show(sum)),
        };
        let base = format!(
            "{what}：{}，{}，相差 {} {}",
            side(left, expected),
            side(right, actual),
            show(diff),
            unit.label()
        );
        let (severity, message) = match relation {
            Relation::AtMost if diff > Decimal::ZERO => return,
            Relation::AtLeast if diff < Decimal::ZERO => return,
            // A figure shown in 万元 hides up to half a cent of it: 0.73 万元
            // may be 7,315 元. Within that it is rounding, not a shortfall.
            Relation::AtMost | Relation::AtLeast
                if unit == Unit::Wan && diff.abs() <= Decimal::new(5, 3) * unit.factor() =>
            {
                (
                    Severity::Info,
                    format!("{base}，在以万元显示的数四舍五入范围（0.005 万元）之内：四舍五入差异"),
                )
            }
            Relation::AtMost | Relation::AtLeast => (Severity::Warning, base),
            Relation::Equal => {
                // Each figure rounded on its own errs by less than half a cent
                // of the display unit, and only a figure that is not zero
                // errs at all (rules.md: blank, `-` and 0.00 all mean zero).
                // So rounding explains less than k × 0.005 with k non-zero
                // figures; one figure against one allows 0.005.
                let figures = left.len() + right.len();
                let nonzero = left
                    .iter()
                    .chain(right)
                    .filter(|t| !t.amount.yuan.is_zero())
                    .count();
                let half_cent = Decimal::new(5, 3) * unit.factor();
                let (allowance, within) = if unit == Unit::Yuan {
                    (Decimal::ZERO, false)
                } else if figures <= 2 {
                    (half_cent, diff.abs() <= half_cent)
                } else {
                    let a = Decimal::from(nonzero.max(1) as u64) * half_cent;
                    (a, diff.abs() < a)
                };
                if within {
                    (
                        Severity::Info,
                        format!(
                            "{base}，小于 {nonzero} 个非零数各自四舍五入的允许差额 {}：四舍五入差异",
                            from_yuan_exact(allowance, unit)
                        ),
                    )
                } else {
                    (Severity::Error, base)
                }
            }
        };
        self.findings.push(Finding {
            rule,
            severity,
            table: table.into(),
            table_name: String::new(),
            message,
            expected: Some(show(expected)),
            actual: Some(show(actual)),
            difference: Some(show(diff)),
            unit: Some(unit),
            cells,
            paragraph: None,
        });
    }

    /// A finding without figures (structure rules).
    pub fn note(
        &mut self,
        rule: &'static str,
        severity: Severity,
        table: impl Into<Subject>,
        message: String,
        cells: Vec<CellRef>,
    ) {
        self.findings.push(Finding {
            rule,
            severity,
            table: table.into(),
            table_name: String::new(),
            message,
            expected: None,
            actual: None,
            difference: None,
            unit: None,
            cells,
            paragraph: None,
        });
    }
}

impl Default for Checker {
    fn default() -> Self {
        Checker::new()
    }
}

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
                .or_else(|| meta.map(|m| within::header(m, k)))
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
                let label = within::row_label(r);
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

thread_local! {
    /// The numbers the budget being checked prints its tables with (a
    /// bureau may number its 一般公共预算基本支出 table 8): set by [`check`]
    /// for its own thread, so that every message names a table as the
    /// reviewer's workbook does.
    static NUMBERS: std::cell::RefCell<BTreeMap<TableId, String>> = Default::default();
}

/// The numbers of `b`'s tables, in force until the guard is dropped.
struct Numbering;

impl Numbering {
    fn of(b: &Budget) -> Numbering {
        let numbers = b
            .tables
            .metas()
            .iter()
            .filter(|m| !m.number.is_empty())
            .map(|m| (m.id, m.number.clone()))
            .collect();
        NUMBERS.with(|n| *n.borrow_mut() = numbers);
        Numbering
    }
}

impl Drop for Numbering {
    fn drop(&mut self) {
        NUMBERS.with(|n| n.borrow_mut().clear());
    }
}

/// `表5-1` for `t5_1`: the table as the budget being checked numbers it
/// (its template's number), else as the canonical set does.
pub fn table_name(id: TableId) -> String {
    let number = NUMBERS
        .with(|n| n.borrow().get(&id).cloned())
        .unwrap_or_else(|| id.canonical_number().to_string());
    format!("表{number}")
}

/// One of our message texts (`表1 收入 = 表2 合计行`) with each table named
/// as the budget being checked numbers it. Only for texts written here:
/// a label or a name from the workbook may say `表6` of anything.
pub(crate) fn named(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('表') {
        out.push_str(&rest[..i]);
        let after = &rest[i + '表'.len_utf8()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            out.push('表');
            rest = after;
            continue;
        }
        let mut number = after[..digits].to_string();
        let mut used = digits;
        // `5-1`, `5-2`.
        if let Some(sub) = after[digits..].strip_prefix('-') {
            let d = sub.bytes().take_while(u8::is_ascii_digit).count();
            if d > 0 {
                number = format!("{number}-{}", &sub[..d]);
                used += 1 + d;
            }
        }
        match TableId::parse(&format!("t{}", number.replace('-', "_"))) {
            Some(id) => out.push_str(&table_name(id)),
            None => out.push_str(&format!("表{number}")),
        }
        rest = &after[used..];
    }
    out.push_str(rest);
    out
}

/// Report order of tables: by the number they are printed with (`表5-1`
/// after `表5`, a bureau's `表8` after its `表7`), then findings about the
/// whole workbook.
pub fn table_order(subject: Subject) -> (u32, u32) {
    let id = match subject {
        Subject::Table(id) => id,
        Subject::Workbook => return (u32::MAX, 0),
        // The narrative after the tables and the workbook.
        Subject::Narrative => return (u32::MAX, 1),
    };
    let name = table_name(id);
    let mut parts = name
        .trim_start_matches('表')
        .split('-')
        .map(|p| p.parse::<u32>().unwrap_or(u32::MAX - 1));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

/// Counts of findings by severity: (errors, warnings, infos).
pub fn counts(findings: &[Finding]) -> (usize, usize, usize) {
    let n = |s| findings.iter().filter(|f| f.severity == s).count();
    (n(Severity::Error), n(Severity::Warning), n(Severity::Info))
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
