//! Nothing lost without a word: each way a figure used to vanish silently
//! is now a finding that names its cells. Regression tests named after what
//! they fix.

use std::io::{Read, Write};
use std::path::Path;
use std::process::Command;
use yusuan::model::TableId;

use yusuan::import::{import_workbook, ImportOptions};
use yusuan::model::{Budget, Severity};
use yusuan::reconcile::{check, Finding};
use yusuan::samples::variants::write_xlsx;
use yusuan::template::Templates;
use yusuan::workbook::{CellValue, Workbook};

#[path = "common/bin.rs"]
mod bin;

fn sample(name: &str) -> Workbook {
    Workbook::open(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("samples")
            .join(name),
    )
    .unwrap()
}

fn read(wb: &Workbook) -> Budget {
    import_workbook(wb, &Templates::builtin(), &ImportOptions::default()).unwrap()
}

fn sheet<'a>(wb: &'a mut Workbook, name: &str) -> &'a mut yusuan::workbook::Sheet {
    wb.sheets.iter_mut().find(|s| &*s.name == name).unwrap()
}

fn findings(b: &Budget, rule: &str) -> Vec<Finding> {
    check(b).into_iter().filter(|f| f.rule == rule).collect()
}

fn cells(f: &Finding) -> Vec<String> {
    f.cells.iter().map(|c| c.to_string()).collect()
}

#[test]
fn a_figure_beside_a_table_is_named_as_unread() {
    let mut wb = sample("wenlv-2024.xlsx");
    // 表3 ends at column H; a stray figure in J5, and words in J6.
    sheet(&mut wb, "表3").set(4, 9, CellValue::Number(12.5));
    sheet(&mut wb, "表3").set(5, 9, CellValue::Text("见附表".into()));
    let b = read(&wb);
    let unread = findings(&b, "I.unread");
    assert_eq!(unread.len(), 1, "{unread:#?}");
    assert_eq!(unread[0].severity, Severity::Warning);
    assert_eq!(unread[0].table, TableId::T3);
    assert_eq!(cells(&unread[0]), ["表3!J5", "表3!J6"]);
    assert!(
        unread[0].message.contains("其中 1 个是数字"),
        "{}",
        unread[0].message
    );
    let m = &b.tables.t3.as_ref().unwrap().meta;
    assert_eq!(m.coverage.cells_left, 2);
}

#[test]
fn a_figure_moved_below_a_table_into_a_row_without_code_is_named() {
    let mut wb = sample("wenlv-2024.xlsx");
    let s = sheet(&mut wb, "表6");
    let last = s.height();
    // A figure two rows below the last row, under the 合计 column.
    s.set(last + 1, 2, CellValue::Number(3.0));
    let b = read(&wb);
    let unread = findings(&b, "I.unread");
    assert_eq!(unread.len(), 1, "{unread:#?}");
    assert_eq!(cells(&unread[0]), [format!("表6!C{}", last + 2)]);
}

#[test]
fn inspect_prints_cells_read_and_left_per_table() {
    let mut wb = sample("wenlv-2024.xlsx");
    sheet(&mut wb, "表3").set(4, 9, CellValue::Number(12.5));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stray.xlsx");
    write_xlsx(&wb, &path).unwrap();
    let o = bin::yusuan_ok(["inspect", path.to_str().unwrap()]);
    let out = String::from_utf8_lossy(&o.stdout);
    let t3 = out
        .lines()
        .find(|l| l.trim_start().starts_with("t3 "))
        .unwrap();
    assert!(t3.contains("未读 1"), "{t3}");
    let t2 = out
        .lines()
        .find(|l| l.trim_start().starts_with("t2 "))
        .unwrap();
    assert!(t2.contains("未读 0"), "{t2}");
    assert!(out.contains("I.unread"), "{out}");
}

/// Writes the workbook with each formula cell's stored result removed, as
/// tools that write `=SUM(...)` and never compute it do.
fn without_formula_results(wb: &Workbook, path: &Path) {
    let marked = path.with_extension("marked.xlsx");
    write_xlsx(wb, &marked).unwrap();
    let mut zin = zip::ZipArchive::new(std::fs::File::open(&marked).unwrap()).unwrap();
    let mut zout = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        if name.starts_with("xl/worksheets/") {
            let xml = String::from_utf8(bytes).unwrap();
            // rust_xlsxwriter writes `<f>…</f><v>0</v>`: drop the result.
            bytes = xml.replace("</f><v>0</v>", "</f>").into_bytes();
        }
        zout.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zout.write_all(&bytes).unwrap();
    }
    zout.finish().unwrap();
}

#[test]
fn formulas_saved_without_a_result_are_errors_naming_cell_and_formula_never_zero() {
    let mut wb = sample("wenlv-2024.xlsx");
    // All of 表7 as formulas with no stored value (row 5: A5:F5).
    let s = sheet(&mut wb, "表7");
    s.set(4, 0, CellValue::Formula("B5+C5+F5".into()));
    s.set(4, 2, CellValue::Formula("SUM(D5:E5)".into()));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("formulas.xlsx");
    without_formula_results(&wb, &path);
    let file = Workbook::open(&path).unwrap();
    let t7 = file.sheets.iter().find(|s| &*s.name == "表7").unwrap();
    assert_eq!(
        t7.get(4, 0),
        &CellValue::Formula("B5+C5+F5".into()),
        "read from the file"
    );
    let b = read(&file);
    let errors: Vec<Finding> = findings(&b, "I.not_amount");
    let named: Vec<(Vec<String>, bool)> = errors
        .iter()
        .map(|f| {
            (
                cells(f),
                f.message.contains("=SUM(D5:E5)") || f.message.contains("=B5+C5+F5"),
            )
        })
        .collect();
    assert_eq!(
        named,
        [
            (vec!["表7!A5".to_string()], true),
            (vec!["表7!C5".to_string()], true)
        ]
    );
    assert!(errors.iter().all(|f| f.severity == Severity::Error));
    assert!(
        errors[0].message.contains("没有保存它的计算结果"),
        "{}",
        errors[0].message
    );
    // The other figures of the row are still read.
    let t7 = b.tables.t7.as_ref().unwrap();
    assert_eq!(t7.amounts["reception"].yuan.to_string(), "40000.00");
    assert!(
        !t7.amounts.contains_key("total"),
        "a formula is never read as 0"
    );
}

#[test]
fn a_table_whose_unit_line_is_wrong_is_one_error_at_the_unit_cell() {
    let mut wb = sample("wenlv-2024.xlsx");
    // 表5-1 says 元, but its figures are 万元 (the other tables agree with
    // them only after × 10000).
    let s = sheet(&mut wb, "表5-1");
    let (r, c) = (1..4)
        .flat_map(|r| (0..12).map(move |c| (r, c)))
        .find(|&(r, c)| s.get(r, c).as_text().contains("单位：万元"))
        .unwrap();
    s.set(r, c, CellValue::Text("单位：元".into()));
    let b = read(&wb);
    let unit = findings(&b, "S.unit");
    assert_eq!(unit.len(), 1, "{unit:#?}");
    assert_eq!(unit[0].severity, Severity::Error);
    assert_eq!(unit[0].table, TableId::T5_1);
    assert_eq!(
        cells(&unit[0]),
        [format!(
            "表5-1!{}{}",
            yusuan::workbook::col_letters(c),
            r + 1
        )]
    );
    assert!(
        unit[0].message.contains("单位应为万元"),
        "{}",
        unit[0].message
    );
}

#[test]
fn yuan_figures_without_a_unit_line_are_an_error_not_a_warning() {
    let mut wb = sample("wenlv-2024.xlsx");
    // 表3 in 元 with its unit line gone: read as 万元 by default, every
    // figure ten thousand times too large.
    let s = sheet(&mut wb, "表3");
    s.set(1, 7, CellValue::Empty);
    for r in 3..s.height() {
        for c in 2..8 {
            if let CellValue::Number(f) = s.get(r, c).clone() {
                s.set(r, c, CellValue::Number(f * 10000.0));
            }
        }
    }
    let b = read(&wb);
    let unit: Vec<Finding> = findings(&b, "S.unit");
    let errors: Vec<&Finding> = unit
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{unit:#?}");
    assert_eq!(errors[0].table, TableId::T3);
    assert!(
        errors[0].message.contains("单位应为元"),
        "{}",
        errors[0].message
    );
}

#[test]
fn the_issuer_and_the_unit_in_one_cell_give_the_unit_not_a_guess() {
    let mut wb = sample("wenlv-2024.xlsx");
    let base = read(&wb);
    // 表3 in 元, the unit written after the issuer in the department line.
    let s = sheet(&mut wb, "表3");
    s.set(1, 7, CellValue::Empty);
    s.set(
        1,
        0,
        CellValue::Text("编制单位：武汉市硚口区文化和旅游局        单位：元".into()),
    );
    for r in 3..s.height() {
        for c in 2..8 {
            if let CellValue::Number(f) = s.get(r, c).clone() {
                s.set(r, c, CellValue::Number(f * 10000.0));
            }
        }
    }
    let b = read(&wb);
    assert!(findings(&b, "S.unit").is_empty());
    let t3 = b.tables.t3.as_ref().unwrap();
    assert_eq!(t3.meta.unit, yusuan::amount::Unit::Yuan);
    assert_eq!(t3.meta.unit_cell.as_ref().unwrap().to_string(), "表3!A2");
    let total = |b: &Budget| {
        b.tables
            .t3
            .as_ref()
            .unwrap()
            .total
            .as_ref()
            .unwrap()
            .amounts["total"]
            .yuan
    };
    assert_eq!(total(&b), total(&base));
    assert_eq!(b.department.name, base.department.name);
}

#[test]
fn a_code_and_name_column_reads_every_row() {
    let mut wb = sample("wenlv-2024.xlsx");
    let base = read(&wb);
    let s = sheet(&mut wb, "表3");
    s.set(2, 0, CellValue::Text("功能分类科目".into()));
    s.set(2, 1, CellValue::Empty);
    for r in 4..s.height() {
        let code = s.get(r, 0).as_text();
        let name = s.get(r, 1).as_text();
        s.set(r, 0, CellValue::Text(format!("{code} {}", name.trim())));
        s.set(r, 1, CellValue::Empty);
    }
    let b = read(&wb);
    let codes = |b: &Budget| -> Vec<(Option<String>, String)> {
        b.tables
            .t3
            .as_ref()
            .unwrap()
            .rows
            .iter()
            .map(|r| (r.code.clone(), r.name.clone()))
            .collect()
    };
    assert_eq!(codes(&b), codes(&base));
    assert!(findings(&b, "I.missing_column").is_empty());
    assert!(findings(&b, "I.unread").is_empty());
}

/// A province's 支出总表 with two more amount columns that are part of each
/// row's 合计: kept as extra figures, reported once, exported to
/// facts.csv, and the row rule says what explains the difference instead
/// of raising an error.
#[test]
fn extra_amount_columns_are_kept_exported_and_explain_the_row_total() {
    let mut wb = sample("wenlv-2024.xlsx");
    let s = sheet(&mut wb, "表3");
    s.set(2, 8, CellValue::Text("单位预留机动经费".into()));
    s.set(2, 9, CellValue::Text("结转下年资金".into()));
    // The 合计 row and the chain 207 / 20701 / 2070101 each get 1.5 + 0.5
    // 万元 more, in the new columns and in their 合计.
    for r in 3..7 {
        let total = s.get(r, 2).as_text().parse::<f64>().unwrap();
        s.set(r, 2, CellValue::Number(total + 2.0));
        s.set(r, 8, CellValue::Number(1.5));
        s.set(r, 9, CellValue::Number(0.5));
    }
    let b = read(&wb);
    let t3 = b.tables.t3.as_ref().unwrap();
    let headers: Vec<(&str, &str)> = t3
        .meta
        .extra_columns
        .iter()
        .map(|c| (c.header.as_str(), c.column.as_str()))
        .collect();
    assert_eq!(headers, [("单位预留机动经费", "I"), ("结转下年资金", "J")]);
    let total = t3.total.as_ref().unwrap();
    assert_eq!(
        total.extras["单位预留机动经费"].yuan.to_string(),
        "15000.00"
    );
    assert_eq!(total.extras["结转下年资金"].cell.to_string(), "表3!J4");
    let all = check(&b);
    let extra = findings(&b, "I.extra_column");
    assert_eq!(extra.len(), 1);
    assert!(
        extra[0].message.contains("单位预留机动经费"),
        "{}",
        extra[0].message
    );
    let rows: Vec<&Finding> = all.iter().filter(|f| f.rule == "T3.row").collect();
    assert_eq!(rows.len(), 4, "{rows:#?}");
    for f in &rows {
        assert_eq!(f.severity, Severity::Info, "{}", f.message);
        assert!(
            f.message.contains("差额正是模板未定义的列"),
            "{}",
            f.message
        );
    }
    assert!(findings(&b, "I.unread").is_empty());
    // In facts.csv, by header.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("province.xlsx");
    write_xlsx(&wb, &path).unwrap();
    let out = dir.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_yusuan"))
        .args([
            "convert",
            path.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        o.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let facts = std::fs::read_to_string(out.join("facts.csv")).unwrap();
    let extra_facts: Vec<&str> = facts.lines().filter(|l| l.contains("extra:")).collect();
    assert_eq!(extra_facts.len(), 8, "{extra_facts:#?}");
    assert!(extra_facts
        .iter()
        .any(|l| l.contains("extra:单位预留机动经费")
            && l.contains("15000.00")
            && l.contains("表3!I4")));
}

/// Each unit runs a project of the same name: each 表12 form is matched to
/// the 表10 row of its own 项目执行单位, not to the first of that name; a
/// form whose unit names neither is said to be ambiguous, not guessed.
#[test]
fn projects_of_the_same_name_are_told_apart_by_unit() {
    let mut wb = sample("wenlv-2024.xlsx");
    // 表10 row 13 (the library's project, 40 万元) and form 12-2 (400000 元)
    // take the name of the 本级 project (row 9, 100 万元; form 12-1).
    let name = "群众文化活动项目";
    sheet(&mut wb, "表10").set(12, 1, CellValue::Text(format!("　　{name}")));
    sheet(&mut wb, "表12-2").set(2, 1, CellValue::Text(name.into()));
    let b = read(&wb);
    let t12_t10 = findings(&b, "X.t12_t10");
    assert!(t12_t10.is_empty(), "{t12_t10:#?}");

    sheet(&mut wb, "表12-2").set(3, 5, CellValue::Text("某某单位".into()));
    let b = read(&wb);
    let t12_t10 = findings(&b, "X.t12_t10");
    assert_eq!(t12_t10.len(), 1, "{t12_t10:#?}");
    assert_eq!(t12_t10[0].severity, Severity::Warning);
    assert!(
        t12_t10[0].message.contains("2 个同名项目")
            && t12_t10[0].message.contains("武汉市硚口区图书馆"),
        "{}",
        t12_t10[0].message
    );
    assert_eq!(cells(&t12_t10[0]), ["表12-2!F12"]);
}

/// Regression: a project form filled in twice (the sheet copied, as Excel's
/// 移动或复制 names it) agreed with 表10 each time and was passed without a
/// word; a reader of the published forms would count the project twice. Now
/// both forms and the 表10 row are named.
#[test]
fn a_project_form_filled_in_twice_is_named() {
    let mut wb = sample("wenlv-2024.xlsx");
    assert!(findings(&read(&wb), "X.t12_t10").is_empty());
    let mut copy = sheet(&mut wb, "表12-1").clone();
    copy.name = "表12-1 (2)".into();
    wb.sheets.push(copy);
    let b = read(&wb);
    assert_eq!(
        b.tables.t12.len(),
        4,
        "the copy is read as a form of its own"
    );
    let t12_t10 = findings(&b, "X.t12_t10");
    assert_eq!(t12_t10.len(), 1, "{t12_t10:#?}");
    let f = &t12_t10[0];
    assert_eq!(f.severity, Severity::Warning);
    assert!(
        f.message.contains("2 张表12")
            && f.message.contains("表12-1、表12-1 (2)")
            && f.message.contains("重复填报"),
        "{}",
        f.message
    );
    assert_eq!(
        cells(f),
        ["表12-1!F12", "'表12-1 (2)'!F12", "表10!A9"],
        "{}",
        f.message
    );

    // Two forms for two projects stay quiet, whatever their order.
    let mut wb = sample("wenlv-2024.xlsx");
    wb.sheets.reverse();
    assert!(findings(&read(&wb), "X.t12_t10").is_empty());
}

/// Regression: a sheet that no table took was left out without a word,
/// whatever it held — a copy of 表3 with one figure changed, an old version
/// kept in the workbook. Its figures are now an `I.unused_sheet` warning
/// naming them; the cover and the instructions (words only) are not.
#[test]
fn a_sheet_no_table_took_that_holds_figures_is_named() {
    let mut wb = sample("wenlv-2024.xlsx");
    let before = read(&wb);
    assert!(findings(&before, "I.unused_sheet").is_empty());

    let mut copy = sheet(&mut wb, "表3").clone();
    copy.name = "表3（旧）".into();
    copy.hidden = true;
    let figures = (0..copy.height())
        .flat_map(|r| {
            copy.row(r)
                .iter()
                .filter(|v| yusuan::import::holds_figure(v))
                .map(move |_| r)
        })
        .count();
    assert!(figures > 10);
    wb.sheets.push(copy);
    let b = read(&wb);
    let unused = findings(&b, "I.unused_sheet");
    assert_eq!(unused.len(), 1, "{unused:#?}");
    assert_eq!(unused[0].severity, Severity::Warning);
    assert_eq!(unused[0].table, yusuan::reconcile::Subject::Workbook);
    assert_eq!(unused[0].cells.len(), figures);
    assert!(cells(&unused[0])
        .iter()
        .all(|c| c.starts_with("表3（旧）!")));
    assert!(
        unused[0]
            .message
            .contains(&format!("工作表“表3（旧）”（隐藏）没有作为任何一张表读入（模板“2024 年部门预算公开表”），其中 {figures} 个数字未读入")),
        "{}",
        unused[0].message
    );
    // 表3 itself is read as before: the copy changed nothing else.
    assert_eq!(
        serde_json::to_value(&b.tables).unwrap(),
        serde_json::to_value(&before.tables).unwrap()
    );
}
