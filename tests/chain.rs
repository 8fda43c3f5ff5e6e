//! The chain closed: for each relation no earlier rule held, a figure is
//! moved in a consistent department so that every other rule still holds
//! (the same total kept in every row and table it appears in); the new rule
//! finds it, pinned to a moved cell, and nothing else fires. The samples
//! and random layouts of them give none of the new findings.

use std::collections::BTreeSet;
use std::path::Path;

use rust_decimal::Decimal;
use yusuan::import::{import_workbook, ImportOptions};
use yusuan::model::{Budget, CodedTable, Severity};
use yusuan::reconcile::{check, Finding};
use yusuan::samples::variants::vary;
use yusuan::template::{Side, Templates};
use yusuan::workbook::Workbook;

const NEW: [&str; 3] = ["X.t2_t4_carry", "T6.kinds", "X.units"];

fn sample(name: &str) -> Budget {
    let wb = Workbook::open(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("samples")
            .join(name),
    )
    .unwrap();
    import_workbook(&wb, &Templates::builtin(), &ImportOptions::default()).unwrap()
}

/// Moves `yuan` from column `from` to column `to` in the rows of `codes`
/// (`合计` for the total row): every row sum and every tree sum kept.
fn shift(t: &mut CodedTable, codes: &[&str], from: &str, to: &str, yuan: i64) {
    for code in codes {
        let row = if *code == "合计" {
            t.total.as_mut().unwrap()
        } else {
            t.rows
                .iter_mut()
                .find(|r| r.code.as_deref() == Some(code))
                .unwrap_or_else(|| panic!("no row {code}"))
        };
        row.amounts.get_mut(from).unwrap().yuan -= Decimal::from(yuan);
        row.amounts.get_mut(to).unwrap().yuan += Decimal::from(yuan);
    }
}

fn fired(findings: &[Finding]) -> BTreeSet<&'static str> {
    findings.iter().map(|f| f.rule).collect()
}

#[test]
fn consistent_budgets_in_any_layout_give_none_of_the_new_findings() {
    for name in [
        "wenlv-2024.xlsx",
        "qiaokou-2024.xlsx",
        "wenlv-2022.xlsx",
        "putuo-2026.xlsx",
        "wenlv-2024-quirks.xlsx",
    ] {
        let found = check(&sample(name));
        let new: Vec<&Finding> = found.iter().filter(|f| NEW.contains(&f.rule)).collect();
        assert!(new.is_empty(), "{name}: {new:#?}");
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/wenlv-2024.xlsx");
    let wb = Workbook::open(&path).unwrap();
    let base = sample("wenlv-2024.xlsx");
    for seed in 0..12 {
        let v = vary(&wb, &base, seed);
        let b = import_workbook(
            &v.workbook,
            &Templates::builtin(),
            &ImportOptions::default(),
        )
        .unwrap();
        let found = check(&b);
        let new: Vec<&Finding> = found.iter().filter(|f| NEW.contains(&f.rule)).collect();
        assert!(new.is_empty(), "seed {seed}: {new:#?}");
    }
}

/// Regression: carry-over moved between funds in 表2 (its subtotal, the
/// department's and the unit's rows kept) agreed with every rule — only
/// 本年 and the carry subtotal were linked to 表4.
#[test]
fn x_t2_t4_carry() {
    let mut b = sample("wenlv-2024.xlsx");
    assert!(check(&b).is_empty());
    let t2 = b.tables.t2.as_mut().unwrap();
    shift(
        t2,
        &["合计", "145", "145001"],
        "carry_gp",
        "carry_gf",
        10_000,
    );
    // The unit's 一般公共预算 is 表5-2's row too: X.units says that side.
    let all = check(&b);
    assert_eq!(fired(&all), ["X.t2_t4_carry", "X.units"].into(), "{all:#?}");
    let found: Vec<Finding> = all
        .into_iter()
        .filter(|f| f.rule == "X.t2_t4_carry")
        .collect();
    assert_eq!(
        found.len(),
        2,
        "the 一般公共预算 pair and the 政府性基金 pair: {found:#?}"
    );
    let t2 = b.tables.t2.as_ref().unwrap();
    let t4 = b.tables.t4.as_ref().unwrap();
    let gp = &found[0];
    assert_eq!(gp.severity, Severity::Error);
    let cells: Vec<String> = gp.cells.iter().map(ToString::to_string).collect();
    assert_eq!(
        cells,
        [
            t2.total.as_ref().unwrap().amounts["carry_gp"]
                .cell
                .to_string(),
            t4.line(Side::Income, "carry_gp")
                .unwrap()
                .amount
                .cell
                .to_string(),
        ]
    );
}

/// Regression: a 301 amount moved from 人员经费 to 公用经费 (in 表6's
/// 30101, 301 and 合计 rows, and the same in 表5-1 and 表5-2 along one
/// chain of rows, every row total kept) agreed with every rule.
#[test]
fn t6_kinds() {
    let mut b = sample("wenlv-2024.xlsx");
    let x = 10_000;
    shift(
        b.tables.t6.as_mut().unwrap(),
        &["合计", "301", "30101"],
        "personnel",
        "public",
        x,
    );
    // 表5-1 and 表5-2 say the same of 基本支出, along a 项 and its parents,
    // and along a unit and its department.
    let t5 = b.tables.t5_1.as_mut().unwrap();
    let leaf = t5
        .rows
        .iter()
        .find(|r| {
            r.code.as_deref().is_some_and(|c| c.len() == 7)
                && r.amount("basic_personnel")
                    .is_some_and(|a| a.yuan >= Decimal::from(x))
        })
        .and_then(|r| r.code.clone())
        .unwrap();
    let chain = [leaf[..3].to_string(), leaf[..5].to_string(), leaf.clone()];
    let mut codes: Vec<&str> = chain.iter().map(String::as_str).collect();
    codes.push("合计");
    shift(t5, &codes, "basic_personnel", "basic_public", x);
    let t52 = b.tables.t5_2.as_mut().unwrap();
    let unit = t52
        .rows
        .iter()
        .find(|r| {
            r.level.as_deref() == Some("单位")
                && r.amount("basic_personnel")
                    .is_some_and(|a| a.yuan >= Decimal::from(x))
        })
        .and_then(|r| r.code.clone())
        .unwrap();
    shift(
        t52,
        &["合计", &unit[..3], &unit],
        "basic_personnel",
        "basic_public",
        x,
    );
    let found = check(&b);
    assert_eq!(fired(&found), ["T6.kinds"].into(), "{found:#?}");
    let f = &found[0];
    assert_eq!(f.severity, Severity::Error);
    let t6 = b.tables.t6.as_ref().unwrap();
    let moved: BTreeSet<String> = ["301", "30101"]
        .iter()
        .map(|c| t6.row(c).unwrap().amounts["public"].cell.to_string())
        .collect();
    let said: BTreeSet<String> = found
        .iter()
        .flat_map(|f| f.cells.iter().map(ToString::to_string))
        .collect();
    assert_eq!(said, moved, "{found:#?}");
}

/// Moves `yuan` of `keys` from one unit's row of `t` to another's: the
/// department's row and the 合计 keep their sums, each row its own.
fn move_between_units(t: &mut CodedTable, from: &str, to: &str, keys: &[&str], yuan: i64) {
    for (code, sign) in [(from, -1), (to, 1)] {
        let row = t
            .rows
            .iter_mut()
            .find(|r| r.code.as_deref() == Some(code))
            .unwrap_or_else(|| panic!("no unit {code}"));
        for k in keys {
            row.amounts.get_mut(*k).unwrap().yuan += Decimal::from(sign * yuan);
        }
    }
}

/// Regression: an amount moved from one unit to another in 表5-2 (both
/// rows' sums, the department's row and the 合计 kept) agreed with every
/// rule — 表5-2 was linked to 表2 and 表10 only in total. Over random
/// layouts of the department, the new rule finds it at the moved cells.
#[test]
fn x_units() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/wenlv-2024.xlsx");
    let wb = Workbook::open(&path).unwrap();
    let base = sample("wenlv-2024.xlsx");
    for seed in 0..6 {
        let v = vary(&wb, &base, seed);
        let mut b = import_workbook(
            &v.workbook,
            &Templates::builtin(),
            &ImportOptions::default(),
        )
        .unwrap();
        assert!(
            check(&b).iter().all(|f| f.severity == Severity::Info),
            "seed {seed}"
        );
        // Project money from 本级 to the library: 合计 and 项目支出 of both.
        let t52 = b.tables.t5_2.as_mut().unwrap();
        move_between_units(t52, "145001", "145002", &["total", "project"], 10_000);
        let found: Vec<Finding> = check(&b)
            .into_iter()
            .filter(|f| f.severity != Severity::Info)
            .collect();
        let errors: Vec<&Finding> = found.iter().collect();
        assert_eq!(fired(&found), ["X.units"].into(), "seed {seed}: {found:#?}");
        // Each unit against 表2 (合计) and 表10 (项目支出).
        assert_eq!(errors.len(), 4, "seed {seed}: {errors:#?}");
        let t52 = b.tables.t5_2.as_ref().unwrap();
        let moved: BTreeSet<String> = ["145001", "145002"]
            .iter()
            .flat_map(|u| {
                let r = t52.row(u).unwrap();
                ["total", "project"].map(|k| r.amounts[k].cell.to_string())
            })
            .collect();
        for f in &errors {
            assert!(
                f.cells.iter().any(|c| moved.contains(&c.to_string())),
                "seed {seed}: not pinned to a moved cell: {f:#?}"
            );
        }
    }
}

/// A unit that 表2 lists with 一般公共预算 money and 表5-2 does not is said.
#[test]
fn x_units_a_unit_missing_from_t5_2() {
    let mut b = sample("wenlv-2024.xlsx");
    let t52 = b.tables.t5_2.as_mut().unwrap();
    let moved = t52
        .rows
        .iter()
        .position(|r| r.code.as_deref() == Some("145002"))
        .unwrap();
    t52.rows[moved].code = Some("145009".into());
    let found = check(&b);
    let said: Vec<&Finding> = found.iter().filter(|f| f.rule == "X.units").collect();
    assert!(
        said.iter()
            .any(|f| f.message.contains("145009") && f.message.contains("却没有这个单位")),
        "{said:#?}"
    );
    assert!(
        said.iter()
            .any(|f| f.message.contains("145002") && f.message.contains("却没有这个单位")),
        "{said:#?}"
    );
}
