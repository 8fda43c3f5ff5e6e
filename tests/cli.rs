//! Black-box tests: the real `yusuan` binary in a temporary folder, asserting
//! on exit status, stdout and stderr.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_yusuan"))
}

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name)
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run yusuan")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8 stderr")
}

/// `yusuan convert INPUT -o OUT --to TO`, run to its end.
fn convert_to(input: &Path, out: &Path, to: &str) -> Output {
    bin()
        .arg("convert")
        .arg(input)
        .arg("-o")
        .arg(out)
        .args(["--to", to])
        .output()
        .expect("run yusuan")
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

#[test]
fn inspect_reports_what_was_recognized() {
    let o = run(&["inspect", sample("qiaokou-2024.xlsx").to_str().unwrap()]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
    assert!(out.contains("模板：2024（2024 年部门预算公开表）"), "{out}");
    assert!(out.contains("年度：2024"), "{out}");
    assert!(out.contains("部门：137 武汉市硚口区企业服务中心"), "{out}");
    assert!(
        out.contains("单位：137001 武汉市硚口区企业服务中心本级"),
        "{out}"
    );
    assert!(out.contains("表3!A3:H20"), "{out}");
    assert!(out.contains("t8    表8"), "{out}");
    assert!(out.contains("本单位 2024 年无政府性基金预算。"), "{out}");
    assert!(
        out.contains("未使用的工作表：封面、填表说明（隐藏）"),
        "{out}"
    );
    assert!(out.contains("未找到的表：无"), "{out}");
    assert!(
        out.contains("结论：识别 13 张表（表12 共 2 张），0 个导入错误"),
        "{out}"
    );
}

#[test]
fn inspect_several_files_keeps_going_past_a_bad_one() {
    let dir = tmp();
    let bad = dir.path().join("坏文件.xlsx");
    std::fs::write(&bad, "这不是工作簿,只是文本").unwrap();
    let o = run(&[
        "inspect",
        bad.to_str().unwrap(),
        sample("wenlv-2024.xlsx").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stdout(&o).contains("部门：145 武汉市硚口区文化和旅游局"),
        "the good file is still reported"
    );
    let err = stderr(&o);
    assert!(
        err.contains("坏文件.xlsx") && err.contains("不是 Excel 工作簿"),
        "{err}"
    );
}

#[test]
fn import_writes_the_model_as_json() {
    let dir = tmp();
    let out = dir.path().join("sub/qiaokou.json");
    let o = run(&[
        "import",
        sample("qiaokou-2024.xlsx").to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "", "with -o nothing goes to stdout");
    assert!(
        stderr(&o).contains("已导入") && stderr(&o).contains("14 张表"),
        "{}",
        stderr(&o)
    );
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(json["year"], 2024);
    assert_eq!(json["department"]["code"], "137");
    assert_eq!(json["source"]["template"], "2024");
    let rows = json["tables"]["t3"]["rows"].as_array().unwrap();
    let r = rows.iter().find(|r| r["code"] == "2011308").unwrap();
    assert_eq!(r["amounts"]["project"]["yuan"], "66700.00");
    assert_eq!(r["amounts"]["project"]["cell"], "表3!E7");
    assert_eq!(r["parent"], "20113");
    assert_eq!(json["tables"]["t8"]["meta"]["notes"][0]["says_empty"], true);
    // No temporary file is left beside the output.
    let left: Vec<_> = std::fs::read_dir(out.parent().unwrap()).unwrap().collect();
    assert_eq!(left.len(), 1);
}

#[test]
fn import_to_stdout_is_json_and_year_can_be_given() {
    let o = run(&[
        "import",
        sample("wenlv-2024.xlsx").to_str().unwrap(),
        "--year",
        "2023",
        "--compact",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 1, "compact is one line");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["year"], 2023);
    assert_eq!(json["year_from"], "--year");
    assert_eq!(json["units"].as_array().unwrap().len(), 2);
}

#[test]
fn unreadable_inputs_exit_2_with_a_clear_message() {
    let dir = tmp();
    let cases: Vec<(PathBuf, &str)> = {
        let text = dir.path().join("notes.xlsx");
        std::fs::write(&text, "a,b,c\n1,2,3\n").unwrap();
        // A web page is read (its tables); one without any is refused.
        let html = dir.path().join("export.xls");
        std::fs::write(&html, "<html><body>导出失败：会话超时</body></html>").unwrap();
        // Regression: the 2003 XML format was called a web page (it has a
        // <Table>), and a UTF-16 web page was not recognized at all.
        let xml2003 = dir.path().join("spreadsheetml.xls");
        std::fs::write(
            &xml2003,
            "<?xml version=\"1.0\"?>\n<?mso-application progid=\"Excel.Sheet\"?>\n<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\"><Worksheet><Table><Row><Cell><Data>收支总表</Data></Cell></Row></Table></Worksheet></Workbook>",
        )
        .unwrap();
        let html16 = dir.path().join("utf16.xls");
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "<html><body><p>无数据</p></body></html>".encode_utf16() {
            utf16.extend(u.to_le_bytes());
        }
        std::fs::write(&html16, utf16).unwrap();
        // Excel's single-file web page: the page is inside a MIME message.
        let mhtml = dir.path().join("single-file.xls");
        std::fs::write(
            &mhtml,
            "MIME-Version: 1.0\r\nX-Document-Type: Workbook\r\nContent-Type: multipart/related; boundary=\"----=_NextPart\"\r\n\r\n------=_NextPart\r\nContent-Type: text/html; charset=\"gb2312\"\r\n\r\n<html><table><tr><td>1</td></tr></table></html>\r\n",
        )
        .unwrap();
        let empty = dir.path().join("empty.xlsx");
        std::fs::write(&empty, "").unwrap();
        let truncated = dir.path().join("truncated.xlsx");
        let bytes = std::fs::read(sample("qiaokou-2024.xlsx")).unwrap();
        std::fs::write(&truncated, &bytes[..bytes.len() / 3]).unwrap();
        let fake_xls = dir.path().join("fake.xls");
        let mut cfb = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        cfb.extend(std::iter::repeat_n(0u8, 600));
        std::fs::write(&fake_xls, cfb).unwrap();
        vec![
            (dir.path().join("missing.xlsx"), "无法打开文件"),
            (text, "看起来是文本或 CSV 文件"),
            (html, "网页（HTML）格式的文件，但其中没有表格"),
            (xml2003, "Excel 2003 XML 表格（SpreadsheetML）格式"),
            (html16, "网页（HTML）格式的文件，但其中没有表格"),
            (mhtml, "单个文件网页（MHTML）格式"),
            (empty, "文件为空"),
            (truncated, "已损坏或无法解析"),
            (fake_xls, "已损坏或无法解析"),
        ]
    };
    for (path, words) in cases {
        let o = run(&["import", path.to_str().unwrap()]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{}: {err}", path.display());
        assert_eq!(stdout(&o), "", "{}", path.display());
        assert!(err.starts_with("错误："), "{err}");
        assert!(
            err.contains(path.file_name().unwrap().to_str().unwrap()),
            "names the file: {err}"
        );
        assert!(
            err.contains(words),
            "{}: expected “{words}” in {err}",
            path.display()
        );
        assert!(!err.contains("panicked"), "{err}");
    }
}

/// Regression: finance systems export a budget as a web page of tables
/// saved as `.xls`, and it was refused ("这是网页（HTML）格式的导出文件").
/// Now it is read: the same figures and findings as the workbook it shows,
/// and the reviewer's report is redrawn (a page has no package to mark up).
#[test]
fn a_web_page_saved_as_xls_is_read_like_the_workbook_it_shows() {
    let dir = tmp();
    let wb = yusuan::workbook::Workbook::open(sample("wenlv-2024.xlsx")).unwrap();
    let page = dir.path().join("网页导出.xls");
    std::fs::write(&page, yusuan::samples::variants::html_page(&wb, 1)).unwrap();
    let o = run(&["check", page.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("模板 2024，2024 年，145 武汉市硚口区文化和旅游局")
            && stdout(&o).contains("结果：0 个错误，0 个警告，0 条提示"),
        "{}",
        stdout(&o)
    );
    let report = dir.path().join("核对.xlsx");
    let o = run(&[
        "check",
        page.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("网页（HTML）"), "{}", stderr(&o));
    assert!(report.exists());
    // The same facts as the workbook's, but for the file and sheet names.
    let facts = |input: &Path, out: &str| {
        let out = dir.path().join(out);
        let o = convert_to(input, &out, "csv");
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let text = std::fs::read_to_string(out.join("facts.csv")).unwrap();
        let mut lines = text.lines();
        let head: Vec<&str> = lines.next().unwrap().split(',').collect();
        // Every column but the file, its hash and the cell (names, all
        // without commas, differ by sheet).
        let keep: Vec<usize> = (0..head.len())
            .filter(|&i| !matches!(head[i], "source_file" | "source_hash" | "cell"))
            .collect();
        assert_eq!(keep.len(), head.len() - 3, "{head:?}");
        let mut rows: Vec<String> = lines
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                keep.iter().map(|&i| f[i]).collect::<Vec<_>>().join(",")
            })
            .collect();
        rows.sort();
        rows
    };
    let from_page = facts(&page, "page");
    let from_book = facts(&sample("wenlv-2024.xlsx"), "book");
    assert!(from_page.len() > 100, "{}", from_page.len());
    assert_eq!(from_page, from_book);
}

#[test]
fn a_workbook_without_budget_tables_is_refused() {
    let dir = tmp();
    let path = dir.path().join("名单.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("人员名单").unwrap();
    ws.write_string(0, 0, "姓名").unwrap();
    ws.write_string(0, 1, "电话").unwrap();
    wb.save(&path).unwrap();
    let o = run(&["import", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("没有找到任何预算表") && err.contains("人员名单"),
        "{err}"
    );
}

#[test]
fn a_partial_workbook_reports_the_missing_tables() {
    let dir = tmp();
    let path = dir.path().join("only-t3.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("表3").unwrap();
    ws.write_string(0, 0, "2024年支出总表").unwrap();
    for (c, h) in ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]
        .iter()
        .enumerate()
    {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    ws.write_string(3, 0, "合计").unwrap();
    ws.write_number(3, 2, 10.0).unwrap();
    ws.write_number(3, 3, 10.0).unwrap();
    ws.write_number(3, 4, 0.0).unwrap();
    wb.save(&path).unwrap();
    let o = run(&["inspect", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("未找到的表：表1 收支总表、表2 收入总表、表4 财政拨款收支总表、表5-1 一般公共预算支出表(分功能科目)"),
        "{out}"
    );
    assert!(
        out.contains("S.unit") && out.contains("没有注明金额单位"),
        "{out}"
    );
    assert!(
        out.contains("缺少列：事业单位经营支出（模板键 operating）、上缴上级支出（模板键 remit）、对附属单位补助支出（模板键 subsidy）"),
        "{out}"
    );
    assert!(out.contains("年度：2024（来自 表3!A1）"), "{out}");
}

#[test]
fn templates_from_a_directory_and_template_errors() {
    let dir = tmp();
    let o = run(&[
        "inspect",
        sample("qiaokou-2024.xlsx").to_str().unwrap(),
        "--template",
        "1999",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("没有 ID 为“1999”的模板；可用的模板：2024"),
        "{}",
        stderr(&o)
    );

    std::fs::write(dir.path().join("bad.toml"), "id = \"x\"\nname = 3\n").unwrap();
    let o = run(&[
        "inspect",
        sample("qiaokou-2024.xlsx").to_str().unwrap(),
        "--templates",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("模板") && err.contains("bad.toml"), "{err}");

    // A user's copy of the 2024 template under another ID is used when asked for.
    let good = tmp();
    let text = include_str!("../templates/2024.toml").replace("id = \"2024\"", "id = \"my-2024\"");
    std::fs::write(good.path().join("mine.toml"), text).unwrap();
    let o = run(&[
        "inspect",
        sample("qiaokou-2024.xlsx").to_str().unwrap(),
        "--templates",
        good.path().to_str().unwrap(),
        "--template",
        "my-2024",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("模板：my-2024"), "{}", stdout(&o));
}

#[test]
fn output_that_cannot_be_written_exits_2() {
    let dir = tmp();
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "x").unwrap();
    let out = blocker.join("model.json");
    let o = run(&[
        "import",
        sample("qiaokou-2024.xlsx").to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("无法写入"), "{}", stderr(&o));
}

#[test]
fn help_has_worked_examples_and_exit_codes() {
    for sub in [
        &["--help"][..],
        &["inspect", "--help"],
        &["import", "--help"],
        &["check", "--help"],
        &["convert", "--help"],
        &["templates", "--help"],
    ] {
        let o = run(sub);
        assert_eq!(o.status.code(), Some(0));
        let out = stdout(&o);
        assert!(out.contains("示例："), "{sub:?}: {out}");
        assert!(out.contains("退出码："), "{sub:?}: {out}");
    }
    let o = run(&["import"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "missing argument is a usage error"
    );
    let o = run(&["inspect", "x.xlsx", "--year", "20x4"]);
    assert_eq!(o.status.code(), Some(2));
}

/// Help and argument errors in Chinese like every other message: clap's
/// English headings, flag texts and errors are not seen.
#[test]
fn help_and_argument_errors_are_in_chinese() {
    const ENGLISH: [&str; 8] = [
        "Usage:",
        "Options:",
        "Arguments:",
        "Commands:",
        "Print help",
        "Print version",
        "error:",
        "[default:",
    ];
    for args in [
        &["--help"][..],
        &["help", "check"],
        &["inspect", "--help"],
        &["import", "--help"],
        &["check", "--help"],
        &["convert", "--help"],
        &["templates", "--help"],
        &["serve", "--help"],
    ] {
        let o = run(args);
        assert_eq!(o.status.code(), Some(0), "{args:?}");
        let out = stdout(&o);
        assert!(
            out.contains("用法：yusuan") && out.contains("选项："),
            "{args:?}: {out}"
        );
        for word in ENGLISH {
            assert!(!out.contains(word), "{args:?} says {word}: {out}");
        }
    }
    assert_eq!(
        stdout(&run(&["help", "check"])),
        stdout(&run(&["check", "--help"]))
    );
    for (args, says) in [
        (&["check", "--bogus"][..], "错误：不认识的参数 --bogus"),
        (
            &["chek"],
            "错误：没有命令 chek（有：inspect、import、check、convert、templates、serve）",
        ),
        (
            &["check", "x.xlsx", "--format", "xml"],
            "错误：--format <格式> 不能取“xml”，可取：text、json",
        ),
        (
            &["check", "x.xlsx", "--year", "1800"],
            "错误：--year <年度> 不能取“1800”：应为 1990 到 2100 之间的年份",
        ),
        (
            &["convert", "x.xlsx"],
            "错误：缺少必需的参数：--output <输出文件夹>",
        ),
        (
            &["check", "x.xlsx", "--report", "r.xlsx", "--report-dir", "d"],
            "错误：--report <核对.xlsx> 不能与 --report-dir <文件夹> 同时使用",
        ),
    ] {
        let o = run(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stdout(&o).is_empty(), "{args:?}");
        let err = stderr(&o);
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(
            err.contains("用法：yusuan") && err.contains("更多信息：yusuan"),
            "{args:?}: {err}"
        );
        for word in ENGLISH {
            assert!(!err.contains(word), "{args:?} says {word}: {err}");
        }
    }
}

#[test]
fn format_is_read_from_the_content_not_the_extension() {
    // Departments rename files: an .xlsx saved as .xls, an .xls saved as .xlsx.
    let dir = tmp();
    let a = dir.path().join("renamed.xls");
    std::fs::copy(sample("qiaokou-2024.xlsx"), &a).unwrap();
    let b = dir.path().join("renamed.xlsx");
    std::fs::copy(sample("qiaokou-2024.xls"), &b).unwrap();
    for p in [a, b] {
        let o = run(&["import", p.to_str().unwrap(), "--compact"]);
        assert_eq!(o.status.code(), Some(0), "{}: {}", p.display(), stderr(&o));
        let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(
            json["tables"]["t1"]["income"][0]["amount"]["yuan"],
            "3248300.00"
        );
    }
}

#[test]
fn values_changed_by_rounding_and_words_in_amount_cells_are_reported_with_cells() {
    let dir = tmp();
    let path = dir.path().join("t3.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("表3").unwrap();
    ws.write_string(0, 0, "2024年支出总表").unwrap();
    ws.write_string(1, 4, "单位：万元").unwrap();
    for (c, h) in ["科目编码", "科目名称", "合计", "基本支出", "项目支出"]
        .iter()
        .enumerate()
    {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    ws.write_string(3, 0, "201").unwrap();
    ws.write_string(3, 1, "一般公共服务支出").unwrap();
    ws.write_number(3, 2, 12.345).unwrap();
    ws.write_string(3, 3, "无").unwrap();
    ws.write_number(3, 4, 0.1 + 0.2).unwrap();
    wb.save(&path).unwrap();
    let o = run(&["inspect", path.to_str().unwrap()]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        out.contains("[警告] I.rounded 表3!C4 的值 12.345 超过两位小数，按 12.35 读取 [表3!C4]"),
        "{out}"
    );
    assert!(
        out.contains("[错误] I.not_amount 表3!D4 应为金额，不是金额：无 [表3!D4]"),
        "{out}"
    );
    assert!(
        !out.contains("表3!E4"),
        "0.30000000000000004 is float noise, not a change: {out}"
    );
    let o = run(&["import", path.to_str().unwrap(), "--compact"]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let row = &json["tables"]["t3"]["rows"][0];
    assert_eq!(row["amounts"]["total"]["yuan"], "123500.00");
    assert_eq!(row["amounts"]["project"]["yuan"], "3000.00");
    assert!(
        row["amounts"].get("basic").is_none(),
        "a word is not turned into zero"
    );
}

// ---------------------------------------------------------------- check

#[test]
fn check_reports_the_published_error_grouped_by_table_and_exits_1() {
    let o = run(&["check", sample("qiaokou-2024.xlsx").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "an error finding exits 1");
    assert_eq!(stderr(&o), "");
    let out = stdout(&o);
    assert!(out.contains("结果：1 个错误，0 个警告，2 条提示"), "{out}");
    let t6 = out.find("\n表6\n").expect("表6 group");
    let t11 = out.find("\n表11\n").expect("表11 group");
    assert!(t6 < t11, "tables in order");
    assert!(
        out.contains("[提示] T6.tree") && out.contains("四舍五入差异"),
        "{out}"
    );
    assert!(
        out.contains("[错误] T11.funds 表11 支出 2022年：合计 = 基本支出 + 项目支出"),
        "{out}"
    );
    assert!(out.contains("相差 -0.38 万元"), "{out}");
    assert!(out.contains("单元格：表11!E10, 表11!E8, 表11!E9"), "{out}");
}

#[test]
fn check_json_has_the_documented_shape() {
    let o = run(&[
        "check",
        sample("qiaokou-2024.xlsx").to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let file = &json["files"][0];
    assert_eq!(file["status"], "findings");
    assert_eq!(file["template"], "2024");
    assert_eq!(file["year"], 2024);
    assert_eq!(file["dept_code"], "137");
    assert_eq!(file["dept_name"], "武汉市硚口区企业服务中心");
    let f = file["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "T11.funds")
        .unwrap();
    assert_eq!(f["severity"], "error");
    assert_eq!(f["table"], "t11");
    assert_eq!(f["expected"], "213.64");
    assert_eq!(f["actual"], "213.26");
    assert_eq!(f["difference"], "-0.38");
    assert_eq!(
        f["cells"],
        serde_json::json!(["表11!E10", "表11!E8", "表11!E9"])
    );
    assert!(f["message"].as_str().unwrap().contains("基本支出"));
}

#[test]
fn check_a_folder_with_an_unreadable_file_exits_2_and_reports_each_file() {
    let dir = tmp();
    std::fs::copy(sample("wenlv-2024.xlsx"), dir.path().join("a.xlsx")).unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::copy(sample("qiaokou-2024.xls"), dir.path().join("sub/b.xls")).unwrap();
    std::fs::write(dir.path().join("sub/c.xlsx"), "not a workbook").unwrap();
    std::fs::write(dir.path().join("notes.txt"), "ignored").unwrap();
    std::fs::write(dir.path().join("~$a.xlsx"), "excel lock file, ignored").unwrap();
    let o = run(&["check", dir.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(2), "an unreadable input exits 2");
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let files = json["files"].as_array().unwrap();
    let status: Vec<(&str, &str)> = files
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().rsplit('/').next().unwrap(),
                f["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        status,
        [
            ("a.xlsx", "ok"),
            ("b.xls", "findings"),
            ("c.xlsx", "unreadable")
        ]
    );
    assert!(files[2]["message"]
        .as_str()
        .unwrap()
        .contains("不是 Excel 工作簿"));
    assert!(stderr(&o).contains("c.xlsx"), "{}", stderr(&o));
}

#[test]
fn check_a_consistent_workbook_exits_0() {
    let o = run(&["check", sample("wenlv-2024.xlsx").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("结果：0 个错误，0 个警告，0 条提示"));
}

#[test]
fn check_writes_a_highlighted_report_workbook() {
    let dir = tmp();
    let report = dir.path().join("核对结果.xlsx");
    let o = run(&[
        "check",
        sample("qiaokou-2024.xlsx").to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("核对工作簿已写入") && stderr(&o).contains("在报送的工作簿上标注"),
        "{}",
        stderr(&o)
    );
    let wb = yusuan::workbook::Workbook::open(&report).unwrap();
    let names: Vec<&str> = wb.sheets.iter().map(|s| s.name.as_ref()).collect();
    assert_eq!(names[0], "核对结果");
    let source = yusuan::workbook::Workbook::open(sample("qiaokou-2024.xlsx")).unwrap();
    let source_names: Vec<&str> = source.sheets.iter().map(|s| s.name.as_ref()).collect();
    assert_eq!(names[1..], source_names);
    let summary = &wb.sheets[0];
    let header: Vec<String> = summary.row(2).iter().map(|c| c.as_text()).collect();
    assert_eq!(
        header,
        [
            "序号",
            "级别",
            "规则",
            "表",
            "单元格",
            "说明",
            "应为",
            "实为",
            "差额",
            "单位"
        ]
    );
    // Errors first; figures are numbers.
    let first = summary.row(3);
    assert_eq!(first[1].as_text(), "错误");
    assert_eq!(first[2].as_text(), "T11.funds");
    assert_eq!(first[4].as_text(), "表11!E10, 表11!E8, 表11!E9");
    assert_eq!(
        &first[6..9],
        [
            yusuan::workbook::CellValue::Number(213.64),
            yusuan::workbook::CellValue::Number(213.26),
            yusuan::workbook::CellValue::Number(-0.38)
        ]
    );
    assert_eq!(first[9].as_text(), "万元");
    // The department's own sheets, as submitted.
    let t11 = wb.sheets.iter().find(|s| &*s.name == "表11").unwrap();
    let src11 = source.sheets.iter().find(|s| &*s.name == "表11").unwrap();
    assert_eq!(t11.get(9, 4), &yusuan::workbook::CellValue::Number(213.64));
    assert_eq!(t11.merges(), src11.merges());
}

/// An `.xls` cannot be marked up in place: its report redraws the sheets
/// from the values read, and says so where it is written and on its first sheet.
#[test]
fn check_report_on_xls_redraws_and_says_so() {
    let dir = tmp();
    let report = dir.path().join("r.xlsx");
    let o = run(&[
        "check",
        sample("wenlv-2024-quirks.xls").to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("源文件为 .xls，各表按读入的数值重绘后标注"),
        "{}",
        stderr(&o)
    );
    let wb = yusuan::workbook::Workbook::open(&report).unwrap();
    assert_eq!(&*wb.sheets[0].name, "核对结果");
    assert!(wb.sheets[0]
        .get(1, 0)
        .as_text()
        .starts_with("源文件为 .xls，以下各表按读入的数值重绘"));
}

#[test]
fn check_report_needs_exactly_one_input() {
    let dir = tmp();
    let o = run(&[
        "check",
        sample("qiaokou-2024.xlsx").to_str().unwrap(),
        sample("wenlv-2024.xlsx").to_str().unwrap(),
        "--report",
        dir.path().join("r.xlsx").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--report 只能用于一个工作簿"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join("r.xlsx").exists());
}

#[test]
fn inspect_takes_folders_like_check() {
    let dir = sample("");
    let o = run(&["inspect", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let files = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| {
            e.path()
                .extension()
                .is_some_and(|x| x == "xlsx" || x == "xls")
        })
        .count();
    assert_eq!(out.matches("文件：").count(), files, "{out}");
}

#[test]
fn a_report_that_is_not_an_xlsx_is_refused_with_a_message() {
    let o = run(&[
        "check",
        sample("wenlv-2024.xlsx").to_str().unwrap(),
        "--report",
        "结果.csv",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o), "");
    assert!(
        stderr(&o).contains("--report 结果.csv 应是一个 .xlsx 文件"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn an_unreadable_file_is_reported_once() {
    let dir = tmp();
    let bad = dir.path().join("坏.xlsx");
    std::fs::write(&bad, "not a workbook").unwrap();
    let o = run(&["check", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stdout(&o).matches("不是 Excel 工作簿").count(),
        1,
        "{}",
        stdout(&o)
    );
    assert_eq!(stderr(&o), "", "not again on stderr");
}

#[test]
fn no_info_leaves_rounding_notes_out_of_the_text_report() {
    let q = sample("qiaokou-2024.xlsx");
    let with = stdout(&run(&["check", q.to_str().unwrap()]));
    let without = stdout(&run(&["check", q.to_str().unwrap(), "--no-info"]));
    assert!(
        with.contains("T6.tree") && with.contains("四舍五入差异"),
        "{with}"
    );
    assert!(
        !without.contains("T6.tree") && without.contains("T11.funds"),
        "{without}"
    );
}

#[test]
fn a_year_that_contradicts_the_workbook_is_a_warning() {
    let q = sample("qiaokou-2024.xlsx");
    let o = run(&[
        "check",
        q.to_str().unwrap(),
        "--year",
        "2023",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let f = &v["files"][0];
    assert_eq!(f["year"], 2023);
    let year: Vec<&serde_json::Value> = f["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["rule"] == "S.year")
        .collect();
    assert_eq!(year.len(), 1, "{f}");
    assert_eq!(year[0]["severity"], "warning");
    assert!(year[0]["message"]
        .as_str()
        .unwrap()
        .contains("写的是 2024 年"));
    // The workbook's own year given again: no warning.
    let o = run(&[
        "check",
        q.to_str().unwrap(),
        "--year",
        "2024",
        "--format",
        "json",
    ]);
    assert!(!stdout(&o).contains("S.year"));
}

#[test]
fn templates_lists_every_template_and_its_tables() {
    let o = run(&["templates"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    for id in ["2024", "2022", "2023", "shanghai-putuo-2026"] {
        assert!(
            out.lines().any(|l| l.starts_with(&format!("{id}  "))),
            "{id}: {out}"
        );
    }
    assert!(
        out.contains("2024 年部门预算公开表（2024 年起，默认单位 万元）：规范工作簿按此格式写出"),
        "{out}"
    );
    assert!(
        out.contains("t7    表9     “三公”经费和机关运行经费预算表"),
        "{out}"
    );
}

/// A batch reviewed at once: a report per input, one findings file, and a
/// summary with errors first, each row linked to its report.
#[test]
fn a_batch_is_reviewed_into_one_folder() {
    let dir = tmp();
    let out = dir.path().join("review");
    let (q, w) = (sample("qiaokou-2024.xlsx"), sample("wenlv-2024.xlsx"));
    let o = bin()
        .arg("check")
        .args([&w, &q])
        .arg("--report-dir")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("2 个核对工作簿"), "{}", stderr(&o));
    for f in [
        "qiaokou-2024-核对.xlsx",
        "wenlv-2024-核对.xlsx",
        "核对汇总.xlsx",
        "findings.csv",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    // findings.csv: one finding a row, in Excel-friendly UTF-8.
    let bytes = std::fs::read(out.join("findings.csv")).unwrap();
    assert_eq!(&bytes[..3], [0xEF, 0xBB, 0xBF]);
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("source_file,department,dept_code,year,rule,severity,table,cells"));
    assert_eq!(
        lines.len(),
        1 + 3,
        "qiaokou's error and two rounding notes: {text}"
    );
    assert!(lines.iter().any(|l| l
        .starts_with("qiaokou-2024.xlsx,武汉市硚口区企业服务中心,137,2024,T11.funds,error,表11,")));
    // The summary: errors first, numbers as numbers, linked to the report.
    let summary = yusuan::workbook::Workbook::open(out.join("核对汇总.xlsx")).unwrap();
    let s = &summary.sheets[0];
    assert_eq!(&*s.name, "核对汇总");
    assert_eq!(s.get(1, 0).as_text(), "武汉市硚口区企业服务中心");
    assert_eq!(s.get(1, 3), &yusuan::workbook::CellValue::Number(1.0));
    assert_eq!(s.get(2, 0).as_text(), "武汉市硚口区文化和旅游局");
    assert_eq!(s.get(1, 7).as_text(), "qiaokou-2024-核对.xlsx");
    let mut zip =
        zip::ZipArchive::new(std::fs::File::open(out.join("核对汇总.xlsx")).unwrap()).unwrap();
    let mut rels = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/worksheets/_rels/sheet1.xml.rels").unwrap(),
        &mut rels,
    )
    .unwrap();
    assert!(
        rels.contains("Target=\"qiaokou-2024-核对.xlsx\"")
            && rels.contains("TargetMode=\"External\""),
        "{rels}"
    );
    // A report per input opens and holds its findings sheet.
    let report = yusuan::workbook::Workbook::open(out.join("qiaokou-2024-核对.xlsx")).unwrap();
    assert_eq!(&*report.sheets[0].name, "核对结果");
    // The same name twice (an .xls and its .xlsx): the second says its format.
    let twice = dir.path().join("twice");
    let o = bin()
        .arg("check")
        .args([sample("qiaokou-2024.xls"), q.clone()])
        .arg("--report-dir")
        .arg(&twice)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(twice.join("qiaokou-2024-核对.xlsx").is_file());
    assert!(twice.join("qiaokou-2024-xlsx-核对.xlsx").is_file());
    // --report-dir beside --report is refused.
    let o = bin()
        .arg("check")
        .arg(&q)
        .args(["--report", "a.xlsx", "--report-dir"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

/// Regression: the batch's workers took their stack size from
/// `RUST_MIN_STACK`, and with 64 KiB every `check` ended in "stack
/// overflow" and an abort (exit 134) instead of a report.
#[test]
fn a_small_rust_min_stack_in_the_environment_does_not_abort_a_batch() {
    let qiaokou = sample("qiaokou-2024.xlsx");
    let wenlv = sample("wenlv-2022.xls");
    let args = ["check", qiaokou.to_str().unwrap(), wenlv.to_str().unwrap()];
    let plain = run(&args);
    let small = bin()
        .args(args)
        .env("RUST_MIN_STACK", "65536")
        .output()
        .expect("run yusuan");
    assert!(!stderr(&small).contains("overflow"), "{}", stderr(&small));
    assert_eq!(small.status.code(), plain.status.code());
    assert_eq!(stdout(&small), stdout(&plain));
    assert!(
        stdout(&small).contains("wenlv-2022.xls"),
        "{}",
        stdout(&small)
    );

    let dir = tmp();
    let o = bin()
        .args(["convert", qiaokou.to_str().unwrap(), "-o"])
        .arg(dir.path())
        .args(["--to", "csv,xlsx"])
        .env("RUST_MIN_STACK", "65536")
        .output()
        .expect("run yusuan");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(dir.path().join("facts.csv").is_file());
}

/// Regression: an input that reads without end (a device; its size says 0)
/// was read until memory ran out. A device, a pipe or a socket is not read
/// at all: the input fails alone with the reason, in `check` and in
/// `convert`.
#[cfg(target_os = "linux")]
#[test]
fn an_input_that_is_not_a_regular_file_is_refused_unread() {
    let o = run(&["check", "/dev/zero"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("/dev/zero: 不是普通文件（是管道、套接字或设备），未读取"),
        "{}",
        stdout(&o)
    );

    let dir = tmp();
    let qiaokou = sample("qiaokou-2024.xlsx");
    let o = bin()
        .args(["convert", "/dev/zero", qiaokou.to_str().unwrap(), "-o"])
        .arg(dir.path())
        .output()
        .expect("run yusuan");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("不是普通文件"), "{}", stderr(&o));
    let manifest = std::fs::read_to_string(dir.path().join("manifest.csv")).unwrap();
    assert!(
        manifest.contains("/dev/zero,zero,,0,unreadable,"),
        "{manifest}"
    );
    let row = manifest
        .lines()
        .find(|l| l.contains("qiaokou-2024.xlsx"))
        .unwrap_or_default();
    let size = std::fs::metadata(&qiaokou).unwrap().len();
    assert!(
        row.contains(&format!(",{size},findings,2024,")),
        "{manifest}"
    );
}

/// Regression: `convert 文件夹 -o 文件夹 --to xlsx` wrote each normalized
/// workbook over the submission of the same name. Inputs inside the output
/// folder are refused before anything is written, and the originals stay.
#[test]
fn an_output_folder_holding_the_inputs_is_refused_and_nothing_is_overwritten() {
    let dir = tmp();
    let original = std::fs::read(sample("qiaokou-2024.xlsx")).unwrap();
    let input = dir.path().join("qiaokou-2024.xlsx");
    std::fs::write(&input, &original).unwrap();
    let o = convert_to(dir.path(), dir.path(), "csv,xlsx");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert!(
        stderr(&o).contains("在输出文件夹") && stderr(&o).contains("请换一个输出文件夹"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read(&input).unwrap(),
        original,
        "the submission is untouched"
    );
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "nothing written beside it: {left:?}");

    // The same for one file's outputs: a report or JSON over the input.
    let o = run(&[
        "check",
        input.to_str().unwrap(),
        "--report",
        input.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("就是输入的工作簿"), "{}", stderr(&o));
    let o = run(&[
        "import",
        input.to_str().unwrap(),
        "-o",
        input.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("就是输入的工作簿"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&input).unwrap(), original);
}

/// Regression: with the output folder inside the input folder, a second
/// run read the first run's normalized workbooks as inputs (twice the
/// inputs, each a duplicate). The output folder is skipped, with a word.
#[test]
fn a_rerun_does_not_read_its_own_outputs_as_inputs() {
    let dir = tmp();
    std::fs::copy(
        sample("qiaokou-2024.xlsx"),
        dir.path().join("qiaokou-2024.xlsx"),
    )
    .unwrap();
    let out = dir.path().join("out");
    let convert = || {
        bin()
            .arg("convert")
            .arg(dir.path())
            .arg("-o")
            .arg(&out)
            .args(["--to", "csv,xlsx", "--force"])
            .output()
            .expect("run yusuan")
    };
    let first = convert();
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert!(out.join("qiaokou-2024.xlsx").is_file());
    let second = convert();
    assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
    assert!(
        stderr(&second).contains("它是本次的输出文件夹"),
        "{}",
        stderr(&second)
    );
    let manifest = std::fs::read_to_string(out.join("manifest.csv")).unwrap();
    assert_eq!(manifest.lines().count(), 2, "one input: {manifest}");
    assert!(!out.join("qiaokou-2024-2.xlsx").exists());

    // check's report folder likewise.
    let reports = dir.path().join("核对");
    for _ in 0..2 {
        let o = bin()
            .arg("check")
            .arg(dir.path())
            .arg("--report-dir")
            .arg(&reports)
            .output()
            .expect("run yusuan");
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    }
    let o = bin()
        .arg("check")
        .arg(dir.path())
        .arg("--report-dir")
        .arg(&reports)
        .output()
        .expect("run yusuan");
    assert!(!stdout(&o).contains("-核对.xlsx"), "{}", stdout(&o));
}

/// Regression: a folder search took only `.xlsx` and `.xls`; a submission
/// saved as `.xlsm`, or in WPS 表格's own `.et`, was passed over without a
/// word. `.xlsm` is read (the same package); other spreadsheet formats are
/// named in a hint; other files (a `.txt`, a `.pdf`) stay quiet.
#[test]
fn a_folder_search_reads_xlsm_and_names_spreadsheets_it_cannot_read() {
    let dir = tmp();
    std::fs::copy(sample("qiaokou-2024.xlsx"), dir.path().join("a.xlsm")).unwrap();
    std::fs::copy(sample("wenlv-2024.xlsx"), dir.path().join("b.xlsx")).unwrap();
    std::fs::write(dir.path().join("c.et"), b"not read").unwrap();
    std::fs::write(dir.path().join("说明.txt"), b"notes").unwrap();
    let o = run(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("a.xlsm（模板 2024，2024 年，137"), "{out}");
    assert!(out.contains("b.xlsx（模板 2024，2024 年，145"), "{out}");
    let err = stderr(&o);
    assert!(
        err.contains("提示：跳过 1 个不是 .xlsx/.xls 的表格文件（") && err.contains("c.et）"),
        "{err}"
    );
    assert!(!err.contains("说明.txt"), "{err}");
}

/// Regression: a file name in GBK (a zip made on Chinese Windows, unpacked
/// without its code page) came out as `�����.xlsx` in the report, in
/// `source_file` and in the normalized workbook's name; two such files could
/// not be told apart. Now decoded: 财政局预算.xlsx.
#[cfg(unix)]
#[test]
fn gbk_file_names_are_shown_in_chinese() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tmp();
    let (gbk, _, bad) = encoding_rs::GBK.encode("财政局预算.xlsx");
    assert!(!bad);
    let name = std::ffi::OsStr::from_bytes(&gbk);
    assert!(name.to_str().is_none(), "not UTF-8");
    std::fs::copy(sample("qiaokou-2024.xlsx"), dir.path().join(name)).unwrap();
    let o = bin().arg("check").arg(dir.path()).output().unwrap();
    assert!(
        stdout(&o).contains("财政局预算.xlsx（模板 2024"),
        "{}",
        stdout(&o)
    );

    let out = tmp();
    let o = convert_to(dir.path(), out.path(), "csv,xlsx");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(out.path().join("财政局预算.xlsx").is_file());
    let t1 = std::fs::read_to_string(out.path().join("t1.csv")).unwrap();
    assert!(
        t1.lines().nth(1).unwrap().contains(",财政局预算.xlsx,"),
        "{t1}"
    );
    let manifest = std::fs::read_to_string(out.path().join("manifest.csv")).unwrap();
    assert!(
        manifest.contains("财政局预算.xlsx,财政局预算.xlsx,"),
        "{manifest}"
    );
}

/// Regression: a submission with a long name (255 bytes is the most a file
/// name holds) stopped `check --report-dir` at its report, `名-核对.xlsx`
/// being too long, with no findings.csv nor summary for anyone; an `.xls`
/// of 255 bytes could not have its `.xlsx`. Names are now cut to fit.
#[test]
fn a_long_input_name_still_gets_its_report_and_its_workbook() {
    let dir = tmp();
    let long = "预".repeat(83); // 249 bytes
    std::fs::copy(
        sample("qiaokou-2024.xls"),
        dir.path().join(format!("{long}.xls")),
    )
    .unwrap();
    std::fs::copy(sample("wenlv-2024.xlsx"), dir.path().join("wenlv.xlsx")).unwrap();
    let reports = tmp();
    let o = bin()
        .arg("check")
        .arg(dir.path())
        .arg("--report-dir")
        .arg(reports.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let names: Vec<String> = std::fs::read_dir(reports.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 4, "{names:?}");
    assert!(names
        .iter()
        .any(|n| n.starts_with("预预") && n.ends_with("-核对.xlsx") && n.len() <= 255));
    assert!(names.contains(&"findings.csv".to_string()));

    let out = tmp();
    let o = convert_to(dir.path(), out.path(), "xlsx,json");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let written: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with("预预"))
        .collect();
    assert_eq!(written.len(), 2, "{written:?}");
    assert!(written.iter().all(|n| n.len() <= 255), "{written:?}");
}
