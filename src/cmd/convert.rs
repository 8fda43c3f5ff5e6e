//! `yusuan convert`: workbooks → warehouse CSV, normalized 2024 workbooks, or model JSON.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::check::{check_all, workbooks};
use super::{write_atomic, ReadArgs};
use yusuan::amount::Unit;
use yusuan::export::csv::{manifest_row, render, schemas, CsvTables, Encoding};
use yusuan::export::normalize::to_fixture;
use yusuan::reconcile::counts;
use yusuan::samples::render_workbook;

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum To {
    /// One CSV per table + facts.csv + manifest.csv (docs/csv-schema.md)
    Csv,
    /// OUTDIR/<input stem>.xlsx in the 2024 official layout
    Xlsx,
    /// OUTDIR/<input stem>.json, the canonical model
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum UnitArg {
    /// 元, exact (default)
    Yuan,
    /// 万元, rounded to 0.01
    Wan,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum LayoutArg {
    /// OUTDIR/<table>.csv
    Flat,
    /// OUTDIR/<table>/year=<year>/part-0.csv (Spark, Trino, DuckDB read it as partitioned tables)
    Hive,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum EncodingArg {
    Utf8,
    /// GBK; a character GBK cannot hold is an error, never replaced
    Gbk,
}

#[derive(Debug, Args)]
#[command(after_help = "示例 / Examples:
  yusuan convert samples/ -o out/csv                          # 每张表一个 CSV（元），含 facts.csv、manifest.csv
  yusuan convert 2022/ 2023/ -o out/warehouse --layout hive   # <表>/year=<年度>/part-0.csv
  yusuan convert 旧表.xls -o out/xlsx --to xlsx               # 2024 年格式的规范工作簿
  yusuan convert samples/ -o out --to csv,xlsx,json           # 三种输出放在同一目录
  yusuan convert samples/ -o out/excel --bom                  # Windows 上的 Excel 直接打开
  yusuan convert samples/ -o out/gbk --encoding gbk --unit wan

各文件的列、类型与含义见 docs/csv-schema.md。manifest.csv 每个输入一行（状态、模板、年度、部门、错误/警告数）。
所有输出先写临时文件再改名：中断的运行不会留下看似完整的半截文件。

退出码 / Exit status: 0 全部转换；2 有输入无法读取（其余照常输出，见 manifest.csv）或参数、编码错误（此时不写任何文件）。")]
pub struct ConvertArgs {
    /// Workbooks, or folders searched recursively for .xlsx / .xls
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Output folder
    #[arg(short, long, value_name = "OUTDIR")]
    pub output: PathBuf,
    /// What to write; several at once, comma-separated (`--to csv,xlsx`), share OUTDIR and its manifest.csv
    #[arg(long, value_enum, value_delimiter = ',', default_value = "csv")]
    pub to: Vec<To>,
    /// Unit of CSV amounts
    #[arg(long, value_enum, default_value = "yuan")]
    pub unit: UnitArg,
    /// File layout of the CSV output
    #[arg(long, value_enum, default_value = "flat")]
    pub layout: LayoutArg,
    /// Start every CSV with a UTF-8 byte-order mark (for Excel on Windows)
    #[arg(long)]
    pub bom: bool,
    /// Encoding of the CSV output
    #[arg(long, value_enum, default_value = "utf8")]
    pub encoding: EncodingArg,
    #[command(flatten)]
    pub read: ReadArgs,
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `stem.ext`, or `stem-2.ext` … when an earlier input had the same stem.
fn unique(stems: &mut BTreeSet<String>, p: &Path, ext: &str) -> String {
    let stem = p
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "workbook".into());
    let mut name = stem.clone();
    let mut n = 1;
    while !stems.insert(name.clone()) {
        n += 1;
        name = format!("{stem}-{n}");
    }
    format!("{name}.{ext}")
}

pub fn run(args: &ConvertArgs) -> anyhow::Result<i32> {
    let cfg = args.read.resolve()?;
    let files = workbooks(&args.inputs)?;
    let results = check_all(&files, &cfg, "转换", false);

    let unit = match args.unit {
        UnitArg::Yuan => Unit::Yuan,
        UnitArg::Wan => Unit::Wan,
    };
    let encoding = match args.encoding {
        EncodingArg::Utf8 => Encoding::Utf8,
        EncodingArg::Gbk => Encoding::Gbk,
    };
    // Everything is rendered first, then written: an encoding error writes nothing.
    let mut outputs: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let mut manifest = Vec::new();
    let mut unreadable = 0;
    for (p, r) in &results {
        let size = std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        let path = p.display().to_string();
        match r {
            Ok((b, findings, _)) => manifest.push(manifest_row(
                &path,
                size,
                if findings.is_empty() {
                    "ok"
                } else {
                    "findings"
                },
                &b.source.template,
                b.year,
                b.department.code.as_deref().unwrap_or(""),
                b.department.name.as_deref().unwrap_or(""),
                counts(findings),
                "",
            )),
            Err(e) => {
                unreadable += 1;
                manifest.push(manifest_row(
                    &path,
                    size,
                    "unreadable",
                    "",
                    None,
                    "",
                    "",
                    (0, 0, 0),
                    e,
                ));
                eprintln!("错误：{e}");
            }
        }
    }
    let ok = || {
        results
            .iter()
            .filter_map(|(p, r)| r.as_ref().ok().map(|(b, _, _)| (p, b)))
    };
    let out = &args.output;
    let schemas = schemas();
    let mut formats = args.to.clone();
    formats.dedup();
    for format in formats {
        match format {
            To::Csv => {
                let mut tables = CsvTables::default();
                for (p, b) in ok() {
                    tables.add(b, &file_name(p), unit);
                }
                for (name, cols) in &schemas {
                    if *name == "manifest" {
                        continue;
                    }
                    let header: Vec<&str> = cols.iter().map(|c| c.0).collect();
                    let rows = tables.files.remove(name).unwrap_or_default();
                    match args.layout {
                        LayoutArg::Flat => {
                            let rows: Vec<Vec<String>> = rows.into_iter().map(|(_, r)| r).collect();
                            let file = format!("{name}.csv");
                            outputs.push((
                                out.join(&file),
                                render(&file, &header, &rows, encoding, args.bom)?,
                            ));
                        }
                        LayoutArg::Hive => {
                            // The partition holds the year; the files leave the column out.
                            let mut by_year: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
                            for (y, mut r) in rows {
                                r.remove(0);
                                let part = y.map_or_else(
                                    || "__HIVE_DEFAULT_PARTITION__".to_string(),
                                    |y| y.to_string(),
                                );
                                by_year.entry(part).or_default().push(r);
                            }
                            for (year, rows) in by_year {
                                let file = format!("{name}/year={year}/part-0.csv");
                                outputs.push((
                                    out.join(&file),
                                    render(&file, &header[1..], &rows, encoding, args.bom)?,
                                ));
                            }
                        }
                    }
                }
            }
            To::Xlsx => {
                let templates = &cfg.templates;
                let mut stems = BTreeSet::new();
                for (p, b) in ok() {
                    // Whatever template read it, it is written in the current layout.
                    let t = templates.current();
                    let (fx, layout) = to_fixture(b, t);
                    let bytes = render_workbook(&fx, t, &layout)
                        .map_err(|e| anyhow::anyhow!("{}: 无法生成工作簿：{e}", p.display()))?;
                    outputs.push((out.join(unique(&mut stems, p, "xlsx")), bytes));
                }
            }
            To::Json => {
                let mut stems = BTreeSet::new();
                for (p, b) in ok() {
                    let mut json = serde_json::to_vec_pretty(b)?;
                    json.push(b'\n');
                    outputs.push((out.join(unique(&mut stems, p, "json")), json));
                }
            }
        }
    }
    let manifest_cols: Vec<&str> = schemas
        .iter()
        .find(|(n, _)| *n == "manifest")
        .map(|(_, c)| c.iter().map(|x| x.0).collect())
        .unwrap_or_default();
    outputs.push((
        out.join("manifest.csv"),
        render(
            "manifest.csv",
            &manifest_cols,
            &manifest,
            encoding,
            args.bom,
        )?,
    ));
    for (path, bytes) in &outputs {
        write_atomic(path, bytes)?;
    }
    eprintln!(
        "已转换 {} 个工作簿{} → {}（{} 个文件）",
        results.len() - unreadable,
        if unreadable > 0 {
            format!("，{unreadable} 个无法读取")
        } else {
            String::new()
        },
        out.display(),
        outputs.len()
    );
    Ok(if unreadable > 0 { 2 } else { 0 })
}
