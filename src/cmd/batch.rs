//! The batch both `check` and `convert` run (and `inspect` expands its
//! inputs with): expand the inputs, read and check each on its own thread
//! with a progress bar on a terminal, and hand each result to the caller in
//! input order as soon as it and those before it are done — so a run over
//! tens of thousands of workbooks holds only the few in flight, never all
//! of them, and one bad file fails alone.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;

use yusuan::import::import_workbook;
use yusuan::model::Budget;
use yusuan::outcome::Status;
use yusuan::reconcile::{check, Finding};
use yusuan::workbook::Workbook;

use super::ReadConfig;

/// One workbook of the batch.
#[derive(Debug, Clone)]
pub struct Input {
    pub path: PathBuf,
    /// The path relative to the input root it was found under (a file
    /// given directly: its file name), `/`-separated: what `source_file`
    /// says in every output.
    pub source: String,
    /// What the input is, whatever it is called: its canonical path,
    /// hashed ([`input_id`]). Two folders holding a `教育局.xlsx` are two
    /// inputs; a rerun on the same file is the same input.
    pub id: String,
    /// Where its bytes are: `path` itself, but for `yusuan serve`, whose
    /// uploads are stored by content hash and known by the names the
    /// reviewer's files had (`path`, then never opened).
    pub file: PathBuf,
}

impl Input {
    pub fn new(path: PathBuf, source: String, real: &Path) -> Input {
        Input {
            id: input_id(real),
            file: path.clone(),
            path,
            source,
        }
    }
}

/// The first 16 hex digits of the SHA-256 of a canonical path: an input's
/// identity in the manifest, in part names and in resume decisions.
pub fn input_id(real: &Path) -> String {
    use sha2::Digest;
    #[cfg(unix)]
    let bytes = {
        use std::os::unix::ffi::OsStrExt;
        real.as_os_str().as_bytes().to_vec()
    };
    #[cfg(not(unix))]
    let bytes = real.to_string_lossy().into_owned().into_bytes();
    let digest = sha2::Sha256::digest(&bytes);
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// The canonical path of `p`; for a path that does not exist (it fails
/// alone, later), the absolute path it names.
fn real_path(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    })
}

/// The workbooks of the inputs, and the links that were not followed.
#[derive(Debug, Default)]
pub struct Expanded {
    pub inputs: Vec<Input>,
    /// Symbolic links to folders already walked (a loop, or a second way
    /// into the same folder): each workbook is taken once.
    pub skipped_links: Vec<PathBuf>,
    /// The run's own output folder met inside an input folder: what an
    /// earlier run wrote there is not an input of this one.
    pub skipped_outputs: Vec<PathBuf>,
    /// Spreadsheets in a format yusuan does not read, met in a folder.
    pub skipped_formats: Vec<PathBuf>,
    /// Inputs inside the run's output folder, which the run refuses.
    pub inside_output: Vec<PathBuf>,
    /// Entries named as workbooks that are not regular files (a pipe, a
    /// socket, a device): opening one may never return.
    pub skipped_special: Vec<PathBuf>,
    /// Hidden entries (`.name`): a workbook, or a folder, not searched.
    pub skipped_hidden: Vec<PathBuf>,
    /// Narratives (情况说明): `.docx` found in a folder, `.docx` or `.txt`
    /// given by name; with how they are shown.
    pub narratives: Vec<(PathBuf, String)>,
}

/// What a folder is searched for: `.xlsx`, `.xlsm` (the same package, with
/// macros that are not run) and `.xls`.
fn is_workbook(p: &Path) -> bool {
    has_extension(p, &["xlsx", "xlsm", "xls"])
}

/// Spreadsheets in other formats (WPS 表格's own `.et`, `.xlsb`, `.ods`,
/// templates): a department's submission may come so, and a folder search
/// that passed it over without a word would lose it.
fn is_other_spreadsheet(p: &Path) -> bool {
    has_extension(
        p,
        &["et", "ett", "xlsb", "ods", "xlt", "xltx", "xltm", "numbers"],
    )
}

/// One of `any`, case aside; never an office program's `~$` owner file.
fn has_extension(p: &Path, any: &[&str]) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| any.iter().any(|x| e.eq_ignore_ascii_case(x)))
        && !p
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("~$"))
}

fn relative(root: &Path, p: &Path) -> String {
    p.strip_prefix(root)
        .unwrap_or(p)
        .components()
        .map(|c| super::shown(Path::new(c.as_os_str())))
        .collect::<Vec<_>>()
        .join("/")
}

/// `stem` cut at a character boundary so that it and a tail of up to
/// `tail` bytes (`-2-核对.xlsx`) fit in one file name (255 bytes on the
/// common file systems): a long submission name, or a GBK name that grew
/// when decoded, must not make its workbook or its report unwritable.
pub fn fit_stem(stem: &str, tail: usize) -> String {
    const NAME_BYTES: usize = 255;
    let room = NAME_BYTES.saturating_sub(tail);
    if stem.len() <= room {
        return stem.to_string();
    }
    let mut end = room;
    while !stem.is_char_boundary(end) {
        end -= 1;
    }
    stem[..end].to_string()
}

/// Files given and folders searched recursively for `.xlsx` / `.xlsm` /
/// `.xls`, in sorted order; a folder reached twice (through a symbolic
/// link) is walked once, and a file reached twice is taken once. A folder
/// inside an input folder that is `output` (the run's own, when it writes
/// one) is not walked; inputs inside `output` otherwise are noted.
pub fn expand(inputs: &[PathBuf], output: Option<&Path>) -> Expanded {
    let mut out = Expanded::default();
    let mut seen_dirs: BTreeSet<PathBuf> = BTreeSet::new();
    let mut seen_files: BTreeSet<PathBuf> = BTreeSet::new();
    let output = output.and_then(|o| std::fs::canonicalize(o).ok());
    fn walk(
        root: &Path,
        dir: &Path,
        out: &mut Expanded,
        seen: (&mut BTreeSet<PathBuf>, &mut BTreeSet<PathBuf>),
        output: Option<&Path>,
    ) {
        let (seen_dirs, seen_files) = seen;
        let Ok(real) = std::fs::canonicalize(dir) else {
            return;
        };
        if dir != root && output == Some(real.as_path()) {
            out.skipped_outputs.push(dir.to_path_buf());
            return;
        }
        if !seen_dirs.insert(real) {
            out.skipped_links.push(dir.to_path_buf());
            return;
        }
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            // The metadata of what a link points to; an entry that cannot
            // be looked at (a dangling link) is no workbook.
            let Ok(meta) = std::fs::metadata(&p) else {
                continue;
            };
            // Hidden entries (an output folder's `.yusuan` state, editors'
            // files, `.git`) are not inputs; a workbook or a folder among
            // them is said.
            if p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            {
                if meta.is_dir() || is_workbook(&p) {
                    out.skipped_hidden.push(p);
                }
                continue;
            }
            if meta.is_dir() {
                walk(root, &p, out, (&mut *seen_dirs, &mut *seen_files), output);
            } else if is_other_spreadsheet(&p) {
                out.skipped_formats.push(p);
            } else if has_extension(&p, &["docx"]) && meta.is_file() {
                let source = relative(root, &p);
                out.narratives.push((p, source));
            } else if is_workbook(&p) {
                if !meta.is_file() {
                    out.skipped_special.push(p);
                    continue;
                }
                let real = std::fs::canonicalize(&p).unwrap_or_else(|_| p.clone());
                if output.is_some_and(|o| real.starts_with(o)) {
                    out.inside_output.push(p.clone());
                }
                let source = relative(root, &p);
                if seen_files.insert(real.clone()) {
                    out.inputs.push(Input::new(p, source, &real));
                }
            }
        }
    }
    for p in inputs {
        if p.is_dir() {
            walk(
                p,
                p,
                &mut out,
                (&mut seen_dirs, &mut seen_files),
                output.as_deref(),
            );
        } else if has_extension(p, &["docx", "docm", "txt"]) {
            let source = p
                .file_name()
                .map_or_else(|| super::shown(p), |n| super::shown(Path::new(n)));
            out.narratives.push((p.clone(), source));
        } else {
            // A file given by name is taken whatever it is: one that is
            // missing, or not a regular file, fails alone with the reason.
            let real = real_path(p);
            if output.as_deref().is_some_and(|o| real.starts_with(o)) {
                out.inside_output.push(p.clone());
            }
            let source = p
                .file_name()
                .map_or_else(|| super::shown(p), |n| super::shown(Path::new(n)));
            if seen_files.insert(real.clone()) {
                out.inputs.push(Input::new(p.clone(), source, &real));
            }
        }
    }
    out
}

/// Each worker's stack, set rather than inherited: `RUST_MIN_STACK` in the
/// environment (64 KiB, say) would otherwise size it, and a deep table
/// would end the run with a stack overflow instead of a finding. Only
/// touched pages cost memory.
const WORKER_STACK: usize = 8 << 20;

/// Runs `work` on every input on `threads` threads and gives each result to
/// `sink` in input order. A worker does not start an input more than a
/// small window ahead of the last one handed over, so memory holds a few
/// results whatever the number of inputs. `sink` runs on the calling
/// thread, one result at a time.
///
/// A panic while working on an input (a bug, met on one crafted file) is
/// that input's result, through `panicked` with the panic's message: the
/// worker goes on with the next input and every result still comes.
pub fn run_ordered<T: Send>(
    inputs: &[Input],
    threads: usize,
    bar: &ProgressBar,
    work: impl Fn(&Input) -> T + Sync,
    panicked: impl Fn(&Input, String) -> T + Sync,
    mut sink: impl FnMut(&Input, T),
) {
    let work = |input: &Input| {
        yusuan::guard::catch(|| work(input)).unwrap_or_else(|message| panicked(input, message))
    };
    let threads = threads.max(1);
    let window = threads * 4;
    let next = AtomicUsize::new(0);
    // How many results the sink has taken; workers wait on it.
    let handed = (Mutex::new(0usize), Condvar::new());
    let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, T)>(window);
    std::thread::scope(|s| {
        let mut started = 0;
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, handed, work) = (&next, &handed, &work);
            let spawned = std::thread::Builder::new()
                .name("yusuan-worker".into())
                .stack_size(WORKER_STACK)
                .spawn_scoped(s, move || loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    if i >= inputs.len() {
                        break;
                    }
                    {
                        let (lock, cv) = handed;
                        let mut done = lock.lock().unwrap_or_else(|e| e.into_inner());
                        while i >= *done + window {
                            done = cv.wait(done).unwrap_or_else(|e| e.into_inner());
                        }
                    }
                    let r = work(&inputs[i]);
                    if tx.send((i, r)).is_err() {
                        break;
                    }
                });
            match spawned {
                Ok(_) => started += 1,
                // The system refused a thread (a process limit): the ones
                // started do the work; with none, this thread does.
                Err(_) => break,
            }
        }
        drop(tx);
        if started == 0 {
            for input in inputs {
                let r = work(input);
                sink(input, r);
                bar.inc(1);
            }
            return;
        }
        let mut pending: BTreeMap<usize, T> = BTreeMap::new();
        let mut want = 0;
        for (i, r) in rx {
            pending.insert(i, r);
            while let Some(r) = pending.remove(&want) {
                sink(&inputs[want], r);
                bar.inc(1);
                want += 1;
                let (lock, cv) = &handed;
                *lock.lock().unwrap_or_else(|e| e.into_inner()) = want;
                cv.notify_all();
            }
        }
    });
}

/// What is said of an input whose reading ended in a panic (a bug of
/// ours or a library's, met on this file): it alone is not read.
pub fn internal_error(input: &Input, message: &str) -> String {
    format!(
        "{}: 读取时程序内部出错，此文件未处理，其余文件照常处理；请把这个文件发给 yusuan 的维护者（{message}）",
        super::shown(&input.path)
    )
}

/// Threads for a batch: `RAYON_NUM_THREADS` or every core.
pub fn threads() -> usize {
    rayon::current_num_threads()
}

/// One input read and checked, or why not.
pub type Checked = Result<(Budget, Vec<Finding>, Workbook), Failure>;

/// Why an input gave no budget: it could not be read, or it is another
/// document than a budget (final accounts, a blank template, tables of
/// another kind) and was refused before any rule ran.
#[derive(Debug, Clone)]
pub struct Failure {
    pub message: String,
    pub refused: bool,
}

impl Failure {
    /// A file that could not be read.
    pub fn unreadable(message: impl std::fmt::Display) -> Failure {
        Failure {
            message: message.to_string(),
            refused: false,
        }
    }

    /// `refused` or `unreadable`.
    pub fn status(&self) -> Status {
        if self.refused {
            Status::Refused
        } else {
            Status::Unreadable
        }
    }
}

impl From<yusuan::Error> for Failure {
    fn from(e: yusuan::Error) -> Failure {
        Failure {
            refused: e.is_refusal(),
            message: e.to_string(),
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Reads and checks one input; an error is what to report.
/// Its bytes are read from `input.file`, and named by `input.path`.
pub fn check_one(input: &Input, cfg: &ReadConfig) -> Checked {
    // The bytes go as soon as the workbook is read, as in `Workbook::open`.
    let wb = Workbook::from_bytes(
        &input.path,
        &Workbook::read_file(&input.file).map_err(Failure::unreadable)?,
    );
    check_workbook(wb.map_err(Failure::unreadable)?, cfg)
}

/// Imports and checks a workbook already read, with its narrative (its
/// own narrative sheets, and the document paired with it).
pub fn check_workbook(wb: Workbook, cfg: &ReadConfig) -> Checked {
    let mut budget = import_workbook(&wb, &cfg.templates, &cfg.options)?;
    let mut findings = check(&budget);
    findings.extend(super::narrative::review(&mut budget, &wb, cfg));
    Ok((budget, findings, wb))
}

/// The workbooks of the inputs (folders expanded, each once); an error when
/// there are none. Links not followed are said on stderr.
pub fn workbooks(inputs: &[PathBuf], output: Option<&Path>) -> anyhow::Result<Vec<Input>> {
    Ok(workbooks_and_narratives(inputs, output)?.0)
}

/// Narrative documents of a run, with how each is shown.
pub type Narratives = Vec<(PathBuf, String)>;

/// [`workbooks`], and the narratives among the inputs.
pub fn workbooks_and_narratives(
    inputs: &[PathBuf],
    output: Option<&Path>,
) -> anyhow::Result<(Vec<Input>, Narratives)> {
    let expanded = expand(inputs, output);
    for link in &expanded.skipped_links {
        eprintln!(
            "提示：跳过符号链接 {}：它指向已经处理过的文件夹（循环或重复），其中的工作簿只取一次",
            super::shown(link)
        );
    }
    for dir in &expanded.skipped_outputs {
        eprintln!(
            "提示：跳过 {}：它是本次的输出文件夹，其中的工作簿（上次写出的）不作为输入",
            super::shown(dir)
        );
    }
    let some = |paths: &[PathBuf]| {
        let named: Vec<String> = paths.iter().take(5).map(|p| super::shown(p)).collect();
        let more = if paths.len() > named.len() {
            " 等"
        } else {
            ""
        };
        format!("{}{more}", named.join("、"))
    };
    if !expanded.skipped_special.is_empty() {
        eprintln!(
            "提示：跳过 {} 个不是普通文件的条目（{}）：它们是管道、套接字或设备，读取可能永不结束",
            expanded.skipped_special.len(),
            some(&expanded.skipped_special)
        );
    }
    if !expanded.skipped_hidden.is_empty() {
        eprintln!(
            "提示：跳过 {} 个隐藏的（以 . 开头的）工作簿或文件夹（{}）：要处理，请去掉名字开头的点，或直接给出文件",
            expanded.skipped_hidden.len(),
            some(&expanded.skipped_hidden)
        );
    }
    if !expanded.skipped_formats.is_empty() {
        let shown: Vec<String> = expanded
            .skipped_formats
            .iter()
            .take(5)
            .map(|p| super::shown(p))
            .collect();
        let more = if expanded.skipped_formats.len() > shown.len() {
            " 等"
        } else {
            ""
        };
        eprintln!(
            "提示：跳过 {} 个不是 .xlsx/.xls 的表格文件（{}{more}）：请用 Excel 或 WPS 另存为 .xlsx 后再试",
            expanded.skipped_formats.len(),
            shown.join("、")
        );
    }
    if expanded.inputs.is_empty() {
        let given: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
        let narratives = if expanded.narratives.is_empty() {
            String::new()
        } else {
            "（只有情况说明：请同时给出它所说明的工作簿）".to_string()
        };
        anyhow::bail!(
            "在 {} 中没有找到 .xlsx、.xlsm 或 .xls 文件{narratives}",
            given.join("、")
        );
    }
    // An output written there could replace a submission (`convert 文件夹 -o
    // 文件夹` wrote each normalized workbook over its original), and the
    // next run would read the outputs as inputs: refused before anything is
    // written.
    if let (Some(input), Some(out)) = (expanded.inside_output.first(), output) {
        anyhow::bail!(
            "{} 在输出文件夹 {} 之内：写出的文件可能覆盖报送的原件，再次运行时输出也会被当作输入；请换一个输出文件夹",
            super::shown(input),
            super::shown(out)
        );
    }
    Ok((expanded.inputs, expanded.narratives))
}

/// Inputs that are the same department and year (an `.xls` and its
/// `.xlsx`, a corrected copy), as groups of indices; never counted twice
/// without a word.
pub fn duplicate_groups<'a>(
    keys: impl Iterator<Item = (usize, Option<i32>, Option<&'a str>, Option<&'a str>)>,
) -> Vec<Vec<usize>> {
    let mut groups: BTreeMap<(i32, String), Vec<usize>> = BTreeMap::new();
    for (i, year, code, name) in keys {
        let (Some(year), Some(dept)) = (year, code.or(name)) else {
            continue;
        };
        groups.entry((year, dept.to_string())).or_default().push(i);
    }
    groups.into_values().filter(|m| m.len() > 1).collect()
}

/// For each duplicated input, a few of the others and how many more: a
/// batch of thousands of copies must not grow as its square.
pub fn others_of(groups: &[Vec<usize>], sources: &[String]) -> BTreeMap<usize, Vec<String>> {
    const NAMED: usize = 3;
    let mut out = BTreeMap::new();
    for members in groups {
        for &i in members {
            let others = members.iter().filter(|&&j| j != i);
            let mut list: Vec<String> = others
                .clone()
                .take(NAMED)
                .map(|&j| sources[j].clone())
                .collect();
            let more = others.count().saturating_sub(NAMED);
            if more > 0 {
                list.push(format!("另 {more} 个"));
            }
            out.insert(i, list);
        }
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_input_order_whatever_the_finishing_order() {
        let inputs: Vec<Input> = (0..50)
            .map(|i| Input::new(PathBuf::from(format!("{i}")), i.to_string(), Path::new("/")))
            .collect();
        let mut got = Vec::new();
        run_ordered(
            &inputs,
            4,
            &ProgressBar::hidden(),
            |inp| {
                let n: u64 = inp.source.parse().unwrap();
                // Later inputs finish first.
                std::thread::sleep(std::time::Duration::from_micros((50 - n) * 50));
                n
            },
            |_, _| unreachable!("no input panics"),
            |_, n| got.push(n),
        );
        assert_eq!(got, (0..50).collect::<Vec<u64>>());
    }

    /// Regression: a panic on one input ended its worker, and the others
    /// waited for its result for ever.
    #[test]
    fn a_panic_on_one_input_is_its_result_and_the_rest_still_come() {
        let inputs: Vec<Input> = (0..40)
            .map(|i| Input::new(PathBuf::from(format!("{i}")), i.to_string(), Path::new("/")))
            .collect();
        let mut got = Vec::new();
        run_ordered(
            &inputs,
            2,
            &ProgressBar::hidden(),
            |inp| {
                let n: i64 = inp.source.parse().unwrap();
                assert!(n % 7 != 3, "input {n} is bad");
                n
            },
            |inp, message| {
                assert!(message.contains("is bad"), "{message}");
                -inp.source.parse::<i64>().unwrap()
            },
            |_, n| got.push(n),
        );
        let want: Vec<i64> = (0..40).map(|n| if n % 7 == 3 { -n } else { n }).collect();
        assert_eq!(got, want);
    }
}
