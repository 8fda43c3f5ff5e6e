//! What a rule finds, and the comparison every rule makes: a stated
//! figure against the figures it should equal, within the rounding the
//! published tables allow (the module's top says how much).

use rust_decimal::Decimal;
use serde::Serialize;

use super::names::table_name;
use crate::amount::{from_yuan, Unit};
use crate::model::{Amount, Severity, TableId};
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
