//! `yusuan convert`: workbooks → warehouse CSV, normalized 2024 workbooks, or model JSON.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::batch::{self, Input};
use super::batch::{progress, workbooks};
use super::{write_atomic, ReadArgs};
use yusuan::amount::Unit;
use yusuan::export::csv::{
    manifest_row, render, render_rows, schemas, Column, CsvChunks, CsvTables, Encoding,
    ManifestEntry,
};
use yusuan::reconcile::counts;
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
    /// 输出文件夹/<表>.csv，每次重写（小批量）
    Flat,
    /// 输出文件夹/<表>/year=<年度>/part-<内容哈希>.csv，每个输入一份，可续跑（Spark、Trino、DuckDB 把每个文件夹读作分区表）
    Hive,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum EncodingArg {
    Utf8,
    /// GBK；GBK 无法表示的字符报错，绝不替换
    Gbk,
}

#[derive(Debug, Args)]
#[command(after_help = "示例：
  yusuan convert samples/ -o out/csv                          # 每张表一个 CSV（元），含 facts.csv、manifest.csv
  yusuan convert 2022/ 2023/ -o out/warehouse --layout hive   # <表>/year=<年度>/part-<内容哈希>.csv，可续跑
  yusuan convert 2022/ 2023/ -o out/warehouse --layout hive   # 再次运行：跳过内容未变的输入，只转换新的和改过的
  yusuan convert 2022/ -o out/warehouse --layout hive --force  # 全部重做
  yusuan convert 旧表.xls -o out/xlsx --to xlsx               # 2024 年格式的规范工作簿
  yusuan convert samples/ -o out --to csv,xlsx,json           # 三种输出放在同一目录
  yusuan convert 2023/ -o out/warehouse --to parquet          # <表>/year=<年度>/part-<内容哈希>.parquet，金额 DECIMAL(18,2)
  yusuan convert samples/ -o out/excel --bom                  # Windows 上的 Excel 直接打开
  yusuan convert samples/ -o out/gbk --encoding gbk --unit wan

各文件的列、类型与含义见 docs/csv-schema.md；schema.sql 给出每个文件的建表语句（金额 DECIMAL(18,2)）。
manifest.csv 每个输入一行（相对路径、内容哈希、状态与原因、模板、年度、部门、错误/警告数、重复、输出文件）。
逐个输入读取、核对、写出，内存不随输入数增长；一个坏文件（无法读取、超出上限、无法编码）只让它自己失败。
所有输出先写临时文件再改名：中断的运行不会留下半截文件；--layout hive 的运行可在中断后续跑。
同一输出目录同时只能有一个运行（.yusuan.lock）。
输入不能在输出文件夹之内（写出的规范工作簿会覆盖同名原件）；输出文件夹在输入文件夹之中时跳过它，上次的输出不作为输入。

退出码：0 全部转换；2 有输入失败（其余照常输出，见 manifest.csv 的 status、message），或参数错误、输出目录被占用。")]
pub struct ConvertArgs {
    /// 工作簿，或文件夹（其中的 .xlsx / .xlsm / .xls 逐层查找；WPS 的 .et 等其他格式会列出并跳过）
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
    /// 全部重新转换，包括此前已转换到该输出文件夹的输入（--layout hive）
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// The input's file stem, or `stem-2` … when an earlier input had the same
/// stem; its workbook and its JSON both take it (`a.xlsx`, `a.json`).
fn unique(stems: &mut BTreeSet<String>, p: &Path) -> String {
    let stem = p
        .file_stem()
        .map(|s| batch::shown(Path::new(s)))
        .unwrap_or_else(|| "workbook".into());
    // Room for `-123456` and the longest extension written (`.xlsx`, `.json`).
    let stem = batch::fit_stem(&stem, 16);
    let mut name = stem.clone();
    let mut n = 1;
    while !stems.insert(name.clone()) {
        n += 1;
        name = format!("{stem}-{n}");
    }
    name
}

/// The first 16 hex digits of the file's SHA-256.
fn content_hash(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// What a worker made of one input.
enum Job {
    /// An earlier run converted this very content; its outputs are there.
    Skipped(ManifestEntry),
    /// Read, checked and rendered; to be written.
    Done(Box<Rendered>),
    /// Not readable, over a limit, or not writable in a format asked for.
    Failed(ManifestEntry),
}

struct Rendered {
    entry: ManifestEntry,
    /// (file path relative to OUTDIR, or the table name in the flat layout; bytes)
    csv: Vec<(String, Vec<u8>)>,
    /// Files of their own (Parquet parts), relative to OUTDIR.
    files: Vec<(String, Vec<u8>)>,
    /// The normalized workbook and the model JSON, already written and
    /// synced by the worker under a temporary name in OUTDIR (writing is
    /// part of the parallel work); the writer renames them into place.
    xlsx: Option<PathBuf>,
    json: Option<PathBuf>,
}

/// Writes a worker's file under a temporary name in `out` (`.…tmp-<pid>`,
/// which a later run cleans up if this one is killed), synced to disk.
fn write_temporary(out: &Path, hash: &str, ext: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    // Two inputs with the same content (copies) are two files in flight at
    // once: the name is this run's own, not the content's alone.
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = out.join(format!(".{hash}-{n}.{ext}.tmp-{}", std::process::id()));
    super::write_synced(&tmp, bytes)?;
    Ok(tmp)
}

/// Everything a worker needs, resolved once.
struct Plan<'a> {
    cfg: &'a super::ReadConfig,
    formats: Vec<To>,
    unit: Unit,
    encoding: Encoding,
    bom: bool,
    hive: bool,
    out: &'a Path,
    previous: &'a BTreeMap<String, ManifestEntry>,
    schemas: &'a [(&'static str, Vec<Column>)],
}

impl Plan<'_> {
    fn work(&self, input: &Input) -> Job {
        let mut entry = ManifestEntry {
            path: batch::shown(&input.path),
            source_file: input.source.clone(),
            ..Default::default()
        };
        let failed = |mut e: ManifestEntry, status: &str, message: String| {
            e.status = status.into();
            e.message = message;
            Job::Failed(e)
        };
        // Read at most the limit (a device or a pipe says size 0).
        let bytes = match Workbook::read_file(&input.path) {
            Ok(b) => b,
            Err(e) => return failed(entry, "unreadable", e.to_string()),
        };
        entry.size = bytes.len() as u64;
        entry.source_hash = content_hash(&bytes);
        if let Some(prev) = self.previous.get(&entry.source_hash) {
            let complete = matches!(prev.status.as_str(), "ok" | "findings")
                && prev.outputs.iter().all(|o| self.out.join(o).is_file());
            if complete {
                let mut prev = prev.clone();
                prev.path = entry.path;
                prev.source_file = entry.source_file;
                return Job::Skipped(prev);
            }
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
        entry.status = if findings.is_empty() {
            "ok"
        } else {
            "findings"
        }
        .into();
        entry.template = budget.source.template.clone();
        entry.year = budget.year;
        entry.dept_code = budget.department.code.clone().unwrap_or_default();
        entry.dept_name = budget.department.name.clone().unwrap_or_default();
        entry.budget_level = budget.level.word().into();
        if let Some(u) = &budget.budget_unit {
            entry.unit_code = u.code.clone().unwrap_or_default();
            entry.unit_name = u.name.clone().unwrap_or_default();
        }
        entry.counts = counts(&findings);
        let mut r = Rendered {
            entry,
            csv: Vec::new(),
            files: Vec::new(),
            xlsx: None,
            json: None,
        };
        if let Err(message) = self.tables(&budget, &mut r) {
            return failed(r.entry, "failed", message);
        }
        for format in &self.formats {
            let done = match format {
                To::Csv | To::Parquet => Ok(()),
                To::Xlsx => {
                    // Whatever template read it, it is written in the current layout.
                    let t = self.cfg.templates.current();
                    let layout = yusuan::export::normalize::layout(&budget, t);
                    yusuan::export::official::render_workbook(&budget, t, &layout)
                        .map_err(|e| format!("{}: 无法生成规范工作簿：{e}", input.path.display()))
                        .and_then(|b| {
                            write_temporary(self.out, &r.entry.source_hash, "xlsx", &b).map_err(
                                |e| {
                                    format!(
                                        "{}: 规范工作簿无法写入 {}：{}",
                                        input.path.display(),
                                        self.out.display(),
                                        write_reason(&e)
                                    )
                                },
                            )
                        })
                        .map(|p| r.xlsx = Some(p))
                }
                To::Json => serde_json::to_vec_pretty(&budget)
                    .map_err(|e| e.to_string())
                    .and_then(|mut j| {
                        j.push(b'\n');
                        write_temporary(self.out, &r.entry.source_hash, "json", &j).map_err(|e| {
                            format!(
                                "{}: JSON 无法写入 {}：{}",
                                input.path.display(),
                                self.out.display(),
                                write_reason(&e)
                            )
                        })
                    })
                    .map(|p| r.json = Some(p)),
            };
            if let Err(message) = done {
                for tmp in [&r.xlsx, &r.json].into_iter().flatten() {
                    let _ = std::fs::remove_file(tmp);
                }
                return failed(r.entry, "failed", message);
            }
        }
        Job::Done(Box::new(r))
    }

    /// This input's rows of every file: as CSV, a chunk per table (flat) or
    /// a part per table and year (hive); as Parquet, a file per table and
    /// year. Flat CSV is written straight from the budget; the rows of the
    /// other two are built once for both.
    fn tables(&self, b: &yusuan::model::Budget, r: &mut Rendered) -> Result<(), String> {
        let (csv, parquet) = (
            self.formats.contains(&To::Csv),
            self.formats.contains(&To::Parquet),
        );
        let fail = |e: String| format!("{}：{e}", r.entry.path);
        if csv && !self.hive {
            // The flat layout's chunks are written as the budget is walked.
            let mut chunks =
                CsvChunks::of(b, &r.entry.source_file, &r.entry.source_hash, self.unit);
            for (name, _) in self.schemas.iter().filter(|(n, _)| *n != "manifest") {
                let bytes = chunks
                    .take(name, self.encoding)
                    .map_err(|e| fail(e.to_string()))?;
                r.csv.push((name.to_string(), bytes));
            }
        }
        let parts = csv && self.hive;
        if !(parts || parquet) {
            return Ok(());
        }
        let mut tables = CsvTables::default();
        tables.add(b, &r.entry.source_file, &r.entry.source_hash, self.unit);
        for (name, cols) in self.schemas {
            if *name == "manifest" {
                continue;
            }
            let rows = tables.files.remove(name).unwrap_or_default();
            // The partition holds the year; the files leave the column out.
            let header: Vec<&str> = cols.iter().skip(1).map(|c| c.0).collect();
            for (year, rows) in by_year(rows) {
                let part = format!("{name}/year={year}/part-{}", r.entry.source_hash);
                if parts {
                    let file = format!("{part}.csv");
                    let bytes = render(&file, &header, &rows, self.encoding, self.bom)
                        .map_err(|e| fail(e.to_string()))?;
                    r.csv.push((file, bytes));
                }
                if parquet {
                    let bytes =
                        yusuan::export::parquet::render(name, &cols[1..], &rows).map_err(fail)?;
                    r.files.push((format!("{part}.parquet"), bytes));
                }
            }
        }
        Ok(())
    }
}

/// Rows by their year partition (`2024`, or `__HIVE_DEFAULT_PARTITION__`),
/// without the year column.
fn by_year(rows: Vec<yusuan::export::csv::YearRow>) -> BTreeMap<String, Vec<Vec<String>>> {
    let mut out: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    for (y, mut row) in rows {
        row.remove(0);
        let part = y.map_or_else(
            || "__HIVE_DEFAULT_PARTITION__".to_string(),
            |y| y.to_string(),
        );
        out.entry(part).or_default().push(row);
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

    fn finish(mut self, schemas: &[(&'static str, Vec<Column>)]) -> std::io::Result<usize> {
        use std::io::Write;
        for (name, cols) in schemas {
            if *name != "manifest" {
                let header: Vec<&str> = cols.iter().map(|c| c.0).collect();
                self.append(name, &header, &[])?;
            }
        }
        let n = self.files.len();
        for (name, (tmp, mut w)) in std::mem::take(&mut self.files) {
            w.flush()?;
            w.get_ref().sync_all()?;
            drop(w);
            std::fs::rename(&tmp, self.out.join(format!("{name}.csv")))?;
        }
        Ok(n)
    }
}

/// The output folder is this run's: a second run into it is refused while
/// this one lives; the lock goes when the run ends (or is found stale).
struct OutputLock(PathBuf);

impl OutputLock {
    fn take(out: &Path) -> anyhow::Result<OutputLock> {
        let path = out.join(".yusuan.lock");
        for _ in 0..2 {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut f) => {
                    use std::io::Write;
                    let _ = writeln!(f, "{}", std::process::id());
                    return Ok(OutputLock(path));
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let pid = std::fs::read_to_string(&path).unwrap_or_default();
                    let pid = pid.trim();
                    let alive = !pid.is_empty()
                        && (Path::new(&format!("/proc/{pid}")).exists()
                            || !Path::new("/proc").exists());
                    if alive {
                        anyhow::bail!(
                            "输出目录 {} 正被另一个 yusuan 进程（{pid}）写入：等它结束，或换一个输出目录（锁文件 {}）",
                            out.display(),
                            path.display()
                        );
                    }
                    eprintln!("提示：上次中断的运行（进程 {pid}）留下了锁，已清除");
                    let _ = std::fs::remove_file(&path);
                }
                Err(e) => anyhow::bail!("{}: 无法创建锁文件：{}", path.display(), write_reason(&e)),
            }
        }
        anyhow::bail!("{}: 无法取得输出目录的锁", path.display())
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Removes temporary files a killed run left (`.<name>.tmp-<pid>`).
fn clean_stale(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut n = 0;
    for e in entries.filter_map(Result::ok) {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if p.is_dir() && !p.is_symlink() {
            n += clean_stale(&p);
        } else if name.starts_with('.')
            && name.contains(".tmp-")
            && std::fs::remove_file(&p).is_ok()
        {
            n += 1;
        }
    }
    n
}

const JOURNAL: &str = ".yusuan-journal.csv";

/// What earlier runs committed, by content hash: `manifest.csv`, then the
/// journal of a run that did not finish.
fn load_previous(out: &Path) -> BTreeMap<String, ManifestEntry> {
    let mut map = BTreeMap::new();
    for (file, header) in [("manifest.csv", true), (JOURNAL, false)] {
        let Ok(mut r) = csv::ReaderBuilder::new()
            .has_headers(header)
            .flexible(true)
            .from_path(out.join(file))
        else {
            continue;
        };
        for rec in r.records().filter_map(Result::ok) {
            if let Some(e) = ManifestEntry::from_row(&rec) {
                if !e.source_hash.is_empty() {
                    map.insert(e.source_hash.clone(), e);
                }
            }
        }
    }
    map
}

pub fn run(args: &ConvertArgs) -> anyhow::Result<i32> {
    let cfg = args.read.resolve()?;
    let inputs = workbooks(&args.inputs, Some(&args.output))?;
    let out = &args.output;
    if out.exists() && !out.is_dir() {
        anyhow::bail!(
            "输出路径 {} 是一个文件，不是文件夹：-o 应给出输出文件夹",
            out.display()
        );
    }
    std::fs::create_dir_all(out).map_err(|e| {
        anyhow::anyhow!(
            "{}: 无法创建输出文件夹：{}",
            out.display(),
            write_reason(&e)
        )
    })?;
    let _lock = OutputLock::take(out)?;
    let stale = clean_stale(out);
    if stale > 0 {
        eprintln!("提示：清除了上次中断留下的 {stale} 个临时文件");
    }
    let unit = match args.unit {
        UnitArg::Yuan => Unit::Yuan,
        UnitArg::Wan => Unit::Wan,
    };
    let encoding = match args.encoding {
        EncodingArg::Utf8 => Encoding::Utf8,
        EncodingArg::Gbk => Encoding::Gbk,
    };
    let mut formats = args.to.clone();
    formats.sort_by_key(|f| *f as u8);
    formats.dedup();
    let hive = args.layout == LayoutArg::Hive;
    let previous = if hive && !args.force {
        load_previous(out)
    } else {
        BTreeMap::new()
    };
    let schemas = schemas();
    let plan = Plan {
        cfg: &cfg,
        formats: formats.clone(),
        unit,
        encoding,
        bom: args.bom,
        hive,
        out,
        previous: &previous,
        schemas: &schemas,
    };
    let headers: BTreeMap<&str, Vec<&str>> = schemas
        .iter()
        .map(|(n, c)| (*n, c.iter().map(|x| x.0).collect()))
        .collect();
    let mut flat = (formats.contains(&To::Csv) && !hive).then(|| FlatFiles {
        out: out.to_path_buf(),
        files: BTreeMap::new(),
        encoding,
        bom: args.bom,
    });
    // Every input's manifest line goes to the journal as it is decided, not
    // into memory. In the part layout the journal is also what a killed run
    // leaves for the next to resume from: this run's lines start at `from`.
    if !hive {
        let _ = std::fs::remove_file(out.join(JOURNAL));
    }
    let journal_path = out.join(JOURNAL);
    let mut journal = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&journal_path)
        .map_err(|e| {
            anyhow::anyhow!("{}: 无法写入：{}", journal_path.display(), write_reason(&e))
        })?;
    let from = journal.metadata().map(|m| m.len()).unwrap_or(0);
    let mut journal_err: Option<std::io::Error> = None;
    let mut record = |entry: &ManifestEntry| {
        use std::io::Write;
        let line = render_rows(JOURNAL, &[manifest_row(entry)], Encoding::Utf8).unwrap_or_default();
        let r = journal
            .write_all(&line)
            .and_then(|_| if hive { journal.sync_data() } else { Ok(()) });
        if let Err(e) = r {
            journal_err.get_or_insert(e);
        }
    };
    // What is kept per input: names and hashes, for superseded parts.
    let mut run_hashes: BTreeSet<String> = BTreeSet::new();
    let mut run_sources: BTreeSet<String> = BTreeSet::new();
    let mut stems = BTreeSet::new();
    let (mut skipped, mut failed, mut written, mut outputs_n) = (0usize, 0usize, 0usize, 0usize);
    let mut io_error: Option<anyhow::Error> = None;
    let bar = progress(inputs.len(), "转换");
    batch::run_ordered(
        &inputs,
        batch::threads(),
        &bar,
        |input| plan.work(input),
        |input, job| {
            let entry = match job {
                Job::Skipped(e) => {
                    skipped += 1;
                    e
                }
                Job::Failed(e) => {
                    failed += 1;
                    bar.suspend(|| eprintln!("错误：{}", e.message));
                    e
                }
                Job::Done(r) => {
                    let Rendered {
                        mut entry,
                        csv,
                        files,
                        xlsx,
                        json,
                    } = *r;
                    let mut write = || -> anyhow::Result<Vec<String>> {
                        let mut outputs = Vec::new();
                        for (name, bytes) in &csv {
                            match &mut flat {
                                Some(flat) => flat
                                    .append(name, &headers[name.as_str()], bytes)
                                    .map_err(|source| yusuan::Error::Output {
                                        path: out.join(format!("{name}.csv")),
                                        source,
                                    })?,
                                None => {
                                    write_atomic(&out.join(name), bytes)?;
                                    outputs.push(name.clone());
                                }
                            }
                        }
                        for (name, bytes) in &files {
                            write_atomic(&out.join(name), bytes)?;
                            outputs.push(name.clone());
                        }
                        let stem = if xlsx.is_some() || json.is_some() {
                            unique(&mut stems, &input.path)
                        } else {
                            String::new()
                        };
                        for (ext, tmp) in [("xlsx", &xlsx), ("json", &json)] {
                            if let Some(tmp) = tmp {
                                let name = format!("{stem}.{ext}");
                                std::fs::rename(tmp, out.join(&name)).map_err(|source| {
                                    yusuan::Error::Output {
                                        path: out.join(&name),
                                        source,
                                    }
                                })?;
                                outputs.push(name);
                            }
                        }
                        Ok(outputs)
                    };
                    match write() {
                        Ok(outputs) => {
                            entry.outputs = outputs;
                            written += 1;
                            entry
                        }
                        Err(e) => {
                            // Its rendered files go too: the run ends with this error.
                            for tmp in [&xlsx, &json].into_iter().flatten() {
                                let _ = std::fs::remove_file(tmp);
                            }
                            io_error.get_or_insert(e);
                            return;
                        }
                    }
                }
            };
            outputs_n += entry.outputs.len();
            run_hashes.insert(entry.source_hash.clone());
            run_sources.insert(entry.source_file.clone());
            record(&entry);
        },
    );
    bar.finish_and_clear();
    drop(journal);
    if let Some(e) = io_error {
        if !hive {
            // Only the part layout resumes from its journal.
            let _ = std::fs::remove_file(&journal_path);
        }
        return Err(e);
    }
    if let Some(source) = journal_err {
        return Err(yusuan::Error::Output {
            path: journal_path,
            source,
        }
        .into());
    }
    let files = match flat {
        Some(flat) => flat
            .finish(&schemas)
            .map_err(|source| yusuan::Error::Output {
                path: out.to_path_buf(),
                source,
            })?,
        None => 0,
    } + outputs_n
        + 1;
    // The manifest: this run's lines (read back from the journal), then the
    // inputs converted before and not in this run. An input whose file
    // changed (same source_file, new content) has its old parts removed.
    let mut kept: Vec<ManifestEntry> = Vec::new();
    if hive {
        for (hash, e) in &previous {
            if run_hashes.contains(hash) {
                continue;
            }
            if run_sources.contains(&e.source_file) {
                for o in &e.outputs {
                    let _ = std::fs::remove_file(out.join(o));
                }
                continue;
            }
            kept.push(e.clone());
        }
    }
    let this_run = || -> anyhow::Result<Box<dyn Iterator<Item = ManifestEntry>>> {
        use std::io::{Read, Seek};
        let mut f = std::fs::File::open(&journal_path)?;
        f.seek(std::io::SeekFrom::Start(from))?;
        let r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(std::io::BufReader::new(f.take(u64::MAX)));
        Ok(Box::new(
            r.into_records()
                .filter_map(Result::ok)
                .filter_map(|rec| ManifestEntry::from_row(&rec)),
        ))
    };
    // The same budget (department, level, unit) and year from two inputs:
    // said in the manifest. A 部门预算 and a 单位预算 of one of its units
    // are two budgets.
    let mut keys: Vec<(Option<i32>, String, String)> = Vec::new();
    for e in this_run()?.chain(kept.iter().cloned()) {
        let identity = e.identity().unwrap_or_default();
        keys.push((e.year, identity, e.source_file));
    }
    let groups = super::batch::duplicate_groups(
        keys.iter()
            .enumerate()
            .map(|(i, (y, d, _))| (i, *y, (!d.is_empty()).then_some(d.as_str()), None)),
    );
    let sources: Vec<String> = keys.into_iter().map(|(_, _, s)| s).collect();
    let dups = super::batch::others_of(&groups, &sources);
    drop(sources);
    if !dups.is_empty() {
        eprintln!(
            "警告：{} 个输入与其他输入是同一部门同一年度的同一份预算（部门预算或同一单位的单位预算，见 manifest.csv 的 duplicate_of 列）；入库时只应保留一份",
            dups.len()
        );
    }
    if formats.contains(&To::Csv) || formats.contains(&To::Parquet) {
        write_atomic(
            &out.join("schema.sql"),
            yusuan::export::csv::schema_sql().as_bytes(),
        )?;
    }
    let tmp = out.join(format!(".manifest.csv.tmp-{}", std::process::id()));
    let write_manifest = || -> anyhow::Result<()> {
        use std::io::Write;
        let mut w = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        w.write_all(&render(
            "manifest.csv",
            &headers["manifest"],
            &[],
            encoding,
            args.bom,
        )?)?;
        for (i, mut e) in this_run()?.chain(kept).enumerate() {
            if let Some(others) = dups.get(&i) {
                e.duplicate_of = others.clone();
            }
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
            w.write_all(&render_rows("manifest.csv", &[row], encoding)?)?;
        }
        w.flush()?;
        w.get_ref().sync_all()?;
        Ok(())
    };
    let mut pending = super::Pending(Some(tmp.clone()));
    write_manifest().map_err(|e| match e.downcast::<std::io::Error>() {
        Ok(source) => yusuan::Error::Output {
            path: out.join("manifest.csv"),
            source,
        }
        .into(),
        Err(e) => e,
    })?;
    std::fs::rename(&tmp, out.join("manifest.csv"))?;
    pending.0 = None;
    let _ = std::fs::remove_file(&journal_path);
    eprintln!(
        "已转换 {written} 个工作簿{}{} → {}（{files} 个文件）",
        if skipped > 0 {
            format!("，跳过 {skipped} 个已转换过的（内容未变；--force 重做）")
        } else {
            String::new()
        },
        if failed > 0 {
            format!("，{failed} 个失败（见 manifest.csv）")
        } else {
            String::new()
        },
        out.display(),
    );
    Ok(if failed > 0 { 2 } else { 0 })
}
