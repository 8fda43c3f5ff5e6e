//! The desk's state: batches of uploaded workbooks, the queue that reads
//! them, and the files each reading leaves.
//!
//! Uploads are stored by content hash under `uploads/`; what a batch's
//! workbooks gave, under `batches/<batch>/<file>/`; nothing is named by a
//! client's file name, which is only carried as the name the outputs and
//! messages show (an [`Input`]'s `path`, never opened). A batch is known
//! by a random ID that only the page that made it has. At most as many
//! workbooks are read at once as the [`Gate`] has places (the cores); the
//! rest wait in the order they came.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Instant;

use serde::Serialize;
use yusuan::outcome::Status;

use super::super::batch::{self, Input};
use super::super::check::{self, CheckArgs};
use super::super::convert::{self, ConvertArgs};
use super::super::outdir::OutputLock;
use super::super::ReadConfig;
use super::upload::Stored;

/// Batches kept at once: past this the one left longest is dropped.
const MAX_BATCHES: usize = 1000;
/// Workbooks in one batch (a season's submissions are about a hundred).
pub const MAX_FILES: usize = 5000;

/// Locks a mutex whatever a panicking holder left (every state here stays
/// whole between statements).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Places for reading workbooks, taken in the order asked for: a request
/// waits until every earlier one has its places, so nothing waits for
/// ever behind later arrivals.
pub struct Gate {
    size: usize,
    state: Mutex<GateState>,
    turn: Condvar,
}

struct GateState {
    free: usize,
    /// The next ticket to hand out, and the one whose turn it is.
    next: u64,
    head: u64,
}

/// Places held; given back when dropped.
pub struct Places<'a> {
    gate: &'a Gate,
    n: usize,
}

impl Gate {
    pub fn new(size: usize) -> Gate {
        let size = size.max(1);
        Gate {
            size,
            state: Mutex::new(GateState {
                free: size,
                next: 0,
                head: 0,
            }),
            turn: Condvar::new(),
        }
    }

    /// How many workbooks may be read at once.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Waits for `want` places (at most all of them), after every earlier
    /// request has had its own.
    pub fn take(&self, want: usize) -> Places<'_> {
        let want = want.clamp(1, self.size);
        let mut s = lock(&self.state);
        let ticket = s.next;
        s.next += 1;
        while s.head != ticket || s.free < want {
            s = self.turn.wait(s).unwrap_or_else(|e| e.into_inner());
        }
        s.free -= want;
        s.head += 1;
        self.turn.notify_all();
        Places {
            gate: self,
            n: want,
        }
    }
}

impl Drop for Places<'_> {
    fn drop(&mut self) {
        let mut s = lock(&self.gate.state);
        s.free += self.n;
        self.gate.turn.notify_all();
    }
}

/// Where a file of a batch is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// Waiting for a reader.
    Queued,
    /// Being read and checked.
    Reading,
    /// Read: its summary says what it gave.
    Done,
}

/// What a file gave: the fields of its row on the page.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// `ok`, `findings`, `unreadable` or `refused`, as `check` says.
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dept_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dept_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_name: Option<String>,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Why the reviewer's workbook could not be made, when it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report_error: Option<String>,
    /// For the batch's duplicates: the budget's identity and whose it is.
    #[serde(skip)]
    identity: Option<String>,
    #[serde(skip)]
    who: String,
}

/// One uploaded workbook of a batch.
pub struct Entry {
    /// Its number in the batch (never reused).
    pub n: u64,
    /// The name the reviewer's file had: shown, never a path.
    pub name: String,
    pub size: u64,
    pub stage: Stage,
    pub summary: Option<Summary>,
    stored: PathBuf,
}

impl Entry {
    /// The input as `check` and `convert` take it: named as the
    /// reviewer's file was, read from where it is stored.
    pub fn input(&self) -> Input {
        input(&self.name, &self.stored)
    }
}

/// An input named `name`, its bytes in `stored`. Its identity is its
/// name (a batch holds one file of a name), hashed as a path is: the
/// name is never looked up on disk.
pub fn input(name: &str, stored: &Path) -> Input {
    let mut input = Input::new(PathBuf::from(name), name.to_string(), Path::new(name));
    input.file = stored.to_path_buf();
    input
}

/// A reviewer's batch: the workbooks one page was given.
pub struct Batch {
    pub id: String,
    dir: PathBuf,
    state: Mutex<BatchState>,
    /// One making of the batch's downloads at a time.
    making: Mutex<()>,
}

#[derive(Default)]
struct BatchState {
    entries: Vec<Entry>,
    next: u64,
    /// Changes with every file added, replaced, removed or read: the
    /// batch's downloads are made again when it has changed.
    version: u64,
    touched: Option<Instant>,
}

/// A file waiting for a reader.
struct Job {
    batch: Arc<Batch>,
    n: u64,
    input: Input,
}

/// The desk: the data folder, the batches, the readers.
pub struct Desk {
    root: PathBuf,
    /// Made by this run (a private temporary folder), removed at the end.
    temporary: bool,
    uploads: PathBuf,
    batches_dir: PathBuf,
    work: PathBuf,
    pub cfg: ReadConfig,
    batches: Mutex<HashMap<String, Arc<Batch>>>,
    pub gate: Gate,
    queue: Mutex<VecDeque<Job>>,
    queued: Condvar,
    stopping: AtomicBool,
    _lock: Option<OutputLock>,
}

impl Desk {
    /// Opens the data folder (`--data`, or a new private temporary one),
    /// clears what an earlier run left in it and starts the readers.
    ///
    /// # Errors
    /// The folder cannot be made or written, or another server holds it.
    pub fn open(data: Option<&Path>, cfg: ReadConfig) -> anyhow::Result<Desk> {
        let (root, temporary) = match data {
            Some(dir) => {
                if dir.exists() && !dir.is_dir() {
                    anyhow::bail!("--data {} 是一个文件，应给出文件夹", dir.display());
                }
                std::fs::create_dir_all(dir).map_err(|e| {
                    anyhow::anyhow!(
                        "{}：无法创建文件夹：{}",
                        dir.display(),
                        yusuan::workbook::write_reason(&e)
                    )
                })?;
                (dir.to_path_buf(), false)
            }
            None => (private_folder()?, true),
        };
        let lock = if temporary {
            None
        } else {
            Some(OutputLock::take(&root)?)
        };
        let (uploads, batches_dir, work) = (
            root.join("uploads"),
            root.join("batches"),
            root.join("work"),
        );
        // What an earlier run made of its batches is no one's now.
        for dir in [&batches_dir, &work] {
            let _ = std::fs::remove_dir_all(dir);
        }
        for dir in [&uploads, &batches_dir, &work] {
            std::fs::create_dir_all(dir).map_err(|e| {
                anyhow::anyhow!(
                    "{}：无法创建文件夹：{}",
                    dir.display(),
                    yusuan::workbook::write_reason(&e)
                )
            })?;
        }
        Ok(Desk {
            root,
            temporary,
            uploads,
            batches_dir,
            work,
            cfg,
            batches: Mutex::new(HashMap::new()),
            gate: Gate::new(batch::threads()),
            queue: Mutex::new(VecDeque::new()),
            queued: Condvar::new(),
            stopping: AtomicBool::new(false),
            _lock: lock,
        })
    }

    /// Starts the readers: one thread per place of the gate.
    pub fn start(self: &Arc<Desk>) -> anyhow::Result<()> {
        for _ in 0..self.gate.size() {
            let desk = Arc::clone(self);
            std::thread::Builder::new()
                .name("yusuan-reader".into())
                // As the batch's workers: a deep table is a finding, not
                // a stack overflow.
                .stack_size(8 << 20)
                .spawn(move || desk.read_queue())
                .map_err(|e| anyhow::anyhow!("无法启动读取线程（{e}）"))?;
        }
        Ok(())
    }

    /// The data folder, and whether it is this run's own temporary one.
    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn is_temporary(&self) -> bool {
        self.temporary
    }

    /// The folder uploads are stored in, by content hash.
    pub fn uploads(&self) -> &Path {
        &self.uploads
    }

    /// A new private folder for one piece of work (a batch's downloads, a
    /// normalized workbook), removed when the value is dropped.
    pub fn work_folder(&self) -> anyhow::Result<WorkFolder> {
        let dir = self.work.join(super::upload::random_id());
        std::fs::create_dir_all(&dir).map_err(|e| anyhow::anyhow!("无法创建工作文件夹（{e}）"))?;
        Ok(WorkFolder(dir))
    }

    /// Removes what this run made: the whole folder when it was a
    /// temporary one, else the batches' files (uploads stay in `--data`).
    pub fn close(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        self.queued.notify_all();
        if self.temporary {
            let _ = std::fs::remove_dir_all(&self.root);
        } else {
            let _ = std::fs::remove_dir_all(&self.batches_dir);
            let _ = std::fs::remove_dir_all(&self.work);
        }
    }

    /// A new batch, with an ID no one can guess.
    pub fn new_batch(&self) -> anyhow::Result<Arc<Batch>> {
        let id = super::upload::random_id();
        let dir = self.batches_dir.join(&id);
        std::fs::create_dir_all(&dir)
            .map_err(|e| anyhow::anyhow!("无法创建这一批的文件夹（{e}）"))?;
        let batch = Arc::new(Batch {
            id: id.clone(),
            dir,
            state: Mutex::new(BatchState {
                touched: Some(Instant::now()),
                ..Default::default()
            }),
            making: Mutex::new(()),
        });
        let mut batches = lock(&self.batches);
        if batches.len() >= MAX_BATCHES {
            let oldest = batches
                .values()
                .min_by_key(|b| lock(&b.state).touched)
                .map(|b| b.id.clone());
            if let Some(old) = oldest.and_then(|id| batches.remove(&id)) {
                let _ = std::fs::remove_dir_all(&old.dir);
            }
        }
        batches.insert(id, Arc::clone(&batch));
        Ok(batch)
    }

    /// The batch of an ID, if this run made it.
    pub fn batch(&self, id: &str) -> Option<Arc<Batch>> {
        let batch = lock(&self.batches).get(id).cloned()?;
        lock(&batch.state).touched = Some(Instant::now());
        Some(batch)
    }

    /// Adds an uploaded file to a batch and queues it; a file of the same
    /// name replaces the earlier one (a department's corrected copy). Its
    /// number, or why not.
    pub fn add(&self, batch: &Arc<Batch>, name: String, stored: &Stored) -> Result<u64, String> {
        let input = input(&name, &stored.path);
        let mut state = lock(&batch.state);
        let replaced = state.entries.iter().position(|e| e.name == name);
        if replaced.is_none() && state.entries.len() >= MAX_FILES {
            return Err(format!(
                "这一批已有 {MAX_FILES} 个文件，不能再加：请点“清空”开始新的一批"
            ));
        }
        if let Some(i) = replaced {
            let old = state.entries.remove(i);
            let _ = std::fs::remove_dir_all(batch.dir.join(old.n.to_string()));
        }
        state.next += 1;
        let n = state.next;
        state.version += 1;
        state.entries.push(Entry {
            n,
            name,
            size: stored.size,
            stage: Stage::Queued,
            summary: None,
            stored: stored.path.clone(),
        });
        drop(state);
        lock(&self.queue).push_back(Job {
            batch: Arc::clone(batch),
            n,
            input,
        });
        self.queued.notify_one();
        Ok(n)
    }

    /// Takes a file out of a batch; whether it was there.
    pub fn remove(&self, batch: &Batch, n: u64) -> bool {
        let mut state = lock(&batch.state);
        let Some(i) = state.entries.iter().position(|e| e.n == n) else {
            return false;
        };
        state.entries.remove(i);
        state.version += 1;
        let _ = std::fs::remove_dir_all(batch.dir.join(n.to_string()));
        true
    }

    /// The reader's loop: the oldest job first, once it has its place.
    fn read_queue(&self) {
        loop {
            let job = {
                let mut queue = lock(&self.queue);
                loop {
                    if self.stopping.load(Ordering::SeqCst) {
                        return;
                    }
                    if let Some(job) = queue.pop_front() {
                        break job;
                    }
                    queue = self.queued.wait(queue).unwrap_or_else(|e| e.into_inner());
                }
            };
            if !job.batch.set_stage(job.n, Stage::Reading, None) {
                continue;
            }
            let place = self.gate.take(1);
            let dir = job.batch.dir.join(job.n.to_string());
            let summary = yusuan::guard::catch(|| self.read_one(&job.input, &dir)).unwrap_or_else(
                |message| Summary {
                    status: Status::Unreadable,
                    message: Some(batch::internal_error(&job.input, &message)),
                    ..Default::default()
                },
            );
            drop(place);
            if !job.batch.set_stage(job.n, Stage::Done, Some(summary)) {
                // Replaced or removed while it was read.
                let _ = std::fs::remove_dir_all(&dir);
            }
        }
    }

    /// Reads and checks one file as `check --report` does, and leaves in
    /// `dir` its report as `check --format json` gives it (`check.json`),
    /// each finding's cells (`cells.json`) and the reviewer's workbook.
    fn read_one(&self, input: &Input, dir: &Path) -> Summary {
        let (checked, rendered) = check::check_input(input, &self.cfg, true);
        let report = check::file_report(input, &checked);
        let o = &report.outcome;
        let mut summary = Summary {
            status: o.status,
            message: o.message.clone(),
            template: o.template.clone(),
            year: o.year,
            level: o.level.map(|l| l.word().to_string()),
            dept_code: o.dept_code.clone(),
            dept_name: o.dept_name.clone(),
            unit_name: o.budget_unit.as_ref().and_then(|u| u.name.clone()),
            errors: o.counts.0,
            warnings: o.counts.1,
            infos: o.counts.2,
            identity: report.identity.clone(),
            who: check::duplicate_who(&report),
            ..Default::default()
        };
        let written = (|| -> std::io::Result<()> {
            std::fs::create_dir_all(dir)?;
            let json = serde_json::to_string_pretty(&report).map_err(std::io::Error::other)?;
            std::fs::write(dir.join("check.json"), json)?;
            if let Ok((_, findings, _)) = &checked {
                let cells: Vec<Vec<(&str, u32, u32)>> = findings
                    .iter()
                    .map(|f| f.cells.iter().map(|c| (&*c.sheet, c.row, c.col)).collect())
                    .collect();
                let json = serde_json::to_vec(&cells).map_err(std::io::Error::other)?;
                std::fs::write(dir.join("cells.json"), json)?;
            }
            match rendered {
                Some(Ok((bytes, _))) => std::fs::write(dir.join("report.xlsx"), bytes)?,
                Some(Err(e)) => summary.report_error = Some(e),
                None => {}
            }
            Ok(())
        })();
        if let Err(e) = written {
            summary.report_error = Some(format!(
                "结果无法写入数据文件夹：{}",
                yusuan::workbook::write_reason(&e)
            ));
        }
        summary
    }

    /// Runs `check --report-dir` on every file of the batch, as the
    /// command line does, into a folder of its own: each reviewer's
    /// workbook, `findings.csv`, `核对汇总.xlsx`. Made once per version of
    /// the batch.
    ///
    /// # Errors
    /// The batch is empty, or the folder cannot be written.
    pub fn review(&self, batch: &Batch) -> anyhow::Result<PathBuf> {
        self.made(batch, "review", |inputs, dir| {
            let args: CheckArgs = parse(&[
                "--report-dir".into(),
                dir.as_os_str().into(),
                "--format".into(),
                "json".into(),
                "-".into(),
            ])?;
            let mut sink = std::io::sink();
            check::run_inputs(&args, &self.cfg, inputs, Vec::new(), &mut sink)?;
            Ok(())
        })
    }

    /// Runs `convert --to csv,parquet` on every file of the batch, as the
    /// command line does: the warehouse files. Made once per version.
    ///
    /// # Errors
    /// The batch is empty, no file of it could be read, or the folder
    /// cannot be written.
    pub fn warehouse(&self, batch: &Batch) -> anyhow::Result<PathBuf> {
        self.made(batch, "warehouse", |inputs, dir| {
            let args: ConvertArgs = parse(&[
                "-o".into(),
                dir.as_os_str().into(),
                "--to".into(),
                "csv,parquet".into(),
                "-".into(),
            ])?;
            convert::run_inputs(&args, &self.cfg, inputs)?;
            if !dir.join("manifest.csv").is_file() {
                anyhow::bail!("这一批没有一个工作簿能读取，没有入库文件");
            }
            Ok(())
        })
    }

    /// The normalized workbook of one file, as `convert --to xlsx` writes
    /// it: its bytes.
    ///
    /// # Errors
    /// The file is not in the batch, could not be read, or the folder
    /// cannot be written.
    pub fn normalized(&self, batch: &Batch, n: u64) -> anyhow::Result<Vec<u8>> {
        let input = batch
            .input(n)
            .ok_or_else(|| anyhow::anyhow!("这一批中没有这个文件"))?;
        let work = self.work_folder()?;
        let out = work.0.join("out");
        let args: ConvertArgs = parse(&[
            "-o".into(),
            out.as_os_str().into(),
            "--to".into(),
            "xlsx".into(),
            "-".into(),
        ])?;
        {
            let _place = self.gate.take(1);
            convert::run_inputs(&args, &self.cfg, std::slice::from_ref(&input))?;
        }
        let written = std::fs::read_dir(&out)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| {
                p.extension().is_some_and(|e| e == "xlsx")
                    && !p
                        .file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            })
            .ok_or_else(|| anyhow::anyhow!("这个文件无法读取，没有规范工作簿"))?;
        Ok(std::fs::read(written)?)
    }

    /// A batch-wide output made by `make` in `batches/<batch>/<what>-<version>/`,
    /// or the one already made for this version.
    fn made(
        &self,
        batch: &Batch,
        what: &str,
        make: impl FnOnce(&[Input], &Path) -> anyhow::Result<()>,
    ) -> anyhow::Result<PathBuf> {
        let _making = lock(&batch.making);
        let (version, inputs) = {
            let state = lock(&batch.state);
            let inputs: Vec<Input> = state.entries.iter().map(Entry::input).collect();
            (state.version, inputs)
        };
        if inputs.is_empty() {
            anyhow::bail!("这一批还没有文件");
        }
        let dir = batch.dir.join(format!("{what}-{version}"));
        if dir.join(".done").is_file() {
            return Ok(dir);
        }
        // Earlier versions are no longer asked for.
        if let Ok(entries) = std::fs::read_dir(&batch.dir) {
            for e in entries.filter_map(Result::ok) {
                if e.file_name()
                    .to_string_lossy()
                    .starts_with(&format!("{what}-"))
                {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
        {
            // Every file of the batch, on every place of the gate.
            let _places = self.gate.take(self.gate.size());
            make(&inputs, &dir)?;
        }
        pack(&dir)?;
        std::fs::write(dir.join(".done"), b"")?;
        Ok(dir)
    }
}

/// The zip of a batch-wide output: `dir/.pack.zip`, made by [`Desk::review`]
/// and [`Desk::warehouse`].
pub const PACK: &str = ".pack.zip";

/// Writes every file under `dir` but its hidden ones (the lock, the
/// marks) into `dir/.pack.zip`, by their paths in it, in order.
fn pack(dir: &Path) -> std::io::Result<()> {
    use std::io::Write;
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) -> std::io::Result<()> {
        for e in std::fs::read_dir(dir)? {
            let e = e?;
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let path = e.path();
            if e.file_type()?.is_dir() {
                walk(root, &path, out)?;
            } else {
                let inner = path
                    .strip_prefix(root)
                    .unwrap_or(&path)
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                out.push((inner, path));
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    walk(dir, dir, &mut files)?;
    files.sort();
    let tmp = dir.join(".pack.zip.tmp");
    let zip_err = std::io::Error::other;
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(std::fs::File::create(&tmp)?));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, path) in files {
        zip.start_file(name, options).map_err(zip_err)?;
        std::io::copy(&mut std::fs::File::open(path)?, &mut zip)?;
    }
    zip.finish().map_err(zip_err)?.flush()?;
    std::fs::rename(tmp, dir.join(PACK))
}

/// A folder removed with everything in it when dropped.
pub struct WorkFolder(pub PathBuf);

impl Drop for WorkFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The batch as the page shows it.
#[derive(Serialize)]
pub struct BatchView {
    pub id: String,
    pub files: Vec<FileView>,
    /// What only the whole batch shows (`S.duplicate_input`), as `check`
    /// says it, over the files read so far.
    pub batch: Vec<check::BatchFinding>,
    /// Workbooks read at once.
    pub readers: usize,
}

/// One file's row.
#[derive(Serialize)]
pub struct FileView {
    pub n: u64,
    pub name: String,
    pub size: u64,
    pub stage: Stage,
    /// Files waiting before it, while it waits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ahead: Option<usize>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub summary: Option<Summary>,
}

impl Batch {
    /// Sets a file's stage (and summary); false when the file is no
    /// longer in the batch.
    fn set_stage(&self, n: u64, stage: Stage, summary: Option<Summary>) -> bool {
        let mut state = lock(&self.state);
        let Some(e) = state.entries.iter_mut().find(|e| e.n == n) else {
            return false;
        };
        e.stage = stage;
        if summary.is_some() {
            e.summary = summary;
        }
        state.version += 1;
        true
    }

    /// The input of a file of the batch.
    pub fn input(&self, n: u64) -> Option<Input> {
        lock(&self.state)
            .entries
            .iter()
            .find(|e| e.n == n)
            .map(Entry::input)
    }

    /// The name of a file and the folder of what its reading left, once read.
    pub fn done(&self, n: u64) -> Option<(String, PathBuf)> {
        let state = lock(&self.state);
        let e = state.entries.iter().find(|e| e.n == n)?;
        (e.stage == Stage::Done).then(|| (e.name.clone(), self.dir.join(n.to_string())))
    }

    /// The batch as the page shows it: its files in the order they came.
    pub fn view(&self, desk: &Desk) -> BatchView {
        let waiting: Vec<(String, u64)> = lock(&desk.queue)
            .iter()
            .map(|j| (j.batch.id.clone(), j.n))
            .collect();
        let state = lock(&self.state);
        let files: Vec<FileView> = state
            .entries
            .iter()
            .map(|e| FileView {
                n: e.n,
                name: e.name.clone(),
                size: e.size,
                stage: e.stage,
                ahead: (e.stage == Stage::Queued).then(|| {
                    waiting
                        .iter()
                        .position(|(b, n)| *b == self.id && *n == e.n)
                        .unwrap_or(0)
                }),
                summary: e.summary.clone(),
            })
            .collect();
        let read: Vec<&Entry> = state
            .entries
            .iter()
            .filter(|e| e.summary.is_some())
            .collect();
        let keys: Vec<(Option<i32>, Option<String>, String, String)> = read
            .iter()
            .filter_map(|e| {
                let s = e.summary.as_ref()?;
                Some((s.year, s.identity.clone(), e.name.clone(), s.who.clone()))
            })
            .collect();
        BatchView {
            id: self.id.clone(),
            files,
            batch: check::batch_findings(&keys),
            readers: desk.gate.size(),
        }
    }
}

/// A new folder only this user can read, under the system's temporary
/// folder.
fn private_folder() -> anyhow::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("yusuan-serve-{}", super::upload::random_id()));
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(&dir).map_err(|e| {
        anyhow::anyhow!(
            "无法在临时文件夹 {} 中创建数据文件夹：{}；可用 --data 指定一个文件夹",
            std::env::temp_dir().display(),
            yusuan::workbook::write_reason(&e)
        )
    })?;
    Ok(dir)
}

/// A subcommand's arguments as the command line gives them (`["--to",
/// "csv"]`): every option this server does not give keeps the default
/// the command line has, whatever options `check` and `convert` grow.
pub fn parse<T: clap::Args + clap::FromArgMatches>(
    argv: &[std::ffi::OsString],
) -> anyhow::Result<T> {
    let command = T::augment_args(clap::Command::new("yusuan").no_binary_name(true));
    let matches = command
        .try_get_matches_from(argv)
        .map_err(|e| anyhow::anyhow!("内部参数有误（{}）", e.kind()))?;
    T::from_arg_matches(&matches).map_err(|e| anyhow::anyhow!("内部参数有误（{}）", e.kind()))
}

#[cfg(test)]
mod tests {
    use super::Gate;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    use std::time::Duration;

    #[test]
    fn the_gate_lets_at_most_its_size_read_and_serves_in_order() {
        let gate = Gate::new(2);
        let reading = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let order = Mutex::new(Vec::new());
        // One holds both places while the others line up behind it.
        let first = gate.take(2);
        std::thread::scope(|s| {
            for i in 0..8 {
                let (gate, reading, most, order) = (&gate, &reading, &most, &order);
                s.spawn(move || {
                    // Line up in the order of `i`.
                    std::thread::sleep(Duration::from_millis(20 * i as u64));
                    let _place = gate.take(if i == 4 { 2 } else { 1 });
                    order.lock().unwrap().push(i);
                    let now = reading.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(30));
                    reading.fetch_sub(1, Ordering::SeqCst);
                });
            }
            std::thread::sleep(Duration::from_millis(250));
            drop(first);
        });
        assert!(most.load(Ordering::SeqCst) <= 2);
        assert_eq!(most.load(Ordering::SeqCst), 2, "both places were used");
        // Taken in the order asked for (two may start together).
        let order = order.into_inner().unwrap();
        let mut sorted = order.clone();
        sorted.sort();
        let out_of_order = order.windows(2).filter(|w| w[0] > w[1]).count();
        assert!(out_of_order <= 2, "{order:?}");
        assert_eq!(sorted, (0..8).collect::<Vec<_>>());
        // The one wanting both places ran alone, after those before it.
        let at = order.iter().position(|&i| i == 4).unwrap();
        assert!(order[..at].iter().all(|&i| i < 4), "{order:?}");
    }
}
