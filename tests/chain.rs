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

const NEW: [&str; 2] = ["X.t2_t4_carry", "T6.kinds"];

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
    let found = check(&b);
    assert_eq!(fired(&found), ["X.t2_t4_carry"].into(), "{found:#?}");
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
