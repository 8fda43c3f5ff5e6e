//! A department's years checked against each other: what only a batch of
//! several years can see. Every workbook restates earlier years — 表11's
//! 近两年收支情况 gives the two years before, each 表12 form's
//! 项目前两年预算情况 a project's 预算数 and 执行数 — and those figures belong
//! to workbooks submitted in other years.
//!
//! A batch keeps one small [`YearSummary`] per input (the figures these
//! rules read, with their cells), never whole models; [`check`] runs once
//! every input is read. Findings are warnings: restated history may
//! honestly differ (an adjusted budget, 执行数 written where 预算数 is
//! meant), and each says which figure on each side was compared. The
//! later workbook's cells are its own; the earlier workbook's are named in
//! Excel's external form, `[2023.xlsx]公开04表!C5`.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::finding::{Checker, Finding, Relation, Term};
use crate::amount::{CellForm, Unit};
use crate::model::{Amount, Budget, FormValue, Severity, TableId};
use crate::template::Side;
use crate::text::norm;
use crate::workbook::CellRef;

/// A figure and where it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fig {
    /// Exact, in 元.
    pub yuan: Decimal,
    pub sheet: String,
    pub row: u32,
    pub col: u32,
    /// The unit its table displays (rounding allowances follow it).
    pub unit: Unit,
}

impl Fig {
    fn of(a: &Amount, unit: Unit) -> Fig {
        Fig {
            yuan: a.yuan,
            sheet: a.cell.sheet.to_string(),
            row: a.cell.row,
            col: a.cell.col,
            unit,
        }
    }

    /// As an amount of this workbook, or (`file`) of another one, whose
    /// cell is then named in Excel's external form.
    fn amount(&self, file: Option<&str>) -> Amount {
        let sheet = match file {
            Some(f) => format!("[{f}]{}", self.sheet),
            None => self.sheet.clone(),
        };
        Amount {
            yuan: self.yuan,
            cell: CellRef::new(sheet.into(), self.row, self.col),
            form: CellForm::Number,
        }
    }
}

/// One year's income and expenditure as 表11 states it (its 当年 column,
/// or a past year's column), or as the year's own tables give it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Funds {
    pub year: i32,
    /// 财政拨款 (表4 本年收入).
    pub fiscal: Option<Fig>,
    /// 基本支出 (表3 合计行).
    pub basic: Option<Fig>,
    /// 项目支出 (表3 合计行).
    pub project: Option<Fig>,
    /// 支出合计 (表11 only).
    pub total: Option<Fig>,
}

/// A project's year as a later form restates it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Restated {
    pub year: i32,
    pub budget: Option<Fig>,
    pub spent: Option<Fig>,
    /// 执行率, percent points.
    pub rate: Option<Decimal>,
}

/// A project of the year: its 表10 row and what its 表12 form restates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Project {
    pub code: Option<String>,
    pub name: String,
    /// 项目执行单位 (the form's) or the unit the 表10 row stands under.
    pub executor: String,
    /// 表10 合计.
    pub total: Option<Fig>,
    /// 表10 一般公共预算 (本年 + 结转), for the warehouse.
    pub gp: Option<Decimal>,
    /// The form's 项目前两年预算情况, by year.
    pub restated: Vec<Restated>,
}

/// What the years' rules and the warehouse's year tables need of one
/// budget: a few figures and their cells.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YearSummary {
    /// The workbook's file name as given, for external cell names.
    pub file: String,
    pub source_file: String,
    pub source_hash: String,
    /// The budget's identity ([`crate::model::identity`]).
    pub identity: String,
    pub dept_code: String,
    pub dept_name: String,
    pub level: String,
    pub unit_code: String,
    pub year: i32,
    /// 表11's columns: this year's and the two before, as it states them.
    pub t11: Vec<Funds>,
    /// This year's figures from its own tables (表4, 表3).
    pub own: Funds,
    pub projects: Vec<Project>,
    /// Headline figures by key ([`HEADLINES`]).
    pub headline: BTreeMap<String, Fig>,
}

/// The headline figures of a year, for `dept_years`: key and what it is.
pub const HEADLINES: [(&str, &str); 6] = [
    ("income_total", "表1 本年收入合计"),
    ("expense_total", "表1 本年支出合计"),
    ("fiscal_income", "表4 本年财政拨款收入"),
    ("basic", "表3 合计 基本支出"),
    ("project", "表3 合计 项目支出"),
    ("three_public", "表7 “三公”经费合计"),
];

impl YearSummary {
    /// The summary of a budget read from `file`; `None` without a year or
    /// a department (nothing to put it beside).
    pub fn of(b: &Budget, file: &str, source_file: &str, source_hash: &str) -> Option<YearSummary> {
        let year = b.year?;
        let identity = b.identity()?;
        let t = &b.tables;
        let mut own = Funds {
            year,
            ..Funds::default()
        };
        let mut headline = BTreeMap::new();
        if let Some(t4) = &t.t4 {
            own.fiscal = t4
                .line(Side::Income, "cur_total")
                .map(|l| Fig::of(&l.amount, t4.meta.unit));
            if let Some(f) = &own.fiscal {
                headline.insert("fiscal_income".to_string(), f.clone());
            }
        }
        if let Some(t3) = &t.t3 {
            let total = |k: &str| {
                t3.total
                    .as_ref()
                    .and_then(|r| r.amount(k))
                    .map(|a| Fig::of(a, t3.meta.unit))
            };
            own.basic = total("basic");
            own.project = total("project");
            for (k, f) in [("basic", &own.basic), ("project", &own.project)] {
                if let Some(f) = f {
                    headline.insert(k.to_string(), f.clone());
                }
            }
        }
        if let Some(t1) = &t.t1 {
            for (k, side) in [
                ("income_total", Side::Income),
                ("expense_total", Side::Expense),
            ] {
                if let Some(l) = t1.line(side, "total") {
                    headline.insert(k.to_string(), Fig::of(&l.amount, t1.meta.unit));
                }
            }
        }
        if let Some(a) =
            t.t7.as_ref()
                .and_then(|t7| t7.amounts.get("total").map(|a| Fig::of(a, t7.meta.unit)))
        {
            headline.insert("three_public".to_string(), a);
        }
        Some(YearSummary {
            file: file.to_string(),
            source_file: source_file.to_string(),
            source_hash: source_hash.to_string(),
            identity,
            dept_code: b.department.code.clone().unwrap_or_default(),
            dept_name: b.department.name.clone().unwrap_or_default(),
            level: b.level.word().to_string(),
            unit_code: b
                .budget_unit
                .as_ref()
                .and_then(|u| u.code.clone())
                .unwrap_or_default(),
            year,
            t11: t11_columns(b, year),
            own,
            projects: projects(b),
            headline,
        })
    }
}

/// 表11 资金情况's columns, each with the year its header gives.
fn t11_columns(b: &Budget, year: i32) -> Vec<Funds> {
    let Some(f) = &b.tables.t11 else {
        return Vec::new();
    };
    let Some(block) = f.blocks("funds").next() else {
        return Vec::new();
    };
    let unit = f.meta.unit;
    let mut out = Vec::new();
    for (col, col_year) in [
        ("current", Some(year)),
        ("prev1", header_year(block.columns.get("prev1"))),
        ("prev2", header_year(block.columns.get("prev2"))),
    ] {
        let Some(col_year) = col_year else { continue };
        let fig = |line: &str| {
            block
                .line(line)
                .and_then(|r| r.get(col))
                .and_then(FormValue::as_amount)
                .map(|a| Fig::of(a, unit))
        };
        out.push(Funds {
            year: col_year,
            fiscal: fig("income_fiscal"),
            basic: fig("expense_basic"),
            project: fig("expense_project"),
            total: fig("expense_total"),
        });
    }
    out
}

fn header_year(h: Option<&String>) -> Option<i32> {
    let h = h?;
    crate::text::year_label(&norm(h.rsplit('/').next().unwrap_or(h)))
}

/// The 表10 projects, each with what its 表12 form restates.
fn projects(b: &Budget) -> Vec<Project> {
    let Some(t10) = &b.tables.t10 else {
        return Vec::new();
    };
    let unit = t10.meta.unit;
    let mut out: Vec<Project> = t10
        .rows
        .iter()
        .filter(|r| r.level.as_deref() == Some("项目"))
        .map(|r| Project {
            code: r.code.clone(),
            name: r.name.trim().to_string(),
            executor: super::between::unit_of(t10, r),
            total: r.amount("total").map(|a| Fig::of(a, unit)),
            gp: Some(
                ["cur_gp", "carry_gp"]
                    .iter()
                    .filter_map(|k| r.amount(k))
                    .map(|a| a.yuan)
                    .sum(),
            ),
            restated: Vec::new(),
        })
        .collect();
    for f in &b.tables.t12 {
        let super::between::ProjectMatch::Found(row) = super::between::project_row(t10, f) else {
            continue;
        };
        let Some(p) = out
            .iter_mut()
            .find(|p| p.code == row.code && p.name == row.name.trim())
        else {
            continue;
        };
        if let Some(e) = f.field_text("executor").filter(|e| !e.trim().is_empty()) {
            p.executor = e.trim().to_string();
        }
        let fu = f.meta.unit;
        for block in f.blocks("past_budgets") {
            for r in &block.rows {
                let Some(year) = r.get("year").and_then(|v| match v {
                    FormValue::Text(t) => crate::text::year_label(&norm(&t.text)),
                    FormValue::Amount(a) => a.yuan.trunc().try_into().ok(),
                    FormValue::Percent { .. } => None,
                }) else {
                    continue;
                };
                let a = |k: &str| {
                    r.get(k)
                        .and_then(FormValue::as_amount)
                        .map(|a| Fig::of(a, fu))
                };
                let rate = match r.get("rate") {
                    Some(FormValue::Percent { percent, .. }) => Some(*percent),
                    _ => None,
                };
                p.restated.push(Restated {
                    year,
                    budget: a("budget"),
                    spent: a("spent"),
                    rate,
                });
            }
        }
    }
    out
}

/// The years' rules over a batch's summaries: each finding with the index
/// of the later workbook it belongs to.
pub fn check(years: &[YearSummary]) -> Vec<(usize, Finding)> {
    let mut by_budget: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, y) in years.iter().enumerate() {
        by_budget.entry(&y.identity).or_default().push(i);
    }
    let mut out = Vec::new();
    for members in by_budget.values() {
        // Each year is read from its first input: copies of a year (said
        // by S.duplicate_input) are not compared again, copy against copy.
        let mut first: BTreeMap<i32, usize> = BTreeMap::new();
        for &i in members {
            first.entry(years[i].year).or_insert(i);
        }
        for &later in members {
            let l = &years[later];
            // A renamed project is said once: against the nearest year.
            let nearest = first.range(..l.year).next_back().map(|(y, _)| *y);
            // The two years a workbook restates.
            let from = l.year.saturating_sub(2);
            for (&year, &earlier) in first.range(from..l.year) {
                let e = &years[earlier];
                let mut c = Checker::new();
                t11_history(&mut c, l, e);
                t12_history(&mut c, l, e);
                if nearest == Some(year) {
                    renamed(&mut c, l, e);
                }
                out.extend(c.findings.into_iter().map(|mut f| {
                    // Restated history may honestly differ: a warning at most.
                    if f.severity == Severity::Error {
                        f.severity = Severity::Warning;
                    }
                    f.table_name = f.table.name();
                    (later, f)
                }));
            }
        }
    }
    out
}

/// `Y.t11_history`: the later 表11's column for an earlier year against
/// that year's own 表11 当年 column, or, without one, the figures it is
/// checked against within that year (表4 本年收入, 表3 合计).
fn t11_history(c: &mut Checker, l: &YearSummary, e: &YearSummary) {
    let Some(stated) = l.t11.iter().find(|f| f.year == e.year) else {
        return;
    };
    let (own, from) = match e.t11.iter().find(|f| f.year == e.year) {
        Some(f) => (f, "表11 当年"),
        None => (&e.own, "表4 本年收入、表3 合计行"),
    };
    for (what, later, earlier) in [
        ("财政拨款", &stated.fiscal, &own.fiscal),
        ("基本支出", &stated.basic, &own.basic),
        ("项目支出", &stated.project, &own.project),
        ("支出合计", &stated.total, &own.total),
    ] {
        let (Some(later), Some(earlier)) = (later, earlier) else {
            continue;
        };
        let (a, b) = (later.amount(None), earlier.amount(Some(&e.file)));
        c.compare(
            "Y.t11_history",
            TableId::T11,
            &format!(
                "{} 年的{what}：{} 年预算表11所列 = {} 年预算本身（{}，{}）",
                e.year, l.year, e.year, e.file, from
            ),
            &[Term::new(
                format!("{} 年表11 {what}", l.year),
                &a,
                later.unit,
            )],
            &[Term::new(
                format!("{} 年预算 {what}", e.year),
                &b,
                earlier.unit,
            )],
            Relation::Equal,
        );
    }
}

/// The earlier year's project of a later one: by code, else by name and
/// 执行单位.
fn earlier_project<'a>(p: &Project, e: &'a YearSummary) -> Option<&'a Project> {
    if let Some(code) = p.code.as_deref().filter(|c| !c.is_empty()) {
        if let Some(q) = e.projects.iter().find(|q| q.code.as_deref() == Some(code)) {
            return Some(q);
        }
    }
    let same: Vec<&Project> = e
        .projects
        .iter()
        .filter(|q| norm(&q.name) == norm(&p.name))
        .collect();
    match same.as_slice() {
        [one] => Some(one),
        [] => None,
        many => many
            .iter()
            .copied()
            .find(|q| norm(&q.executor) == norm(&p.executor)),
    }
}

/// `Y.t12_history`: each form's 前两年预算 预算数 for an earlier year against
/// that year's 表10 row of the same project; a project the earlier 表10
/// does not hold is said once.
fn t12_history(c: &mut Checker, l: &YearSummary, e: &YearSummary) {
    for p in &l.projects {
        let Some(r) = p.restated.iter().find(|r| r.year == e.year) else {
            continue;
        };
        let Some(budget) = &r.budget else { continue };
        let what = match &p.code {
            Some(code) => format!("{code} {}", p.name),
            None => p.name.clone(),
        };
        let Some(q) = earlier_project(p, e) else {
            let at = budget.amount(None);
            c.note(
                "Y.t12_history",
                Severity::Info,
                TableId::T12,
                format!(
                    "项目“{what}”：{} 年表12 列出其 {} 年预算数 {}，但 {} 年预算（{}）的表10 中没有这个项目（按编码、名称和执行单位都找不到），未能比对",
                    l.year,
                    e.year,
                    crate::amount::from_yuan(budget.yuan, budget.unit),
                    e.year,
                    e.file
                ),
                vec![at.cell],
            );
            continue;
        };
        let Some(total) = &q.total else { continue };
        let (a, b) = (budget.amount(None), total.amount(Some(&e.file)));
        c.compare(
            "Y.t12_history",
            TableId::T12,
            &format!(
                "项目“{what}”{} 年的预算数：{} 年表12 项目前两年预算情况 = {} 年表10 该项目合计（{}）",
                e.year, l.year, e.year, e.file
            ),
            &[Term::new(format!("{} 年表12 预算数", l.year), &a, budget.unit)],
            &[Term::new(format!("{} 年表10 合计", e.year), &b, total.unit)],
            Relation::Equal,
        );
    }
}

/// A project code whose name changed between the years: an info with both.
fn renamed(c: &mut Checker, l: &YearSummary, e: &YearSummary) {
    for p in &l.projects {
        let Some(code) = p.code.as_deref().filter(|c| !c.is_empty()) else {
            continue;
        };
        let Some(q) = e.projects.iter().find(|q| q.code.as_deref() == Some(code)) else {
            continue;
        };
        if norm(&p.name) == norm(&q.name) {
            continue;
        }
        let cells = [&p.total, &q.total]
            .iter()
            .zip([None, Some(e.file.as_str())])
            .filter_map(|(f, file)| f.as_ref().map(|f| f.amount(file).cell))
            .collect();
        c.note(
            "Y.project_renamed",
            Severity::Info,
            TableId::T10,
            format!(
                "项目编码 {code} 的名称在 {} 年是“{}”，在 {} 年（{}）是“{}”：同一项目改了名，或编码被另一项目沿用",
                l.year, p.name, e.year, e.file, q.name
            ),
            cells,
        );
    }
}

/// The batch's summaries, kept out of memory: each written as a line of
/// JSON to a file of its own (unlinked, so it goes with the process), and
/// only its budget and place held per input — a batch of 10,000 inputs
/// held 110 MB of summaries in memory. Read back one budget at a time.
pub struct Summaries {
    store: Store,
    /// (caller's key, budget identity, offset, length) per summary.
    index: Vec<(usize, String, u64, u32)>,
    end: u64,
}

/// Where the lines go: a temporary file, or memory when none can be made.
enum Store {
    File(std::fs::File),
    Memory(Vec<u8>),
}

impl Default for Summaries {
    fn default() -> Self {
        Summaries::new()
    }
}

impl Summaries {
    pub fn new() -> Summaries {
        static COUNT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!(".yusuan-years-{}-{n}.jsonl", std::process::id()));
        let store = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
            .map(|f| {
                // Open, it lives on; gone from the folder, it goes with us.
                let _ = std::fs::remove_file(&path);
                Store::File(f)
            })
            .unwrap_or(Store::Memory(Vec::new()));
        Summaries {
            store,
            index: Vec::new(),
            end: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// Keeps `y` under the caller's `key`; in memory from the first line
    /// the temporary file does not take.
    ///
    /// # Errors
    /// The temporary file, once it takes no more, cannot be read back.
    pub fn push(&mut self, key: usize, y: &YearSummary) -> std::io::Result<()> {
        use std::io::{Read, Seek, SeekFrom, Write};
        let line = serde_json::to_vec(y).map_err(std::io::Error::other)?;
        let written = match &mut self.store {
            Store::File(f) => f
                .seek(SeekFrom::Start(self.end))
                .and_then(|_| f.write_all(&line)),
            Store::Memory(m) => {
                m.extend_from_slice(&line);
                Ok(())
            }
        };
        if written.is_err() {
            // The temporary file cannot take more (a full disk): what it
            // holds, and the rest, are kept in memory, so that a batch's
            // outputs are still written whole.
            let Store::File(f) = &mut self.store else {
                return written;
            };
            let mut held = vec![0u8; self.end as usize];
            f.seek(SeekFrom::Start(0))?;
            f.read_exact(&mut held)?;
            held.extend_from_slice(&line);
            self.store = Store::Memory(held);
        }
        self.index
            .push((key, y.identity.clone(), self.end, line.len() as u32));
        self.end += line.len() as u64;
        Ok(())
    }

    /// Each budget's summaries with their keys, in the order pushed; the
    /// budgets in the order of their identity (as [`check`] groups them).
    ///
    /// # Errors
    /// The temporary file cannot be read back.
    pub fn for_each_budget(
        &mut self,
        mut f: impl FnMut(Vec<(usize, YearSummary)>),
    ) -> std::io::Result<()> {
        use std::io::{Read, Seek, SeekFrom};
        let mut by_budget: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, (_, identity, _, _)) in self.index.iter().enumerate() {
            by_budget.entry(identity).or_default().push(i);
        }
        for members in by_budget.values() {
            let mut group = Vec::with_capacity(members.len());
            for &i in members {
                let (key, _, at, len) = &self.index[i];
                let mut line = vec![0u8; *len as usize];
                match &mut self.store {
                    Store::File(file) => {
                        file.seek(SeekFrom::Start(*at))?;
                        file.read_exact(&mut line)?;
                    }
                    Store::Memory(m) => {
                        line.copy_from_slice(&m[*at as usize..*at as usize + *len as usize]);
                    }
                }
                let y: YearSummary =
                    serde_json::from_slice(&line).map_err(std::io::Error::other)?;
                group.push((*key, y));
            }
            f(group);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fig(yuan: i64, sheet: &str) -> Option<Fig> {
        Some(Fig {
            yuan: Decimal::from(yuan),
            sheet: sheet.into(),
            row: 4,
            col: 2,
            unit: Unit::Wan,
        })
    }

    fn year(y: i32, file: &str) -> YearSummary {
        YearSummary {
            file: file.into(),
            source_file: file.into(),
            source_hash: String::new(),
            identity: "137|部门|".into(),
            dept_code: "137".into(),
            dept_name: String::new(),
            level: "部门".into(),
            unit_code: String::new(),
            year: y,
            t11: Vec::new(),
            own: Funds {
                year: y,
                fiscal: fig(3_000_000, "表4"),
                basic: fig(2_000_000, "表3"),
                project: fig(1_000_000, "表3"),
                total: None,
            },
            projects: Vec::new(),
            headline: BTreeMap::new(),
        }
    }

    #[test]
    fn a_restated_year_that_differs_is_a_warning_with_both_cells() {
        let mut later = year(2024, "2024.xlsx");
        let earlier = year(2023, "2023.xlsx");
        later.t11.push(Funds {
            year: 2023,
            fiscal: fig(3_000_000, "表11"),
            basic: fig(2_100_000, "表11"),
            project: fig(1_000_000, "表11"),
            total: fig(3_100_000, "表11"),
        });
        let found = check(&[earlier, later]);
        assert_eq!(found.len(), 1, "{found:?}");
        let (i, f) = &found[0];
        assert_eq!(*i, 1);
        assert_eq!(f.rule, "Y.t11_history");
        assert_eq!(f.severity, Severity::Warning);
        let cells: Vec<String> = f.cells.iter().map(ToString::to_string).collect();
        assert_eq!(cells, ["表11!C5", "[2023.xlsx]表3!C5"]);
        assert!(f.message.contains("基本支出"), "{}", f.message);
    }

    /// A year as low as i32 goes (a summary read back from a folder) has
    /// nothing earlier; no range is taken below it.
    #[test]
    fn the_lowest_year_has_nothing_earlier() {
        assert!(check(&[year(i32::MIN, "a.xlsx"), year(i32::MIN + 1, "b.xlsx")]).is_empty());
    }

    /// Summaries kept out of memory come back whole, a budget at a time,
    /// in the order each budget's were kept, the budgets by identity.
    #[test]
    fn summaries_kept_out_of_memory_come_back_by_budget() {
        let mut other = year(2023, "other.xlsx");
        other.identity = "001|部门|".into();
        let mut later = year(2024, "2024.xlsx");
        later.t11.push(Funds {
            year: 2023,
            basic: fig(2_100_000, "表11"),
            ..Funds::default()
        });
        let kept = [year(2023, "2023.xlsx"), other.clone(), later.clone()];
        let mut s = Summaries::new();
        for (i, y) in kept.iter().enumerate() {
            s.push(10 + i, y).unwrap();
        }
        assert_eq!(s.len(), 3);
        let mut back = Vec::new();
        s.for_each_budget(|g| back.push(g)).unwrap();
        assert_eq!(
            back,
            vec![vec![(11, other)], vec![(10, kept[0].clone()), (12, later)]]
        );
    }

    /// A temporary file that stops taking lines (a full disk) loses no
    /// summary: what it held and the rest come back from memory.
    #[test]
    fn summaries_go_on_in_memory_when_the_file_takes_no_more() {
        let (a, b) = (year(2023, "2023.xlsx"), year(2024, "2024.xlsx"));
        let mut s = Summaries::new();
        s.push(0, &a).unwrap();
        // The same file, now open for reading only: a write fails.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kept.jsonl");
        let Store::File(f) = &mut s.store else {
            panic!("the temporary file was not made");
        };
        use std::io::{Read, Seek};
        let mut held = Vec::new();
        f.rewind().unwrap();
        f.read_to_end(&mut held).unwrap();
        std::fs::write(&path, &held).unwrap();
        s.store = Store::File(std::fs::File::open(&path).unwrap());
        s.push(1, &b).unwrap();
        assert!(matches!(s.store, Store::Memory(_)));
        let mut back = Vec::new();
        s.for_each_budget(|g| back.push(g)).unwrap();
        assert_eq!(back, vec![vec![(0, a), (1, b)]]);
    }

    /// Regression: every copy of a later year was compared with every copy
    /// of the earlier one; a folder of 143 copies of two years wrote a
    /// 205 MB across_years.csv. Each later input is compared with the
    /// first input of each earlier year, once.
    #[test]
    fn copies_of_a_year_are_compared_once_each_not_copy_against_copy() {
        let mut later = year(2024, "2024.xlsx");
        later.t11.push(Funds {
            year: 2023,
            basic: fig(2_100_000, "表11"),
            ..Funds::default()
        });
        let mut batch: Vec<YearSummary> = (0..50)
            .map(|i| year(2023, &format!("2023-{i}.xlsx")))
            .collect();
        batch.extend((0..3).map(|_| later.clone()));
        let found = check(&batch);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found
            .iter()
            .all(|(_, f)| f.cells[1].to_string() == "[2023-0.xlsx]表3!C5"));
    }

    #[test]
    fn years_of_other_budgets_or_too_far_apart_are_not_compared() {
        let mut later = year(2024, "2024.xlsx");
        later.t11.push(Funds {
            year: 2021,
            basic: fig(1, "表11"),
            ..Funds::default()
        });
        let mut other = year(2023, "other.xlsx");
        other.identity = "138|部门|".into();
        let mut stated = later.clone();
        stated.t11 = vec![Funds {
            year: 2023,
            basic: fig(1, "表11"),
            ..Funds::default()
        }];
        assert!(check(&[year(2021, "2021.xlsx"), later, other, stated]).is_empty());
    }
}
