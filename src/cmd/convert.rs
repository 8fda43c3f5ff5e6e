//! `yusuan convert`: workbooks → warehouse CSV, normalized 2024 workbooks, or model JSON.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use std::sync::Mutex;

use super::batch::progress;
use super::batch::{self, Input};
use super::outdir::{clean_stale, OutputLock};
use super::{sync_folder, write_atomic, write_renamed, ReadArgs};
use yusuan::amount::Unit;
use yusuan::export::csv::{
    manifest_row, per_input, render, render_rows, schemas, Column, CsvChunks, CsvTables, Encoding,
    ManifestEntry,
};
use yusuan::export::ledger::{Ledger, JOURNAL, MANIFEST};
use yusuan::model::Severity;
use yusuan::outcome::{InputOutcome, Status};
use yusuan::reconcile::years::{Summaries, YearSummary};
use yusuan::workbook::{write_reason, Workbook};

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum To {
    /// 每张表一个 CSV，另有 facts.csv、manifest.csv（docs/csv-schema.md）
    Csv,
    /// 输出文件夹/<输入名>.xlsx，2024 年公开表格式
    Xlsx,
    /// 输出文件夹/<输入名>.json，标准模型
    Json,
    /// 输出文件夹/<表>/year=<年度>/part-<哈希>.parquet，每个输入每张表一个；金额 DECIMAL(18,2)
    Parquet,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum UnitArg {
    /// 元，精确（默认）
    Yuan,
    /// 万元，保留两位小数
    Wan,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum LayoutArg {
    /// 输出文件夹/<表>.csv，每次整体替换上次的结果（小批量）
    Flat,
    /// 输出文件夹/<表>/year=<年度>/part-<输入ID>-<内容哈希>.csv，每个输入一份，可续跑、可追加（Spark、Trino、DuckDB 把每个文件夹读作分区表）
    Hive,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum EncodingArg {
    Utf8,
    /// GBK；GBK 无法表示的字符报错，绝不替换
    Gbk,
}

#[derive(Debug, Args)]
#[command(after_help = "示例：（samples/ 是本仓库附带的样例工作簿）
  yusuan convert samples/ -o out/csv                              # 每张表一个 CSV（元），含 facts.csv、manifest.csv
  yusuan convert samples/ -o out/warehouse --layout hive          # <表>/year=<年度>/part-<输入ID>-<内容哈希>.csv，可续跑
  yusuan convert samples/ -o out/warehouse --layout hive          # 再次运行：跳过内容未变的输入，只转换新的和改过的
  yusuan convert samples/ -o out/warehouse --layout hive --force  # 给出的输入全部重做
  yusuan convert samples/wenlv-2022.xls -o out/xlsx --to xlsx     # 2022 年的表写成 2024 年格式的规范工作簿
  yusuan convert samples/ -o out/all --to csv,xlsx,json           # 三种输出放在同一目录
  yusuan convert samples/ -o out/parquet --to parquet             # <表>/year=<年度>/part-<输入ID>-<内容哈希>.parquet，金额 DECIMAL(18,2)
  yusuan convert samples/ -o out/excel --bom                      # Windows 上的 Excel 直接打开
  yusuan convert samples/ -o out/gbk --encoding gbk --unit wan    # GBK 编码，金额以万元计

各文件的列、类型与含义见 docs/csv-schema.md，转换的详细说明见 docs/convert.md；schema.sql 给出每个文件的建表语句（金额 DECIMAL(18,2)）。
manifest.csv 每个输入一行（相对路径、输入ID、内容哈希、状态与原因、模板、年度、部门、错误/警告数、重复、输出文件、替换了哪个旧版本）。
输入以其所在路径区分：不同文件夹里的同名文件是不同的输入，分别保留；--layout hive 再次运行时只替换同一输入的旧版本。
逐个输入读取、核对、写出，内存不随输入数增长；一个坏文件（无法读取、超出上限、无法编码）只让它自己失败。
所有输出先写临时文件再改名：中断的运行不会留下半截文件；--layout hive 的运行可在中断后续跑。
同一输出目录同时只能有一个运行（由操作系统的文件锁保证）；没有一个输入能读取时，输出文件夹不作改动。
输入不能在输出文件夹之内（写出的规范工作簿会覆盖同名原件）；输出文件夹在输入文件夹之中时跳过它，上次的输出不作为输入。

退出码：0 全部转换；2 有输入失败（其余照常输出，见 manifest.csv 的 status、message），或参数错误、输出目录被占用。")]
pub struct ConvertArgs {
    /// 工作簿，或文件夹（其中的 .xlsx / .xlsm / .xls 逐层查找；WPS 的 .et 等其他格式会列出并跳过）；给出或找到的 .docx（给出的 .txt）是情况说明，按部门名称和年度与工作簿配对
    #[arg(required = true, value_name = "输入")]
    pub inputs: Vec<PathBuf>,
    /// 输出文件夹
    #[arg(short, long, value_name = "输出文件夹")]
    pub output: PathBuf,
    /// 输出什么：csv（默认）、xlsx、json、parquet；可用逗号同时给几种（--to csv,xlsx），共用输出文件夹和 manifest.csv
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "csv",
        value_name = "种类",
        hide_possible_values = true,
        hide_default_value = true
    )]
    pub to: Vec<To>,
    /// CSV 金额的单位：yuan（元，精确，默认）或 wan（万元，保留两位小数）
    #[arg(
        long,
        value_enum,
        default_value = "yuan",
        value_name = "单位",
        hide_possible_values = true,
        hide_default_value = true
    )]
    pub unit: UnitArg,
    /// CSV 的文件布局：flat（每张表一个文件，每次重写，默认）或 hive（每个输入一份，可续跑）
    #[arg(
        long,
        value_enum,
        default_value = "flat",
        value_name = "布局",
        hide_possible_values = true,
        hide_default_value = true
    )]
    pub layout: LayoutArg,
    /// 每个 CSV 以 UTF-8 字节序标记开头（供 Windows 上的 Excel 打开）
    #[arg(long)]
    pub bom: bool,
    /// CSV 的编码：utf8（默认）或 gbk（GBK 无法表示的字符报错）
    #[arg(
        long,
        value_enum,
        default_value = "utf8",
        value_name = "编码",
        hide_possible_values = true,
        hide_default_value = true
    )]
    pub encoding: EncodingArg,
    /// 给出的输入全部重新转换，包括内容未变、已转换过的（--layout hive）；输出文件夹是另一种布局时，用本次结果整个替换它
    #[arg(long)]
    pub force: bool,
    /// 情况说明（.docx 或 .txt），随唯一的工作簿核对，其数字写入 narrative_facts；输入中的 .docx 按部门名称和年度与工作簿配对
    #[arg(long, value_name = "说明.docx")]
    pub narrative: Option<PathBuf>,
    /// 规范工作簿（--to xlsx）按哪个模板的格式写出：模板 ID（yusuan templates 列出；默认当前的 2024 年格式，--templates 加入的模板也可以）；该格式放不下的数和留空的位置逐表警告，并记入 manifest.csv
    #[arg(long = "as", value_name = "模板")]
    pub as_template: Option<String>,
    /// 规范工作簿（--to xlsx）写入局里下发的空白模板工作簿（.xlsx）的副本：各表按其标题和表头找到，数字填入相应单元格，样式、列宽、合并单元格、打印设置、公式和其他工作表原样保留；行不够时按其样式插入；放不下的数和留空的位置逐表警告，并记入 manifest.csv
    #[arg(long, value_name = "空白模板.xlsx", conflicts_with = "as_template")]
    pub into: Option<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// Names of the normalized workbooks and model JSON files in the folder
/// (`<stem>.xlsx`, `<stem>.json`): unique across the inputs of this run
/// and of earlier runs whose outputs stay; an input converted again keeps
/// the name it had.
struct Names {
    taken: BTreeSet<String>,
}

impl Names {
    /// The stem for `input`: the one its earlier line's outputs have, else
    /// its file stem, or `stem-2` … when that is taken.
    fn stem(&mut self, input: &Input, earlier: Option<&ManifestEntry>) -> String {
        let kept = earlier.into_iter().flat_map(|e| &e.outputs).find_map(|o| {
            (!o.contains('/'))
                .then(|| o.strip_suffix(".xlsx").or_else(|| o.strip_suffix(".json")))
                .flatten()
        });
        if let Some(stem) = kept {
            return stem.to_string();
        }
        let stem = input
            .path
            .file_stem()
            .map(|s| super::shown(Path::new(s)))
            .unwrap_or_else(|| "workbook".into());
        // Room for `-123456` and the longest extension written (`.xlsx`, `.json`).
        let stem = batch::fit_stem(&stem, 16);
        let mut name = stem.clone();
        let mut n = 1;
        while ["xlsx", "json"]
            .iter()
            .any(|ext| self.taken.contains(&format!("{name}.{ext}")))
        {
            n += 1;
            name = format!("{stem}-{n}");
        }
        for ext in ["xlsx", "json"] {
            self.taken.insert(format!("{name}.{ext}"));
        }
        name
    }
}

/// The first 16 hex digits of the file's SHA-256.
fn content_hash(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// What a worker made of one input.
enum Job {
    /// An earlier run converted this very content; its outputs are there
    /// (and its year's summary, when it kept one).
    Skipped(ManifestEntry, Option<Box<YearSummary>>),
    /// Read, checked and rendered; to be written.
    Done(Box<Rendered>),
    /// Not readable, over a limit, or not writable in a format asked for.
    Failed(ManifestEntry),
}

struct Rendered {
    entry: ManifestEntry,
    /// What the years' rules and tables need of it.
    year: Option<YearSummary>,
    /// The flat layout's chunk of each table (the table's name; bytes); the
    /// part layout's files are written by the worker, and named in the entry.
    csv: Vec<(String, Vec<u8>)>,
    /// The normalized workbook and the model JSON, already written and
    /// synced by the worker under a temporary name in OUTDIR (writing is
    /// part of the parallel work); the writer renames them into place.
    xlsx: Option<PathBuf>,
    json: Option<PathBuf>,
    /// What the normalized workbook's layout could not hold, a line a table.
    warnings: Vec<String>,
}

/// Writes a worker's file under a temporary name in `out` (`.…tmp-<pid>`,
/// which a later run cleans up if this one is killed); made durable with
/// the others before it is recorded ([`sync_folder`]).
fn write_temporary(out: &Path, hash: &str, ext: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    // Two inputs with the same content (copies) are two files in flight at
    // once: the name is this run's own, not the content's alone.
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = out.join(format!(".{hash}-{n}.{ext}.tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })?;
    Ok(tmp)
}

/// Everything a worker needs, resolved once.
struct Plan<'a> {
    cfg: &'a super::ReadConfig,
    /// The layout normalized workbooks are written in (`--as`).
    layout: &'a yusuan::template::Template,
    /// The bureau's blank they are written into instead (`--into`).
    blank: Option<&'a yusuan::export::fill::Blank>,
    formats: Vec<To>,
    unit: Unit,
    encoding: Encoding,
    bom: bool,
    hive: bool,
    /// Convert even what an earlier run converted (`--force`).
    force: bool,
    out: &'a Path,
    /// What the folder held when the run began (the part layout resumes
    /// from it); the writer records each input's new line in it.
    ledger: &'a Mutex<Ledger>,
    schemas: &'a [(&'static str, Vec<Column>)],
}

impl Plan<'_> {
    fn work(&self, input: &Input) -> Job {
        let mut entry = ManifestEntry {
            outcome: InputOutcome {
                path: super::shown(&input.path),
                source_file: input.source.clone(),
                ..Default::default()
            },
            input_id: input.id.clone(),
            ..Default::default()
        };
        let failed = |mut e: ManifestEntry, status: Status, message: String| {
            e.outcome.status = status;
            e.outcome.message = Some(message);
            Job::Failed(e)
        };
        // Read at most the limit; never a pipe or a device.
        let bytes = match Workbook::read_file(&input.file) {
            Ok(b) => b,
            Err(e) => return failed(entry, Status::Unreadable, e.to_string()),
        };
        entry.size = bytes.len() as u64;
        entry.source_hash = content_hash(&bytes);
        if let Some(prev) = self.converted_before(&entry) {
            let year = prev
                .outputs
                .iter()
                .find(|o| o.starts_with(YEARS_DIR))
                .and_then(|o| std::fs::read(self.out.join(o)).ok())
                .and_then(|b| serde_json::from_slice(&b).ok())
                .map(Box::new);
            return Job::Skipped(prev, year);
        }
        // The bytes just hashed are the ones read: the file is read once.
        let wb =
            Workbook::from_bytes(&input.path, &bytes).map_err(super::batch::Failure::unreadable);
        drop(bytes);
        // Another document than a budget is `refused`, nothing written for it.
        let (budget, findings, wb) =
            match wb.and_then(|wb| super::batch::check_workbook(wb, self.cfg)) {
                Ok(r) => r,
                Err(e) => return failed(entry, e.status(), e.message),
            };
        drop(wb);
        entry.outcome = InputOutcome::read(
            entry.outcome.path.clone(),
            entry.outcome.source_file.clone(),
            &budget,
            &findings,
        );
        let year = YearSummary::of(
            &budget,
            &super::check::file_name(&input.path),
            &entry.outcome.source_file,
            &entry.source_hash,
        );
        let mut r = Rendered {
            entry,
            year,
            csv: Vec::new(),
            xlsx: None,
            json: None,
            warnings: Vec::new(),
        };
        let done = self
            .tables(&budget, &mut r)
            .and_then(|()| self.documents(input, &budget, &mut r));
        if let Err(message) = done {
            for tmp in [&r.xlsx, &r.json].into_iter().flatten() {
                let _ = std::fs::remove_file(tmp);
            }
            self.forget_parts(&r.entry);
            let mut entry = r.entry;
            entry.outputs.clear();
            return failed(entry, Status::Failed, message);
        }
        Job::Done(Box::new(r))
    }

    /// Removes the parts this input's worker wrote before it failed, but
    /// none its committed line holds (the same names, when the same content
    /// is converted again).
    fn forget_parts(&self, entry: &ManifestEntry) {
        let ledger = self.ledger.lock().unwrap_or_else(|e| e.into_inner());
        let kept: BTreeSet<&String> = ledger
            .get(
                &entry.input_id,
                &entry.outcome.source_file,
                &entry.source_hash,
            )
            .map(|e| e.outputs.iter().collect())
            .unwrap_or_default();
        remove_all(self.out, entry.outputs.iter().filter(|o| !kept.contains(o)));
    }

    /// The earlier line of this very input and content, when its outputs
    /// are all in the folder (the part layout resumes; `--force` redoes).
    fn converted_before(&self, entry: &ManifestEntry) -> Option<ManifestEntry> {
        if !self.hive || self.force {
            return None;
        }
        let ledger = self.ledger.lock().unwrap_or_else(|e| e.into_inner());
        let prev = ledger.get(
            &entry.input_id,
            &entry.outcome.source_file,
            &entry.source_hash,
        )?;
        let complete = prev.source_hash == entry.source_hash
            && prev.outcome.status.converted()
            && prev.outputs.iter().all(|o| self.out.join(o).is_file());
        complete.then(|| ManifestEntry {
            outcome: InputOutcome {
                path: entry.outcome.path.clone(),
                source_file: entry.outcome.source_file.clone(),
                ..prev.outcome.clone()
            },
            input_id: entry.input_id.clone(),
            ..prev.clone()
        })
    }

    /// The normalized workbook and the model JSON, as asked, written under
    /// temporary names for the writer to put in place.
    fn documents(
        &self,
        input: &Input,
        budget: &yusuan::model::Budget,
        r: &mut Rendered,
    ) -> Result<(), String> {
        let written = |what: &str, e: std::io::Error| {
            format!(
                "{}: {what}无法写入 {}：{}",
                input.path.display(),
                self.out.display(),
                write_reason(&e)
            )
        };
        for format in &self.formats {
            match format {
                To::Csv | To::Parquet => {}
                To::Xlsx => {
                    // Whatever template read it, it is written in the layout
                    // asked for, or into the bureau's blank.
                    let cannot = |e: &dyn std::fmt::Display| {
                        format!("{}: 无法生成规范工作簿：{e}", input.path.display())
                    };
                    let done = match self.blank {
                        Some(blank) => blank
                            .fill(budget, &self.cfg.templates)
                            .map_err(|e| cannot(&e))?,
                        None => yusuan::export::layout::write_as(budget, self.layout)
                            .map_err(|e| cannot(&e))?,
                    };
                    r.warnings = done.report.warnings();
                    r.entry.outcome.message = Some(done.report.summary()).filter(|m| !m.is_empty());
                    let bytes = done.bytes;
                    let tmp = write_temporary(self.out, &r.entry.source_hash, "xlsx", &bytes)
                        .map_err(|e| written("规范工作簿", e))?;
                    r.xlsx = Some(tmp);
                }
                To::Json => {
                    let mut j = serde_json::to_vec_pretty(budget).map_err(|e| e.to_string())?;
                    j.push(b'\n');
                    let tmp = write_temporary(self.out, &r.entry.source_hash, "json", &j)
                        .map_err(|e| written("JSON ", e))?;
                    r.json = Some(tmp);
                }
            }
        }
        Ok(())
    }

    /// This input's rows of every file: as CSV, a chunk per table (flat,
    /// for the writer to append) or a part per table (hive); as Parquet, a
    /// file per table and year. A part is named by the input and its
    /// content (`part-<input_id>-<source_hash>`) and written here, by the
    /// worker: no other input writes that name, and a part is trusted only
    /// once the input's journal line is (its group committed), so a new
    /// version of an input never overwrites the old one's parts before it
    /// is.
    fn tables(&self, b: &yusuan::model::Budget, r: &mut Rendered) -> Result<(), String> {
        let (csv, parquet) = (
            self.formats.contains(&To::Csv),
            self.formats.contains(&To::Parquet),
        );
        let fail = |e: String| format!("{}：{e}", r.entry.outcome.path);
        let tables = self.schemas.iter().filter(|(n, _)| per_input(n));
        let (id, hash) = (r.entry.input_id.clone(), r.entry.source_hash.clone());
        let part_of = |name: &str, year: &str| format!("{name}/year={year}/part-{id}-{hash}");
        if csv {
            let mut chunks = if self.hive {
                CsvChunks::partition(b, &r.entry.outcome.source_file, &hash, self.unit)
            } else {
                CsvChunks::of(b, &r.entry.outcome.source_file, &hash, self.unit)
            };
            let year = partition_of(b.year);
            for (name, cols) in tables.clone() {
                let rows = chunks
                    .take(name, self.encoding)
                    .map_err(|e| fail(e.to_string()))?;
                if !self.hive {
                    // The flat layout's chunks are appended by the writer.
                    r.csv.push((name.to_string(), rows));
                    continue;
                }
                if rows.is_empty() {
                    continue;
                }
                // The partition holds the year; the part leaves the column out.
                let file = format!("{}.csv", part_of(name, &year));
                let header: Vec<&str> = cols.iter().skip(1).map(|c| c.0).collect();
                let mut bytes = render(&file, &header, &[], self.encoding, self.bom)
                    .map_err(|e| fail(e.to_string()))?;
                bytes.extend_from_slice(&rows);
                write_renamed(&self.out.join(&file), &bytes).map_err(|e| fail(e.to_string()))?;
                r.entry.outputs.push(file);
            }
        }
        if self.hive {
            // The year's summary beside the parts: a later run that skips
            // this input still checks its years and writes its rows of
            // dept_years and project_years.
            if let Some(y) = &r.year {
                let file = format!("{YEARS_DIR}{id}-{hash}.json");
                let bytes = serde_json::to_vec(y).map_err(|e| fail(e.to_string()))?;
                write_renamed(&self.out.join(&file), &bytes).map_err(|e| fail(e.to_string()))?;
                r.entry.outputs.push(file);
            }
        }
        if parquet {
            let mut rows_of = CsvTables::default();
            rows_of.add(b, &r.entry.outcome.source_file, &hash, self.unit);
            for (name, cols) in tables {
                let rows = rows_of.files.remove(name).unwrap_or_default();
                for (year, rows) in by_year(rows) {
                    let bytes =
                        yusuan::export::parquet::render(name, &cols[1..], &rows).map_err(fail)?;
                    let file = format!("{}.parquet", part_of(name, &year));
                    write_renamed(&self.out.join(&file), &bytes)
                        .map_err(|e| fail(e.to_string()))?;
                    r.entry.outputs.push(file);
                }
            }
        }
        Ok(())
    }
}

/// The partition a year's rows go to: `2024`, or Hive's name for none.
fn partition_of(year: Option<i32>) -> String {
    year.map_or_else(
        || "__HIVE_DEFAULT_PARTITION__".to_string(),
        |y| y.to_string(),
    )
}

/// Rows by their year partition (`2024`, or `__HIVE_DEFAULT_PARTITION__`),
/// without the year column.
fn by_year(rows: Vec<yusuan::export::csv::YearRow>) -> BTreeMap<String, Vec<Vec<String>>> {
    let mut out: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    for (y, mut row) in rows {
        row.remove(0);
        out.entry(partition_of(y)).or_default().push(row);
    }
    out
}

/// The flat layout's files, appended to as inputs come in and renamed into
/// place at the end: a run that stops leaves the previous files whole.
struct FlatFiles {
    out: PathBuf,
    files: BTreeMap<String, (PathBuf, std::io::BufWriter<std::fs::File>)>,
    encoding: Encoding,
    bom: bool,
}

/// A run that ends early (an output it cannot write) takes its unfinished
/// files with it instead of leaving them for the next run to clear.
impl Drop for FlatFiles {
    fn drop(&mut self) {
        for (tmp, _) in self.files.values() {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

impl FlatFiles {
    fn append(&mut self, name: &str, header: &[&str], bytes: &[u8]) -> std::io::Result<()> {
        use std::io::Write;
        if !self.files.contains_key(name) {
            let tmp = self
                .out
                .join(format!(".{name}.csv.tmp-{}", std::process::id()));
            let mut w = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
            let head = render(&format!("{name}.csv"), header, &[], self.encoding, self.bom)
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            w.write_all(&head)?;
            self.files.insert(name.to_string(), (tmp, w));
        }
        let (_, w) = self
            .files
            .get_mut(name)
            .ok_or_else(|| std::io::Error::other("file"))?;
        w.write_all(bytes)
    }

    /// Puts every table's file in place; the names written.
    fn finish(mut self, schemas: &[(&'static str, Vec<Column>)]) -> std::io::Result<Vec<String>> {
        use std::io::Write;
        for (name, cols) in schemas {
            if per_input(name) {
                let header: Vec<&str> = cols.iter().map(|c| c.0).collect();
                self.append(name, &header, &[])?;
            }
        }
        let mut written = Vec::new();
        for (name, (tmp, mut w)) in std::mem::take(&mut self.files) {
            w.flush()?;
            w.get_ref().sync_all()?;
            drop(w);
            let file = format!("{name}.csv");
            std::fs::rename(&tmp, self.out.join(&file))?;
            written.push(file);
        }
        Ok(written)
    }
}

/// Files the flat layout writes whatever the inputs: one per table, and
/// the schema.
fn flat_table_files(schemas: &[(&'static str, Vec<Column>)]) -> Vec<String> {
    schemas
        .iter()
        .filter(|(n, _)| per_input(n))
        .map(|(n, _)| format!("{n}.csv"))
        .chain(["schema.sql".to_string()])
        .collect()
}

/// The manifest: one line per entry, with the others of the same
/// department and year named (`duplicate_of`), written atomically.
/// `entries` gives the lines; it is called twice (once to find the
/// duplicates), so that the lines need not all be held.
fn write_manifest(
    out: &Path,
    headers: &[&str],
    entries: impl Fn() -> anyhow::Result<Box<dyn Iterator<Item = ManifestEntry>>>,
    encoding: Encoding,
    bom: bool,
) -> anyhow::Result<usize> {
    // The same budget (department, level, unit) and year from two inputs:
    // said in the manifest. A 部门预算 and a 单位预算 of one of its units
    // are two budgets.
    let mut keys: Vec<(Option<i32>, String, String)> = Vec::new();
    for e in entries()? {
        let identity = e.identity().unwrap_or_default();
        keys.push((e.outcome.year, identity, e.outcome.source_file));
    }
    let groups = super::batch::duplicate_groups(
        keys.iter()
            .enumerate()
            .map(|(i, (y, d, _))| (i, *y, (!d.is_empty()).then_some(d.as_str()), None)),
    );
    let sources: Vec<String> = keys.into_iter().map(|(_, _, s)| s).collect();
    let dups = super::batch::others_of(&groups, &sources);
    drop(sources);
    let tmp = out.join(format!(".{MANIFEST}.tmp-{}", std::process::id()));
    let write = || -> anyhow::Result<()> {
        use std::io::Write;
        let mut w = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        w.write_all(&render(MANIFEST, headers, &[], encoding, bom)?)?;
        for (i, mut e) in entries()?.enumerate() {
            e.duplicate_of = dups.get(&i).cloned().unwrap_or_default();
            let mut row = manifest_row(&e);
            if encoding == Encoding::Gbk {
                // The manifest must always be written: a character GBK cannot
                // hold (quoted in a failed input's message) is `<U+20BB7>`.
                for field in &mut row {
                    if encoding_rs::GBK.encode(field).2 {
                        *field = field
                            .chars()
                            .map(|c| {
                                let mut b = [0u8; 4];
                                if encoding_rs::GBK.encode(c.encode_utf8(&mut b)).2 {
                                    format!("<U+{:04X}>", c as u32)
                                } else {
                                    c.to_string()
                                }
                            })
                            .collect();
                    }
                }
            }
            w.write_all(&render_rows(MANIFEST, &[row], encoding)?)?;
        }
        w.flush()?;
        w.get_ref().sync_all()?;
        Ok(())
    };
    let mut pending = super::Pending(Some(tmp.clone()));
    write().map_err(|e| match e.downcast::<std::io::Error>() {
        Ok(source) => yusuan::Error::Output {
            path: out.join(MANIFEST),
            source,
        }
        .into(),
        Err(e) => e,
    })?;
    std::fs::rename(&tmp, out.join(MANIFEST))?;
    pending.0 = None;
    Ok(dups.len())
}

/// The lines of a journal, from its start.
fn journal_lines(path: &Path) -> anyhow::Result<Box<dyn Iterator<Item = ManifestEntry>>> {
    let r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(std::io::BufReader::new(std::fs::File::open(path)?));
    Ok(Box::new(
        r.into_records()
            .filter_map(Result::ok)
            .filter_map(|rec| ManifestEntry::from_row(&rec)),
    ))
}

/// Removes `files` (relative to `out`); a file already gone is fine.
fn remove_all<'a>(out: &Path, files: impl IntoIterator<Item = &'a String>) {
    for f in files {
        // Never outside the folder, whatever a manifest says.
        if f.split('/').any(|c| c == ".." || c.is_empty()) || Path::new(f).is_absolute() {
            continue;
        }
        let _ = std::fs::remove_file(out.join(f));
    }
}

/// The output folder, taken for this run: created if need be, locked,
/// cleared of a killed run's temporaries, and its earlier state read.
struct Folder {
    out: PathBuf,
    /// Created by this run (removed again when nothing is written).
    created: bool,
    _lock: OutputLock,
}

impl Folder {
    fn take(out: &Path) -> anyhow::Result<Folder> {
        if out.exists() && !out.is_dir() {
            anyhow::bail!(
                "输出路径 {} 是一个文件，不是文件夹：-o 应给出输出文件夹",
                out.display()
            );
        }
        let created = !out.exists();
        std::fs::create_dir_all(out).map_err(|e| {
            anyhow::anyhow!(
                "{}: 无法创建输出文件夹：{}",
                out.display(),
                write_reason(&e)
            )
        })?;
        let lock = OutputLock::take(out)?;
        let stale = clean_stale(out);
        if stale > 0 {
            eprintln!("提示：清除了上次中断留下的 {stale} 个临时文件");
        }
        Ok(Folder {
            out: out.to_path_buf(),
            created,
            _lock: lock,
        })
    }

    /// Leaves the folder as it was: one this run created goes again.
    fn untouched(self) {
        let Folder {
            out,
            created,
            _lock,
        } = self;
        drop(_lock);
        if created {
            let _ = std::fs::remove_dir(&out);
        }
    }
}

/// Every input's line, as it is decided, goes to the journal, not into
/// memory (the flat layout's manifest is read back from it). In the part
/// layout it is also what a killed run leaves for the next to resume from,
/// so a line is written only once the input's files are durable: lines
/// wait in a group, and a group is committed — one sync of the folder for
/// all its files, then its lines, then one sync of the journal — every
/// [`Journal::GROUP`] inputs or [`Journal::EVERY`], whichever comes first.
/// A killed run redoes at most its last group.
struct Journal {
    out: PathBuf,
    file: std::fs::File,
    hive: bool,
    group: Vec<ManifestEntry>,
    since: std::time::Instant,
    err: Option<std::io::Error>,
}

impl Journal {
    const GROUP: usize = 256;
    const EVERY: std::time::Duration = std::time::Duration::from_millis(500);

    fn open(out: &Path, hive: bool) -> anyhow::Result<Journal> {
        let path = out.join(JOURNAL);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| anyhow::anyhow!("{}: {}", path.display(), write_reason(&e)))?;
        Ok(Journal {
            out: out.to_path_buf(),
            file,
            hive,
            group: Vec::new(),
            since: std::time::Instant::now(),
            err: None,
        })
    }

    /// An input's line: written at once (flat), or with its group (hive).
    fn add(&mut self, entry: ManifestEntry, ledger: &Mutex<Ledger>) {
        if !self.hive {
            self.write(std::slice::from_ref(&entry));
            return;
        }
        self.group.push(entry);
        if self.group.len() >= Self::GROUP || self.since.elapsed() >= Self::EVERY {
            self.commit(ledger);
        }
    }

    /// Makes the group's files durable, then records its lines.
    fn commit(&mut self, ledger: &Mutex<Ledger>) {
        self.since = std::time::Instant::now();
        if self.group.is_empty() || self.err.is_some() {
            return;
        }
        if let Err(e) = sync_folder(&self.out) {
            self.err = Some(e);
            return;
        }
        let group = std::mem::take(&mut self.group);
        self.write(&group);
        if let Err(e) = self.file.sync_data() {
            self.err.get_or_insert(e);
            return;
        }
        let mut ledger = ledger.lock().unwrap_or_else(|e| e.into_inner());
        for entry in group {
            ledger.record(entry);
        }
    }

    fn write(&mut self, entries: &[ManifestEntry]) {
        use std::io::Write;
        let rows: Vec<Vec<String>> = entries.iter().map(manifest_row).collect();
        let lines = render_rows(JOURNAL, &rows, Encoding::Utf8).unwrap_or_default();
        if let Err(e) = self.file.write_all(&lines) {
            self.err.get_or_insert(e);
        }
    }

    /// Commits the last group; the first error met, if any.
    fn close(&mut self, ledger: &Mutex<Ledger>) -> Option<std::io::Error> {
        self.commit(ledger);
        self.err.take()
    }
}

/// What the writer has done so far, input by input.
#[derive(Default)]
struct Tally {
    written: usize,
    skipped: usize,
    failed: usize,
    /// Of the failed, those not read at all.
    unreadable: usize,
    /// Files this run put in the folder (relative to it).
    files: BTreeSet<String>,
    /// The flat layout's normalized workbooks and JSON files, renamed into
    /// place only when the run has done every input.
    deferred: Vec<(PathBuf, String)>,
}

/// What a run writes, resolved once from the arguments.
struct Settings {
    formats: Vec<To>,
    hive: bool,
    force: bool,
    unit: Unit,
    encoding: Encoding,
    bom: bool,
}

impl Settings {
    fn of(args: &ConvertArgs) -> Settings {
        let mut formats = args.to.clone();
        formats.sort_by_key(|f| *f as u8);
        formats.dedup();
        Settings {
            formats,
            hive: args.layout == LayoutArg::Hive,
            force: args.force,
            unit: match args.unit {
                UnitArg::Yuan => Unit::Yuan,
                UnitArg::Wan => Unit::Wan,
            },
            encoding: match args.encoding {
                EncodingArg::Utf8 => Encoding::Utf8,
                EncodingArg::Gbk => Encoding::Gbk,
            },
            bom: args.bom,
        }
    }

    fn tables(&self) -> bool {
        self.formats.contains(&To::Csv) || self.formats.contains(&To::Parquet)
    }
}

pub fn run(args: &ConvertArgs) -> anyhow::Result<i32> {
    let mut cfg = args.read.resolve()?;
    let (inputs, narratives) =
        super::batch::workbooks_and_narratives(&args.inputs, Some(&args.output))?;
    let narratives_failed =
        super::narrative::setup(&mut cfg, args.narrative.as_ref(), &narratives, inputs.len())?;
    for n in &narratives_failed {
        eprintln!("错误：{}", n.message);
    }
    let code = run_inputs(args, &cfg, &inputs)?;
    for n in super::narrative::unpaired(&cfg) {
        eprintln!("警告：{}：{}", n.file, n.message);
    }
    Ok(if narratives_failed.is_empty() {
        code
    } else {
        code.max(2)
    })
}

/// `convert` on inputs already found (`args.inputs` is not read again; the
/// narratives already paired in `cfg`); the exit status.
pub fn run_inputs(
    args: &ConvertArgs,
    cfg: &super::ReadConfig,
    inputs: &[Input],
) -> anyhow::Result<i32> {
    if (args.as_template.is_some() || args.into.is_some()) && !args.to.contains(&To::Xlsx) {
        anyhow::bail!("--as 与 --into 说的是规范工作簿的格式：请同时给出 --to xlsx");
    }
    let layout = match &args.as_template {
        Some(id) => cfg
            .templates
            .get(id)
            .ok_or_else(|| yusuan::Error::UnknownTemplate {
                id: id.to_string(),
                available: cfg.templates.all.iter().map(|t| t.id.clone()).collect(),
            })?,
        None => cfg.templates.current(),
    };
    let blank = match &args.into {
        Some(path) => {
            let bytes = Workbook::read_file(path)
                .map_err(|e| anyhow::anyhow!("空白模板（--into）：{e}"))?;
            Some(yusuan::export::fill::Blank::read(
                path,
                bytes,
                &cfg.templates,
            )?)
        }
        None => None,
    };
    let folder = Folder::take(&args.output)?;
    let out = folder.out.clone();
    let set = Settings::of(args);
    let schemas = schemas();
    let headers: BTreeMap<&str, Vec<&str>> = schemas
        .iter()
        .map(|(n, c)| (*n, c.iter().map(|x| x.0).collect()))
        .collect();
    let (ledger, leftovers) = earlier_runs(&out, &set, &schemas, &headers["manifest"])?;
    let ledger = Mutex::new(ledger);
    let plan = Plan {
        cfg,
        layout,
        blank: blank.as_ref(),
        formats: set.formats.clone(),
        unit: set.unit,
        encoding: set.encoding,
        bom: set.bom,
        hive: set.hive,
        force: set.force,
        out: &out,
        ledger: &ledger,
        schemas: &schemas,
    };
    let mut writer = Writer::new(&out, &set, &headers, &ledger)?;
    let bar = progress(inputs.len(), "转换");
    batch::run_ordered(
        inputs,
        batch::threads(),
        &bar,
        |input| plan.work(input),
        |input, message| {
            Job::Failed(ManifestEntry {
                outcome: InputOutcome::failed(
                    super::shown(&input.path),
                    input.source.clone(),
                    Status::Failed,
                    batch::internal_error(input, &message),
                ),
                input_id: input.id.clone(),
                ..Default::default()
            })
        },
        |input, job| writer.take(input, job, &bar),
    );
    bar.finish_and_clear();
    writer.finish(folder, inputs.len(), &schemas, leftovers)
}

/// What the folder holds from earlier runs: its ledger (a killed run's
/// journal folded in and committed first, so that this run's journal holds
/// its own lines only), and the files to remove once this run's are in
/// place — the flat layout replaces the earlier run as a whole; a change of
/// layout does so only when asked (`--force`).
fn earlier_runs(
    out: &Path,
    set: &Settings,
    schemas: &[(&'static str, Vec<Column>)],
    manifest_header: &[&str],
) -> anyhow::Result<(Ledger, BTreeSet<String>)> {
    let mut ledger = Ledger::read(out);
    if set.hive && Ledger::has_journal(out) {
        remove_all(out, &ledger.take_superseded());
        write_manifest(
            out,
            manifest_header,
            || {
                Ok(Box::new(
                    ledger.entries().cloned().collect::<Vec<_>>().into_iter(),
                ))
            },
            set.encoding,
            set.bom,
        )?;
    }
    let _ = std::fs::remove_file(out.join(JOURNAL));
    let flat_files = flat_table_files(schemas);
    let had_flat = ledger.entries().next().is_some()
        && flat_files
            .iter()
            .any(|f| f.ends_with(".csv") && out.join(f).is_file());
    let switch = if set.hive {
        had_flat
    } else {
        ledger.has_parts()
    };
    if switch && !set.force {
        let (was, now) = if set.hive {
            ("flat", "hive")
        } else {
            ("hive", "flat")
        };
        anyhow::bail!(
            "输出文件夹 {} 里是以 --layout {was} 写出的结果，改用 --layout {now} 会使两者混在一起：请换一个输出文件夹，或加 --force 用本次的结果整个替换它",
            out.display()
        );
    }
    let mut leftovers: BTreeSet<String> = BTreeSet::new();
    if !set.hive || switch {
        leftovers.extend(ledger.entries().flat_map(|e| e.outputs.iter().cloned()));
        leftovers.extend(flat_files.iter().cloned());
        ledger.clear();
    }
    Ok((ledger, leftovers))
}

/// The writer of a run, on the calling thread: each input's result as it
/// comes (in input order), then the folder put in order at the end.
struct Writer<'a> {
    out: &'a Path,
    set: &'a Settings,
    headers: &'a BTreeMap<&'static str, Vec<&'static str>>,
    ledger: &'a Mutex<Ledger>,
    names: Names,
    flat: Option<FlatFiles>,
    journal: Journal,
    tally: Tally,
    /// One small summary per input read (or skipped), for the years.
    years: KeptYears,
    /// An output that could not be written: the run ends with it.
    io_error: Option<anyhow::Error>,
}

impl<'a> Writer<'a> {
    fn new(
        out: &'a Path,
        set: &'a Settings,
        headers: &'a BTreeMap<&'static str, Vec<&'static str>>,
        ledger: &'a Mutex<Ledger>,
    ) -> anyhow::Result<Writer<'a>> {
        let taken = ledger
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .top_level_outputs();
        Ok(Writer {
            out,
            set,
            headers,
            ledger,
            names: Names { taken },
            flat: (set.formats.contains(&To::Csv) && !set.hive).then(|| FlatFiles {
                out: out.to_path_buf(),
                files: BTreeMap::new(),
                encoding: set.encoding,
                bom: set.bom,
            }),
            journal: Journal::open(out, set.hive)?,
            tally: Tally::default(),
            years: KeptYears::default(),
            io_error: None,
        })
    }

    /// One input's result: its files put in the folder, its line journalled.
    fn take(&mut self, input: &Input, job: Job, bar: &indicatif::ProgressBar) {
        if self.io_error.is_some() {
            // The run ends with that error; what comes after is dropped.
            if let Job::Done(r) = job {
                for tmp in [&r.xlsx, &r.json].into_iter().flatten() {
                    let _ = std::fs::remove_file(tmp);
                }
            }
            return;
        }
        let tally = &mut self.tally;
        let entry = match job {
            Job::Skipped(e, year) => {
                tally.skipped += 1;
                if let Some(y) = year {
                    self.years.keep(e.input_id.clone(), &y);
                }
                e
            }
            Job::Failed(e) => {
                tally.failed += 1;
                if !e.outcome.status.was_read() {
                    tally.unreadable += 1;
                }
                let message = e.outcome.message.as_deref().unwrap_or("");
                bar.suspend(|| eprintln!("错误：{message}"));
                e
            }
            Job::Done(mut r) => {
                bar.suspend(|| {
                    for w in &r.warnings {
                        eprintln!("警告：{}：规范工作簿 {w}", r.entry.outcome.path);
                    }
                });
                if let Some(y) = r.year.take() {
                    self.years.keep(input.id.clone(), &y);
                }
                let earlier = {
                    let l = self.ledger.lock().unwrap_or_else(|e| e.into_inner());
                    l.get(&input.id, &input.source, &r.entry.source_hash)
                        .cloned()
                };
                let stem = if r.xlsx.is_some() || r.json.is_some() {
                    self.names.stem(input, earlier.as_ref())
                } else {
                    String::new()
                };
                let put = put(
                    self.out,
                    *r,
                    &stem,
                    self.headers,
                    self.flat.as_mut(),
                    self.set.hive,
                    tally,
                );
                match put {
                    Ok(entry) => {
                        tally.written += 1;
                        entry
                    }
                    Err(e) => {
                        self.io_error = Some(e);
                        return;
                    }
                }
            }
        };
        self.journal.add(entry, self.ledger);
    }

    /// Removes the files only this run had (an ending that writes nothing).
    fn discard(&self) {
        for (tmp, _) in &self.tally.deferred {
            let _ = std::fs::remove_file(tmp);
        }
    }

    /// The folder put in order once every input is in: this run's files in
    /// place, the batch's years, what they replace removed, the manifest.
    /// The exit status.
    fn finish(
        mut self,
        folder: Folder,
        inputs: usize,
        schemas: &[(&'static str, Vec<Column>)],
        leftovers: BTreeSet<String>,
    ) -> anyhow::Result<i32> {
        let out = self.out;
        let journal_path = out.join(JOURNAL);
        let journal_err = self.journal.close(self.ledger);
        if let Some(e) = self.io_error.take() {
            self.discard();
            if !self.set.hive {
                // Only the part layout resumes from its journal.
                let _ = std::fs::remove_file(&journal_path);
            }
            return Err(e);
        }
        if let Some(source) = journal_err {
            self.discard();
            return Err(yusuan::Error::Output {
                path: journal_path,
                source,
            }
            .into());
        }
        if self.tally.unreadable == inputs {
            // Nothing was read: no table of empty files, nothing replaced.
            self.discard();
            drop(self.flat.take());
            let _ = std::fs::remove_file(&journal_path);
            eprintln!(
                "没有一个输入能读取（{} 个），输出文件夹 {} 未改动",
                self.tally.unreadable,
                out.display()
            );
            folder.untouched();
            return Ok(2);
        }
        self.put_in_place(schemas)?;
        let mut ledger =
            std::mem::take(&mut *self.ledger.lock().unwrap_or_else(|e| e.into_inner()));
        if self.set.hive {
            self.years_kept(&ledger);
        }
        if let Some(source) = self.years.err.take() {
            return Err(yusuan::Error::Output {
                path: std::env::temp_dir(),
                source,
            }
            .into());
        }
        write_years(
            out,
            &mut self.years.summaries,
            &self.set.formats,
            self.set.unit,
            self.set.encoding,
            self.set.bom,
            &mut self.tally,
        )?;
        // This run's files are in place: what they replace goes.
        remove_all(out, ledger.take_superseded().iter());
        remove_all(
            out,
            leftovers.iter().filter(|f| !self.tally.files.contains(*f)),
        );
        let manifest = &self.headers["manifest"];
        let dups = if self.set.hive {
            write_manifest(
                out,
                manifest,
                || {
                    Ok(Box::new(
                        ledger.entries().cloned().collect::<Vec<_>>().into_iter(),
                    ))
                },
                self.set.encoding,
                self.set.bom,
            )?
        } else {
            write_manifest(
                out,
                manifest,
                || journal_lines(&journal_path),
                self.set.encoding,
                self.set.bom,
            )?
        };
        let _ = std::fs::remove_file(&journal_path);
        self.tally.report(out, dups);
        Ok(if self.tally.failed > 0 { 2 } else { 0 })
    }

    /// The flat layout's table files, and the workbooks and JSON files it
    /// kept aside, put in place; the schema beside the tables.
    fn put_in_place(&mut self, schemas: &[(&'static str, Vec<Column>)]) -> anyhow::Result<()> {
        let out = self.out;
        let failed = |source| yusuan::Error::Output {
            path: out.to_path_buf(),
            source,
        };
        if let Some(flat) = self.flat.take() {
            let written = flat.finish(schemas).map_err(failed)?;
            self.tally.files.extend(written);
        }
        // The workbooks were written unsynced: made durable together, then
        // put in place.
        if !self.tally.deferred.is_empty() {
            sync_folder(out).map_err(failed)?;
        }
        for (tmp, name) in std::mem::take(&mut self.tally.deferred) {
            std::fs::rename(&tmp, out.join(&name)).map_err(|source| yusuan::Error::Output {
                path: out.join(&name),
                source,
            })?;
            self.tally.files.insert(name);
        }
        if self.set.tables() {
            write_atomic(
                &out.join("schema.sql"),
                yusuan::export::csv::schema_sql().as_bytes(),
            )?;
            self.tally.files.insert("schema.sql".into());
        }
        Ok(())
    }

    /// The years of the inputs of earlier runs that stay (their summaries
    /// kept beside their parts), so the batch's years are the folder's.
    fn years_kept(&mut self, ledger: &Ledger) {
        let here: BTreeSet<String> = self.years.ids.iter().cloned().collect();
        for e in ledger.entries().filter(|e| !here.contains(&e.input_id)) {
            let year = e
                .outputs
                .iter()
                .find(|o| o.starts_with(YEARS_DIR))
                .and_then(|o| std::fs::read(self.out.join(o)).ok())
                .and_then(|b| serde_json::from_slice::<YearSummary>(&b).ok());
            if let Some(y) = year {
                self.years.keep(e.input_id.clone(), &y);
            }
        }
    }
}

impl Tally {
    /// What the run did, said on stderr.
    fn report(&self, out: &Path, dups: usize) {
        if dups > 0 {
            eprintln!(
                "警告：{dups} 个输入与其他输入是同一部门同一年度的同一份预算（部门预算或同一单位的单位预算，见 manifest.csv 的 duplicate_of 列）；入库时只应保留一份"
            );
        }
        eprintln!(
            "已转换 {} 个工作簿{}{} → {}（{} 个文件）",
            self.written,
            if self.skipped > 0 {
                format!(
                    "，跳过 {} 个已转换过的（内容未变；--force 重做）",
                    self.skipped
                )
            } else {
                String::new()
            },
            if self.failed > 0 {
                format!("，{} 个失败（见 manifest.csv）", self.failed)
            } else {
                String::new()
            },
            out.display(),
            self.files.len() + 1,
        );
    }
}

/// Where the part layout keeps each input's year summary (a hidden folder:
/// engines reading the partitions pass it over).
const YEARS_DIR: &str = ".yusuan-years/";

/// The inputs' summaries for the years, out of memory
/// ([`Summaries`]), each under its input's place in `ids`.
#[derive(Default)]
struct KeptYears {
    summaries: Summaries,
    ids: Vec<String>,
    /// A summary that could not be kept (the temporary file's disk full).
    err: Option<std::io::Error>,
}

impl KeptYears {
    fn keep(&mut self, input_id: String, y: &YearSummary) {
        if let Err(e) = self.summaries.push(self.ids.len(), y) {
            self.err.get_or_insert(e);
        }
        self.ids.push(input_id);
    }
}

/// The batch's years: the rules across them (their findings in
/// `across_years.csv`, said on stderr), and `dept_years` and
/// `project_years`, as CSV and Parquet as asked.
fn write_years(
    out: &Path,
    years: &mut Summaries,
    formats: &[To],
    unit: Unit,
    encoding: Encoding,
    bom: bool,
    tally: &mut Tally,
) -> anyhow::Result<()> {
    use yusuan::export::review::finding_rows;
    let (csv, parquet) = (formats.contains(&To::Csv), formats.contains(&To::Parquet));
    if !(csv || parquet) {
        return Ok(());
    }
    // One budget's summaries read back at a time; the rows they make (a
    // few a year) are kept for the files, ordered by budget, then year.
    let (mut dept, mut projects, mut across) = (Vec::new(), Vec::new(), Vec::new());
    let (mut e, mut w, mut n) = (0, 0, 0);
    years
        .for_each_budget(|group| {
            let summaries: Vec<YearSummary> = group.into_iter().map(|(_, y)| y).collect();
            for (i, f) in yusuan::reconcile::years::check(&summaries) {
                let y = &summaries[i];
                let who = InputOutcome {
                    source_file: y.source_file.clone(),
                    dept_name: Some(y.dept_name.clone()),
                    dept_code: Some(y.dept_code.clone()),
                    year: Some(y.year),
                    ..Default::default()
                };
                across.extend(finding_rows(&who, std::slice::from_ref(&f)));
                match f.severity {
                    Severity::Error => e += 1,
                    Severity::Warning => w += 1,
                    Severity::Info => n += 1,
                }
            }
            dept.extend(yusuan::export::years::dept_years(&summaries, unit));
            projects.extend(yusuan::export::years::project_years(&summaries, unit));
        })
        .map_err(|source| yusuan::Error::Output {
            path: std::env::temp_dir(),
            source,
        })?;
    if e + w + n > 0 {
        eprintln!(
            "跨年度核对：同一预算的不同年度之间有 {w} 个警告、{n} 条提示（{e} 个错误）：见 across_years.csv"
        );
    }
    let schemas = yusuan::export::years::schemas();
    let tables = [("dept_years", dept), ("project_years", projects)];
    for ((name, rows), (_, cols)) in tables.iter().zip(&schemas[..2]) {
        let header: Vec<&str> = cols.iter().map(|c| c.0).collect();
        if csv {
            let file = format!("{name}.csv");
            write_atomic(
                &out.join(&file),
                &render(&file, &header, rows, encoding, bom)?,
            )?;
            tally.files.insert(file);
        }
        if parquet {
            let file = format!("{name}.parquet");
            let bytes =
                yusuan::export::parquet::render(name, cols, rows).map_err(anyhow::Error::msg)?;
            write_atomic(&out.join(&file), &bytes)?;
            tally.files.insert(file);
        }
    }
    if csv {
        let file = "across_years.csv";
        let header: Vec<&str> = schemas[2].1.iter().map(|c| c.0).collect();
        // A finding's row as findings.csv has it, but for its last field,
        // a narrative's paragraph: no finding across years has one.
        for row in &mut across {
            row.truncate(header.len());
        }
        write_atomic(
            &out.join(file),
            &render(file, &header, &across, encoding, bom)?,
        )?;
        tally.files.insert(file.to_string());
    }
    Ok(())
}

/// Puts one converted input's files in the folder: its CSV chunks appended
/// (flat) or its parts written (hive), its Parquet parts, its workbook and
/// JSON renamed into place (hive) or kept for the end (flat); its line,
/// with the files it holds.
fn put(
    out: &Path,
    r: Rendered,
    stem: &str,
    headers: &BTreeMap<&str, Vec<&str>>,
    mut flat: Option<&mut FlatFiles>,
    hive: bool,
    tally: &mut Tally,
) -> anyhow::Result<ManifestEntry> {
    let Rendered {
        mut entry,
        csv,
        xlsx,
        json,
        ..
    } = r;
    let result = (|| -> anyhow::Result<()> {
        if let Some(flat) = flat.as_deref_mut() {
            for (name, bytes) in &csv {
                flat.append(name, &headers[name.as_str()], bytes)
                    .map_err(|source| yusuan::Error::Output {
                        path: out.join(format!("{name}.csv")),
                        source,
                    })?;
            }
        }
        Ok(())
    })();
    let mut documents = [("xlsx", xlsx), ("json", json)];
    if let Err(e) = result {
        for tmp in documents.iter().filter_map(|(_, t)| t.as_ref()) {
            let _ = std::fs::remove_file(tmp);
        }
        return Err(e);
    }
    for (ext, tmp) in &mut documents {
        let Some(tmp) = tmp.take() else { continue };
        let name = format!("{stem}.{ext}");
        if hive {
            std::fs::rename(&tmp, out.join(&name)).map_err(|source| yusuan::Error::Output {
                path: out.join(&name),
                source,
            })?;
        } else {
            tally.deferred.push((tmp, name.clone()));
        }
        entry.outputs.push(name);
    }
    tally.files.extend(entry.outputs.iter().cloned());
    Ok(entry)
}
