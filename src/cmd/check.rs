//! `yusuan check`: reconcile workbooks against every rule of the spec.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;

use super::{write_atomic, ReadArgs, ReadConfig};
use yusuan::import::import_workbook;
use yusuan::model::{Budget, Severity};
use yusuan::reconcile::{check, counts, table_name, table_order, Finding};
use yusuan::workbook::Workbook;

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum OutputFormat {
    /// 按表分组的中文报告
    Text,
    /// {"files":[{path, status, template, year, dept_code, dept_name, findings}]}
    Json,
}

#[derive(Debug, Args)]
#[command(after_help = "示例 / Examples:
  yusuan check samples/qiaokou-2024.xlsx
  yusuan check submissions/2024/ --format json > findings.json     # 目录递归查找 .xlsx/.xls
  yusuan check 表.xlsx --report 核对结果.xlsx                       # 标色的核对工作簿

规则 ID 见 README（T3.tree、X.t1_t3_class、S.orphan …）。每条结果给出所比较的单元格（表3!C7）。
四舍五入：合计与 n 项之和相差小于 (n+1)×0.005（显示单位）时为提示“四舍五入差异”，否则为错误。

退出码 / Exit status: 0 没有错误；1 至少一个错误；2 有文件无法读取或参数错误。")]
pub struct CheckArgs {
    /// Workbooks, or folders searched recursively for .xlsx / .xls
    #[arg(required = true, value_name = "FILE|DIR")]
    pub inputs: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
    /// Also write a highlighted workbook: the tables as imported, each cell of a finding filled and annotated, and a 核对结果 sheet (one input only)
    #[arg(long, value_name = "REPORT.xlsx")]
    pub report: Option<PathBuf>,
    /// Show findings of severity info (四舍五入差异, text numbers) in the text report
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
    pub info: bool,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// One input's outcome.
#[derive(Debug, Serialize)]
pub struct FileReport {
    pub path: String,
    /// `ok`, `findings` or `unreadable`.
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dept_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dept_name: Option<String>,
    pub findings: Vec<Finding>,
}

#[derive(Serialize)]
struct JsonOut<'a> {
    files: &'a [FileReport],
}

/// Expands folders into the workbooks they hold (sorted; Excel lock files `~$…` skipped).
pub fn expand_inputs(inputs: &[PathBuf]) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            out.push(dir.to_path_buf());
            return;
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        paths.sort();
        for p in paths {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if name.starts_with('.') || name.starts_with("~$") {
                continue;
            }
            if p.is_dir() {
                walk(&p, out);
            } else if p
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("xls"))
            {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    for i in inputs {
        if i.is_dir() {
            walk(i, &mut out);
        } else {
            out.push(i.clone());
        }
    }
    out
}

/// One input read and checked, or why it could not be read.
pub type Checked = Result<(Budget, Vec<Finding>, Workbook), String>;

/// Reads and checks one input; an error is the message to report.
pub fn check_one(path: &Path, cfg: &ReadConfig) -> Checked {
    let wb = Workbook::open(path).map_err(|e| e.to_string())?;
    let budget = import_workbook(&wb, &cfg.templates, &cfg.options).map_err(|e| e.to_string())?;
    let findings = check(&budget);
    Ok((budget, findings, wb))
}

fn file_report(path: &Path, r: &Checked) -> FileReport {
    match r {
        Ok((b, findings, _)) => FileReport {
            path: path.display().to_string(),
            status: if findings.is_empty() {
                "ok"
            } else {
                "findings"
            },
            message: None,
            template: Some(b.source.template.clone()),
            year: b.year,
            dept_code: b.department.code.clone(),
            dept_name: b.department.name.clone(),
            findings: findings.clone(),
        },
        Err(e) => FileReport {
            path: path.display().to_string(),
            status: "unreadable",
            message: Some(e.clone()),
            template: None,
            year: None,
            dept_code: None,
            dept_name: None,
            findings: vec![],
        },
    }
}

/// The workbooks of the inputs (folders expanded); an error when there are none.
pub fn workbooks(inputs: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let files = expand_inputs(inputs);
    if files.is_empty() {
        let given: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
        anyhow::bail!("在 {} 中没有找到 .xlsx 或 .xls 文件", given.join("、"));
    }
    Ok(files)
}

/// Reads and checks every file on all cores, in input order, with a
/// progress bar; the cell grids are dropped unless a report needs them.
pub fn check_all(
    files: &[PathBuf],
    cfg: &ReadConfig,
    verb: &str,
    keep_workbook: bool,
) -> Vec<(PathBuf, Checked)> {
    let bar = progress(files.len(), verb);
    let results = files
        .par_iter()
        .map(|p| {
            let mut r = check_one(p, cfg);
            if !keep_workbook {
                if let Ok((_, _, wb)) = &mut r {
                    wb.sheets.clear();
                }
            }
            bar.inc(1);
            (p.clone(), r)
        })
        .collect();
    bar.finish_and_clear();
    results
}

pub fn run(args: &CheckArgs) -> anyhow::Result<i32> {
    let cfg = args.read.resolve()?;
    let files = workbooks(&args.inputs)?;
    if args.report.is_some() && files.len() != 1 {
        anyhow::bail!("--report 只能用于一个工作簿（现有 {} 个输入）", files.len());
    }
    let results = check_all(&files, &cfg, "核对", args.report.is_some());

    let reports: Vec<FileReport> = results.iter().map(|(p, r)| file_report(p, r)).collect();
    match args.format {
        OutputFormat::Json => {
            let mut s = serde_json::to_string_pretty(&JsonOut { files: &reports })?;
            s.push('\n');
            print!("{s}");
        }
        OutputFormat::Text => print!("{}", text_report(&reports, args.info)),
    }
    if let (Some(out), Some((_, Ok((budget, findings, wb))))) = (&args.report, results.first()) {
        let bytes = yusuan::export::report::write_report(wb, budget, findings)?;
        write_atomic(out, &bytes)?;
        eprintln!("核对工作簿已写入 {}", out.display());
    }
    for r in reports.iter().filter(|r| r.status == "unreadable") {
        eprintln!("错误：{}", r.message.as_deref().unwrap_or(""));
    }
    let unreadable = reports.iter().any(|r| r.status == "unreadable");
    let errors = reports
        .iter()
        .any(|r| r.findings.iter().any(|f| f.severity == Severity::Error));
    Ok(if unreadable {
        2
    } else if errors {
        1
    } else {
        0
    })
}

/// A progress bar on stderr for a long run on a terminal; hidden otherwise.
pub fn progress(n: usize, verb: &str) -> ProgressBar {
    if n > 1 && std::io::stderr().is_terminal() {
        let b = ProgressBar::new(n as u64);
        let style = ProgressStyle::with_template(&format!(
            "{verb} {{bar:40}} {{pos}}/{{len}} {{elapsed_precise}} 剩余 {{eta}}"
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        b.set_style(style);
        b
    } else {
        ProgressBar::hidden()
    }
}

/// The reviewer's report: per file, findings grouped by table.
pub fn text_report(reports: &[FileReport], show_info: bool) -> String {
    let mut s = String::new();
    for (i, r) in reports.iter().enumerate() {
        if i > 0 {
            s.push('\n');
        }
        if r.status == "unreadable" {
            let _ = writeln!(
                s,
                "文件：{}\n  无法读取：{}",
                r.path,
                r.message.as_deref().unwrap_or("")
            );
            continue;
        }
        let _ = writeln!(
            s,
            "文件：{}（模板 {}，{} 年，{} {}）",
            r.path,
            r.template.as_deref().unwrap_or("?"),
            r.year.map_or("?".to_string(), |y| y.to_string()),
            r.dept_code.as_deref().unwrap_or(""),
            r.dept_name.as_deref().unwrap_or("")
        );
        let (e, w, n) = counts(&r.findings);
        let _ = writeln!(s, "结果：{e} 个错误，{w} 个警告，{n} 条提示");
        let mut tables: Vec<&str> = r.findings.iter().map(|f| f.table.as_str()).collect();
        tables.dedup();
        tables.sort_by_key(|t| table_order(t));
        tables.dedup();
        for t in tables {
            let items: Vec<&Finding> = r
                .findings
                .iter()
                .filter(|f| f.table == t && (show_info || f.severity != Severity::Info))
                .collect();
            if items.is_empty() {
                continue;
            }
            let _ = writeln!(
                s,
                "\n{}",
                if t.is_empty() {
                    "工作簿".to_string()
                } else {
                    table_name(t)
                }
            );
            for f in items {
                let _ = writeln!(s, "  [{}] {} {}", f.severity.label(), f.rule, f.message);
                if !f.cells.is_empty() {
                    let shown: Vec<String> =
                        f.cells.iter().take(8).map(ToString::to_string).collect();
                    let more = if f.cells.len() > 8 {
                        format!(" 等 {} 个", f.cells.len())
                    } else {
                        String::new()
                    };
                    let _ = writeln!(s, "      单元格：{}{more}", shown.join(", "));
                }
            }
        }
    }
    if reports.len() > 1 {
        let all: Vec<Finding> = reports.iter().flat_map(|r| r.findings.clone()).collect();
        let (e, w, n) = counts(&all);
        let bad = reports.iter().filter(|r| r.status == "unreadable").count();
        let _ = writeln!(
            s,
            "\n合计：{} 个文件，{bad} 个无法读取；{e} 个错误，{w} 个警告，{n} 条提示",
            reports.len()
        );
    }
    s
}
