//! Memory of a bulk run: peak resident memory of `yusuan convert` over
//! 100, 1,000 and 3,000 distinct workbooks (the multi-unit sample laid out
//! by as many seeds of the layout variator, so no two files are alike).
//!
//!     cargo build --release && cargo run --release --example bench_bulk -- 100 1000 3000
//!
//! Each run is the release binary as a user runs it, on every core, for the
//! flat layout (`--to csv`) and the resumable part layout (`--layout
//! hive`); the binary reports its own peak (VmHWM) when
//! `YUSUAN_REPORT_PEAK_RSS` is set. Not a test: figures go in docs/performance.md.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use yusuan::import::{import_workbook, ImportOptions};
use yusuan::samples::variants::{vary, write_xlsx};
use yusuan::template::Templates;
use yusuan::workbook::Workbook;

fn main() -> anyhow::Result<()> {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse())
        .collect::<Result<_, _>>()?;
    let sizes = if sizes.is_empty() {
        vec![100, 1000, 3000]
    } else {
        sizes
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bin = root.join("target/release/yusuan");
    anyhow::ensure!(
        bin.exists(),
        "build the release binary first: cargo build --release"
    );
    let wb = Workbook::open(root.join("samples/wenlv-2024.xlsx"))?;
    let base = import_workbook(&wb, &Templates::builtin(), &ImportOptions::default())?;
    let dir = tempfile::tempdir()?;
    let inputs = dir.path().join("in");
    std::fs::create_dir_all(&inputs)?;
    let max = sizes.iter().copied().max().unwrap_or(0);
    let made = Instant::now();
    for seed in 0..max as u64 {
        write_xlsx(
            &vary(&wb, &base, seed).workbook,
            &inputs.join(format!("{seed:05}.xlsx")),
        )?;
    }
    println!(
        "{max} distinct workbooks written in {:.1} s; {} threads",
        made.elapsed().as_secs_f64(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!(
        "{:>7}  {:<22} {:>10} {:>9} {:>12}",
        "inputs", "run", "peak RSS", "seconds", "files/s"
    );
    for &n in &sizes {
        let set = dir.path().join(format!("set-{n}"));
        std::fs::create_dir_all(&set)?;
        for seed in 0..n {
            let name = format!("{seed:05}.xlsx");
            std::fs::hard_link(inputs.join(&name), set.join(&name))
                .or_else(|_| std::fs::copy(inputs.join(&name), set.join(&name)).map(|_| ()))?;
        }
        for (label, args) in [
            ("convert --to csv", vec!["--to", "csv"]),
            ("convert --layout hive", vec!["--layout", "hive"]),
            ("check", vec![]),
        ] {
            let out = dir
                .path()
                .join(format!("out-{n}-{}", label.replace(' ', "_")));
            let mut cmd = Command::new(&bin);
            if label == "check" {
                cmd.arg("check").arg(&set).args(["--format", "json"]);
            } else {
                cmd.arg("convert").arg(&set).arg("-o").arg(&out).args(&args);
            }
            let t = Instant::now();
            let o = cmd.env("YUSUAN_REPORT_PEAK_RSS", "1").output()?;
            let secs = t.elapsed().as_secs_f64();
            let err = String::from_utf8_lossy(&o.stderr);
            let peak = err
                .lines()
                .find_map(|l| l.strip_prefix("peak_rss "))
                .unwrap_or("?")
                .to_string();
            println!(
                "{n:>7}  {label:<22} {peak:>10} {secs:>9.2} {:>12.0}",
                n as f64 / secs
            );
            let _ = std::fs::remove_dir_all(&out);
        }
    }
    Ok(())
}
