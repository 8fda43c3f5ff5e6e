//! Another bureau read by a template alone: 上海市普陀区's 2026 layout
//! (`samples/putuo-2026.xlsx`, figures of our own) with
//! `templates/shanghai-putuo-2026.toml`. All nine tables, every figure in the
//! model and the CSV, totals whose label is merged across code and name
//! found, 其中 sub-lines counted once and checked, the bureau's own columns
//! kept and checked by the template's declared rules, no false finding on the
//! consistent sample, and each relation broken found with its cells.

use std::path::Path;
use yusuan::model::TableId;

use rust_decimal::Decimal;
use yusuan::import::{import_workbook, ImportOptions};
use yusuan::model::{Budget, Severity};
use yusuan::reconcile::{check, Finding};
use yusuan::template::{Template, Templates};
use yusuan::workbook::{CellValue, Workbook};

#[path = "common/bin.rs"]
mod bin;

fn sample() -> Workbook {
    Workbook::open(Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/putuo-2026.xlsx")).unwrap()
}

fn read(wb: &Workbook) -> Budget {
    import_workbook(wb, &Templates::builtin(), &ImportOptions::default()).unwrap()
}

fn yuan(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn set(wb: &mut Workbook, sheet: &str, a1: (u32, u32), v: f64) {
    let s = wb.sheets.iter_mut().find(|s| &*s.name == sheet).unwrap();
    s.set(a1.0, a1.1, CellValue::Number(v));
}

fn findings(b: &Budget) -> Vec<Finding> {
    check(b)
}

#[test]
fn nine_tables_read_by_the_template_alone_with_every_figure() {
    let wb = sample();
    let b = read(&wb);
    assert_eq!(
        b.source.template, "shanghai-putuo-2026",
        "{}",
        b.source.template_reason
    );
    let ids: Vec<TableId> = b.tables.metas().iter().map(|m| m.id).collect();
    assert_eq!(
        ids,
        [
            TableId::T1,
            TableId::T2,
            TableId::T3,
            TableId::T4,
            TableId::T5_1,
            TableId::T6,
            TableId::T7,
            TableId::T8,
            TableId::T9
        ]
    );
    for m in b.tables.metas() {
        assert_eq!(m.coverage.cells_left, 0, "{} left cells unread", m.id);
    }
    // Identity from the 编制部门 line; 表2 is by 功能科目, so no code.
    assert_eq!(
        b.department.name.as_deref(),
        Some("上海市普陀区文化和旅游局")
    );
    assert_eq!(b.department.code, None);
    assert!(b.units.is_empty());
    assert_eq!(b.year, Some(2026));

    // Every number cell of every table sheet is an amount of the model.
    let json = serde_json::to_string(&b).unwrap();
    let amounts = json.matches("\"yuan\":").count();
    let numbers: usize = wb
        .sheets
        .iter()
        .filter(|s| {
            b.source
                .sheets
                .iter()
                .any(|x| x.name == *s.name && x.table.is_some())
        })
        .map(|s| {
            (0..s.height())
                .map(|r| s.row(r).iter().filter(|v| v.is_numeric()).count())
                .sum::<usize>()
        })
        .sum();
    assert_eq!(amounts, numbers);

    // 合计 rows whose label is merged across the code and name columns.
    let t3 = b.tables.t3.as_ref().unwrap();
    assert_eq!(
        t3.total.as_ref().unwrap().amounts["total"].yuan,
        yuan("6000000")
    );
    assert_eq!(
        t3.row("2070109").unwrap().amounts["project"].yuan,
        yuan("1400000")
    );
    let t6 = b.tables.t6.as_ref().unwrap();
    assert_eq!(
        t6.total.as_ref().unwrap().amounts["public"].yuan,
        yuan("600000")
    );
    // The bureau's own columns, typed, with their cells.
    let t2 = b.tables.t2.as_ref().unwrap();
    assert_eq!(
        t2.total.as_ref().unwrap().extras["cur_fiscal"].yuan,
        yuan("5800000")
    );
    let t4 = b.tables.t4.as_ref().unwrap();
    let culture = t4
        .expense
        .iter()
        .find(|l| l.class_code.as_deref() == Some("207"))
        .unwrap();
    assert_eq!(culture.extras["expense_gp"].yuan, yuan("4700000"));
    assert_eq!(
        culture.extras["expense_gp"].cell.to_string(),
        "部门财政拨款收支总表!E8"
    );
    let t7 = b.tables.t7.as_ref().unwrap();
    assert_eq!(t7.meta.unit, yusuan::amount::Unit::Wan);
    assert_eq!(t7.extras["office_running"].yuan, yuan("600000"));
    // 其中 lines: kept as parts of 财政拨款收入.
    let t1 = b.tables.t1.as_ref().unwrap();
    let gp = t1.line(yusuan::template::Side::Income, "gp").unwrap();
    assert_eq!(gp.within.as_deref(), Some("fiscal"));
    // An empty table marked by a bare 无.
    let t9 = b.tables.t9.as_ref().unwrap();
    assert!(t9.rows.is_empty());
    assert!(t9.meta.empty_note().is_some_and(|n| n.text == "无"));
}

#[test]
fn the_consistent_sample_gives_no_finding_and_inspect_shows_its_own_columns() {
    let b = read(&sample());
    assert_eq!(check(&b), [], "no finding at all");
    let own = |id: TableId| -> Vec<String> {
        b.tables
            .metas()
            .iter()
            .find(|m| m.id == id)
            .unwrap()
            .extra_columns
            .iter()
            .map(|c| format!("{} {}", c.key, c.column))
            .collect()
    };
    assert_eq!(own(TableId::T2), ["cur_fiscal F"]);
    assert_eq!(
        own(TableId::T4),
        ["expense_gp E", "expense_gf F", "expense_soe G"]
    );
    assert_eq!(own(TableId::T7), ["office_running G"]);
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/putuo-2026.xlsx");
    let o = bin::yusuan_ok(["inspect".as_ref(), input.as_os_str()]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("模板：shanghai-putuo-2026"), "{out}");
    assert!(
        out.contains("规范模型之外的列：机关运行经费预算数（G 列，模板键 office_running）"),
        "{out}"
    );
    assert!(
        out.contains("规范模型之外的行：一、财政拨款收入（模板键 fiscal）"),
        "{out}"
    );
    assert!(!out.contains("未读 1"), "{out}");
}

/// Breaks one relation and returns the findings of `rule`.
fn broken(sheet: &str, at: (u32, u32), v: f64, rule: &str) -> Vec<Finding> {
    let mut wb = sample();
    set(&mut wb, sheet, at, v);
    findings(&read(&wb))
        .into_iter()
        .filter(|f| f.rule == rule)
        .collect()
}

#[test]
fn each_relation_broken_is_found_with_its_cells() {
    // 表3 合计 row (row 29, merged 合计 label), 合计 column: 100 元 more.
    let f = broken("部门支出总表", (28, 4), 6_000_100.0, "T3.row");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].severity, Severity::Error);
    assert_eq!(f[0].difference.as_deref(), Some("-100.00"));
    assert!(f[0]
        .cells
        .iter()
        .any(|c| c.to_string() == "部门支出总表!E29"));
    // 表1 一般公共预算 (a 其中 line of 财政拨款收入): 财政拨款收入 ≠ its lines.
    let f = broken("部门收支总表", (8, 1), 5_400_000.0, "T1.income_total");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert!(f[0].message.contains("其中各项之和"), "{}", f[0].message);
    assert_eq!(f[0].cells[0].to_string(), "部门收支总表!B8");
    // 表1 事业收入: 收入总计 ≠ its top-level lines (sub-lines counted once).
    let f = broken("部门收支总表", (11, 1), 300_000.0, "T1.income_total");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].difference.as_deref(), Some("100000.00"));
    // 表4 expenditure by fund: the template's own check.
    let f = broken("部门财政拨款收支总表", (7, 4), 4_600_000.0, "PT.t4_by_fund");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(
        f[0].cells.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
        [
            "部门财政拨款收支总表!D8",
            "部门财政拨款收支总表!E8",
            "部门财政拨款收支总表!F8",
            "部门财政拨款收支总表!G8"
        ]
    );
    // 表2 row: 合计 = 财政拨款收入 + 事业收入 + … (declared).
    let f = broken("部门收入总表", (8, 6), 250_000.0, "PT.t2_row");
    assert_eq!(f.len(), 1, "{f:#?}");
    // 表7 公务接待费 below 表6 30217 (万元 against 元).
    let f = broken("部门“三公”经费和机关运行费预算表", (6, 2), 1.0, "X.t7_t6");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].severity, Severity::Warning);
}

#[test]
fn rounding_between_wan_and_yuan_tables_is_not_a_shortfall() {
    // 0.73 万元 (表7, 万元) against 7,315 元 (表6 30217): shown in 万元 the two
    // are the same; the difference is rounding, not a warning.
    let mut wb = sample();
    set(&mut wb, "部门“三公”经费和机关运行费预算表", (6, 2), 0.73);
    let s = wb
        .sheets
        .iter_mut()
        .find(|s| &*s.name == "部门一般公共预算拨款基本支出明细表")
        .unwrap();
    let r = (0..s.height())
        .find(|&r| s.get(r, 1).as_text() == "17")
        .unwrap();
    s.set(r, 3, CellValue::Number(7315.0));
    s.set(r, 5, CellValue::Number(7315.0));
    let f: Vec<Finding> = findings(&read(&wb))
        .into_iter()
        .filter(|f| f.rule == "X.t7_t6")
        .collect();
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].severity, Severity::Info);
    assert!(f[0].message.contains("四舍五入"), "{}", f[0].message);
}

#[test]
fn every_figure_and_the_extras_reach_the_csv() {
    let dir = tempfile::tempdir().unwrap();
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/putuo-2026.xlsx");
    bin::yusuan_ok([
        "convert".as_ref(),
        input.as_os_str(),
        "-o".as_ref(),
        dir.path().as_os_str(),
    ]);
    let facts = std::fs::read_to_string(dir.path().join("facts.csv")).unwrap();
    let b = read(&sample());
    let amounts = serde_json::to_string(&b)
        .unwrap()
        .matches("\"yuan\":")
        .count();
    assert_eq!(facts.lines().count() - 1, amounts, "one fact per amount");
    for (needle, what) in [
        ("extra:office_running", "600000.00"),
        ("extra:cur_fiscal", "5800000.00"),
        ("extra:expense_gp", "4700000.00"),
    ] {
        assert!(
            facts
                .lines()
                .any(|l| l.contains(needle) && l.contains(what)),
            "{needle} {what} not in facts.csv"
        );
    }
    let t1 = std::fs::read_to_string(dir.path().join("t1.csv")).unwrap();
    assert!(
        t1.lines()
            .any(|l| l.contains(",fiscal,") && l.contains("5800000.00")),
        "{t1}"
    );
    // A warehouse sums a side without counting a part twice: the lines no
    // other line has as a part add up to 收入总计.
    let mut r = csv::Reader::from_reader(t1.as_bytes());
    let h = r.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let income: Vec<&csv::StringRecord> = rows
        .iter()
        .filter(|x| &x[col("side")] == "income")
        .collect();
    let gp = income.iter().find(|x| &x[col("key")] == "gp").unwrap();
    assert_eq!(
        &gp[col("part_of_line")],
        "1",
        "一般公共预算 is a part of line 1"
    );
    let whole: Decimal = income
        .iter()
        .filter(|x| x[col("part_of_line")].is_empty() && &x[col("key")] != "grand_total")
        .map(|x| yuan(&x[col("amount")]))
        .sum();
    assert_eq!(whole, yuan("6000000"));
}

#[test]
fn templates_that_would_lose_data_are_refused_when_they_load() {
    let known = Templates::builtin().all;
    let base = "id = \"x\"\nextends = \"shanghai-putuo-2026\"\n";
    for (table, says) in [
        (
            "id = \"t13\"\nkind = \"single\"\nnumber = \"13\"\ntitle = \"x\"\nnames = [\"x\"]\ncolumns = [{ key = \"a\", words = [\"a\"] }]",
            "“t13” 不是规范模型中的表",
        ),
        (
            "id = \"t2\"\nchecks = [{ id = \"PT.x\", total = \"total\", parts = [\"nope\"] }]",
            "用到了 nope",
        ),
        (
            "id = \"t2\"\nchecks = [{ id = \"T2.row\", total = \"total\", parts = [\"cur_fiscal\"] }]",
            "内置规则的前缀",
        ),
    ] {
        let e = Template::parse_with(&format!("{base}[[tables]]\n{table}\n"), "x.toml", &known)
            .unwrap_err()
            .to_string();
        assert!(e.contains(says), "{e}");
    }
    // The official layout normalized workbooks are written in stays 2024.
    assert_eq!(Templates::builtin().current().id, "2024");
}

/// Normalized into the 2024 layout, the workbook keeps its year (it came
/// from this bureau's titles; the 2024 layout has no note that says it).
#[test]
fn the_year_survives_normalization() {
    let dir = tempfile::tempdir().unwrap();
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/putuo-2026.xlsx");
    bin::yusuan_ok([
        "convert".as_ref(),
        input.as_os_str(),
        "-o".as_ref(),
        dir.path().as_os_str(),
        "--to".as_ref(),
        "xlsx".as_ref(),
    ]);
    let again = read(&Workbook::open(dir.path().join("putuo-2026.xlsx")).unwrap());
    assert_eq!(again.year, Some(2026));
    assert!(again.diagnostics.iter().all(|d| d.rule != "S.year"));
}

fn set_text(wb: &mut Workbook, sheet: &str, at: (u32, u32), v: &str) {
    let s = wb.sheets.iter_mut().find(|s| &*s.name == sheet).unwrap();
    s.set(at.0, at.1, CellValue::Text(v.into()));
}

/// 表1's income as a real 普陀 budget writes it: numbered sub-lines whose
/// words drift from the template's (`一般公共预算资金`, `政府性基金`), and a
/// level below them the template does not know at all. Each is a part of
/// the line above it: kept, counted once, checked against its parent.
#[test]
fn numbered_sub_lines_are_parts_of_the_line_above_whatever_their_words() {
    let mut wb = sample();
    let income: [(&str, f64); 9] = [
        ("一、财政拨款收入", 5_800_000.0),
        ("1. 一般公共预算资金", 5_500_000.0),
        ("（1）本级财力安排", 5_000_000.0),
        ("（2）上级转移支付", 500_000.0),
        ("2. 政府性基金", 300_000.0),
        ("3. 国有资本经营预算", 0.0),
        ("二、事业收入", 200_000.0),
        ("三、事业单位经营收入", 0.0),
        ("四、其他收入", 0.0),
    ];
    for (i, (label, v)) in income.iter().enumerate() {
        set_text(&mut wb, "部门收支总表", (7 + i as u32, 0), label);
        set(&mut wb, "部门收支总表", (7 + i as u32, 1), *v);
    }
    let b = read(&wb);
    assert_eq!(check(&b), [], "no finding on a consistent budget");
    let t1 = b.tables.t1.as_ref().unwrap();
    let line = |label: &str| t1.income.iter().find(|l| l.label == label).unwrap();
    use yusuan::template::Side::Income;
    assert_eq!(line("1. 一般公共预算资金").key.as_deref(), Some("gp"));
    assert_eq!(line("2. 政府性基金").key.as_deref(), Some("gf"));
    assert_eq!(t1.line(Income, "gp").unwrap().part_of, Some(0));
    // The level below: unknown words, parts of 一般公共预算, read with their figures.
    assert_eq!(line("（1）本级财力安排").part_of, Some(1));
    assert_eq!(line("（2）上级转移支付").amount.yuan, yuan("500000"));
    assert_eq!(line("二、事业收入").part_of, None);

    // A part off by 100 元: its parent is not the sum of its parts, and
    // the total above is still counted once.
    set(&mut wb, "部门收支总表", (9, 1), 5_000_100.0);
    let f: Vec<Finding> = check(&read(&wb));
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].rule, "T1.income_total");
    assert_eq!(f[0].severity, Severity::Error);
    assert_eq!(f[0].difference.as_deref(), Some("100.00"));
    assert!(
        f[0].message.contains("1. 一般公共预算资金"),
        "{}",
        f[0].message
    );
    assert_eq!(
        f[0].cells.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
        ["部门收支总表!B9", "部门收支总表!B10", "部门收支总表!B11"]
    );
}

/// A `其中` line names only some of its parent: it is a part (counted once)
/// and the parent must be at least it; not a line of its own.
#[test]
fn a_qizhong_line_is_a_part_that_may_name_only_some_of_its_parent() {
    let mut wb = sample();
    set_text(&mut wb, "部门收支总表", (12, 0), "其中：门票收入");
    set(&mut wb, "部门收支总表", (12, 1), 150_000.0);
    // Under 二、事业收入 (200,000 on row 12), the lines below moved down.
    set_text(&mut wb, "部门收支总表", (13, 0), "三、事业单位经营收入");
    set(&mut wb, "部门收支总表", (13, 1), 0.0);
    set_text(&mut wb, "部门收支总表", (14, 0), "四、其他收入");
    set(&mut wb, "部门收支总表", (14, 1), 0.0);
    let b = read(&wb);
    assert_eq!(check(&b), [], "no finding on a consistent budget");
    set(&mut wb, "部门收支总表", (12, 1), 250_000.0);
    let f: Vec<Finding> = check(&read(&wb));
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].rule, "T1.income_total");
    assert_eq!(f[0].severity, Severity::Warning);
    assert!(f[0].message.contains("不小于"), "{}", f[0].message);
}

/// A bureau that numbers its tables its own way is reported so: its
/// 一般公共预算基本支出 table is its 表8 (the canonical set's 表6), in the
/// heading over the findings and in every message, and comes after 表7.
#[test]
fn findings_name_tables_by_the_numbers_the_template_gives_them() {
    let mut wb = sample();
    // 301 工资福利支出's 合计, 100 元 off: a row and a tree finding in 表8,
    // and 表5's 基本支出 against it.
    set(
        &mut wb,
        "部门一般公共预算拨款基本支出明细表",
        (8, 3),
        3_200_100.0,
    );
    set(
        &mut wb,
        "部门一般公共预算拨款基本支出明细表",
        (22, 3),
        3_800_100.0,
    );
    let f = findings(&read(&wb));
    let rules: Vec<(&str, &str)> = f.iter().map(|f| (f.rule, f.table_name.as_str())).collect();
    assert!(rules.contains(&("T6.row", "表8")), "{rules:?}");
    for x in &f {
        assert!(!x.message.contains("表6"), "{}", x.message);
    }
    let x = f.iter().find(|x| x.rule == "X.t5_t6").unwrap();
    assert!(
        x.message.starts_with("表5 基本支出 = 表8 合计行"),
        "{}",
        x.message
    );

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("表8.xlsx");
    yusuan::samples::variants::write_xlsx(&wb, &path).unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_yusuan"))
        .args(["check".as_ref(), path.as_os_str()])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    let heading = out.find("\n表8\n").expect(&out);
    assert!(
        out[heading..].contains("[错误] T6.row 表8 301 工资福利支出"),
        "{out}"
    );
    assert!(!out.contains("\n表6\n"), "{out}");
}
