//! Other documents told apart before any rule runs: final accounts
//! (部门决算), a blank template, a workbook of another kind. `inspect` says
//! what each is and why; `check` and `convert` refuse it with exit 2 and
//! one sentence, list it in the manifest as `refused`, and write nothing
//! for it.

use std::path::Path;
use std::process::{Command, Output};

use yusuan::samples::putuo_budgets::{Department, Style};
use yusuan::workbook::CellValue;

fn run(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yusuan"))
        .args(args)
        .output()
        .unwrap()
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The nine tables of a department's 决算 as published: sheets 表1 … 表9
/// (so a budget template takes them by number), each titled as a 决算
/// table, with its 部门 line, a header and figures.
const FINAL_ACCOUNTS: [(&str, &[&str]); 9] = [
    ("收入支出决算总表", &["项目", "决算数", "项目", "决算数"]),
    (
        "收入决算表",
        &["项目", "本年收入合计", "财政拨款收入", "事业收入"],
    ),
    (
        "支出决算表",
        &["项目", "本年支出合计", "基本支出", "项目支出"],
    ),
    (
        "财政拨款收入支出决算总表",
        &["项目", "决算数", "项目", "决算数"],
    ),
    (
        "一般公共预算财政拨款支出决算表",
        &["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
    ),
    (
        "一般公共预算财政拨款基本支出决算表",
        &["科目编码", "科目名称", "人员经费", "公用经费"],
    ),
    (
        "一般公共预算财政拨款“三公”经费支出决算表",
        &["合计", "因公出国（境）费", "公务接待费"],
    ),
    (
        "政府性基金预算财政拨款收入支出决算表",
        &["科目编码", "科目名称", "本年收入", "本年支出"],
    ),
    (
        "国有资本经营预算财政拨款支出决算表",
        &["科目编码", "科目名称", "本年支出合计"],
    ),
];

fn final_accounts(path: &Path) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (i, (title, header)) in FINAL_ACCOUNTS.iter().enumerate() {
        let ws = wb.add_worksheet();
        ws.set_name(format!("表{}", i + 1)).unwrap();
        ws.write_string(0, 0, format!("2023年度{title}")).unwrap();
        ws.write_string(1, 0, "部门：上海市普陀区文化和旅游局")
            .unwrap();
        ws.write_string(1, header.len() as u16 - 1, "单位：万元")
            .unwrap();
        for (c, h) in header.iter().enumerate() {
            ws.write_string(2, c as u16, *h).unwrap();
        }
        for r in 3..6u32 {
            ws.write_string(r, 0, format!("20{r}01")).unwrap();
            for c in 1..header.len() as u16 {
                ws.write_number(r, c, f64::from(r) * 12.5).unwrap();
            }
        }
    }
    wb.save(path).unwrap();
}

/// Runs `yusuan ARGS…` on `files`.
fn yusuan(args: &[&str], files: &[&Path]) -> Output {
    let mut all: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_ref()).collect();
    all.extend(files.iter().map(|f| f.as_os_str()));
    run(&all)
}

/// A document refused: `inspect`, `check` (text and JSON) and `convert`
/// each say `sentence` and exit 2; the manifest lists it as refused and
/// nothing is written for it, while a budget beside it is converted.
fn refused_everywhere(doc: &Path, sentence: &str) {
    let dir = doc.parent().unwrap();
    let o = yusuan(&["inspect"], &[doc]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}{err}");
    assert!(out.contains(&format!("结论：{sentence}")), "{out}{err}");
    assert!(!out.contains("表格："), "no table listed for it: {out}");

    let o = yusuan(&["check"], &[doc]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}{err}");
    assert!(out.contains("未核对：") && out.contains(sentence), "{out}");
    assert!(
        !out.contains("[错误]") && !out.contains("[警告]"),
        "no rule ran: {out}"
    );

    let o = yusuan(&["check", "--format", "json"], &[doc]);
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["files"][0]["status"], "refused");
    assert!(v["files"][0]["message"]
        .as_str()
        .unwrap()
        .contains(sentence));

    // Beside a budget: the budget converted, the document refused, nothing
    // of it in any output.
    let budget = dir.join("budget.xlsx");
    let docs = Department::random(3).documents(&Style::official());
    yusuan::samples::variants::write_xlsx(&docs[0].workbook, &budget).unwrap();
    let out_dir = dir.join("out");
    let o = yusuan(
        &[
            "convert",
            "--to",
            "csv,xlsx,json",
            "-o",
            out_dir.to_str().unwrap(),
        ],
        &[doc, &budget],
    );
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains(sentence), "{err}");
    let mut m = csv::Reader::from_path(out_dir.join("manifest.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = m.records().map(Result::unwrap).collect();
    let status: Vec<&str> = rows.iter().map(|r| &r[4]).collect();
    assert_eq!(status, ["refused", "ok"]);
    assert!(rows[0][15].contains(sentence), "{:?}", &rows[0]);
    assert_eq!(&rows[0][17], "", "no output for it");
    let stem = doc.file_stem().unwrap().to_string_lossy().into_owned();
    for f in std::fs::read_dir(&out_dir).unwrap().filter_map(Result::ok) {
        let name = f.file_name().to_string_lossy().into_owned();
        assert!(
            !name.starts_with(&stem),
            "{name} written for a refused input"
        );
    }
    let facts = std::fs::read_to_string(out_dir.join("facts.csv")).unwrap();
    let doc_name = doc.file_name().unwrap().to_string_lossy().into_owned();
    assert!(facts.lines().all(|l| !l.contains(&doc_name)));
    assert!(facts.lines().count() > 50, "the budget beside it converted");
}

/// A 部门决算 whose sheets are 表1 … 表9 (a budget template takes seven of
/// them by number): refused as what it is, before any rule runs.
#[test]
fn final_accounts_are_refused_as_what_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("决算.xlsx");
    final_accounts(&path);
    refused_everywhere(
        &path,
        "这是部门决算（收入支出决算总表 等 9 张表），不是部门预算；yusuan 目前只读预算",
    );
}

/// A budget's tables with not one amount filled in: the bureau's blank
/// template, refused as such.
#[test]
fn a_blank_template_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut wb = Department::random(5).documents(&Style::official())[0]
        .workbook
        .clone();
    // Every amount cleared; the codes (text) stay, as the bureau's blank
    // template prints examples of them.
    for s in &mut wb.sheets {
        for r in 0..s.height() {
            for c in 0..s.row(r).len() as u32 {
                if matches!(s.get(r, c), CellValue::Number(_)) {
                    s.set(r, c, CellValue::Empty);
                }
            }
        }
    }
    let path = dir.path().join("空白模板.xlsx");
    yusuan::samples::variants::write_xlsx(&wb, &path).unwrap();
    refused_everywhere(
        &path,
        "这是空白模板（9 张表都没有填写金额），不是填报后的预算；请填入金额后再核对",
    );
}

/// Sheets named 表1 and 表2 that hold a staff list: taken by their numbers,
/// but no budget table's header is there.
#[test]
fn a_workbook_of_another_kind_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("名单.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    for name in ["表1", "表2"] {
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        ws.write_string(0, 0, "人员名单").unwrap();
        for (c, h) in ["姓名", "职务", "电话"].iter().enumerate() {
            ws.write_string(1, c as u16, *h).unwrap();
        }
        ws.write_string(2, 0, "张三").unwrap();
        ws.write_number(2, 2, 83366910.0).unwrap();
    }
    wb.save(&path).unwrap();
    refused_everywhere(
        &path,
        "工作表 表1、表2 的名称像是预算表，但没有一张有预算表的表头，这不是部门预算或单位预算；yusuan 目前只读预算",
    );
}

/// A budget that carries a sheet comparing last year's 决算 with this
/// year's 预算 is still a budget.
#[test]
fn a_budget_with_a_final_accounts_sheet_is_still_a_budget() {
    let mut wb = Department::random(2).documents(&Style::official())[0]
        .workbook
        .clone();
    let mut extra = yusuan::workbook::Sheet::new(
        "对比表",
        vec![
            vec![CellValue::Text("2025年决算与2026年预算对比表".into())],
            vec![
                CellValue::Text("项目".into()),
                CellValue::Text("决算数".into()),
            ],
        ],
        vec![],
    );
    extra.hidden = false;
    wb.sheets.push(extra);
    let b = yusuan::import::import_workbook(
        &wb,
        &yusuan::template::Templates::builtin(),
        &yusuan::import::ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(b.tables.metas().len(), 9);
    let found = yusuan::reconcile::check(&b);
    assert!(found.is_empty(), "{found:#?}");
}

/// `inspect` counts tables one way in every line: the template's choice
/// (`找到其 9 张表中的 9 张`) and the conclusion (`识别 9 张表`), saying how
/// many of them could not be read.
#[test]
fn inspect_counts_tables_alike_in_every_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut wb = Department::random(4).documents(&Style::official())[0]
        .workbook
        .clone();
    // 表3's header words gone: found by its title, not read.
    let s = wb
        .sheets
        .iter_mut()
        .find(|s| s.name.contains("支出总表"))
        .unwrap();
    for r in 5..8 {
        for c in 0..s.row(r).len() as u32 {
            s.set(r, c, CellValue::Empty);
        }
    }
    let path = dir.path().join("缺表头.xlsx");
    yusuan::samples::variants::write_xlsx(&wb, &path).unwrap();
    let o = yusuan(&["inspect"], &[&path]);
    let (out, _) = text(&o);
    assert!(out.contains("找到其 9 张表中的 9 张"), "{out}");
    assert!(
        out.contains("结论：识别 9 张表（其中 1 张找不到表头，未读入），1 个导入错误"),
        "{out}"
    );
    // The reference department: 13 tables, its two 表12 forms said apart.
    let reference = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/qiaokou-2024.xlsx");
    let (out, _) = text(&yusuan(&["inspect"], &[&reference]));
    assert!(out.contains("找到其 13 张表中的 13 张"), "{out}");
    assert!(
        out.contains("结论：识别 13 张表（表12 共 2 张），0 个导入错误"),
        "{out}"
    );
}
