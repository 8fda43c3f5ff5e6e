//! Benchmark: each phase of a conversion against the floor — a program that
//! only opens each workbook with calamine and reads every cell of every
//! sheet — over a corpus of N workbooks (copies of the bundled samples,
//! .xlsx and .xls).
//!
//!     cargo build --release && cargo run --release --example bench -- 1000
//!
//! Each phase runs three times on one thread; the best time is reported,
//! and its ratio to the floor measured in the same run. Then import + check,
//! and the whole of `--to csv,xlsx` in the process, with all cores; the
//! process's peak memory; and the release binary on one thread and on all
//! (best of three each), its outputs written and synced to disk; and the
//! resumable layout (`--layout hive`) against the flat one, files a second.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

// The allocator the binary uses, so the phases cost here what they cost there.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use yusuan::import::{import_workbook, ImportOptions};
use yusuan::reconcile::check;
use yusuan::template::Templates;
use yusuan::workbook::Workbook;

const SOURCES: [&str; 7] = [
    "qiaokou-2024.xlsx",
    "wenlv-2024.xlsx",
    "wenlv-2024-quirks.xlsx",
    "wenlv-2024-sheetnames.xlsx",
    "qiaokou-2024.xls",
    "wenlv-2024-quirks.xls",
    "wenlv-2022.xls",
];

fn corpus(n: usize, dir: &Path) -> Vec<PathBuf> {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    (0..n)
        .map(|i| {
            let src = SOURCES[i % SOURCES.len()];
            let ext = Path::new(src)
                .extension()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let p = dir.join(format!("{i:05}.{ext}"));
            std::fs::copy(samples.join(src), &p).unwrap();
            p
        })
        .collect()
}

fn best(runs: usize, mut f: impl FnMut() -> usize) -> (Duration, usize) {
    let mut out = (Duration::MAX, 0);
    for _ in 0..runs {
        let t = Instant::now();
        let n = f();
        out = (out.0.min(t.elapsed()), n);
    }
    out
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let dir = std::env::temp_dir().join(format!("yusuan-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let files = corpus(n, &dir);
    let t = Templates::builtin();
    let o = ImportOptions::default();
    let import = |p: &PathBuf| import_workbook(&Workbook::open(p).unwrap(), &t, &o).unwrap();

    let (imp, _) = best(3, || {
        files.iter().map(|p| import(p).tables.metas().len()).sum()
    });
    // reading the files alone (calamine), to see what the importer itself costs
    let (read, _) = best(3, || {
        files
            .iter()
            .map(|p| Workbook::open(p).unwrap().sheets.len())
            .sum()
    });
    let (chk, findings) = best(3, || files.iter().map(|p| check(&import(p)).len()).sum());
    // check alone, on budgets already imported
    let budgets: Vec<_> = files.iter().map(import).collect();
    let (only, _) = best(3, || budgets.iter().map(|b| check(b).len()).sum());
    // The floor: calamine alone, every cell of every sheet.
    let (floor, _) = best(3, || {
        use calamine::Reader;
        files
            .iter()
            .map(|p| {
                let mut wb = calamine::open_workbook_auto(p).unwrap();
                let names = wb.sheet_names().to_vec();
                names
                    .iter()
                    .map(|n| wb.worksheet_range(n).map_or(0, |r| r.cells().count()))
                    .sum::<usize>()
            })
            .sum()
    });
    // What convert adds: the CSV rows rendered, the normalized workbook.
    let csv = |b: &yusuan::model::Budget| {
        use yusuan::export::csv::{schemas, CsvChunks, Encoding};
        let mut c = CsvChunks::of(
            b,
            "bench.xlsx",
            "0000000000000000",
            yusuan::amount::Unit::Yuan,
        );
        schemas()
            .iter()
            .map(|(name, _)| c.take(name, Encoding::Utf8).unwrap().len())
            .sum::<usize>()
    };
    let xlsx = |b: &yusuan::model::Budget| {
        yusuan::export::layout::write_as(b, t.current())
            .unwrap()
            .bytes
            .len()
    };
    let (with_csv, _) = best(3, || {
        files
            .iter()
            .map(|p| {
                let b = import(p);
                check(&b).len() + csv(&b)
            })
            .sum()
    });
    let (with_both, _) = best(3, || {
        files
            .iter()
            .map(|p| {
                let b = import(p);
                check(&b).len() + csv(&b) + xlsx(&b)
            })
            .sum()
    });
    // A bound no writer of this workbook can beat: zipping the XML of each
    // normalized workbook alone, as the writer zips it (deflate level 1,
    // the level `write_as` sets), with nothing rendered.
    let parts: Vec<Vec<(String, Vec<u8>)>> = budgets
        .iter()
        .map(|b| {
            use std::io::Read;
            let bytes = yusuan::export::layout::write_as(b, t.current())
                .unwrap()
                .bytes;
            let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
            (0..z.len())
                .map(|i| {
                    let mut f = z.by_index(i).unwrap();
                    let mut xml = Vec::new();
                    f.read_to_end(&mut xml).unwrap();
                    (f.name().unwrap().into_owned(), xml)
                })
                .collect()
        })
        .collect();
    drop(budgets);
    let xml_bytes: usize = parts.iter().flatten().map(|(_, x)| x.len()).sum();
    let (deflate, _) = best(3, || {
        parts
            .iter()
            .map(|book| {
                yusuan::export::xlsx::zip_parts(book, Some(1))
                    .unwrap()
                    .len()
            })
            .sum()
    });
    drop(parts);
    let pool = rayon::current_num_threads();
    let (par, _) = best(3, || {
        files.par_iter().map(|p| check(&import(p)).len()).sum()
    });
    let (par_both, _) = best(3, || {
        files
            .par_iter()
            .map(|p| {
                let b = import(p);
                check(&b).len() + csv(&b) + xlsx(&b)
            })
            .sum()
    });

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let x = |d: Duration| d.as_secs_f64() / floor.as_secs_f64();
    println!(
        "{n} workbooks ({} sources round-robin), best of 3, one thread:",
        SOURCES.len()
    );
    println!(
        "  {:<38} {:>9.1} ms  {:>6.2} ms/file   1.00x",
        "floor (calamine reads every cell)",
        ms(floor),
        ms(floor) / n as f64
    );
    let checked = format!("import + check ({findings} findings)");
    for (what, d) in [
        ("our reader (cells, merges, formulas)", read),
        ("import", imp),
        (checked.as_str(), chk),
        ("  + CSV rendered (convert --to csv)", with_csv),
        ("  + normalized xlsx (--to csv,xlsx)", with_both),
    ] {
        println!(
            "  {what:<38} {:>9.1} ms  {:>6.2} ms/file  {:>5.2}x",
            ms(d),
            ms(d) / n as f64,
            x(d)
        );
    }
    println!(
        "  zip alone, the normalized workbooks' XML ({} KiB/file), level 1: {:.1} ms  {:.2} ms/file  {:.2}x",
        xml_bytes / n / 1024,
        ms(deflate),
        ms(deflate) / n as f64,
        x(deflate)
    );
    println!(
        "  check alone           {:>9.1} ms  {:>6.3} ms/file",
        ms(only),
        ms(only) / n as f64
    );
    println!(
        "  ratio (import+check)/import = {:.3}  (two separate timings: machine noise shows here)",
        chk.as_secs_f64() / imp.as_secs_f64()
    );
    println!(
        "  ratio (import + check alone)/import = {:.3}  (the stable measure)",
        (imp + only).as_secs_f64() / imp.as_secs_f64()
    );
    println!(
        "  import + check, {pool} threads {:>9.1} ms  {:>6.0} files/s",
        ms(par),
        n as f64 / par.as_secs_f64()
    );
    println!(
        "  + CSV and xlsx, {pool} threads {:>9.1} ms  {:>6.0} files/s  {:.2}x one thread",
        ms(par_both),
        n as f64 / par_both.as_secs_f64(),
        with_both.as_secs_f64() / par_both.as_secs_f64()
    );
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    if let Some(peak) = status.lines().find(|l| l.starts_with("VmHWM:")) {
        println!(
            "  peak memory {} (the {n} imported budgets, then their normalized workbooks' XML, are held in memory)",
            peak.trim_start_matches("VmHWM:").trim()
        );
    }
    // The binary as users run it, one thread against all: reading,
    // checking, rendering and writing in the workers, the ordered writer
    // on the main thread.
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/yusuan");
    if bin.exists() {
        // One conversion from an empty output folder; `extra` after `--to`.
        let once = |to: &str, threads: usize, extra: &[&str]| {
            let out = dir.join(format!("out-{threads}"));
            let _ = std::fs::remove_dir_all(&out);
            let t = Instant::now();
            let ok = std::process::Command::new(&bin)
                .arg("convert")
                .args(&files)
                .args(["-o", out.to_str().unwrap(), "--to", to])
                .args(extra)
                .env("RAYON_NUM_THREADS", threads.to_string())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            assert!(ok, "convert --to {to} {extra:?} failed");
            t.elapsed()
        };
        // Best of three, as the phases above.
        let run = |to: &str, threads: usize, extra: &[&str]| {
            (0..3)
                .map(|_| once(to, threads, extra))
                .min()
                .unwrap_or_default()
        };
        let mut flat_all = Duration::ZERO;
        for to in ["csv", "csv,xlsx"] {
            let (one, all) = (run(to, 1, &[]), run(to, pool, &[]));
            if to == "csv" {
                flat_all = all;
            }
            println!(
                "  convert --to {to:<8} binary: 1 thread {:>7.1} ms, {pool} threads {:>7.1} ms: {:.2}x",
                ms(one),
                ms(all),
                one.as_secs_f64() / all.as_secs_f64()
            );
        }
        // The resumable layout makes each group of inputs durable before
        // journalling them; the flat one syncs its files once at the end.
        let hive = run("csv", pool, &["--layout", "hive"]);
        let per_s = |d: Duration| n as f64 / d.as_secs_f64();
        println!(
            "  convert --to csv, {pool} threads: flat {:>6.0} files/s, --layout hive {:>6.0} files/s: {:.2}x",
            per_s(flat_all),
            per_s(hive),
            per_s(hive) / per_s(flat_all)
        );
    } else {
        println!("  (cargo build --release first to time the binary on 1 and {pool} threads)");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
