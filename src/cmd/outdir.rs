//! An output folder held by one run at a time, and what a killed run left
//! in it.

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// The lock file of an output folder, there while a run holds it.
pub const LOCK: &str = ".yusuan.lock";

/// The output folder is this run's while this lives: an advisory lock of
/// the operating system on `.yusuan.lock`, held by the open file and let go
/// when the process ends, however it ends. There is no stale state to
/// guess about: a second run is refused at once, and a lock file left by a
/// killed run (whatever PID it names) holds nothing. The file is removed
/// when the run ends, the lock still held.
pub struct OutputLock {
    path: PathBuf,
    _file: File,
}

impl OutputLock {
    /// Takes the folder's lock, or says who holds it.
    ///
    /// # Errors
    /// Another run holds the folder (its process ID and start, as it wrote
    /// them), or the lock file cannot be opened.
    pub fn take(dir: &Path) -> anyhow::Result<OutputLock> {
        let path = dir.join(LOCK);
        loop {
            let mut file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(|e| {
                    anyhow::anyhow!(
                        "{}: 无法创建锁文件：{}",
                        super::shown(&path),
                        yusuan::workbook::write_reason(&e)
                    )
                })?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    let mut holder = String::new();
                    let _ = file.read_to_string(&mut holder);
                    let holder = holder.trim();
                    let who = if holder.is_empty() {
                        "另一个 yusuan 进程".to_string()
                    } else {
                        format!("另一个 yusuan 进程（{holder}）")
                    };
                    anyhow::bail!(
                        "输出文件夹 {} 正被{who}使用：等它结束，或换一个输出文件夹",
                        super::shown(dir)
                    );
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    anyhow::bail!("{}: 无法锁定输出文件夹（{e}）", super::shown(&path));
                }
            }
            // The file locked must still be the one at the path: a run
            // ending removes it, and one that opened it just before holds
            // a lock nobody else sees. Then try again.
            if !same_file(&file, &path) {
                continue;
            }
            // Who holds it, for the message a second run gives.
            let since = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            let _ = file.set_len(0);
            let _ = file.rewind();
            let _ = write!(
                file,
                "进程 {}，自 Unix 时间 {since} 秒起",
                std::process::id()
            );
            return Ok(OutputLock { path, _file: file });
        }
    }
}

/// Is `file` the file at `path` now?
fn same_file(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        true
    }
}

impl Drop for OutputLock {
    /// The file goes while the lock is still held; the lock goes with the
    /// open file, just after.
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Removes the temporary files a killed run left (`.<name>.tmp-<pid>`),
/// in `dir` and the folders under it; how many. Only called with the
/// folder's lock held, so no running process is writing them.
pub fn clean_stale(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut n = 0;
    for e in entries.filter_map(Result::ok) {
        let p: PathBuf = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        let Ok(kind) = e.file_type() else { continue };
        if kind.is_dir() {
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
