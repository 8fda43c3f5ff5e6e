//! One test per rule: break that relation in a generated workbook (the
//! consistent multi-unit department, one or two figures changed) and see the
//! rule fire with the right severity and cells — and exactly the rules that
//! change must touch. The consistent workbook itself passes with no finding.

use std::collections::BTreeSet;
use yusuan::model::TableId;

use yusuan::import::{import_file, ImportOptions};
use yusuan::model::{Budget, Severity};
use yusuan::reconcile::{check, Finding, RULES};
use yusuan::samples::{write_workbook, GridFixture, Layout, LinesFixture, PrintedBudget, FIXTURES};
use yusuan::template::{Side, Templates};

struct Checked {
    budget: Budget,
    findings: Vec<Finding>,
}

fn base() -> PrintedBudget {
    PrintedBudget::parse(FIXTURES.iter().find(|(n, _)| *n == "wenlv-2024").unwrap().1).unwrap()
}

fn run_with(fx: &PrintedBudget, layout: &Layout) -> Checked {
    let templates = Templates::builtin();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.xlsx");
    write_workbook(fx, templates.get("2024").unwrap(), layout, &path).unwrap();
    let budget = import_file(&path, &templates, &ImportOptions::default()).unwrap();
    let findings = check(&budget);
    Checked { budget, findings }
}

fn run(fx: &PrintedBudget) -> Checked {
    run_with(fx, &Layout::official())
}

/// Sets a figure of a grid fixture: the row by code (`合计` for the total row).
fn set(g: &mut GridFixture, code: &str, key: &str, value: &str) {
    let ci = g.col("code").unwrap();
    let ki = g.col(key).unwrap_or_else(|| panic!("no column {key}"));
    let row = g
        .rows
        .iter_mut()
        .find(|r| r[ci] == code || (code == "合计" && r[ci].is_empty()))
        .unwrap_or_else(|| panic!("no row {code}"));
    row[ki] = value.to_string();
}

/// Sets the amount beside a label of a side-by-side fixture.
fn set_line(l: &mut LinesFixture, label: &str, value: &str) {
    for row in &mut l.rows {
        for side in [0, 2] {
            if row[side].contains(label) {
                row[side + 1] = value.to_string();
                return;
            }
        }
    }
    panic!("no line {label}");
}

/// Rules that fired as warning or error.
fn fired(c: &Checked) -> BTreeSet<&'static str> {
    c.findings
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
        .map(|f| f.rule)
        .collect()
}

fn coded_cell(c: &Checked, table: TableId, code: &str, key: &str) -> String {
    let t = c.budget.tables.coded(table).unwrap();
    let row = if code == "合计" {
        t.total.as_ref().unwrap()
    } else {
        t.row(code).unwrap()
    };
    row.amounts[key].cell.to_string()
}

fn line_cell(c: &Checked, table: TableId, side: Side, key: &str) -> String {
    c.budget
        .tables
        .lines(table)
        .unwrap()
        .line(side, key)
        .unwrap()
        .amount
        .cell
        .to_string()
}

/// Some finding of `rule` with `severity` names all `cells`.
fn assert_fires(c: &Checked, rule: &str, severity: Severity, cells: &[String]) {
    let hit = c.findings.iter().any(|f| {
        f.rule == rule
            && f.severity == severity
            && cells
                .iter()
                .all(|x| f.cells.iter().any(|y| y.to_string() == *x))
    });
    assert!(
        hit,
        "{rule} {severity:?} with cells {cells:?} not among:\n{:#?}",
        c.findings
    );
}

fn assert_set(c: &Checked, want: &[&str]) {
    let want: BTreeSet<&str> = want.iter().copied().collect();
    assert_eq!(fired(c), want, "findings:\n{:#?}", c.findings);
}

#[test]
fn the_consistent_workbook_passes_every_rule() {
    let c = run(&base());
    assert!(c.findings.is_empty(), "{:#?}", c.findings);
}

#[test]
fn every_rule_has_a_test_here() {
    // The years' rules (`Y.*`) need a batch of several years: tests/years.rs;
    // the rules closing the chain move figures in a model: tests/chain.rs.
    let src = [
        include_str!("rules.rs"),
        include_str!("years.rs"),
        include_str!("chain.rs"),
    ]
    .concat();
    for r in RULES {
        assert!(
            src.contains(&format!("fn {}(", r.id.to_lowercase().replace('.', "_"))),
            "no test for rule {}",
            r.id
        );
    }
}

// ---------------------------------------------------------------- 表1
#[test]
fn t1_income_total() {
    let mut fx = base();
    set_line(&mut fx.t1, "本年收入合计", "871.00");
    set_line(&mut fx.t1, "收 入 总 计", "901.00");
    set_line(&mut fx.t1, "支 出 总 计", "901.00");
    set_line(&mut fx.t1, "年终结转结余", "1.00");
    let c = run(&fx);
    assert_fires(
        &c,
        "T1.income_total",
        Severity::Error,
        &[line_cell(&c, TableId::T1, Side::Income, "total")],
    );
    assert_set(&c, &["T1.income_total", "X.t11_t1"]);
}

#[test]
fn t1_expense_total() {
    let mut fx = base();
    set_line(&mut fx.t1, "本年支出合计", "901.00");
    let c = run(&fx);
    assert_fires(
        &c,
        "T1.expense_total",
        Severity::Error,
        &[
            line_cell(&c, TableId::T1, Side::Expense, "total"),
            line_cell(&c, TableId::T1, Side::Expense, "class_207"),
        ],
    );
    assert_set(
        &c,
        &["T1.expense_total", "T1.grand_expense", "X.t1_t3_total"],
    );
}

#[test]
fn t1_grand_income() {
    let mut fx = base();
    set_line(&mut fx.t1, "收 入 总 计", "901.00");
    let c = run(&fx);
    assert_fires(
        &c,
        "T1.grand_income",
        Severity::Error,
        &[
            line_cell(&c, TableId::T1, Side::Income, "grand_total"),
            line_cell(&c, TableId::T1, Side::Income, "carryover"),
        ],
    );
    assert_set(&c, &["T1.grand_income", "T1.balance"]);
}

#[test]
fn t1_grand_expense() {
    let mut fx = base();
    set_line(&mut fx.t1, "年终结转结余", "1.00");
    let c = run(&fx);
    assert_fires(
        &c,
        "T1.grand_expense",
        Severity::Error,
        &[line_cell(&c, TableId::T1, Side::Expense, "carry_forward")],
    );
    assert_set(&c, &["T1.grand_expense"]);
}

#[test]
fn t1_balance() {
    let mut fx = base();
    set_line(&mut fx.t1, "年终结转结余", "1.00");
    set_line(&mut fx.t1, "支 出 总 计", "901.00");
    let c = run(&fx);
    assert_fires(
        &c,
        "T1.balance",
        Severity::Error,
        &[
            line_cell(&c, TableId::T1, Side::Income, "grand_total"),
            line_cell(&c, TableId::T1, Side::Expense, "grand_total"),
        ],
    );
    assert_set(&c, &["T1.balance"]);
}

// ---------------------------------------------------------------- 表2
#[test]
fn t2_row() {
    let mut fx = base();
    set(&mut fx.t2, "145002", "cur_subtotal", "321.00");
    let c = run(&fx);
    assert_fires(
        &c,
        "T2.row",
        Severity::Error,
        &[
            coded_cell(&c, TableId::T2, "145002", "cur_subtotal"),
            coded_cell(&c, TableId::T2, "145002", "cur_business"),
        ],
    );
    assert_set(&c, &["T2.row", "T2.rollup"]);
}

#[test]
fn t2_rollup() {
    let mut fx = base();
    for key in ["total", "carry_subtotal", "carry_gp"] {
        let v = if key == "total" { "901.00" } else { "31.00" };
        set(&mut fx.t2, "145", key, v);
    }
    let c = run(&fx);
    assert_fires(
        &c,
        "T2.rollup",
        Severity::Error,
        &[
            coded_cell(&c, TableId::T2, "145", "carry_gp"),
            coded_cell(&c, TableId::T2, "145001", "carry_gp"),
        ],
    );
    assert_set(&c, &["T2.rollup"]);
}

// ---------------------------------------------------------------- 表3
#[test]
fn t3_row() {
    let mut fx = base();
    set(&mut fx.t3, "2070104", "subsidy", "1.00");
    let c = run(&fx);
    assert_fires(
        &c,
        "T3.row",
        Severity::Error,
        &[
            coded_cell(&c, TableId::T3, "2070104", "total"),
            coded_cell(&c, TableId::T3, "2070104", "subsidy"),
        ],
    );
    assert_set(&c, &["T3.row", "T3.tree"]);
}

#[test]
fn t3_tree() {
    let mut fx = base();
    set(&mut fx.t3, "20701", "total", "641.00");
    set(&mut fx.t3, "20701", "basic", "501.00");
    let c = run(&fx);
    assert_fires(
        &c,
        "T3.tree",
        Severity::Error,
        &[
            coded_cell(&c, TableId::T3, "20701", "total"),
            coded_cell(&c, TableId::T3, "2070101", "total"),
        ],
    );
    assert_fires(
        &c,
        "T3.tree",
        Severity::Error,
        &[
            coded_cell(&c, TableId::T3, "207", "basic"),
            coded_cell(&c, TableId::T3, "20701", "basic"),
        ],
    );
    assert_set(&c, &["T3.tree"]);
}

// ---------------------------------------------------------------- 表4
#[test]
fn t4_income_total() {
    let mut fx = base();
    set_line(&mut fx.t4, "一、本年收入", "851.00");
    let c = run(&fx);
    assert_fires(
        &c,
        "T4.income_total",
        Severity::Error,
        &[
            line_cell(&c, TableId::T4, Side::Income, "cur_total"),
            line_cell(&c, TableId::T4, Side::Income, "cur_gp"),
        ],
    );
    assert_set(&c, &["T4.income_total", "X.t11_t1"]);
}

#[test]
fn t4_expense_total() {
    let mut fx = base();
    set_line(&mut fx.t4, "一、本年支出", "881.00");
    let c = run(&fx);
    assert_fires(
        &c,
        "T4.expense_total",
        Severity::Error,
        &[
            line_cell(&c, TableId::T4, Side::Expense, "total"),
            line_cell(&c, TableId::T4, Side::Expense, "class_221"),
        ],
    );
    assert_set(&c, &["T4.expense_total"]);
}

#[test]
fn t4_balance() {
    let mut fx = base();
    set_line(&mut fx.t4, "二、年终结转结余", "1.00");
    set_line(&mut fx.t4, "支 出 总 计", "881.00");
    let c = run(&fx);
    assert_fires(
        &c,
        "T4.balance",
        Severity::Error,
        &[
            line_cell(&c, TableId::T4, Side::Income, "grand_total"),
            line_cell(&c, TableId::T4, Side::Expense, "grand_total"),
        ],
    );
    assert_set(&c, &["T4.balance"]);
}

// ---------------------------------------------------------------- 表5
#[test]
fn t5_1_row() {
    let mut fx = base();
    set(&mut fx.t5_1, "2070101", "basic_public", "61.00");
    let c = run(&fx);
    assert_fires(
        &c,
        "T5_1.row",
        Severity::Error,
        &[
            coded_cell(&c, TableId::T5_1, "2070101", "basic_subtotal"),
            coded_cell(&c, TableId::T5_1, "2070101", "basic_public"),
        ],
    );
    assert_set(&c, &["T5_1.row", "T5_1.tree"]);
}

#[test]
fn t5_1_tree() {
    let mut fx = base();
    for (k, v) in [
        ("total", "621.00"),
        ("basic_subtotal", "501.00"),
        ("basic_personnel", "391.00"),
    ] {
        set(&mut fx.t5_1, "20701", k, v);
    }
    let c = run(&fx);
    assert_fires(
        &c,
        "T5_1.tree",
        Severity::Error,
        &[
            coded_cell(&c, TableId::T5_1, "207", "total"),
            coded_cell(&c, TableId::T5_1, "20701", "total"),
        ],
    );
    assert_set(&c, &["T5_1.tree"]);
}

#[test]
fn t5_2_row() {
    let mut fx = base();
    set(&mut fx.t5_2, "145002", "total", "301.00");
    let c = run(&fx);
    assert_fires(
        &c,
        "T5_2.row",
        Severity::Error,
        &[
            coded_cell(&c, TableId::T5_2, "145002", "total"),
            coded_cell(&c, TableId::T5_2, "145002", "project"),
        ],
    );
    // The unit's 合计 no longer equals its 表2 一般公共预算 either.
    assert_set(&c, &["T5_2.row", "T5_2.rollup", "X.units"]);
}

#[test]
fn t5_2_rollup() {
    let mut fx = base();
    for (k, v) in [
        ("total", "831.00"),
        ("basic_subtotal", "711.00"),
        ("basic_personnel", "601.00"),
    ] {
        set(&mut fx.t5_2, "145", k, v);
    }
    let c = run(&fx);
    assert_fires(
        &c,
        "T5_2.rollup",
        Severity::Error,
        &[
            coded_cell(&c, TableId::T5_2, "145", "basic_personnel"),
            coded_cell(&c, TableId::T5_2, "145002", "basic_personnel"),
        ],
    );
    assert_set(&c, &["T5_2.rollup"]);
}

// ---------------------------------------------------------------- 表6
#[test]
fn t6_row() {
    let mut fx = base();
    set(&mut fx.t6, "30201", "total", "31.00");
    let c = run(&fx);
    assert_fires(
        &c,
        "T6.row",
        Severity::Error,
        &[
            coded_cell(&c, TableId::T6, "30201", "total"),
            coded_cell(&c, TableId::T6, "30201", "public"),
        ],
    );
    assert_set(&c, &["T6.row", "T6.tree"]);
}

#[test]
fn t6_tree() {
    let mut fx = base();
    set(&mut fx.t6, "30201", "total", "31.00");
    set(&mut fx.t6, "30201", "public", "31.00");
    let c = run(&fx);
    assert_fires(
        &c,
        "T6.tree",
        Severity::Error,
        &[
            coded_cell(&c, TableId::T6, "302", "public"),
            coded_cell(&c, TableId::T6, "30201", "public"),
        ],
    );
    assert_set(&c, &["T6.tree"]);
}

// ---------------------------------------------------------------- 表7
#[test]
fn t7_row() {
    let mut fx = base();
    fx.t7.rows[0][5] = "5.00".into();
    let c = run(&fx);
    let t7 = c.budget.tables.t7.as_ref().unwrap();
    assert_fires(
        &c,
        "T7.row",
        Severity::Error,
        &[
            t7.amounts["total"].cell.to_string(),
            t7.amounts["reception"].cell.to_string(),
        ],
    );
    assert_set(&c, &["T7.row"]);
}

// ---------------------------------------------------------------- 表8, 表9
#[test]
fn t8_row() {
    let mut fx = base();
    set(&mut fx.t8, "2296003", "basic", "1.00");
    let c = run(&fx);
    assert_fires(
        &c,
        "T8.row",
        Severity::Error,
        &[coded_cell(&c, TableId::T8, "2296003", "basic")],
    );
    assert_set(&c, &["T8.row", "T8.tree"]);
}

#[test]
fn t8_tree() {
    let mut fx = base();
    set(&mut fx.t8, "2296003", "total", "51.00");
    set(&mut fx.t8, "2296003", "project", "51.00");
    let c = run(&fx);
    assert_fires(
        &c,
        "T8.tree",
        Severity::Error,
        &[
            coded_cell(&c, TableId::T8, "22960", "project"),
            coded_cell(&c, TableId::T8, "2296003", "project"),
        ],
    );
    assert_set(&c, &["T8.tree"]);
}

/// 表9 with rows whose totals are zero, so only 表9's own rules can fire.
fn t9_rows(fx: &mut PrintedBudget, item: [&str; 3]) {
    let z = "0.00".to_string();
    fx.t9.notes.clear();
    fx.t9.rows = vec![
        vec![
            "合计".into(),
            String::new(),
            z.clone(),
            z.clone(),
            z.clone(),
        ],
        vec![
            "223".into(),
            "国有资本经营预算支出".into(),
            z.clone(),
            z.clone(),
            z.clone(),
        ],
        vec![
            "22301".into(),
            "解决历史遗留问题及改革成本支出".into(),
            z.clone(),
            z.clone(),
            z.clone(),
        ],
        vec![
            "2230199".into(),
            "其他解决历史遗留问题及改革成本支出".into(),
            item[0].into(),
            item[1].into(),
            item[2].into(),
        ],
    ];
}

#[test]
fn t9_row() {
    let mut fx = base();
    t9_rows(&mut fx, ["0.00", "1.00", "0.00"]);
    let c = run(&fx);
    assert_fires(
        &c,
        "T9.row",
        Severity::Error,
        &[
            coded_cell(&c, TableId::T9, "2230199", "total"),
            coded_cell(&c, TableId::T9, "2230199", "basic"),
        ],
    );
    assert_set(&c, &["T9.row", "T9.tree"]);
}

#[test]
fn t9_tree() {
    let mut fx = base();
    t9_rows(&mut fx, ["0.00", "1.00", "-1.00"]);
    let c = run(&fx);
    assert_fires(
        &c,
        "T9.tree",
        Severity::Error,
        &[
            coded_cell(&c, TableId::T9, "22301", "basic"),
            coded_cell(&c, TableId::T9, "2230199", "basic"),
        ],
    );
    // The corrupted leaf is negative: P.negative asks about it too.
    assert_set(&c, &["T9.tree", "P.negative"]);
}

// ---------------------------------------------------------------- 表10
#[test]
fn t10_row() {
    let mut fx = base();
    set(&mut fx.t10, "42010424145T000000202", "total", "51.00");
    let c = run(&fx);
    assert_fires(
        &c,
        "T10.row",
        Severity::Error,
        &[
            coded_cell(&c, TableId::T10, "42010424145T000000202", "total"),
            coded_cell(&c, TableId::T10, "42010424145T000000202", "cur_gf"),
        ],
    );
    // The project's form says the 50.00 万元 it had.
    assert_set(&c, &["T10.row", "T10.rollup", "X.t12_t10"]);
}

#[test]
fn t10_rollup() {
    let mut fx = base();
    // The first category row (31 under 145001): row stays consistent.
    let (ci, ti, gi) = (
        fx.t10.col("code").unwrap(),
        fx.t10.col("total").unwrap(),
        fx.t10.col("cur_gp").unwrap(),
    );
    let row = fx.t10.rows.iter_mut().find(|r| r[ci] == "31").unwrap();
    row[ti] = "151.00".into();
    row[gi] = "71.00".into();
    let c = run(&fx);
    let t10 = c.budget.tables.t10.as_ref().unwrap();
    let cat = t10
        .rows
        .iter()
        .find(|r| r.code.as_deref() == Some("31"))
        .unwrap();
    assert_fires(
        &c,
        "T10.rollup",
        Severity::Error,
        &[
            cat.amounts["cur_gp"].cell.to_string(),
            coded_cell(&c, TableId::T10, "42010424145T000000201", "cur_gp"),
        ],
    );
    assert_fires(
        &c,
        "T10.rollup",
        Severity::Error,
        &[
            coded_cell(&c, TableId::T10, "145001", "total"),
            cat.amounts["total"].cell.to_string(),
        ],
    );
    assert_set(&c, &["T10.rollup"]);
}

// ---------------------------------------------------------------- 表11, 表12
#[test]
fn t11_funds() {
    let mut fx = base();
    fx.t11.funds[2][4] = "796".into();
    let c = run(&fx);
    assert_set(&c, &["T11.funds"]);
    let f = c.findings.iter().find(|f| f.rule == "T11.funds").unwrap();
    assert_eq!(
        (
            f.expected.as_deref(),
            f.actual.as_deref(),
            f.difference.as_deref()
        ),
        (Some("796.00"), Some("795.00"), Some("-1.00"))
    );
    assert_eq!(f.cells.len(), 3);
}

#[test]
fn t11_share() {
    let mut fx = base();
    fx.t11.funds[0][3] = "97.50%".into();
    let c = run(&fx);
    assert_set(&c, &["T11.share"]);
    let f = c.findings.iter().find(|f| f.rule == "T11.share").unwrap();
    assert_eq!(
        (f.expected.as_deref(), f.actual.as_deref()),
        (Some("97.50"), Some("97.70"))
    );
}

#[test]
fn t12_sources() {
    let mut fx = base();
    fx.t12[0].sources[5][1] = "1000".into();
    let c = run(&fx);
    // The form no longer agrees with its 表10 project either.
    assert_set(&c, &["T12.sources", "X.t12_sources"]);
    let f = c.findings.iter().find(|f| f.rule == "T12.sources").unwrap();
    assert_eq!(
        (f.difference.as_deref(), f.unit.map(|u| u.label())),
        (Some("1000.00"), Some("元")),
        "元 tables compare exactly"
    );
}

#[test]
fn t12_detail() {
    let mut fx = base();
    fx.t12[0].details[0][4] = "600001".into();
    let c = run(&fx);
    assert_set(&c, &["T12.detail"]);
    let f = c.findings.iter().find(|f| f.rule == "T12.detail").unwrap();
    assert_eq!(
        f.difference.as_deref(),
        Some("1.00"),
        "one 元 is an error in a 元 form"
    );
}

#[test]
fn t12_rate() {
    let mut fx = base();
    fx.t12[0].past[0][3] = "97%".into();
    let c = run(&fx);
    assert_set(&c, &["T12.rate"]);
}

// ---------------------------------------------------------------- between tables
#[test]
fn x_t1_t2_income() {
    let mut fx = base();
    set_line(&mut fx.t1, "五、事业收入", "19.00");
    set_line(&mut fx.t1, "九、其他收入", "1.00");
    let c = run(&fx);
    assert_fires(
        &c,
        "X.t1_t2_income",
        Severity::Error,
        &[
            line_cell(&c, TableId::T1, Side::Income, "business"),
            coded_cell(&c, TableId::T2, "合计", "cur_business"),
        ],
    );
    assert_set(&c, &["X.t1_t2_income"]);
}

#[test]
fn x_t1_t3_class() {
    let mut fx = base();
    set_line(&mut fx.t1, "六、社会保障和就业支出", "81.00");
    set_line(&mut fx.t1, "七、卫生健康支出", "49.00");
    let c = run(&fx);
    assert_fires(
        &c,
        "X.t1_t3_class",
        Severity::Error,
        &[
            line_cell(&c, TableId::T1, Side::Expense, "class_208"),
            coded_cell(&c, TableId::T3, "208", "total"),
        ],
    );
    assert_set(&c, &["X.t1_t3_class"]);
}

#[test]
fn x_t1_t3_total() {
    let mut fx = base();
    set(&mut fx.t3, "合计", "total", "901.00");
    set(&mut fx.t3, "合计", "operating", "1.00");
    let c = run(&fx);
    assert_fires(
        &c,
        "X.t1_t3_total",
        Severity::Error,
        &[
            line_cell(&c, TableId::T1, Side::Expense, "total"),
            coded_cell(&c, TableId::T3, "合计", "total"),
        ],
    );
    assert_set(&c, &["X.t1_t3_total", "T3.tree"]);
}

#[test]
fn x_t1_t4_fiscal() {
    let mut fx = base();
    set_line(&mut fx.t1, "一、一般公共预算拨款收入", "799.00");
    set_line(&mut fx.t1, "九、其他收入", "1.00");
    let c = run(&fx);
    assert_fires(
        &c,
        "X.t1_t4_fiscal",
        Severity::Error,
        &[
            line_cell(&c, TableId::T1, Side::Income, "gp"),
            line_cell(&c, TableId::T4, Side::Income, "cur_gp"),
        ],
    );
    assert_set(&c, &["X.t1_t4_fiscal", "X.t1_t2_income"]);
}

#[test]
fn x_t4_t5() {
    let mut fx = base();
    set(&mut fx.t5_1, "合计", "total", "831.00");
    set(&mut fx.t5_1, "合计", "project", "121.00");
    let c = run(&fx);
    assert_fires(
        &c,
        "X.t4_t5",
        Severity::Error,
        &[
            line_cell(&c, TableId::T4, Side::Income, "cur_gp"),
            line_cell(&c, TableId::T4, Side::Income, "carry_gp"),
            coded_cell(&c, TableId::T5_1, "合计", "total"),
        ],
    );
    assert_set(&c, &["X.t4_t5", "T5_1.tree", "X.t5_1_t5_2", "X.t5_t10"]);
}

#[test]
fn x_t4_class() {
    let mut fx = base();
    set_line(&mut fx.t4, "（六）社会保障和就业支出", "81.00");
    set_line(&mut fx.t4, "（七）卫生健康支出", "49.00");
    let c = run(&fx);
    assert_fires(
        &c,
        "X.t4_class",
        Severity::Error,
        &[
            line_cell(&c, TableId::T4, Side::Expense, "class_208"),
            coded_cell(&c, TableId::T5_1, "208", "total"),
        ],
    );
    assert_set(&c, &["X.t4_class"]);
}

#[test]
fn x_t4_t8() {
    let mut fx = base();
    set_line(&mut fx.t4, "（二）政府性基金预算拨款", "49.00");
    set_line(&mut fx.t4, "（一）一般公共预算拨款", "801.00");
    let c = run(&fx);
    assert_fires(
        &c,
        "X.t4_t8",
        Severity::Error,
        &[
            line_cell(&c, TableId::T4, Side::Income, "cur_gf"),
            coded_cell(&c, TableId::T8, "合计", "total"),
        ],
    );
    assert_set(&c, &["X.t4_t8", "X.t1_t4_fiscal", "X.t4_t5"]);
}

#[test]
fn x_t5_1_t5_2() {
    let mut fx = base();
    for (k, v) in [("total", "831.00"), ("project", "121.00")] {
        set(&mut fx.t5_2, "合计", k, v);
    }
    let c = run(&fx);
    assert_fires(
        &c,
        "X.t5_1_t5_2",
        Severity::Error,
        &[
            coded_cell(&c, TableId::T5_1, "合计", "project"),
            coded_cell(&c, TableId::T5_2, "合计", "project"),
        ],
    );
    assert_set(&c, &["X.t5_1_t5_2", "T5_2.rollup"]);
}

#[test]
fn x_t5_t6() {
    let mut fx = base();
    for (k, v) in [("total", "711.00"), ("public", "111.00")] {
        set(&mut fx.t6, "合计", k, v);
    }
    let c = run(&fx);
    assert_fires(
        &c,
        "X.t5_t6",
        Severity::Error,
        &[
            coded_cell(&c, TableId::T5_1, "合计", "basic_public"),
            coded_cell(&c, TableId::T6, "合计", "public"),
        ],
    );
    assert_set(&c, &["X.t5_t6", "T6.tree"]);
}

#[test]
fn x_t3_t5() {
    let mut fx = base();
    // 表5-1 moves 1.00 from 2070101 to 2070109: every 表5-1 sum still holds,
    // but 2070109 now exceeds 表3's 100.00.
    set(&mut fx.t5_1, "2070101", "total", "299.00");
    set(&mut fx.t5_1, "2070101", "basic_subtotal", "299.00");
    set(&mut fx.t5_1, "2070101", "basic_personnel", "239.00");
    set(&mut fx.t5_1, "2070109", "total", "101.00");
    set(&mut fx.t5_1, "2070109", "basic_subtotal", "1.00");
    set(&mut fx.t5_1, "2070109", "basic_personnel", "1.00");
    let c = run(&fx);
    assert_fires(
        &c,
        "X.t3_t5",
        Severity::Warning,
        &[
            coded_cell(&c, TableId::T5_1, "2070109", "total"),
            coded_cell(&c, TableId::T3, "2070109", "total"),
        ],
    );
    assert_set(&c, &["X.t3_t5"]);
}

#[test]
fn x_t3_t10() {
    let mut fx = base();
    set(&mut fx.t3, "合计", "project", "191.00");
    set(&mut fx.t3, "合计", "basic", "709.00");
    let c = run(&fx);
    assert_fires(
        &c,
        "X.t3_t10",
        Severity::Error,
        &[
            coded_cell(&c, TableId::T3, "合计", "project"),
            coded_cell(&c, TableId::T10, "合计", "total"),
        ],
    );
    // 表3 基本支出 falls below 表5-1 + 表8 + 表9: P.t3_fiscal asks why.
    assert_set(&c, &["X.t3_t10", "T3.tree", "X.t11_t3", "P.t3_fiscal"]);
}

#[test]
fn x_t5_t10() {
    let mut fx = base();
    set(&mut fx.t10, "合计", "cur_gp", "89.00");
    set(&mut fx.t10, "合计", "unit_funds", "21.00");
    let c = run(&fx);
    assert_fires(
        &c,
        "X.t5_t10",
        Severity::Error,
        &[
            coded_cell(&c, TableId::T5_1, "合计", "project"),
            coded_cell(&c, TableId::T10, "合计", "cur_gp"),
        ],
    );
    assert_set(&c, &["X.t5_t10", "T10.rollup"]);
}

#[test]
fn x_t8_t10() {
    let mut fx = base();
    set(&mut fx.t10, "合计", "cur_gf", "49.00");
    set(&mut fx.t10, "合计", "unit_funds", "21.00");
    let c = run(&fx);
    assert_fires(
        &c,
        "X.t8_t10",
        Severity::Error,
        &[
            coded_cell(&c, TableId::T8, "合计", "project"),
            coded_cell(&c, TableId::T10, "合计", "cur_gf"),
        ],
    );
    assert_set(&c, &["X.t8_t10", "T10.rollup"]);
}

#[test]
fn x_t7_t6() {
    let mut fx = base();
    fx.t7.rows[0] = ["11.00", "0.00", "8.00", "0.00", "8.00", "3.00"]
        .map(String::from)
        .to_vec();
    let c = run(&fx);
    let t7 = c.budget.tables.t7.as_ref().unwrap();
    assert_fires(
        &c,
        "X.t7_t6",
        Severity::Warning,
        &[
            t7.amounts["reception"].cell.to_string(),
            coded_cell(&c, TableId::T6, "30217", "total"),
        ],
    );
    assert_set(&c, &["X.t7_t6"]);
}

#[test]
fn x_t11_t1() {
    let mut fx = base();
    fx.t11.funds[0][2] = "851.00".into();
    fx.t11.funds[2][2] = "871.00".into();
    let c = run(&fx);
    assert_set(&c, &["X.t11_t1"]);
    let n = c.findings.iter().filter(|f| f.rule == "X.t11_t1").count();
    assert_eq!(n, 2, "财政拨款 against 表4 and 合计 against 表1");
}

#[test]
fn x_t11_t3() {
    let mut fx = base();
    fx.t11.funds[3][2] = "709.00".into();
    fx.t11.funds[3][3] = "78.78%".into();
    fx.t11.funds[4][2] = "191.00".into();
    fx.t11.funds[4][3] = "21.22%".into();
    let c = run(&fx);
    assert_set(&c, &["X.t11_t3"]);
}

#[test]
fn x_t12_t10() {
    let mut fx = base();
    fx.t12[0].year_budget = "1000100.00".into();
    fx.t12[0].details[0][4] = "600100".into();
    let c = run(&fx);
    assert_set(&c, &["X.t12_t10"]);
    let f = c.findings.iter().find(|f| f.rule == "X.t12_t10").unwrap();
    assert_eq!(
        f.difference.as_deref(),
        Some("-0.01"),
        "in 万元: 100 元 against 表10"
    );
    assert_eq!(f.cells.len(), 2);
}

#[test]
fn x_empty_note() {
    let mut fx = base();
    fx.t9.notes.clear();
    let c = run(&fx);
    assert_set(&c, &["X.empty_note"]);
    let f = c
        .findings
        .iter()
        .find(|f| f.rule == "X.empty_note")
        .unwrap();
    assert_eq!(f.table, TableId::T9);
}

// ---------------------------------------------------------------- structure
#[test]
fn s_missing_table() {
    let c = run_with(
        &base(),
        &Layout {
            omit: &[TableId::T7],
            ..Layout::official()
        },
    );
    assert_set(&c, &["S.missing_table"]);
    assert!(c.findings.iter().any(|f| f.rule == "S.missing_table"
        && f.table == TableId::T7
        && f.severity == Severity::Error));
}

#[test]
fn s_code_format() {
    let mut fx = base();
    fx.t6.rows.push(vec![
        "3029".into(),
        "其他".into(),
        "0.00".into(),
        "0.00".into(),
        "0.00".into(),
    ]);
    let c = run(&fx);
    assert_set(&c, &["S.code_format"]);
    let t6 = c.budget.tables.t6.as_ref().unwrap();
    assert_fires(
        &c,
        "S.code_format",
        Severity::Error,
        &[t6.row("3029").unwrap().cell.to_string()],
    );
}

#[test]
fn s_orphan() {
    let mut fx = base();
    fx.t6.rows.push(vec![
        "30399".into(),
        "其他对个人和家庭的补助".into(),
        "0.00".into(),
        "0.00".into(),
        "0.00".into(),
    ]);
    let c = run(&fx);
    assert_set(&c, &["S.orphan"]);
}

#[test]
fn s_duplicate() {
    let mut fx = base();
    let row = vec![
        "30228".into(),
        "工会经费".into(),
        "0.00".into(),
        "0.00".into(),
        "0.00".into(),
    ];
    fx.t6.rows.insert(17, row);
    let c = run(&fx);
    assert_set(&c, &["S.duplicate"]);
    let f = c.findings.iter().find(|f| f.rule == "S.duplicate").unwrap();
    assert_eq!(f.cells.len(), 2, "both places");
}

#[test]
fn s_text_number() {
    let c = run_with(
        &base(),
        &Layout {
            text_amounts: &[TableId::T3],
            ..Layout::official()
        },
    );
    assert!(
        fired(&c).is_empty(),
        "text numbers are read as numbers: {:#?}",
        c.findings
    );
    let f = c
        .findings
        .iter()
        .find(|f| f.rule == "S.text_number")
        .expect("S.text_number");
    assert_eq!(f.severity, Severity::Info);
    assert!(f
        .cells
        .iter()
        .any(|x| x.to_string() == coded_cell(&c, TableId::T3, "207", "total")));
    assert_eq!(f.cells.len(), 20 * 6);
}

#[test]
fn s_unit() {
    let c = run_with(
        &base(),
        &Layout {
            no_unit: &[TableId::T3],
            ..Layout::official()
        },
    );
    assert_set(&c, &["S.unit"]);
    assert!(c
        .findings
        .iter()
        .any(|f| f.rule == "S.unit" && f.table == TableId::T3));
}

#[test]
fn s_year() {
    let mut fx = base();
    fx.t11.title = "区直部门整体支出绩效目标申报表".into();
    fx.t9.notes = vec!["本单位无国有资本经营预算。".into()];
    let c = run_with(
        &fx,
        &Layout {
            form_year_line: false,
            ..Layout::official()
        },
    );
    assert_set(&c, &["S.year"]);
    assert_eq!(c.budget.year, None);
}

#[test]
fn form_lines_are_found_by_the_templates_labels() {
    // An alias of 一般公共预算财政拨款 is the same line: nothing to report.
    let mut fx = base();
    fx.t12[0].sources[1][0] = "一般公共预算拨款".into();
    fx.t11.funds[0][1] = "财政拨款收入".into();
    assert!(run(&fx).findings.is_empty());
    // A line the template does not name is reported on import and still
    // counts as a source, so the sum sees its money.
    let mut fx = base();
    fx.t12[0].sources[4] = ["其他来源".into(), "1000".into()];
    let c = run(&fx);
    assert_set(&c, &["I.unknown_line", "T12.sources"]);
    let f = c.findings.iter().find(|f| f.rule == "T12.sources").unwrap();
    assert_eq!(f.difference.as_deref(), Some("1000.00"));
}

/// A batch rule: the same department and year in two inputs (here the
/// reference department's `.xls` and `.xlsx`), said once in the report's
/// batch section with both files.
#[test]
fn s_duplicate_input() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let (xls, xlsx) = (
        root.join("qiaokou-2024.xls"),
        root.join("qiaokou-2024.xlsx"),
    );
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_yusuan"))
        .arg("check")
        .args([&xls, &xlsx])
        .args(["--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let batch = v["batch"].as_array().unwrap();
    assert_eq!(batch.len(), 1, "{v}");
    assert_eq!(batch[0]["rule"], "S.duplicate_input");
    assert_eq!(batch[0]["severity"], "warning");
    assert_eq!(
        batch[0]["files"],
        serde_json::json!([xls.display().to_string(), xlsx.display().to_string()])
    );
    assert!(
        batch[0]["message"].as_str().unwrap().contains("137"),
        "{}",
        batch[0]["message"]
    );
    // A single input has none.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_yusuan"))
        .arg("check")
        .arg(&xlsx)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["batch"], serde_json::json!([]));
}

// ---------------------------------------------------------------- 情况说明

/// A figure of the workbook in 万元, two decimals, moved by `by` 万元.
fn wan(c: &Checked, figure: &str, by: &str) -> String {
    use rust_decimal::Decimal;
    let r = yusuan::narrative::FigureRef::parse(figure).unwrap();
    let f = yusuan::narrative::figure::resolve(&c.budget, &r).unwrap();
    let mut v = f.yuan / Decimal::from(10_000) + by.parse::<Decimal>().unwrap();
    v.rescale(2);
    format!("{v} 万元")
}

fn figure_cells(c: &Checked, figure: &str) -> Vec<String> {
    let r = yusuan::narrative::FigureRef::parse(figure).unwrap();
    let f = yusuan::narrative::figure::resolve(&c.budget, &r).unwrap();
    f.cells.iter().map(ToString::to_string).collect()
}

/// The findings of a narrative of `paragraphs` read with the workbook.
fn narrative(c: &Checked, paragraphs: &[String]) -> Checked {
    let n = yusuan::narrative::Narrative {
        source: "说明.txt".into(),
        paragraphs: paragraphs
            .iter()
            .enumerate()
            .map(|(i, t)| yusuan::narrative::Paragraph {
                no: i + 1,
                place: format!("说明.txt 第 {} 段", i + 1),
                text: t.clone(),
                cell: None,
            })
            .collect(),
    };
    let t = Templates::builtin();
    let findings = yusuan::narrative::check(&c.budget, &n, t.get("2024").unwrap().narrative()).0;
    Checked {
        budget: c.budget.clone(),
        findings,
    }
}

#[test]
fn n_amount() {
    let c = run(&base());
    let ok = format!("部门预算收入 {}。", wan(&c, "t1.income.total", "0"));
    assert_set(&narrative(&c, &[ok]), &[]);
    let off = format!("部门预算收入 {}。", wan(&c, "t1.income.total", "0.02"));
    let n = narrative(&c, &[off]);
    assert_set(&n, &["N.amount"]);
    assert_fires(
        &n,
        "N.amount",
        Severity::Error,
        &figure_cells(&c, "t1.income.total"),
    );
}

#[test]
fn n_zero() {
    let c = run(&base());
    // 表9 is empty in this department; 表8 is not.
    let n = narrative(
        &c,
        &[format!(
            "国有资本经营预算支出 {}。",
            wan(&c, "t8.total.total", "0")
        )],
    );
    assert_set(&n, &["N.zero"]);
    let n = narrative(
        &c,
        &["本部门没有使用政府性基金预算安排的支出。".to_string()],
    );
    assert_set(&n, &["N.zero"]);
    assert_fires(
        &n,
        "N.zero",
        Severity::Error,
        &figure_cells(&c, "t8.total.total"),
    );
}

#[test]
fn n_share() {
    let c = run(&base());
    let text = |share: &str| {
        format!(
            "部门支出预算 {}，其中基本支出 {}，占 {share}。",
            wan(&c, "t3.total.total", "0"),
            wan(&c, "t3.total.basic", "0")
        )
    };
    // 710.00 / 900.00 = 78.89%.
    assert_set(&narrative(&c, &[text("78.9%")]), &[]);
    let n = narrative(&c, &[text("79.9%")]);
    assert_set(&n, &["N.share"]);
    assert_fires(&n, "N.share", Severity::Error, &[]);
}

#[test]
fn n_growth() {
    let c = run(&base());
    let now = wan(&c, "t1.income.grand_total", "0");
    // The workbook's 表11 has no earlier year's figure for this: the
    // narrative's own is taken, and a wrong rate is a warning.
    let n = narrative(
        &c,
        &[format!(
            "部门收支总预算 {now}。比 2023 年预算增加 100 万元，增长 1%。"
        )],
    );
    assert_set(&n, &["N.growth"]);
    assert_fires(&n, "N.growth", Severity::Warning, &[]);
}

#[test]
fn n_sum() {
    let c = run(&base());
    let text = |total: &str| {
        format!("政府采购预算支出合计 {total} 万元。包括：货物类 1.00 万元，服务类 2.00 万元，工程类 0 万元。")
    };
    assert_set(&narrative(&c, &[text("3.00")]), &[]);
    // Rounding-aware: parts written without decimals (1 may be 1.4) add up
    // to a total written with them.
    let rounded =
        "政府采购预算支出合计 3.80 万元。包括：货物类 1 万元，服务类 2 万元，工程类 0 万元。";
    assert_set(&narrative(&c, &[rounded.to_string()]), &[]);
    let n = narrative(&c, &[text("4.00")]);
    assert_set(&n, &["N.sum"]);
    assert_fires(&n, "N.sum", Severity::Error, &[]);
}

#[test]
fn n_blank() {
    let c = run(&base());
    let n = narrative(
        &c,
        &["收入包括：一般公共预算财政拨款收入 万元。".to_string()],
    );
    assert_set(&n, &["N.blank"]);
    assert_fires(
        &n,
        "N.blank",
        Severity::Error,
        &figure_cells(&c, "t1.income.gp"),
    );
}

#[test]
fn n_placeholder() {
    let c = run(&base());
    let n = narrative(&c, &["2024年，XX收入预算x,xxx万元。".to_string()]);
    assert_set(&n, &["N.placeholder"]);
    assert_eq!(n.findings.len(), 1, "said once a paragraph");
    assert!(
        n.findings[0].message.contains("“XX”、“x,xxx万元”（2 处）"),
        "{}",
        n.findings[0].message
    );
}

#[test]
fn n_missing() {
    // 上海市普陀区's workbook carries its narrative: without it, said.
    let t = Templates::builtin();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/putuo-2026.xlsx");
    let mut wb = yusuan::workbook::Workbook::open(&path).unwrap();
    wb.sheets.retain(|s| !s.name.contains("编制说明"));
    let mut b = yusuan::import::import_workbook(&wb, &t, &ImportOptions::default()).unwrap();
    let f = yusuan::narrative::review(&mut b, &wb, None, &t);
    let c = Checked {
        budget: b,
        findings: f,
    };
    assert_set(&c, &["N.missing"]);
    assert_fires(&c, "N.missing", Severity::Warning, &[]);
}

#[test]
fn n_unpaired() {
    // A document naming another department is paired with no workbook.
    let c = run(&base());
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("某局.txt");
    std::fs::write(&doc, "武汉市江汉区教育局 2024 年部门预算情况说明\n").unwrap();
    let (pairing, failed) =
        yusuan::narrative::pair::Pairing::new(None, &[(doc.clone(), "某局.txt".into())]);
    assert!(failed.is_empty());
    assert!(pairing
        .for_workbook(&c.budget, &dir.path().join("wenlv.xlsx"))
        .is_none());
    assert_eq!(pairing.unpaired().len(), 1);
    // Its own department's is taken.
    let name = c.budget.department.name.clone().unwrap();
    std::fs::write(&doc, format!("{name} 2024 年部门预算情况说明\n")).unwrap();
    let (pairing, _) = yusuan::narrative::pair::Pairing::new(None, &[(doc, "某局.txt".into())]);
    assert!(pairing
        .for_workbook(&c.budget, &dir.path().join("wenlv.xlsx"))
        .is_some());
    assert!(pairing.unpaired().is_empty());
}

#[test]
fn n_unreadable() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("坏.docx");
    std::fs::write(&doc, "not a zip").unwrap();
    let (_, failed) = yusuan::narrative::pair::Pairing::new(None, &[(doc, "坏.docx".into())]);
    assert_eq!(failed.len(), 1);
    assert!(failed[0].1.contains("不是 Word 文档"), "{}", failed[0].1);
}

/// A rule between tables is one entry of the table: given to the engine, it
/// fires with the cells of both sides — here 表1 本年支出合计 against 表3's
/// 基本支出 alone, which the consistent department does not satisfy.
#[test]
fn a_rule_between_tables_is_one_entry_of_the_table() {
    use yusuan::reconcile::rules::{run, Absent, Body, Fig, Pair, Rule};
    use yusuan::reconcile::Checker;
    const EXTRA: &[Rule] = &[Rule {
        id: "X.t1_t3_basic",
        what: "表1 本年支出合计 = 表3 合计行基本支出（试验）",
        extras_explain: false,
        body: Body::Pairs {
            table: TableId::T1,
            absent: Absent::Skip,
            pairs: &[Pair {
                says: "表1 本年支出合计 = 表3 基本支出",
                left: &[Fig::Line(TableId::T1, Side::Expense, "total")],
                right: &[Fig::Total(TableId::T3, "basic")],
            }],
        },
    }];
    let c = run_with(&base(), &Layout::official());
    let mut checker = Checker::new();
    run(EXTRA, &c.budget, &mut checker);
    let found = Checked {
        budget: c.budget.clone(),
        findings: checker.findings,
    };
    assert_fires(
        &found,
        "X.t1_t3_basic",
        Severity::Error,
        &[
            line_cell(&found, TableId::T1, Side::Expense, "total"),
            coded_cell(&found, TableId::T3, "合计", "basic"),
        ],
    );
    assert_eq!(found.findings.len(), 1, "{:#?}", found.findings);
}

/// Every figure a rule of the table reads is a canonical key of the
/// built-in templates: a typo would make a rule that never fires.
#[test]
fn every_key_a_rule_reads_is_a_canonical_key() {
    use yusuan::reconcile::rules::{Body, Fig};
    let templates = Templates::builtin();
    let canonical = templates.get("2024").unwrap();
    let mut figures = 0;
    for r in RULES {
        let Body::Pairs { table, pairs, .. } = &r.body else {
            continue;
        };
        assert!(canonical.table(*table).is_some(), "{}: table {table}", r.id);
        for f in pairs.iter().flat_map(|p| p.left.iter().chain(p.right)) {
            figures += 1;
            let spec = canonical
                .table(f.table())
                .unwrap_or_else(|| panic!("{}: no table {}", r.id, f.table()));
            let known = match *f {
                Fig::Line(_, side, key) => {
                    spec.lines.iter().any(|l| l.side == side && l.key == key)
                }
                Fig::Total(_, key) => spec.columns.iter().any(|c| c.key == key),
                Fig::Funds(key) => spec
                    .blocks
                    .iter()
                    .filter(|b| b.key == "funds")
                    .any(|b| b.lines.iter().any(|l| l.key == key)),
            };
            assert!(known, "{}: {f:?} is no canonical key", r.id);
        }
    }
    assert!(figures > 40, "{figures} figures checked");
}
