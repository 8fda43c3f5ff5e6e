//! A second bureau's budgets, generated (`yusuan::samples::putuo_budgets`):
//! departments in 上海市普陀区's layout, each with one to three units, as
//! the department's consolidated 部门预算 and each unit's 单位预算, laid out
//! as the bureau's real budgets differ — merged or not, sub-lines numbered
//! `1. ` / `1、` / `1．`, worded `一般公共预算资金` / `政府性基金`, and written
//! down to 款 and 项 under each 类 or a level further under 一般公共预算.
//! Every budget is consistent: none may give a finding, and every layout
//! must give the figures of the official one.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use yusuan::import::{import_workbook, ImportOptions};
use yusuan::model::Budget;
use yusuan::reconcile::{check, Finding};
use yusuan::samples::putuo_budgets::{Department, Document, Level, Style};
use yusuan::samples::variants::vary;
use yusuan::template::{Side, Templates};

/// Departments generated per run (each gives 2–4 budgets, each in two layouts).
const DEPARTMENTS: u64 = 40;

/// Every figure of a budget by where it sits in the model, zero as absent:
/// the coded tables' cells by code and column, 三公, and the lines of 表1
/// and 表4 that are not another line's part by their key (or class), with
/// their own columns. A line written only as a part (款 and 项 under a 类,
/// a level under 一般公共预算) is detail a layout may add; it is checked
/// against its parent, not compared here.
fn figures(b: &Budget) -> BTreeMap<String, Decimal> {
    let mut out = BTreeMap::new();
    let mut put = |k: String, v: Decimal| {
        if !v.is_zero() {
            out.insert(k, v);
        }
    };
    for id in ["t2", "t3", "t5_1", "t6", "t8", "t9"] {
        let Some(t) = b.tables.coded(id) else {
            continue;
        };
        for r in t.total.iter().chain(&t.rows) {
            let code = r.code.clone().unwrap_or_else(|| "合计".into());
            for (k, a) in r.amounts.iter().chain(&r.extras) {
                put(format!("{id}/{code}/{k}"), a.yuan);
            }
        }
    }
    if let Some(t7) = &b.tables.t7 {
        for (k, a) in t7.amounts.iter().chain(&t7.extras) {
            put(format!("t7/{k}"), a.yuan);
        }
    }
    for id in ["t1", "t4"] {
        let Some(t) = b.tables.lines(id) else {
            continue;
        };
        for side in [Side::Income, Side::Expense] {
            for l in t.side(side) {
                let key = match (&l.key, l.part_of) {
                    (Some(k), _) => k.clone(),
                    (None, None) => format!("?{}", l.label),
                    (None, Some(_)) => continue,
                };
                put(format!("{id}/{side:?}/{key}"), l.amount.yuan);
                for (k, a) in &l.extras {
                    put(format!("{id}/{side:?}/{key}/{k}"), a.yuan);
                }
            }
        }
    }
    out
}

fn read(doc: &Document) -> Budget {
    import_workbook(
        &doc.workbook,
        &Templates::builtin(),
        &ImportOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{}: {e}", doc.file))
}

fn said(findings: &[Finding]) -> String {
    findings
        .iter()
        .take(6)
        .map(|f| format!("{} {:?} {}", f.rule, f.severity, f.message))
        .collect::<Vec<_>>()
        .join("\n      ")
}

/// One department in the official layout and in the style `seed` draws,
/// and that laid out further by the random layout variator: each budget
/// read by the bureau's template, no finding at all (but the text numbers
/// and extra columns a variant adds, which are reported as such), every
/// table's cells read, the figures the official layout's.
fn check_department(seed: u64, failures: &mut Vec<String>) -> usize {
    let dept = Department::random(seed);
    let style = Style::random(seed);
    let official = dept.documents(&Style::official());
    let styled = dept.documents(&style);
    let mut n = 0;
    for (canon, doc) in official.iter().zip(&styled) {
        let why = |what: String| format!("seed {seed} {} [{style:?}]:\n      {what}", doc.file);
        let base = read(canon);
        let base_findings = check(&base);
        if !base_findings.is_empty() {
            failures.push(why(format!("official layout: {}", said(&base_findings))));
            continue;
        }
        let got = read(doc);
        n += 1;
        if got.source.template != "shanghai-putuo-2026" {
            failures.push(why(format!("template {}", got.source.template)));
            continue;
        }
        let found = check(&got);
        if !found.is_empty() {
            failures.push(why(said(&found)));
            continue;
        }
        for m in got.tables.metas() {
            if m.coverage.cells_left > 0 {
                failures.push(why(format!(
                    "{} left {} cells",
                    m.id, m.coverage.cells_left
                )));
            }
        }
        let want = figures(&base);
        let v = vary(&doc.workbook, &got, seed);
        let varied = import_workbook(
            &v.workbook,
            &Templates::builtin(),
            &ImportOptions::default(),
        );
        match varied {
            Ok(b) => {
                let found: Vec<Finding> = check(&b)
                    .into_iter()
                    .filter(|f| !(f.rule == "S.text_number" && v.text_numbers.contains(&f.table)))
                    .filter(|f| !(f.rule == "I.extra_column" && v.extra_columns.contains(&f.table)))
                    .collect();
                if !found.is_empty() || figures(&b) != want {
                    failures.push(why(format!(
                        "varied [{}]: {}",
                        v.applied.join("; "),
                        said(&found)
                    )));
                }
            }
            Err(e) => failures.push(why(format!("varied [{}]: {e}", v.applied.join("; ")))),
        }
        let have = figures(&got);
        if want != have {
            let diff: Vec<String> = want
                .iter()
                .filter(|(k, v)| have.get(*k) != Some(v))
                .map(|(k, v)| format!("{k}: {v} → {:?}", have.get(k)))
                .chain(
                    have.iter()
                        .filter(|(k, _)| !want.contains_key(*k))
                        .map(|(k, v)| format!("{k}: (none) → {v}")),
                )
                .take(6)
                .collect();
            failures.push(why(format!("figures differ: {}", diff.join("; "))));
        }
    }
    n
}

#[test]
fn generated_budgets_of_a_second_bureau_give_no_finding_in_any_layout() {
    let mut failures = Vec::new();
    let mut n = 0;
    for seed in 0..DEPARTMENTS {
        n += check_department(seed, &mut failures);
    }
    assert!(n >= 2 * DEPARTMENTS as usize, "{n} budgets");
    assert!(
        failures.is_empty(),
        "{} of {n} budgets failed:\n{}",
        failures.len(),
        failures
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The generator makes what it says: both levels, every style's features
/// somewhere in the run, and a 部门预算 that is its units' sum.
#[test]
fn the_generator_covers_both_levels_and_every_style() {
    let mut levels = (0, 0);
    let (mut unmerged, mut drift, mut detail, mut income_detail) = (0, 0, 0, 0);
    for seed in 0..DEPARTMENTS {
        let style = Style::random(seed);
        unmerged += usize::from(!style.merges);
        drift += usize::from(style.drift);
        detail += usize::from(style.expense_detail == 2);
        income_detail += usize::from(style.income_detail);
        let docs = Department::random(seed).documents(&style);
        for d in &docs {
            match d.level {
                Level::Department => levels.0 += 1,
                Level::Unit => levels.1 += 1,
            }
        }
        // The department's 表3 合计 is its units' sum.
        let total = |d: &Document| {
            read(d)
                .tables
                .t3
                .as_ref()
                .unwrap()
                .total
                .as_ref()
                .unwrap()
                .amounts["total"]
                .yuan
        };
        let units: Decimal = docs[1..].iter().map(total).sum();
        assert_eq!(total(&docs[0]), units, "seed {seed}");
    }
    assert_eq!(levels.0, DEPARTMENTS as usize);
    assert!(levels.1 > levels.0, "{levels:?}");
    for (what, n) in [
        ("unmerged", unmerged),
        ("drift", drift),
        ("项 detail", detail),
        ("income detail", income_detail),
    ] {
        assert!(n >= 5, "{what}: {n}");
    }
}

/// Seeds that once failed, kept whatever `DEPARTMENTS` becomes.
const REGRESSIONS: &[(u64, &str)] = &[
    // The variator put blank rows inside a header band of more than two
    // rows (the 单位 表1's, the 三公 table's): a header split in two.
    (30, "blank rows inside the 单位 表1's four-row header"),
    (34, "blank rows inside the 单位 表1's four-row header"),
    (35, "blank rows inside the 三公 table's three-row header"),
];

#[test]
fn departments_that_once_failed_still_pass() {
    let mut failures = Vec::new();
    for (seed, what) in REGRESSIONS {
        let mut f = Vec::new();
        check_department(*seed, &mut f);
        failures.extend(f.into_iter().map(|f| format!("{what}: {f}")));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
