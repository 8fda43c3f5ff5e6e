//! The narrative through the real binary: `--narrative`, a document paired
//! by its department and year in a folder, one no workbook takes, one that
//! cannot be read; its findings in the text and JSON reports, `findings.csv`,
//! the summary, the reviewer's workbook (说明核对) and the warehouse
//! (`narrative_facts`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[path = "common/docx.rs"]
mod docx;

fn run(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yusuan"))
        .args(args)
        .output()
        .expect("run yusuan")
}

macro_rules! yusuan {
    ($($a:expr),* $(,)?) => { run(&[$(std::ffi::OsStr::new(&$a)),*]) };
}

fn out(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn err(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name)
}

fn reference() -> Vec<String> {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/qiaokou-2024-narrative.txt"),
    )
    .unwrap()
    .lines()
    .map(str::to_string)
    .collect()
}

/// A folder with the reference workbook and its narrative as a document.
fn folder() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let wb = dir.path().join("qiaokou-2024.xlsx");
    std::fs::copy(sample("qiaokou-2024.xlsx"), &wb).unwrap();
    let doc = dir.path().join("情况说明.docx");
    std::fs::write(&doc, docx::docx(&reference())).unwrap();
    (dir, wb, doc)
}

#[test]
fn narrative_given_with_its_workbook_is_checked_and_reported_by_paragraph() {
    let (_dir, wb, doc) = folder();
    let o = yusuan!("check", wb, "--narrative", doc, "--no-info");
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let text = out(&o);
    assert!(text.contains("说明：情况说明.docx（50 段；"), "{text}");
    assert!(
        text.contains("\n情况说明\n  [错误] N.blank 情况说明.docx 第 6 段：一般公共预算财政拨款收入 的金额空着"),
        "{text}"
    );
    assert!(
        text.contains("  [错误] N.amount 情况说明.docx 第 19 段：说明写一般公共预算基本支出 324.83 万元，表6 合计 为 318.16 万元")
            && text.contains("      单元格：表6!C5, 表5-1!D5"),
        "{text}"
    );
    assert_eq!(text.matches("[警告] N.growth").count(), 2, "{text}");

    let o = yusuan!("check", wb, "--narrative", doc, "--format", "json");
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    let file = &v["files"][0];
    assert_eq!(file["narrative"]["source"], "情况说明.docx");
    let blank = file["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "N.blank")
        .unwrap();
    assert_eq!(blank["paragraph"], "情况说明.docx 第 6 段");
    assert_eq!(blank["table"], "narrative");
    assert_eq!(blank["cells"], serde_json::json!(["表1!B5", "表4!B6"]));
    // Workbook findings keep their JSON: no `paragraph` key.
    assert!(file["findings"][0].get("paragraph").is_none());
}

#[test]
fn a_document_in_a_folder_is_paired_by_department_and_year_and_the_others_are_said() {
    let (dir, _, _) = folder();
    std::fs::copy(
        sample("wenlv-2024.xlsx"),
        dir.path().join("wenlv-2024.xlsx"),
    )
    .unwrap();
    // Another department's narrative: no workbook of it here.
    std::fs::write(
        dir.path().join("江汉区教育局说明.docx"),
        docx::docx(&[
            "武汉市江汉区教育局 2024 年部门预算情况说明",
            "部门预算收入 100 万元。",
        ]),
    )
    .unwrap();
    let o = yusuan!("check", dir.path(), "--format", "json");
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    let files = v["files"].as_array().unwrap();
    let qiaokou = files
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with("qiaokou-2024.xlsx"))
        .unwrap();
    let wenlv = files
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with("wenlv-2024.xlsx"))
        .unwrap();
    assert_eq!(qiaokou["narrative"]["source"], "情况说明.docx");
    let rules: Vec<&str> = qiaokou["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["rule"].as_str().filter(|r| r.starts_with("N.")))
        .collect();
    assert_eq!(rules.len(), 5, "{rules:?}");
    assert!(wenlv.get("narrative").is_none());
    assert_eq!(
        v["batch"],
        serde_json::json!([{
            "rule": "N.unpaired",
            "severity": "warning",
            "message": "情况说明没有找到同一部门同一年度的工作簿与之配对（按其标题或文件名中的部门名称和年度）：请一并给出工作簿，或用 --narrative 为一个工作簿指定",
            "files": ["江汉区教育局说明.docx"]
        }])
    );
}

#[test]
fn a_narrative_that_cannot_be_read_fails_alone_with_exit_2() {
    let (dir, wb, _) = folder();
    std::fs::write(dir.path().join("坏的.docx"), b"not a zip").unwrap();
    let o = yusuan!("check", dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    let text = out(&o);
    // The workbook is still checked, with its own narrative.
    assert!(text.contains("说明：情况说明.docx"), "{text}");
    assert!(
        text.contains("[错误] N.unreadable ")
            && text.contains("坏的.docx: 不是 Word 文档（.docx）：不是 zip 包；请用 Word 或 WPS 另存为 .docx 后再试\n      文件：坏的.docx"),
        "{text}"
    );
    // Arguments that cannot work are refused before anything is read.
    let o = yusuan!(
        "check",
        wb,
        sample("wenlv-2024.xlsx"),
        "--narrative",
        dir.path().join("情况说明.docx")
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("--narrative 只能用于一个工作簿（现有 2 个输入）"),
        "{}",
        err(&o)
    );
    let o = yusuan!("check", dir.path().join("情况说明.docx"));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("只有情况说明：请同时给出它所说明的工作簿"),
        "{}",
        err(&o)
    );
}

#[test]
fn the_reviewers_workbook_quotes_each_paragraph_with_its_figures_marked() {
    let (dir, wb, doc) = folder();
    for (input, report) in [
        (wb.clone(), "r.xlsx"),
        (sample("qiaokou-2024.xls"), "r2.xlsx"),
    ] {
        let r = dir.path().join(report);
        let o = yusuan!("check", input, "--narrative", doc, "--report", r);
        assert_eq!(o.status.code(), Some(1), "{}", err(&o));
        let book = yusuan::workbook::Workbook::open(&r).unwrap();
        let names: Vec<&str> = book.sheets.iter().map(|s| &*s.name).collect();
        assert_eq!(&names[..2], ["核对结果", "说明核对"], "{report}");
        let sheet = &book.sheets[1];
        let text = |r: u32, c: u32| sheet.get(r, c).as_text();
        assert!(
            text(0, 0).contains("情况说明 情况说明.docx：50 段"),
            "{}",
            text(0, 0)
        );
        // Paragraph 6: quoted whole, its figures checked, its findings.
        let row = (0..sheet.height())
            .find(|&r| text(r, 0) == "情况说明.docx 第 6 段")
            .unwrap();
        assert_eq!(text(row, 1), reference()[5]);
        assert!(
            text(row, 2)
                .contains("✗ 324.83万元：表1 政府性基金预算拨款收入 0.00 万元（表1!B6, 表4!B7）"),
            "{}",
            text(row, 2)
        );
        assert!(
            text(row, 3).contains("[错误] N.blank") && text(row, 3).contains("[错误] N.zero"),
            "{}",
            text(row, 3)
        );
        // 核对结果 lists them with the workbook's own.
        let summary = &book.sheets[0];
        let listed: Vec<String> = (3..summary.height())
            .map(|r| summary.get(r, 2).as_text())
            .collect();
        assert!(listed.iter().any(|r| r == "N.amount"), "{listed:?}");
    }
}

#[test]
fn batch_review_writes_the_paragraph_and_lists_the_unpaired() {
    let (dir, _, _) = folder();
    std::fs::write(
        dir.path().join("其他.docx"),
        docx::docx(&["武汉市江汉区教育局 2024 年部门预算情况说明"]),
    )
    .unwrap();
    let review = tempfile::tempdir().unwrap();
    let o = yusuan!("check", dir.path(), "--report-dir", review.path());
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let csv = std::fs::read_to_string(review.path().join("findings.csv")).unwrap();
    let mut r = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let head: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(head.last().map(String::as_str), Some("paragraph"));
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let zero = rows.iter().find(|r| &r[4] == "N.zero").unwrap();
    assert_eq!((&zero[6], &zero[13]), ("情况说明", "情况说明.docx 第 6 段"));
    let unpaired = rows.iter().find(|r| &r[4] == "N.unpaired").unwrap();
    assert_eq!(&unpaired[0], "其他.docx");
    let summary = yusuan::workbook::Workbook::open(review.path().join("核对汇总.xlsx")).unwrap();
    let s = &summary.sheets[0];
    let statuses: Vec<String> = (1..s.height()).map(|r| s.get(r, 6).as_text()).collect();
    assert!(statuses.iter().any(|x| x == "说明未配对"), "{statuses:?}");
    // Each workbook's row says which narrative was checked with it.
    assert_eq!(s.get(0, 10).as_text(), "情况说明");
    let qiaokou = (1..s.height())
        .find(|&r| s.get(r, 8).as_text() == "qiaokou-2024.xlsx")
        .unwrap();
    assert_eq!(s.get(qiaokou, 10).as_text(), "情况说明.docx");
}

#[test]
fn convert_writes_the_narratives_figures_to_the_warehouse() {
    let (dir, _, _) = folder();
    let o_dir = tempfile::tempdir().unwrap();
    let o = yusuan!(
        "convert",
        dir.path(),
        "-o",
        o_dir.path(),
        "--to",
        "csv,parquet"
    );
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let text = std::fs::read_to_string(o_dir.path().join("narrative_facts.csv")).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let head: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert!(rows.len() >= 60, "{}", rows.len());
    let gf = rows
        .iter()
        .find(|r| &r[col("subject_key")] == "gf_income" && &r[col("result")] == "differs")
        .unwrap();
    assert_eq!(&gf[col("place")], "情况说明.docx 第 6 段");
    assert_eq!(&gf[col("amount")], "3248300.00");
    assert_eq!(&gf[col("figure_amount")], "0.00");
    assert_eq!(&gf[col("cells")], "表1!B6 表4!B7");
    assert_eq!(&gf[col("stated_year")], "2024");
    assert_eq!(&gf[col("year")], "2024");
    let growth = rows.iter().find(|r| &r[col("kind")] == "growth").unwrap();
    assert_eq!(
        (&growth[col("amount")], &growth[col("percent")]),
        ("318300.00", "10.70")
    );
    assert!(std::fs::read_to_string(o_dir.path().join("schema.sql"))
        .unwrap()
        .contains("CREATE TABLE IF NOT EXISTS narrative_facts"));
    let parts: Vec<_> = std::fs::read_dir(o_dir.path().join("narrative_facts/year=2024"))
        .unwrap()
        .collect();
    assert_eq!(parts.len(), 1);
}
