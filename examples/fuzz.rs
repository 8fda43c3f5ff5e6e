//! Mutation fuzzing of the readers: the `.xlsx` package reader (and
//! calamine behind it), the `.xls` pre-scan (and calamine), the web-page
//! reader, then import and check, for a bounded time.
//!
//!     cargo run --release --example fuzz -- [SECONDS] [SEED]
//!
//! The seeds are the samples (each `.xlsx`, each `.xls`, a web page of one)
//! and every file of `tests/fuzz-corpus/`. Each mutant is read, imported
//! and checked in a child process that holds its memory to 1 GB; a child
//! that panics outside a reader's own guard, aborts (an allocation past the
//! limit), or makes no progress for 10 s leaves its input as a crash in
//! `tests/fuzz-corpus/`, which `tests/fuzz_corpus.rs` replays on every
//! `cargo test`. Not a test: it prints what it ran and found.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The system allocator, failing (so the process aborts) past a limit.
struct Bounded;

static LIVE: AtomicUsize = AtomicUsize::new(0);
const MEMORY: usize = 1 << 30;

unsafe impl GlobalAlloc for Bounded {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size() > MEMORY {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            return std::ptr::null_mut();
        }
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Bounded = Bounded;

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The seeds: samples, a web page, and the kept corpus.
fn seeds() -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    for dir in [root().join("samples"), root().join("tests/fuzz-corpus")] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut entries: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
            if matches!(ext, "xlsx" | "xls" | "html") {
                out.push((ext.to_string(), std::fs::read(&p)?));
            }
        }
    }
    let wb = yusuan::workbook::Workbook::open(root().join("samples/qiaokou-2024.xlsx"))?;
    let page = yusuan::samples::variants::html_page(&wb, 1);
    out.push(("xls".into(), page));
    Ok(out)
}

/// One random change to bytes.
fn mutate_bytes(rng: &mut Rng, b: &mut Vec<u8>) {
    if b.is_empty() {
        b.push(b'<');
        return;
    }
    let at = rng.below(b.len());
    match rng.below(8) {
        0 => b[at] ^= 1 << rng.below(8),
        1 => b[at] = rng.next() as u8,
        2 => {
            // A 32-bit field set to an edge value (sizes, sector numbers).
            let v: u32 = [0, 1, 0xFFFF_FFFE, 0xFFFF_FFFF, 0x7FFF_FFFF, at as u32][rng.below(6)];
            let end = (at + 4).min(b.len());
            b[at..end].copy_from_slice(&v.to_le_bytes()[..end - at]);
        }
        3 => b.truncate(at),
        4 => {
            let len = rng.below(64).min(b.len() - at);
            let chunk = b[at..at + len].to_vec();
            let times = 1 + rng.below(50);
            for _ in 0..times {
                b.splice(at..at, chunk.iter().copied());
            }
        }
        5 => {
            let len = rng.below(256).min(b.len() - at);
            b.drain(at..at + len);
        }
        6 => {
            // A number in text made very large.
            if let Some(d) = b[at..].iter().position(u8::is_ascii_digit) {
                let big = ["4000000000", "99999999999999999999999999999", "1e300", "-0"];
                let w = big[rng.below(big.len())].as_bytes();
                b.splice(at + d..at + d + 1, w.iter().copied());
            }
        }
        _ => {
            let words: [&[u8]; 6] = [
                b" si=\"4000000000\"",
                b"<c r=\"IV65536\"><v>1</v></c>",
                b" rowspan=\"65534\" colspan=\"1000\"",
                b"<table><tr><td>",
                b" uniqueCount=\"4000000000\"",
                b"&#x0;",
            ];
            let w = words[rng.below(words.len())];
            b.splice(at..at, w.iter().copied());
        }
    }
}

/// A package mutated inside: one part inflated, changed and stored again;
/// or the zip bytes themselves.
fn mutate_package(rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
    let Ok(mut z) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        let mut b = bytes.to_vec();
        mutate_bytes(rng, &mut b);
        return b;
    };
    if rng.below(10) == 0 {
        let mut b = bytes.to_vec();
        mutate_bytes(rng, &mut b);
        return b;
    }
    let target = rng.below(z.len());
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut out);
        for i in 0..z.len() {
            let Ok(mut f) = z.by_index(i) else { continue };
            let name = f.name().map(|n| n.to_string()).unwrap_or_default();
            let mut data = Vec::new();
            if f.read_to_end(&mut data).is_err() {
                continue;
            }
            if i == target {
                for _ in 0..1 + rng.below(3) {
                    mutate_bytes(rng, &mut data);
                }
            }
            let opt = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            if w.start_file(name, opt).is_err() || w.write_all(&data).is_err() {
                continue;
            }
        }
        let _ = w.finish();
    }
    out.into_inner()
}

/// The child: reads, imports and checks `n` mutants of the seeds from
/// `seed`, writing each to `current` before it is read.
fn child(seed: u64, n: usize, current: &Path) -> anyhow::Result<()> {
    let seeds = seeds()?;
    let templates = yusuan::template::Templates::builtin();
    let mut rng = Rng(seed | 1);
    let mut progress = std::io::stdout();
    for _ in 0..n {
        let (ext, base) = &seeds[rng.below(seeds.len())];
        let bytes = if base.starts_with(b"PK") {
            mutate_package(&mut rng, base)
        } else {
            let mut b = base.clone();
            for _ in 0..1 + rng.below(4) {
                mutate_bytes(&mut rng, &mut b);
            }
            b
        };
        std::fs::write(current, &bytes)?;
        std::fs::write(current.with_extension("ext"), ext)?;
        let path = Path::new("fuzz").with_extension(ext);
        let outcome = yusuan::guard::catch(|| {
            match yusuan::workbook::Workbook::from_bytes(&path, &bytes) {
                Ok(wb) => {
                    if let Ok(b) = yusuan::import::import_workbook(
                        &wb,
                        &templates,
                        &yusuan::import::ImportOptions::default(),
                    ) {
                        let _ = yusuan::reconcile::check(&b);
                    }
                    None
                }
                // A reader's own guard caught a panic in our code.
                Err(e) if e.to_string().contains("，src/") => Some(e.to_string()),
                Err(_) => None,
            }
        });
        match outcome {
            Ok(None) => {}
            Ok(Some(bug)) | Err(bug) => {
                eprintln!("{bug}");
                std::process::exit(3);
            }
        }
        writeln!(progress, ".")?;
    }
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        let seed: u64 = args[1].parse()?;
        let n: usize = args[2].parse()?;
        return child(seed, n, Path::new(&args[3]));
    }
    let seconds: u64 = args.first().map_or(Ok(60), |s| s.parse())?;
    let mut seed: u64 = args.get(1).map_or(Ok(1), |s| s.parse())?;
    let corpus = root().join("tests/fuzz-corpus");
    std::fs::create_dir_all(&corpus)?;
    let dir = tempfile::tempdir()?;
    let current = dir.path().join("current.bin");
    let me = std::env::current_exe()?;
    let start = Instant::now();
    let (mut ran, mut crashes) = (0usize, 0usize);
    while start.elapsed() < Duration::from_secs(seconds) {
        const BATCH: usize = 200;
        let mut c = Command::new(&me)
            .args(["--child", &seed.to_string(), &BATCH.to_string()])
            .arg(&current)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let mut out = c.stdout.take().expect("piped");
        // The child prints a dot per input; silence for 10 s is a hang.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 64];
            while let Ok(n) = out.read(&mut buf) {
                if n == 0 || tx.send(n).is_err() {
                    break;
                }
            }
        });
        let mut hung = false;
        loop {
            match rx.recv_timeout(Duration::from_secs(10)) {
                Ok(n) => ran += n / 2,
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                    hung = true;
                    let _ = c.kill();
                    break;
                }
            }
        }
        let status = c.wait()?;
        let mut err = String::new();
        if let Some(mut e) = c.stderr.take() {
            let _ = e.read_to_string(&mut err);
        }
        if hung || !status.success() {
            let bytes = std::fs::read(&current)?;
            let ext = std::fs::read_to_string(current.with_extension("ext"))?;
            use sha2::Digest;
            let hash: String = sha2::Sha256::digest(&bytes)
                .iter()
                .take(6)
                .map(|b| format!("{b:02x}"))
                .collect();
            let file = corpus.join(format!("crash-{hash}.{ext}"));
            std::fs::write(&file, &bytes)?;
            crashes += 1;
            let why = if hung {
                "no progress in 10 s".to_string()
            } else {
                err.lines().last().unwrap_or("").to_string()
            };
            println!("crash: {} ({why})", file.display());
        }
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
    }
    println!(
        "{ran} mutants read, imported and checked in {:.0} s; {crashes} crashes kept in {}",
        start.elapsed().as_secs_f64(),
        corpus.display()
    );
    Ok(())
}
