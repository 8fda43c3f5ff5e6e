//! Subcommands: one file each, holding its arguments and its `run`.

pub mod batch;
pub mod check;
pub mod convert;
pub mod import;
pub mod inspect;
pub mod narrative;
pub mod outdir;
pub mod serve;
pub mod templates;

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;

use yusuan::import::ImportOptions;
use yusuan::template::Templates;
use yusuan::Error;

/// Options every reading subcommand takes.
#[derive(Debug, Args, Clone)]
pub struct ReadArgs {
    /// 预算年度，工作簿未写明（或写错）时给出；与工作簿所写不符时报 S.year 警告
    #[arg(long, value_name = "年度", value_parser = parse_year)]
    pub year: Option<i32>,
    /// 指定模板 ID，不自动选择（见 yusuan templates）
    #[arg(long, value_name = "模板")]
    pub template: Option<String>,
    /// 另加载文件夹中的每个 *.toml 模板（ID 相同则替换内置模板）
    #[arg(long, value_name = "文件夹")]
    pub templates: Option<PathBuf>,
}

/// `--year`: a budget year, said in Chinese when it is not one.
fn parse_year(s: &str) -> Result<i32, String> {
    match s.trim().parse::<i32>() {
        Ok(y) if (1990..=2100).contains(&y) => Ok(y),
        _ => Err("应为 1990 到 2100 之间的年份，如 2024".to_string()),
    }
}

/// What the reading subcommands need, resolved once from the arguments.
pub struct ReadConfig {
    pub templates: Templates,
    pub options: ImportOptions,
    /// The narratives of the run (情况说明) and which workbook each goes with.
    pub narratives: yusuan::narrative::pair::Pairing,
}

impl ReadArgs {
    pub fn resolve(&self) -> Result<ReadConfig, Error> {
        let mut templates = Templates::builtin();
        if let Some(dir) = &self.templates {
            templates.add_dir(dir)?;
        }
        if let Some(id) = &self.template {
            if templates.get(id).is_none() {
                return Err(Error::UnknownTemplate {
                    id: id.clone(),
                    available: templates.all.iter().map(|t| t.id.clone()).collect(),
                });
            }
        }
        Ok(ReadConfig {
            templates,
            options: ImportOptions {
                year: self.year,
                template: self.template.clone(),
            },
            narratives: Default::default(),
        })
    }
}

/// Refuses an output file that is one of the inputs (`--report 报送.xlsx`
/// on 报送.xlsx itself): writing it would replace the submission.
///
/// # Errors
/// The output, named, when it is an input.
pub fn not_an_input<'a>(
    output: &Path,
    inputs: impl IntoIterator<Item = &'a Path>,
) -> anyhow::Result<()> {
    let Ok(out) = std::fs::canonicalize(output) else {
        // Not there yet: no input is it.
        return Ok(());
    };
    for input in inputs {
        if std::fs::canonicalize(input).is_ok_and(|i| i == out) {
            anyhow::bail!(
                "{} 就是输入的工作簿：写出会覆盖报送的原件；请换一个输出文件名",
                shown(output)
            );
        }
    }
    Ok(())
}

/// A temporary file that goes when dropped unless it was put in place
/// (`take`n): a run that ends on an error (a full disk) leaves no
/// half-written file behind.
pub struct Pending(pub Option<PathBuf>);

impl Drop for Pending {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder and
/// a rename, so an interrupted run never leaves a half-written file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let err = |source| Error::Output {
        path: path.to_path_buf(),
        source,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(err)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    write_synced(&tmp, bytes).map_err(err)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        err(e)
    })
}

/// Writes `bytes` to `path` through a temporary file and a rename, without
/// syncing: for files a later [`sync_folder`] makes durable together, as a
/// group, before anything records them as done.
pub fn write_renamed(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    thread_local! {
        /// Folders this thread made or found (a part layout writes tens of
        /// thousands of files into a few hundred folders).
        static MADE: std::cell::RefCell<std::collections::HashSet<PathBuf>> =
            Default::default();
    }
    let err = |source| Error::Output {
        path: path.to_path_buf(),
        source,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !MADE.with(|m| m.borrow().contains(dir)) {
        std::fs::create_dir_all(dir).map_err(err)?;
        MADE.with(|m| m.borrow_mut().insert(dir.to_path_buf()));
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        err(e)
    })?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        err(e)
    })
}

/// Makes every file written under `dir` so far durable, with its name: one
/// `syncfs` of the file system that holds it (Linux), instead of an fsync
/// per file; elsewhere, `sync`.
///
/// # Errors
/// The system's error when the folder cannot be opened or synced.
pub fn sync_folder(dir: &Path) -> std::io::Result<()> {
    let folder = std::fs::File::open(dir)?;
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: syncfs takes a file descriptor, which `folder` keeps
        // open for the call; it reads no memory of ours.
        if unsafe { libc::syncfs(folder.as_raw_fd()) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        drop(folder);
        // SAFETY: sync takes no arguments and cannot fail.
        #[cfg(unix)]
        unsafe {
            libc::sync()
        };
    }
    Ok(())
}

/// Writes `bytes` to `path` and syncs it to disk; on failure nothing is
/// left at `path`. The step before a rename into place.
pub fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let result = (|| {
        let mut f = std::fs::File::create(path)?;
        f.write_all(bytes)?;
        f.sync_all()
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(path);
    }
    result
}

/// A path as people read it, in messages and in the outputs. A name that
/// is not UTF-8 is almost always GBK (a zip made on Chinese Windows and
/// unpacked without its code page): each such part of the path is decoded
/// as GB18030 when it decodes cleanly, else shown with U+FFFD marks.
pub fn shown(p: &Path) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let bytes = p.as_os_str().as_bytes();
        if std::str::from_utf8(bytes).is_err() {
            return bytes
                .split(|&b| b == b'/')
                .map(|part| match std::str::from_utf8(part) {
                    Ok(s) => s.to_string(),
                    Err(_) => encoding_rs::GB18030
                        .decode_without_bom_handling_and_without_replacement(part)
                        .map_or_else(
                            || String::from_utf8_lossy(part).into_owned(),
                            |s| s.into_owned(),
                        ),
                })
                .collect::<Vec<_>>()
                .join("/");
        }
    }
    p.display().to_string()
}
